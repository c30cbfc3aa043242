import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns';
import { OAuthClient } from '../clients/oauth-client.entity';

/**
 * One user's approval of one client for one organization with a set of scopes (DESIGN.md "The
 * principal"). Every token belongs to a grant; revoking the grant ends all of them on the next
 * request. Deleting the membership deletes the grant.
 */
@Entity({ name: 'oauth_grants' })
@ForeignKey('memberships', ['orgId', 'userId'], ['orgId', 'userId'], { onDelete: 'CASCADE' })
@Index('IDX_oauth_grants_user', ['userId', 'createdAt'])
@Index('IDX_oauth_grants_org', ['orgId', 'createdAt'])
@Index('IDX_oauth_grants_client', ['clientId'])
export class Grant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'client_id', type: 'text' })
  @ForeignKey(() => OAuthClient, { onDelete: 'CASCADE' })
  clientId: string;

  /** What the user approved (before the role filter, which is applied on every request). */
  @Column({ type: 'text', array: true })
  scopes: string[];

  /** RFC 8707 resource the tokens are bound to: PUBLIC_URL + /v1/mcp. */
  @Column({ type: 'text' })
  resource: string;

  @CreatedAtColumn()
  createdAt: Date;

  /** Updated at most once a minute, so reading it costs no write per request. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  /** Absolute end of the refresh chain (REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS). */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** Why: user_disconnected, refresh_token_reuse, code_replay, client_revocation, admin, ... */
  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason: string | null;
}
