import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import type { OAuthClient } from '../clients/oauth-client.entity';
import { GrantsService } from '../grants/grants.service';
import { UnauthorizedClientError } from '../oauth.errors';
import { effectiveScopes, formatScopes } from '../scopes';
import { hashSecret } from '../tokens/token-values';
import type { Role } from '../../identity/membership.entity';

interface TokenOwner {
  kind: 'access' | 'refresh';
  grantId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  resource: string;
  role: Role | null;
  createdAt: Date;
  expiresAt: Date;
  active: boolean;
}

@Injectable()
export class RevocationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantsService,
    private readonly config: AppConfig,
  ) {}

  private async owner(token: string): Promise<TokenOwner | undefined> {
    const [row] = await this.dataSource.query<TokenOwner[]>(
      `SELECT t.kind, g.id AS "grantId", g.client_id AS "clientId", g.user_id AS "userId", coalesce(t.scopes, g.scopes) AS scopes, g.resource,
              m.role, t.created_at AS "createdAt", t.expires_at AS "expiresAt",
              (t.expires_at > now() AND g.revoked_at IS NULL AND g.expires_at > now() AND t.used_at IS NULL
               AND m.role IS NOT NULL AND NOT u.disabled AND c.disabled_at IS NULL) AS active
         FROM oauth_tokens t
         JOIN oauth_grants g ON g.id = t.grant_id
         JOIN users u ON u.id = g.user_id
         JOIN oauth_clients c ON c.id = g.client_id
         LEFT JOIN memberships m ON m.org_id = g.org_id AND m.user_id = g.user_id
        WHERE t.token_hash = $1`,
      [hashSecret(token)],
    );
    return row;
  }

  /**
   * RFC 7009 §2: revoking either token of a grant ends the grant (DESIGN.md). Unknown tokens answer
   * 200 (no oracle). Another client's token is refused to a confidential client and silently left
   * alone for a public one, whose client_id proves nothing (security.md E4).
   */
  async revoke(client: OAuthClient, token: string): Promise<void> {
    const owner = await this.owner(token);
    if (!owner) return;
    if (owner.clientId !== client.id) {
      if (client.tokenEndpointAuthMethod !== 'none') {
        throw new UnauthorizedClientError('This client may not revoke a token issued to another client.');
      }
      return;
    }
    await this.grants.revoke(owner.grantId, 'client_revocation');
  }

  /** RFC 7662 §2.2; a token of another client is reported inactive. */
  async introspect(client: OAuthClient, token: string): Promise<Record<string, unknown>> {
    const owner = await this.owner(token);
    if (!owner || owner.clientId !== client.id || !owner.active || !owner.role) return { active: false };
    return {
      active: true,
      token_type: owner.kind === 'access' ? 'Bearer' : 'refresh_token',
      client_id: owner.clientId,
      sub: owner.userId,
      scope: formatScopes(effectiveScopes(owner.scopes, owner.role)),
      aud: owner.resource,
      iss: this.config.oauth.issuer,
      iat: Math.floor(new Date(owner.createdAt).getTime() / 1000),
      exp: Math.floor(new Date(owner.expiresAt).getTime() / 1000),
    };
  }
}
