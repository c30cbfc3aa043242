import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns';
import { OAuthClient } from '../clients/oauth-client.entity';
import { Grant } from '../grants/grant.entity';

/**
 * An authorization code (OAuth 2.1 §4.1.2): single use, at most 60 s, bound to the client, the
 * redirect URI, the PKCE challenge, the resource and the scopes. Stored as a SHA-256 only.
 */
@Entity({ name: 'oauth_authorization_codes' })
@ForeignKey('memberships', ['orgId', 'userId'], ['orgId', 'userId'], { onDelete: 'CASCADE' })
@Index('IDX_oauth_authorization_codes_expires', ['expiresAt'])
export class AuthorizationCode {
  @PrimaryColumn({ name: 'code_hash', type: 'text' })
  codeHash: string;

  @Column({ name: 'client_id', type: 'text' })
  @ForeignKey(() => OAuthClient, { onDelete: 'CASCADE' })
  clientId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  /** S256 only (RFC 9700 §2.1.1): base64url(SHA-256(code_verifier)). */
  @Column({ name: 'code_challenge', type: 'text' })
  codeChallenge: string;

  @Column({ type: 'text' })
  resource: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @CreatedAtColumn()
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt: Date | null;

  /** The grant its redemption created; a replay revokes it (OAuth 2.1 §4.1.3). */
  @Column({ name: 'grant_id', type: 'uuid', nullable: true })
  @ForeignKey(() => Grant, { onDelete: 'SET NULL' })
  grantId: string | null;
}
