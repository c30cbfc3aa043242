import { Inject, Injectable, Optional } from '@nestjs/common';
import { Metrics } from '../../observability/metrics';
import { IdentityService } from '../identity.service';
import { PasswordHasher } from '../password-hasher';
import { LoginThrottleService } from './login-throttle.service';

export type LoginOutcome = { ok: true; userId: string } | { ok: false };

/**
 * Email + password sign-in. Every failure looks the same to the caller — unknown account, wrong
 * password, disabled user or throttled key — and costs the same Argon2 verification, so neither
 * the response nor its timing tells which (security.md H6, H8).
 */
@Injectable()
export class PasswordLoginService {
  /** Prometheus oauth_login_failures_total; property-injected so the constructor stays as it was. */
  @Optional() @Inject(Metrics) private readonly metrics?: Metrics;

  constructor(
    private readonly identity: IdentityService,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottleService,
  ) {}

  async attempt(email: string, password: string, ip: string): Promise<LoginOutcome> {
    const keys = LoginThrottleService.keys(email, ip);
    const [locked, user] = await Promise.all([
      this.throttle.isLocked(keys),
      this.identity.findUserForLogin(email),
    ]);
    const passwordOk = await this.passwords.verify(user?.passwordHash, password);
    if (locked || !user || !passwordOk || user.disabled) {
      await this.throttle.recordFailure(keys);
      this.metrics?.loginFailures.inc(); // metric hook
      return { ok: false };
    }
    await this.throttle.recordSuccess(keys);
    return { ok: true, userId: user.id };
  }
}
