import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '../../database/columns';

export const CLIENT_KINDS = ['dynamic', 'metadata_document', 'static'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/**
 * An OAuth client: registered through DCR (RFC 7591), known by its Client ID Metadata Document
 * URL (the row caches the last fetched document so grants can reference it), or configured by an
 * operator. Everything a client says about itself is self-asserted (RFC 7591 §5).
 */
@Entity({ name: 'oauth_clients' })
export class OAuthClient {
  /** Ours for DCR clients (never the client's choice, RFC 9700 §4.15); the URL for CIMD clients. */
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'enum', enum: CLIENT_KINDS, enumName: 'oauth_client_kind' })
  kind: ClientKind;

  @Column({ name: 'client_name', type: 'text' })
  clientName: string;

  @Column({ name: 'redirect_uris', type: 'text', array: true })
  redirectUris: string[];

  @Column({
    name: 'token_endpoint_auth_method',
    type: 'enum',
    enum: TOKEN_ENDPOINT_AUTH_METHODS,
    enumName: 'oauth_token_endpoint_auth_method',
  })
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;

  /** SHA-256 of the client secret (a 256-bit random value, so a fast hash is enough). */
  @Column({ name: 'secret_hash', type: 'text', nullable: true, select: false })
  secretHash: string | null;

  @Column({ name: 'secret_expires_at', type: 'timestamptz', nullable: true })
  secretExpiresAt: Date | null;

  @Column({ name: 'grant_types', type: 'text', array: true })
  grantTypes: string[];

  @Column({ name: 'application_type', type: 'text', default: 'native' })
  applicationType: string;

  @Column({ type: 'text', nullable: true })
  scope: string | null;

  @Column({ name: 'client_uri', type: 'text', nullable: true })
  clientUri: string | null;

  @Column({ name: 'logo_uri', type: 'text', nullable: true })
  logoUri: string | null;

  @Column({ name: 'software_id', type: 'text', nullable: true })
  softwareId: string | null;

  @Column({ name: 'software_version', type: 'text', nullable: true })
  softwareVersion: string | null;

  /** When a support engineer disabled the client; its grants stop working at once. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
