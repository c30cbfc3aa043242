import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../config/app-config.service';
import type { OAuthClient } from '../../clients/oauth-client.entity';
import { checkResourceParameter } from './resource-parameter';
import { Grant } from '../../grants/grant.entity';
import { GrantsService } from '../../grants/grants.service';
import { InvalidGrantError } from '../../oauth.errors';
import { AuthorizationCode } from '../../tokens/authorization-code.entity';
import { TokenIssuer } from '../../tokens/token-issuer';
import type { TokenResponse } from '../../tokens/token-issuer';
import { constantTimeEquals, hashSecret } from '../../tokens/token-values';
import { formParameter, requiredFormParameter } from '../token-request';

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * grant_type=authorization_code (OAuth 2.1 §4.1.3). Every binding is checked before the code is
 * consumed, so a stolen code with a wrong verifier cannot burn the legitimate exchange (security.md
 * C3). Consumption is one conditional UPDATE: of two concurrent redemptions exactly one wins (C2);
 * the loser, like any replay, revokes what the winner was issued (C1).
 */
@Injectable()
export class AuthorizationCodeGrant {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly issuer: TokenIssuer,
    private readonly grants: GrantsService,
  ) {}

  async exchange(client: OAuthClient, body: Record<string, unknown>): Promise<TokenResponse> {
    const code = requiredFormParameter(body, 'code');
    const redirectUri = requiredFormParameter(body, 'redirect_uri');
    const verifier = formParameter(body, 'code_verifier');
    checkResourceParameter(formParameter(body, 'resource'), this.config.oauth.resources);

    const codeHash = hashSecret(code);
    const stored = await this.dataSource.getRepository(AuthorizationCode).findOneBy({ codeHash });
    if (!stored) throw new InvalidGrantError('The authorization code is invalid.');
    if (stored.clientId !== client.id)
      throw new InvalidGrantError('The authorization code was issued to another client.');
    if (stored.redirectUri !== redirectUri)
      throw new InvalidGrantError('redirect_uri differs from the one in the authorization request.');
    if (!verifier || !VERIFIER.test(verifier) || !constantTimeEquals(s256(verifier), stored.codeChallenge)) {
      throw new InvalidGrantError('code_verifier does not match the code_challenge (PKCE).');
    }
    if (stored.consumedAt) return this.replayed(stored.codeHash);
    if (stored.expiresAt.getTime() <= Date.now())
      throw new InvalidGrantError('The authorization code has expired.');

    const outcome = await this.dataSource.transaction(async (manager) => {
      const consumed = await manager
        .createQueryBuilder()
        .update(AuthorizationCode)
        .set({ consumedAt: () => 'now()' })
        .where('code_hash = :codeHash AND consumed_at IS NULL AND expires_at > now()', { codeHash })
        .execute();
      if ((consumed.affected ?? 0) === 0) return 'replayed' as const;
      const [user] = await manager.query<{ disabled: boolean }[]>(
        `SELECT disabled FROM users WHERE id = $1`,
        [stored.userId],
      );
      if (!user || user.disabled) return 'user_disabled' as const;
      const absoluteEnd = Date.now() + this.config.tokens.refreshTokenAbsoluteSeconds * 1000;
      const grant = await manager.getRepository(Grant).save({
        orgId: stored.orgId,
        userId: stored.userId,
        clientId: client.id,
        scopes: stored.scopes,
        resource: stored.resource,
        expiresAt: new Date(absoluteEnd),
        lastUsedAt: new Date(),
      });
      await manager.getRepository(AuthorizationCode).update({ codeHash }, { grantId: grant.id });
      return this.issuer.issue(manager, grant, client.grantTypes.includes('refresh_token'));
    });
    if (outcome === 'replayed') return this.replayed(codeHash);
    if (outcome === 'user_disabled')
      throw new InvalidGrantError('The account that approved this code is disabled.');
    return outcome;
  }

  /** OAuth 2.1 §4.1.3: a second use is refused and what the first use issued is revoked. */
  private async replayed(codeHash: string): Promise<never> {
    const code = await this.dataSource.getRepository(AuthorizationCode).findOneBy({ codeHash });
    if (code?.grantId) await this.grants.revoke(code.grantId, 'code_replay');
    throw new InvalidGrantError('The authorization code has already been used.');
  }
}
