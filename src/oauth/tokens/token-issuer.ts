import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import type { Grant } from '../grants/grant.entity';
import { formatScopes } from '../scopes';
import { OAuthToken } from './oauth-token.entity';
import { hashSecret, newSecret } from './token-values';

/** RFC 6749 §5.1 token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** Mints an access token (and a refresh token when the grant allows one) for a grant. */
@Injectable()
export class TokenIssuer {
  constructor(private readonly config: AppConfig) {}

  /** `accessScopes`: a subset of the grant's scopes for this access token only (a narrowing refresh). */
  async issue(
    manager: EntityManager,
    grant: Grant,
    withRefreshToken: boolean,
    accessScopes?: string[],
  ): Promise<TokenResponse> {
    const now = Date.now();
    const grantEnd = grant.expiresAt.getTime();
    const accessExpires = Math.min(now + this.config.tokens.accessTokenSeconds * 1000, grantEnd);
    const accessToken = newSecret('accessToken');
    const rows: Partial<OAuthToken>[] = [
      {
        tokenHash: hashSecret(accessToken),
        kind: 'access',
        grantId: grant.id,
        expiresAt: new Date(accessExpires),
        scopes: accessScopes ?? null,
      },
    ];
    let refreshToken: string | undefined;
    if (withRefreshToken) {
      refreshToken = newSecret('refreshToken');
      // RFC 9700 §4.14: idle expiry, and rotation never extends past the grant's absolute end.
      const refreshExpires = Math.min(now + this.config.tokens.refreshTokenIdleSeconds * 1000, grantEnd);
      rows.push({
        tokenHash: hashSecret(refreshToken),
        kind: 'refresh',
        grantId: grant.id,
        expiresAt: new Date(refreshExpires),
      });
    }
    await manager.getRepository(OAuthToken).insert(rows);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: Math.max(1, Math.floor((accessExpires - now) / 1000)),
      scope: formatScopes(accessScopes ?? grant.scopes),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }
}
