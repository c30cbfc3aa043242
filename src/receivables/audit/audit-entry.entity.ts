import { Column, Entity, Index } from 'typeorm';
import { OrgScoped } from '../shared/org-scoped.columns';

export const ACTOR_TYPES = ['user', 'admin', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** One row per write, written in the write's own transaction. Never updated. */
@Entity({ name: 'audit_log' })
@Index('IDX_audit_log_created', ['orgId', 'createdAt', 'id'])
@Index('IDX_audit_log_target', ['orgId', 'targetType', 'targetId'])
export class AuditEntry extends OrgScoped {
  @Column({ name: 'actor_type', type: 'enum', enum: ACTOR_TYPES, enumName: 'audit_actor_type' })
  actorType: ActorType;

  /** Not a foreign key: the record must outlive a deleted user. */
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  /** The OAuth client (MCP application) that acted for the user, if any. */
  @Column({ name: 'client_id', type: 'text', nullable: true })
  clientId: string | null;

  /** Command name, e.g. "promise.record". */
  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'target_type', type: 'text' })
  targetType: string;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** Redacted input and the before/after of what changed. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
