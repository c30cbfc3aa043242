import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';

const FIRST_LOCK_SECONDS = 60;
const LONGEST_LOCK_SECONDS = 15 * 60;

export interface ThrottleKeys {
  account: string;
  ip: string;
}

/**
 * Brute-force throttling keyed on the account and on the client address (security.md H5): past
 * the limit the key is locked for a minute, doubling per lock up to 15 minutes, so an attacker
 * cannot lock a victim out for long (H7). Counters live in PostgreSQL so all replicas agree (H9).
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  static keys(email: string, ip: string): ThrottleKeys {
    return { account: `account:${email.trim().toLowerCase()}`, ip: `ip:${ip}` };
  }

  /** True when either key is locked right now. */
  async isLocked(keys: ThrottleKeys): Promise<boolean> {
    const rows = await this.dataSource.query<{ locked: boolean }[]>(
      `SELECT bool_or(locked_until > now()) AS locked FROM login_throttles WHERE key = ANY($1)`,
      [[keys.account, keys.ip]],
    );
    return rows[0]?.locked === true;
  }

  async recordFailure(keys: ThrottleKeys): Promise<void> {
    const { windowSeconds, maxFailuresPerAccount, maxFailuresPerIp } = this.config.loginThrottle;
    await this.bump(keys.account, maxFailuresPerAccount, windowSeconds);
    await this.bump(keys.ip, maxFailuresPerIp, windowSeconds);
  }

  /** A correct password clears the account's counter (the IP's keeps counting other accounts). */
  async recordSuccess(keys: ThrottleKeys): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_throttles WHERE key = $1`, [keys.account]);
  }

  /** One atomic upsert: a new window resets the count; reaching the limit sets the next lock. */
  private async bump(key: string, limit: number, windowSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO login_throttles AS t (key, failures, window_started_at, lockouts, locked_until)
       VALUES ($1, 1, now(), 0, NULL)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_started_at < now() - make_interval(secs => $3) THEN 1 ELSE t.failures + 1 END,
         window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => $3) THEN now() ELSE t.window_started_at END,
         lockouts = CASE WHEN t.window_started_at < now() - make_interval(secs => $3) THEN 0
                         WHEN t.failures + 1 >= $2 THEN t.lockouts + 1 ELSE t.lockouts END,
         locked_until = CASE WHEN t.window_started_at >= now() - make_interval(secs => $3) AND t.failures + 1 >= $2
                             THEN now() + make_interval(secs => LEAST($4 * power(2, t.lockouts), $5))
                             ELSE t.locked_until END`,
      [key, limit, windowSeconds, FIRST_LOCK_SECONDS, LONGEST_LOCK_SECONDS],
    );
  }
}
