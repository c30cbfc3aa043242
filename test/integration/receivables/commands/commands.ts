import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { User } from '../../../../src/identity/user.entity';
import type { CommandContext } from '../../../../src/receivables/commands/actor';
import { todayIn } from '../../../../src/receivables/shared/calendar';
import { Books } from '../../../factories/books';
import { receivablesContext } from '../../../support/receivables-context';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/** The OAuth client every test command acts through; the audit log must name it. */
export const CLIENT_ID = 'claude-test-client';

/** Two organizations in one fresh database, the receivables module wired by Nest, a collector in each. */
export interface CommandWorld {
  db: TestDatabase;
  app: INestApplicationContext;
  books: Books;
  other: Books;
  alice: User;
  mallory: User;
  /** Today in the organizations' time zone (UTC). */
  today: string;
  /** Alice acting in organization A through CLIENT_ID. */
  ctx(idempotencyKey?: string): CommandContext;
  /** Mallory acting in organization B. */
  otherCtx(): CommandContext;
  close(): Promise<void>;
}

export async function commandWorld(): Promise<CommandWorld> {
  const db = await createTestDatabase();
  const app = await receivablesContext(db.dataSource);
  const books = await Books.create(db.dataSource, { name: 'Org A' });
  const other = await Books.create(db.dataSource, { name: 'Org B' });
  const alice = await books.member('collector', { name: 'Alice Archer' });
  const mallory = await other.member('collector', { name: 'Mallory Moss' });
  return {
    db,
    app,
    books,
    other,
    alice,
    mallory,
    today: todayIn('UTC'),
    ctx: (idempotencyKey) => actingAs(books, alice, idempotencyKey),
    otherCtx: () => actingAs(other, mallory),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

export function actingAs(books: Books, user: User, idempotencyKey?: string): CommandContext {
  return {
    orgId: books.orgId,
    actor: { type: 'user', userId: user.id, clientId: CLIENT_ID },
    idempotencyKey,
  };
}

const TABLES = [
  'customers',
  'contacts',
  'invoices',
  'payments',
  'payment_applications',
  'credit_memos',
  'credit_applications',
  'disputes',
  'promises_to_pay',
  'promise_invoices',
  'activities',
  'tasks',
  'audit_log',
  'idempotency_keys',
] as const;

/** Row count and a hash of every row, per table, for one organization: "nothing changed" made checkable. */
export async function orgDigest(ds: DataSource, orgId: string): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  for (const table of TABLES) {
    const [row] = await ds.query<{ n: number; h: string }[]>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h
         FROM ${table} t WHERE org_id = $1`,
      [orgId],
    );
    digest[table] = `${row.n}:${row.h}`;
  }
  return digest;
}

type ErrorClass = abstract new (...args: never[]) => Error;

export async function rejectsWith(
  attempt: Promise<unknown>,
  errorClass: ErrorClass,
  message: RegExp,
): Promise<Error> {
  let caught: unknown;
  try {
    await attempt;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught, `expected a ${errorClass.name}, but the command succeeded`);
  assert.ok(caught instanceof errorClass, `expected a ${errorClass.name}, got ${inspect(caught)}`);
  assert.match(caught.message, message);
  return caught;
}

/** The command fails with this error and leaves every table of the organization as it was. */
export async function failsAndChangesNothing(
  books: Books,
  attempt: () => Promise<unknown>,
  errorClass: ErrorClass,
  message: RegExp,
): Promise<Error> {
  const before = await orgDigest(books.ds, books.orgId);
  const error = await rejectsWith(attempt(), errorClass, message);
  assert.deepEqual(await orgDigest(books.ds, books.orgId), before, 'the failed command changed something');
  return error;
}

export interface AuditRow {
  action: string;
  actorType: string;
  actorUserId: string | null;
  clientId: string | null;
  targetType: string;
  targetId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

/** Audit entries about one target, oldest first. */
export async function auditOf(ds: DataSource, orgId: string, targetId: string): Promise<AuditRow[]> {
  return ds.query<AuditRow[]>(
    `SELECT action, actor_type AS "actorType", actor_user_id AS "actorUserId", client_id AS "clientId",
            target_type AS "targetType", target_id AS "targetId", reason, details
       FROM audit_log WHERE org_id = $1 AND target_id = $2 ORDER BY created_at, id`,
    [orgId, targetId],
  );
}

/** The single audit entry of a target, checked for who acted and through which client. */
export async function assertAudited(
  ds: DataSource,
  orgId: string,
  targetId: string,
  expected: { action: string; targetType: string; actorUserId: string },
): Promise<AuditRow> {
  const rows = (await auditOf(ds, orgId, targetId)).filter((r) => r.action === expected.action);
  assert.equal(
    rows.length,
    1,
    `expected one ${expected.action} audit entry for ${targetId}, got ${rows.length}`,
  );
  const [row] = rows;
  assert.deepEqual(
    [row.action, row.targetType, row.targetId, row.actorType, row.actorUserId, row.clientId],
    [expected.action, expected.targetType, targetId, 'user', expected.actorUserId, CLIENT_ID],
  );
  return row;
}
