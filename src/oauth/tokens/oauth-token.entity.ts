import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns';
import { Grant } from '../grants/grant.entity';

export const OAUTH_TOKEN_KINDS = ['access', 'refresh'] as const;
export type OAuthTokenKind = (typeof OAUTH_TOKEN_KINDS)[number];

/** An access or refresh token, stored only as the SHA-256 of its value (security.md I1). */
@Entity({ name: 'oauth_tokens' })
@Index('IDX_oauth_tokens_grant', ['grantId'])
@Index('IDX_oauth_tokens_expires', ['expiresAt'])
export class OAuthToken {
  @PrimaryColumn({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ type: 'enum', enum: OAUTH_TOKEN_KINDS, enumName: 'oauth_token_kind' })
  kind: OAuthTokenKind;

  @Column({ name: 'grant_id', type: 'uuid' })
  @ForeignKey(() => Grant, { onDelete: 'CASCADE' })
  grantId: string;

  @CreatedAtColumn()
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /**
   * Access tokens only: a narrower scope the client asked for at refresh (RFC 6749 §6); null means
   * the grant's scopes. Never wider than the grant.
   */
  @Column({ type: 'text', array: true, nullable: true })
  scopes: string[] | null;

  /** Refresh tokens only: when it was exchanged. A second exchange is reuse (RFC 9700 §4.14). */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
