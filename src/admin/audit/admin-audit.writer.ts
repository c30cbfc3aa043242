import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditEntry } from '../../receivables/audit/audit-entry.entity';
import { actorDetails } from '../shared/admin-actor';
import type { AdminActor } from '../shared/admin-actor';

/** One admin action: who, why, what was done to which record. */
export interface AdminAction {
  actor: AdminActor;
  reason: string;
  /** e.g. "admin.session.revoke". */
  action: string;
  targetType: 'oauth_grant' | 'user' | 'oauth_client';
  targetId: string;
}

/** The audit entry the action writes in one organization, with what changed there. */
export interface OrganizationEffect {
  orgId: string;
  details: Record<string, unknown>;
}

const logger = new Logger('AdminActions');

/**
 * Writes the audit entries of one admin action inside the action's own transaction, so the change
 * and its record commit together (STYLE.md, Transactions). audit_log is organization-scoped: an
 * action touching several organizations writes one entry in each. An action that touches no
 * organization (disabling a client no one ever connected) has no audit_log entry to write; it is
 * still recorded by the structured log line every admin action writes (docs/adr/0010).
 */
export async function writeAdminAudit(
  manager: EntityManager,
  action: AdminAction,
  effects: OrganizationEffect[],
): Promise<void> {
  const rows: Partial<AuditEntry>[] = effects.map((effect) => ({
    orgId: effect.orgId,
    actorType: 'admin',
    actorUserId: null,
    clientId: null,
    action: action.action,
    targetType: action.targetType,
    targetId: action.targetId,
    reason: action.reason,
    details: { ...actorDetails(action.actor, action.reason), ...effect.details },
  }));
  if (rows.length > 0) await manager.getRepository(AuditEntry).save(rows);
  logger.log({
    msg: 'admin action',
    action: action.action,
    targetType: action.targetType,
    targetId: action.targetId,
    adminKeyId: action.actor.keyId,
    adminKeyName: action.actor.keyName,
    via: action.actor.via,
    organizations: effects.map((e) => e.orgId),
  });
}
