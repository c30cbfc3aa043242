import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns';
import { OAuthClient } from '../clients/oauth-client.entity';

export const AUTHORIZATION_REQUEST_STEPS = ['login', 'consent', 'done'] as const;
export type AuthorizationRequestStep = (typeof AUTHORIZATION_REQUEST_STEPS)[number];

/**
 * A validated /authorize request waiting for the user to sign in and decide. Kept server-side
 * (any replica can continue it) and bound to the browser's login session, so a request id lifted
 * from one browser is useless in another (security.md H1).
 */
@Entity({ name: 'oauth_authorization_requests' })
@Index('IDX_oauth_authorization_requests_expires', ['expiresAt'])
export class AuthorizationRequest {
  /** SHA-256 of the id carried in the login/consent URLs. */
  @PrimaryColumn({ name: 'id_hash', type: 'text' })
  idHash: string;

  /** The login session (hash) it belongs to; moves with the session when sign-in rotates it. */
  @Column({ name: 'session_hash', type: 'text' })
  sessionHash: string;

  @Column({ type: 'enum', enum: AUTHORIZATION_REQUEST_STEPS, enumName: 'oauth_authorization_step' })
  step: AuthorizationRequestStep;

  @Column({ name: 'client_id', type: 'text' })
  @ForeignKey(() => OAuthClient, { onDelete: 'CASCADE' })
  clientId: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  @Column({ type: 'text', nullable: true })
  state: string | null;

  @Column({ name: 'code_challenge', type: 'text' })
  codeChallenge: string;

  @Column({ type: 'text' })
  resource: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  /** prompt=consent (Claude, the Inspector) always shows the consent page. */
  @Column({ name: 'force_consent', type: 'boolean', default: false })
  forceConsent: boolean;

  @CreatedAtColumn()
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
