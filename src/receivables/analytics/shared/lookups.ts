import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../../common/errors/app-error';
import { requireUuid } from './analytics-input';

/** Small org-scoped reads the analytics reports share (names for ids, existence checks). */

export interface CustomerRef {
  id: string;
  name: string;
  currency: string;
  collectorUserId: string | null;
}

export async function requireCustomer(
  ds: DataSource,
  orgId: string,
  customerId: string,
): Promise<CustomerRef> {
  const id = requireUuid(customerId, 'customerId');
  const rows = await ds.query<CustomerRef[]>(
    `SELECT id, name, currency::text AS currency, collector_user_id AS "collectorUserId"
       FROM customers WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  );
  if (rows.length === 0) throw new NotFoundError('customer', customerId);
  return rows[0];
}

/** Fails unless the user is a member of the organization (collectors are members). */
export async function requireMember(
  ds: DataSource,
  orgId: string,
  userId: string,
  field: string,
): Promise<string> {
  const id = requireUuid(userId, field);
  const rows = await ds.query<unknown[]>('SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2', [
    orgId,
    id,
  ]);
  if (rows.length === 0) throw new NotFoundError('member', userId);
  return id;
}

export interface MemberName {
  userId: string;
  name: string;
  email: string;
}

/** Names of members of the organization; users of other organizations are never returned. */
export async function memberNames(
  ds: DataSource,
  orgId: string,
  userIds: string[],
): Promise<Map<string, MemberName>> {
  if (userIds.length === 0) return new Map();
  const rows = await ds.query<MemberName[]>(
    `SELECT m.user_id AS "userId", u.name, u.email
       FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.org_id = $1 AND m.user_id = ANY($2::uuid[])`,
    [orgId, [...new Set(userIds)]],
  );
  return new Map(rows.map((r) => [r.userId, r]));
}

export async function customerNames(
  ds: DataSource,
  orgId: string,
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ds.query<Array<{ id: string; name: string }>>(
    'SELECT id, name FROM customers WHERE org_id = $1 AND id = ANY($2::uuid[])',
    [orgId, [...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function subsidiaryNames(
  ds: DataSource,
  orgId: string,
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ds.query<Array<{ id: string; name: string }>>(
    'SELECT id, name FROM subsidiaries WHERE org_id = $1 AND id = ANY($2::uuid[])',
    [orgId, [...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}
