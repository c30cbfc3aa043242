import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../config/app-config.service';
import type { OAuthClient } from '../../clients/oauth-client.entity';
import { Grant } from '../../grants/grant.entity';
import { GrantsService } from '../../grants/grants.service';
import { InvalidGrantError, InvalidScopeError } from '../../oauth.errors';
import { parseScopeParameter } from '../../scopes';
import { OAuthToken } from '../../tokens/oauth-token.entity';
import { TokenIssuer } from '../../tokens/token-issuer';
import type { TokenResponse } from '../../tokens/token-issuer';
import { hashSecret } from '../../tokens/token-values';
import { formParameter, requiredFormParameter } from '../token-request';
import { checkResourceParameter } from './resource-parameter';

interface RefreshRow {
  usedAt: Date | null;
  expired: boolean;
  grantId: string;
  clientId: string;
  revoked: boolean;
  grantExpired: boolean;
  userDisabled: boolean;
  isMember: boolean;
}

type Outcome = TokenResponse | { reuse: string } | { invalid: string };

/**
 * grant_type=refresh_token (OAuth 2.1 §4.3) with rotation on every use (RFC 9700 §4.14). The token
 * row is locked, checked, marked used and replaced in one transaction, so two concurrent refreshes
 * cannot both succeed: the second sees a used token, which is reuse, and the whole grant is revoked
 * (strict policy, docs/adr/0006). Scope and resource may be omitted — Claude Code, Codex and
 * ChatGPT do — and then keep the grant's.
 */
@Injectable()
export class RefreshTokenGrant {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly issuer: TokenIssuer,
    private readonly grants: GrantsService,
  ) {}

  async exchange(client: OAuthClient, body: Record<string, unknown>): Promise<TokenResponse> {
    const refreshToken = requiredFormParameter(body, 'refresh_token');
    const scope = formParameter(body, 'scope');
    checkResourceParameter(formParameter(body, 'resource'), this.config.oauth.resource);
    const tokenHash = hashSecret(refreshToken);

    const outcome = await this.dataSource.transaction(async (manager): Promise<Outcome> => {
      const [row] = await manager.query<RefreshRow[]>(
        `SELECT t.used_at AS "usedAt", t.expires_at <= now() AS expired, g.id AS "grantId", g.client_id AS "clientId",
                g.revoked_at IS NOT NULL AS revoked, g.expires_at <= now() AS "grantExpired",
                u.disabled AS "userDisabled",
                EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = g.org_id AND m.user_id = g.user_id) AS "isMember"
           FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN users u ON u.id = g.user_id
          WHERE t.token_hash = $1 AND t.kind = 'refresh'
          FOR UPDATE OF t`,
        [tokenHash],
      );
      if (!row) return { invalid: 'The refresh token is invalid.' };
      // Checked before anything else changes: another client's token is refused, not consumed (D5).
      if (row.clientId !== client.id) return { invalid: 'The refresh token was issued to another client.' };
      if (row.usedAt) return { reuse: row.grantId };
      if (row.revoked) return { invalid: 'The refresh token has been revoked.' };
      if (row.expired || row.grantExpired)
        return { invalid: 'The refresh token has expired; sign in again.' };
      if (row.userDisabled || !row.isMember)
        return { invalid: 'The account behind this grant can no longer sign in.' };

      const grant = await manager.getRepository(Grant).findOneByOrFail({ id: row.grantId });
      let narrowed: string[] | undefined;
      if (scope !== undefined) {
        const requested = parseScopeParameter(scope);
        if (!requested || requested.length === 0 || requested.some((s) => !grant.scopes.includes(s))) {
          throw new InvalidScopeError('A refresh cannot add scopes beyond the original grant.');
        }
        // RFC 6749 §6: the access token may be narrower; the grant (and the next refresh) keep all.
        narrowed = requested.length < grant.scopes.length ? requested : undefined;
      }
      await manager.getRepository(OAuthToken).update({ tokenHash }, { usedAt: new Date() });
      await manager.getRepository(Grant).update({ id: grant.id }, { lastUsedAt: new Date() });
      return this.issuer.issue(manager, grant, true, narrowed);
    });

    if ('reuse' in outcome) {
      await this.grants.revoke(outcome.reuse, 'refresh_token_reuse');
      throw new InvalidGrantError(
        'The refresh token was already used; the grant has been revoked. Sign in again.',
      );
    }
    if ('invalid' in outcome) throw new InvalidGrantError(outcome.invalid);
    return outcome;
  }
}
