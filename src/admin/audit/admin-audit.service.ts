import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidArgumentError } from '../../common/errors/app-error';
import { ACTOR_TYPES } from '../../receivables/audit/audit-entry.entity';
import type { ActorType } from '../../receivables/audit/audit-entry.entity';
import { isUuid } from '../api-keys/admin-api-keys.service';
import { decodeCursor, keysetTimestamp, toPage } from '../shared/keyset-page';
import type { AdminPage } from '../shared/keyset-page';

export interface AuditFilter {
  orgId?: string;
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

export interface AuditEntryView {
  id: string;
  createdAt: Date;
  organization: { id: string; name: string };
  actorType: ActorType;
  actorUserId: string | null;
  actorEmail: string | null;
  clientId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

type AuditRow = Omit<AuditEntryView, 'organization'> & { orgId: string; orgName: string; keysetAt: string };

/**
 * Reads the audit log (written by receivables commands and by admin actions) across organizations,
 * newest first, keyset-paginated. `actor` is an actor type (user, admin, system), a user id or
 * email, or an admin key id.
 */
@Injectable()
export class AdminAuditService {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: AuditFilter): Promise<AdminPage<AuditEntryView>> {
    const filters = {
      orgId: filter.orgId ?? null,
      action: filter.action ?? null,
      actor: filter.actor?.trim().toLowerCase() ?? null,
      from: filter.from ?? null,
      to: filter.to ?? null,
    };
    if (filters.from && filters.to && Date.parse(filters.from) >= Date.parse(filters.to)) {
      throw new InvalidArgumentError('from must be before to.', { field: 'from' });
    }
    const after = decodeCursor(filter.cursor, filters, isUuid);
    const params: unknown[] = [];
    const where: string[] = [];
    const bind = (value: unknown): string => `$${params.push(value)}`;
    if (filters.orgId) where.push(`a.org_id = ${bind(filters.orgId)}::uuid`);
    if (filters.action) where.push(`a.action = ${bind(filters.action)}`);
    if (filters.actor) where.push(actorCondition(filters.actor, bind));
    if (filters.from) where.push(`a.created_at >= ${bind(filters.from)}::timestamptz`);
    if (filters.to) where.push(`a.created_at < ${bind(filters.to)}::timestamptz`);
    if (after) where.push(`(a.created_at, a.id) < (${bind(after.at)}::timestamptz, ${bind(after.id)}::uuid)`);
    const rows = await this.dataSource.query<AuditRow[]>(
      `SELECT a.id, a.created_at AS "createdAt", a.org_id AS "orgId", o.name AS "orgName",
              a.actor_type AS "actorType", a.actor_user_id AS "actorUserId", u.email AS "actorEmail",
              a.client_id AS "clientId", a.action, a.target_type AS "targetType", a.target_id AS "targetId",
              a.reason, a.details, ${keysetTimestamp('a.created_at')} AS "keysetAt"
         FROM audit_log a
         JOIN organizations o ON o.id = a.org_id
         LEFT JOIN users u ON u.id = a.actor_user_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT ${bind(filter.limit + 1)}`,
      params,
    );
    return toPage(
      rows,
      filter.limit,
      filters,
      (r) => ({ at: r.keysetAt, id: r.id }),
      ({ orgId, orgName, keysetAt: _keysetAt, ...entry }) => ({
        ...entry,
        organization: { id: orgId, name: orgName },
      }),
    );
  }
}

function actorCondition(actor: string, bind: (value: unknown) => string): string {
  if ((ACTOR_TYPES as readonly string[]).includes(actor)) return `a.actor_type = ${bind(actor)}`;
  if (isUuid(actor)) {
    return `(a.actor_user_id = ${bind(actor)}::uuid OR a.details->>'adminKeyId' = ${bind(actor)})`;
  }
  return `u.email = ${bind(actor)}`;
}
