import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import { preparedQuery } from '../../database/pooled-query';
import type { Role } from '../../identity/membership.entity';
import { effectiveScopes } from '../scopes';
import type { Principal } from './principal';
import { hashSecret, TOKEN_PREFIXES } from './token-values';

interface TokenRow {
  kind: 'access' | 'refresh';
  expired: boolean;
  grantId: string;
  orgId: string;
  userId: string;
  clientId: string;
  scopes: string[];
  resource: string;
  revoked: boolean;
  grantExpired: boolean;
  role: Role;
  userDisabled: boolean;
  clientDisabled: boolean;
  staleLastUse: boolean;
}

/**
 * Turns a bearer access token into a principal, or null. Everything that can end access is read
 * from PostgreSQL on every request — revocation, expiry, a disabled user, a removed membership or
 * role change, a disabled client — so it takes effect on the very next request on every replica.
 */
@Injectable()
export class TokenValidator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async validate(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIXES.accessToken) || token.length > 200) return null;
    // Prepared: parsing and planning this five-table join was most of its cost (bench/README.md, MCP).
    const rows = await preparedQuery<TokenRow>(
      this.dataSource,
      `SELECT t.kind, t.expires_at <= now() AS expired,
              g.id AS "grantId", g.org_id AS "orgId", g.user_id AS "userId", g.client_id AS "clientId",
              coalesce(t.scopes, g.scopes) AS scopes, g.resource, g.revoked_at IS NOT NULL AS revoked, g.expires_at <= now() AS "grantExpired",
              m.role, u.disabled AS "userDisabled", c.disabled_at IS NOT NULL AS "clientDisabled",
              (g.last_used_at IS NULL OR g.last_used_at < now() - interval '1 minute') AS "staleLastUse"
         FROM oauth_tokens t
         JOIN oauth_grants g ON g.id = t.grant_id
         JOIN memberships m ON m.org_id = g.org_id AND m.user_id = g.user_id
         JOIN users u ON u.id = g.user_id
         JOIN oauth_clients c ON c.id = g.client_id
        WHERE t.token_hash = $1`,
      [hashSecret(token)],
    );
    const row = rows[0];
    if (!row || row.kind !== 'access' || row.expired || row.revoked || row.grantExpired) return null;
    if (row.userDisabled || row.clientDisabled) return null;
    // RFC 8707 / MCP authorization: accept only tokens issued for our resources (audience). The
    // MCP and legacy SSE endpoints serve the same data, so a token for either works on both.
    if (!this.config.oauth.resources.includes(row.resource)) return null;
    if (row.staleLastUse) await this.touch(row.grantId);
    return {
      userId: row.userId,
      orgId: row.orgId,
      role: row.role,
      clientId: row.clientId,
      grantId: row.grantId,
      scopes: effectiveScopes(row.scopes, row.role),
    };
  }

  /** "Last used" for the connected-apps page, written at most once a minute per grant. */
  private async touch(grantId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE oauth_grants SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [grantId],
    );
  }
}
