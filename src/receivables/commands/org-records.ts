import type { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import {
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  RuleViolationError,
} from '../../common/errors/app-error';
import { Invoice } from '../invoices/invoice.entity';
import { Customer } from '../customers/customer.entity';
import { todayIn } from '../shared/calendar';
import type { OrgScoped } from '../shared/org-scoped.columns';
import type { CommandContext } from './actor';

/**
 * Lookups every write command makes inside its transaction, always through the transaction's
 * manager and always with org_id = the caller's organization: an id of another organization is
 * "not found", never a foreign-key error (DESIGN.md, organization scoping).
 */

/**
 * The row with this id in the organization, locked FOR UPDATE when the command will change it
 * (so two concurrent commands on one row take turns and the second sees the first's result).
 */
export async function findInOrg<T extends OrgScoped>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  orgId: string,
  id: string,
  label: string,
  options: { lock?: boolean } = {},
): Promise<T> {
  const row = await manager.getRepository(entity).findOne({
    where: { orgId, id } as FindOptionsWhere<T>,
    ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!row) throw new NotFoundError(label, id);
  return row;
}

/** Roles that do collections work; a viewer cannot own accounts, tasks or disputes. */
const WORKER_ROLES = ['admin', 'manager', 'collector'];

/**
 * A person a command assigns work to (collector, assignee, owner) must be a member of the
 * organization who may do collections work. `field` names the argument in the error.
 */
export async function requireWorker(
  manager: EntityManager,
  orgId: string,
  userId: string,
  field: string,
): Promise<void> {
  const [membership] = await manager.query<{ role: string; name: string }[]>(
    `SELECT m.role, u.name FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.org_id = $1 AND m.user_id = $2`,
    [orgId, userId],
  );
  // Someone of another organization is as unknown here as an id nobody has.
  if (!membership) throw new NotFoundError('member', userId);
  if (!WORKER_ROLES.includes(membership.role)) {
    throw new RuleViolationError(
      `${membership.name} is a ${membership.role} in this organization and cannot be given collections work; choose a collector, manager or admin.`,
      { field, id: userId },
    );
  }
}

/**
 * The user recorded as author or creator. A user acting in an organization must be a member of
 * it (the grant says so); admin and system actors are recorded in the audit log only.
 */
export async function authorOf(manager: EntityManager, context: CommandContext): Promise<string | null> {
  const { userId, type } = context.actor;
  if (userId === null) return null;
  const [member] = await manager.query<unknown[]>(
    'SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2',
    [context.orgId, userId],
  );
  if (member) return userId;
  if (type === 'user') {
    throw new ForbiddenError('You are not a member of this organization, so you cannot change its records.');
  }
  return null;
}

/** Today in the organization's time zone, read through the transaction (one connection only). */
export async function orgToday(manager: EntityManager, orgId: string): Promise<string> {
  const [org] = await manager.query<{ timeZone: string }[]>(
    'SELECT time_zone AS "timeZone" FROM organizations WHERE id = $1',
    [orgId],
  );
  if (!org) throw new NotFoundError('organization', orgId);
  return todayIn(org.timeZone);
}

/**
 * What a note, activity or task is about: a customer, one of its invoices, or both. Naming only
 * the invoice is enough (its customer is implied); naming both, they must belong together.
 */
export async function resolveSubject(
  manager: EntityManager,
  orgId: string,
  customerId: string | undefined,
  invoiceId: string | undefined,
): Promise<{ customer: Customer; invoice: Invoice | null }> {
  if (!customerId && !invoiceId) {
    throw new InvalidArgumentError('Name the customer (customerId), the invoice (invoiceId) or both.', {
      field: 'customerId',
    });
  }
  const invoice = invoiceId ? await findInOrg(manager, Invoice, orgId, invoiceId, 'invoice') : null;
  const customer = await findInOrg(manager, Customer, orgId, customerId ?? invoice!.customerId, 'customer');
  if (invoice && invoice.customerId !== customer.id) {
    throw new InvalidArgumentError(
      `Invoice ${invoice.number} belongs to another customer, not ${customer.name}; omit customerId or pass the invoice's own customer.`,
      { field: 'invoiceId', id: invoice.id },
    );
  }
  return { customer, invoice };
}

/** JSON-safe timestamps: results are stored for idempotent replay and must read back the same. */
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** Many ids at once not found: one error naming them all, so the caller can fix the list in one go. */
export function notFoundAmong(entity: string, missing: readonly string[], requested: number): NotFoundError {
  const shown = missing.slice(0, 20);
  const error = new NotFoundError(entity, missing[0]);
  error.message =
    `${missing.length} of the ${requested} ${entity} ids do not exist in this organization: ` +
    `${shown.join(', ')}${missing.length > shown.length ? ', …' : ''}. Nothing was changed; remove them and try again.`;
  error.details.missingIds = [...missing];
  return error;
}
