import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../config/app-config.service';
import { pooledQuery } from '../../../database/pooled-query';
import type { OAuthClient } from '../../clients/oauth-client.entity';
import { GrantsService } from '../../grants/grants.service';
import { InvalidGrantError, InvalidScopeError } from '../../oauth.errors';
import { formatScopes, parseScopeParameter } from '../../scopes';
import type { TokenResponse } from '../../tokens/token-issuer';
import { hashSecret, newSecret } from '../../tokens/token-values';
import { formParameter, requiredFormParameter } from '../token-request';
import { checkResourceParameter } from './resource-parameter';

interface Rotated {
  scopes: string[];
  accessScopes: string[] | null;
  expiresIn: number;
}

interface Diagnosis {
  usedAt: Date | null;
  expired: boolean;
  grantId: string;
  clientId: string;
  grantScopes: string[];
  revoked: boolean;
  grantExpired: boolean;
  userDisabled: boolean;
  isMember: boolean;
}

/**
 * The rotation as ONE statement: the old refresh token is marked used only if every rule holds
 * (unused, unexpired, this client's, grant live, user enabled and still a member, scope not
 * widened), and the new access and refresh tokens are inserted from that same row. PostgreSQL's
 * row lock makes two concurrent refreshes of one token serialise: the second finds it used.
 * One round trip instead of a transaction of eight (bench/README.md, OAuth).
 */
const ROTATE = `
WITH old AS (
  UPDATE oauth_tokens t SET used_at = now()
    FROM oauth_grants g, users u
   WHERE t.token_hash = $1 AND t.kind = 'refresh' AND t.used_at IS NULL AND t.expires_at > now()
     AND g.id = t.grant_id AND g.client_id = $2 AND g.revoked_at IS NULL AND g.expires_at > now()
     AND u.id = g.user_id AND NOT u.disabled
     AND EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = g.org_id AND m.user_id = g.user_id)
     AND ($5::text[] IS NULL OR $5::text[] <@ g.scopes)
  RETURNING g.id AS grant_id, g.scopes, g.expires_at AS grant_expires,
            CASE WHEN $5::text[] IS NULL OR g.scopes <@ $5::text[] THEN NULL ELSE $5::text[] END AS access_scopes
), issued AS (
  INSERT INTO oauth_tokens (token_hash, kind, grant_id, expires_at, scopes)
  SELECT $3, 'access'::oauth_token_kind, grant_id, least(now() + make_interval(secs => $6), grant_expires), access_scopes FROM old
  UNION ALL
  SELECT $4, 'refresh'::oauth_token_kind, grant_id, least(now() + make_interval(secs => $7), grant_expires), NULL FROM old
  RETURNING kind, expires_at
), touched AS (
  UPDATE oauth_grants SET last_used_at = now()
   WHERE id IN (SELECT grant_id FROM old) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
)
SELECT old.scopes, old.access_scopes AS "accessScopes",
       greatest(1, floor(extract(epoch FROM (i.expires_at - now()))))::int AS "expiresIn"
  FROM old, issued i WHERE i.kind = 'access'`;

/**
 * grant_type=refresh_token (OAuth 2.1 §4.3) with rotation on every use (RFC 9700 §4.14). A used
 * token presented again is reuse and revokes the whole grant (strict policy, docs/adr/0006), which
 * also covers two concurrent refreshes of one token. Scope and resource may be omitted — Claude
 * Code, Codex and ChatGPT do — and then keep the grant's; a narrower scope narrows only the new
 * access token (RFC 6749 §6).
 */
@Injectable()
export class RefreshTokenGrant {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly grants: GrantsService,
  ) {}

  async exchange(client: OAuthClient, body: Record<string, unknown>): Promise<TokenResponse> {
    const refreshToken = requiredFormParameter(body, 'refresh_token');
    const scope = formParameter(body, 'scope');
    checkResourceParameter(formParameter(body, 'resource'), this.config.oauth.resources);
    const requested = scope === undefined ? null : parseScopeParameter(scope);
    if (requested !== null && (!requested || requested.length === 0)) {
      throw new InvalidScopeError('scope must list one or more scopes of the original grant.');
    }
    const tokenHash = hashSecret(refreshToken);
    const accessToken = newSecret('accessToken');
    const newRefreshToken = newSecret('refreshToken');

    const [rotated] = await pooledQuery<Rotated>(this.dataSource, ROTATE, [
      tokenHash,
      client.id,
      hashSecret(accessToken),
      hashSecret(newRefreshToken),
      requested,
      this.config.tokens.accessTokenSeconds,
      this.config.tokens.refreshTokenIdleSeconds,
    ]);
    if (!rotated) return this.refused(tokenHash, client, requested);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: rotated.expiresIn,
      scope: formatScopes(rotated.accessScopes ?? rotated.scopes),
      refresh_token: newRefreshToken,
    };
  }

  /** Why the rotation did not happen — read only on this rare path — and the matching answer. */
  private async refused(tokenHash: string, client: OAuthClient, requested: string[] | null): Promise<never> {
    const [row] = await this.dataSource.query<Diagnosis[]>(
      `SELECT t.used_at AS "usedAt", t.expires_at <= now() AS expired, g.id AS "grantId", g.client_id AS "clientId",
              g.scopes AS "grantScopes", g.revoked_at IS NOT NULL AS revoked, g.expires_at <= now() AS "grantExpired",
              u.disabled AS "userDisabled",
              EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = g.org_id AND m.user_id = g.user_id) AS "isMember"
         FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN users u ON u.id = g.user_id
        WHERE t.token_hash = $1 AND t.kind = 'refresh'`,
      [tokenHash],
    );
    if (!row) throw new InvalidGrantError('The refresh token is invalid.');
    // Another client's token is refused and left alone (security.md D5).
    if (row.clientId !== client.id)
      throw new InvalidGrantError('The refresh token was issued to another client.');
    if (row.usedAt) {
      await this.grants.revoke(row.grantId, 'refresh_token_reuse');
      throw new InvalidGrantError(
        'The refresh token was already used; the grant has been revoked. Sign in again.',
      );
    }
    if (row.revoked) throw new InvalidGrantError('The refresh token has been revoked.');
    if (row.expired || row.grantExpired)
      throw new InvalidGrantError('The refresh token has expired; sign in again.');
    if (row.userDisabled || !row.isMember)
      throw new InvalidGrantError('The account behind this grant can no longer sign in.');
    if (requested && requested.some((s) => !row.grantScopes.includes(s))) {
      throw new InvalidScopeError('A refresh cannot add scopes beyond the original grant.');
    }
    throw new InvalidGrantError('The refresh token cannot be used.');
  }
}
