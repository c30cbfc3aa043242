import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { UpdatedAtColumn } from '../../database/columns';
import { OAuthClient } from '../clients/oauth-client.entity';

/**
 * A remembered approval per user + client + organization (MCP security best practices,
 * "Per-Client Consent Storage"): the consent page is skipped while the request asks for no scope
 * beyond these.
 */
@Entity({ name: 'oauth_consents' })
@ForeignKey('memberships', ['orgId', 'userId'], ['orgId', 'userId'], { onDelete: 'CASCADE' })
export class Consent {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @PrimaryColumn({ name: 'client_id', type: 'text' })
  @ForeignKey(() => OAuthClient, { onDelete: 'CASCADE' })
  clientId: string;

  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @UpdatedAtColumn()
  updatedAt: Date;
}
