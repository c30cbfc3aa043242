/**
 * Scale check of invoice search (a script, not a timed test): builds one organization with
 * 1,000,000 invoices over three years (about 13% still open, 1% of those disputed, 1% promised),
 * 20,000 customers and 20 collectors, then runs each kind of filtered, keyset-paginated search
 * 200 times with varying arguments — first pages and deep pages — and prints p50 and p95.
 * The budget is 20 ms p95 per page.
 *
 *   npx tsc -p tsconfig.json && node dist/test/integration/receivables/search/invoice-search.bench.js
 *
 * Uses TEST_DATABASE_URL when set, otherwise starts a throw-away PostgreSQL like the test runner.
 * INVOICES=200000 makes a smaller book; KEEP=1 leaves the server and database up to EXPLAIN queries.
 */
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { runMigrations } from '../../../../src/database/migrator';
import { diffSchemaAgainstEntities } from '../../../../src/database/tools/schema-diff';
import type { CustomerFilter } from '../../../../src/receivables/customers/customer.queries';
import type { InvoiceFilter } from '../../../../src/receivables/invoices/invoice.queries';
import { addDays } from '../../../../src/receivables/shared/calendar';
import { destroyPostgresServer, startPostgresServer } from '../../../support/postgres-server';
import type { PostgresServer } from '../../../support/postgres-server';
import { createTestDatabase, databaseUrl, testConfig } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { createDataSource } from '../../../../src/database/data-source';
import { buildQueries } from './queries';

Logger.overrideLogger(['error', 'warn']);

const INVOICES = Number(process.env.INVOICES ?? 1_000_000);
const CUSTOMERS = 20_000;
const AS_OF = '2026-05-31';
const START = addDays(AS_OF, -3 * 365);
const RUNS = 200;
const BUDGET_MS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  let server: PostgresServer | undefined;
  if (!process.env.TEST_DATABASE_URL) {
    server = await startPostgresServer();
    process.env.TEST_DATABASE_URL = server.url;
  }
  // REUSE=<database name> runs the searches again on a book a KEEP=1 run left behind.
  const db = process.env.REUSE
    ? await openDatabase(process.env.REUSE)
    : await createTestDatabase({ migrated: false });
  const client = new Client({ connectionString: db.url });
  try {
    await client.connect();
    const q = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
      (await client.query(sql, params)).rows as T[];
    const orgId = process.env.REUSE
      ? (await q<{ id: string }>(`SELECT id FROM organizations WHERE name = 'Scale'`))[0].id
      : await build(db, q);
    const collectors = await q<{ id: string }>(
      'SELECT user_id AS id FROM memberships WHERE org_id = $1 ORDER BY user_id',
      [orgId],
    );
    const { invoices, customers: customerQueries } = buildQueries(db.dataSource);
    const customers = await q<{ id: string }>('SELECT id FROM customers WHERE org_id = $1 ORDER BY name', [
      orgId,
    ]);
    const pick = <T>(list: T[], i: number): T => list[(i * 7919) % list.length];
    const day = (i: number): string => addDays(START, (i * 37) % 1000);

    const scenarios: [string, (i: number) => InvoiceFilter][] = [
      ['all, due date', () => ({ asOf: AS_OF })],
      ['open only, due date', () => ({ asOf: AS_OF, openOnly: true })],
      [
        'overdue, most days past due first',
        () => ({ asOf: AS_OF, overdueOnly: true, sort: 'days_past_due', direction: 'desc' }),
      ],
      ['one customer, open', (i) => ({ asOf: AS_OF, customerIds: [pick(customers, i).id], openOnly: true })],
      [
        'one customer, all, by issue date desc',
        (i) => ({ asOf: AS_OF, customerIds: [pick(customers, i).id], sort: 'issue_date', direction: 'desc' }),
      ],
      [
        'collector, overdue',
        (i) => ({ asOf: AS_OF, collectorUserIds: [pick(collectors, i).id], overdueOnly: true }),
      ],
      [
        'collector, open, biggest balance',
        (i) => ({
          asOf: AS_OF,
          collectorUserIds: [pick(collectors, i).id],
          openOnly: true,
          sort: 'balance',
          direction: 'desc',
        }),
      ],
      [
        'aging bucket 90+, biggest balance',
        () => ({ asOf: AS_OF, agingBucket: ['90+'], sort: 'balance', direction: 'desc' }),
      ],
      ['aging buckets 1-30 + 31-60', () => ({ asOf: AS_OF, agingBucket: ['1-30', '31-60'] })],
      ['days past due 15..45', () => ({ asOf: AS_OF, daysPastDue: { min: 15, max: 45 } })],
      [
        'status partially_paid, due date range',
        (i) => ({
          asOf: AS_OF,
          status: ['partially_paid'],
          dueDate: { from: day(i), to: addDays(day(i), 90) },
        }),
      ],
      [
        'issue date range, by total desc',
        (i) => ({
          asOf: AS_OF,
          issueDate: { from: day(i), to: addDays(day(i), 30) },
          sort: 'total',
          direction: 'desc',
        }),
      ],
      ['all, biggest total', () => ({ asOf: AS_OF, sort: 'total', direction: 'desc' })],
      ['all, biggest balance', () => ({ asOf: AS_OF, sort: 'balance', direction: 'desc' })],
      ['all, by number', () => ({ asOf: AS_OF, sort: 'number' })],
      ['balance range, open', () => ({ asOf: AS_OF, balance: { min: 30000, max: 40000 } })],
      ['disputed', () => ({ asOf: AS_OF, disputed: true })],
      ['has promise', () => ({ asOf: AS_OF, hasPromise: true })],
      [
        'open, not disputed, no promise',
        () => ({ asOf: AS_OF, openOnly: true, disputed: false, hasPromise: false }),
      ],
      ['tag legal, open', () => ({ asOf: AS_OF, tags: ['legal'], openOnly: true })],
      [
        'text: exact invoice number',
        (i) => ({ asOf: AS_OF, text: `INV-${String(1 + ((i * 7919) % INVOICES)).padStart(8, '0')}` }),
      ],
      [
        'text: customer name',
        (i) => ({ asOf: AS_OF, text: `Customer ${String(1 + ((i * 7919) % CUSTOMERS)).padStart(6, '0')}` }),
      ],
    ];

    let failures = 0;
    process.stdout.write(
      `${'scenario'.padEnd(44)} ${'first p50'.padStart(9)} ${'first p95'.padStart(9)} ${'deep p95'.padStart(9)}\n`,
    );
    for (const [label, filterOf] of scenarios) {
      const first: number[] = [];
      const deep: number[] = [];
      await invoices.search(orgId, filterOf(0), { limit: 50 });
      for (let i = 0; i < RUNS; i++) {
        // A scenario ten times over budget is reported after a few runs rather than 200.
        if (i === 5 && Math.min(...first) > 10 * BUDGET_MS) break;
        const filter = filterOf(i);
        let t = process.hrtime.bigint();
        let page = await invoices.search(orgId, filter, { limit: 50 });
        first.push(Number(process.hrtime.bigint() - t) / 1e6);
        // A later page: follow a few cursors, time the last hop.
        for (let hop = 0; hop < 3 && page.nextCursor; hop++) {
          t = process.hrtime.bigint();
          page = await invoices.search(orgId, filter, { limit: 50, cursor: page.nextCursor });
          if (hop === 2) deep.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
      }
      first.sort((a, b) => a - b);
      deep.sort((a, b) => a - b);
      const p95 = percentile(first, 95);
      const deep95 = deep.length ? percentile(deep, 95) : 0;
      const over = p95 > BUDGET_MS || deep95 > BUDGET_MS;
      if (over) failures++;
      process.stdout.write(
        `${label.padEnd(44)} ${percentile(first, 50).toFixed(1).padStart(9)} ${p95.toFixed(1).padStart(9)} ${(deep.length ? deep95.toFixed(1) : '-').padStart(9)}${over ? '   ← over budget' : ''}\n`,
      );
    }
    process.stdout.write(
      `\n${failures === 0 ? 'All scenarios within' : `${failures} scenario(s) over`} ${BUDGET_MS} ms p95.\n`,
    );

    // Customer search has no budget of its own; its derived balances are shown for reference.
    const customerScenarios: [string, (i: number) => CustomerFilter][] = [
      ['customers by name', () => ({ asOf: AS_OF })],
      [
        'customers of a collector, overdue only',
        (i) => ({ asOf: AS_OF, collectorUserIds: [pick(collectors, i).id], overdueOnly: true }),
      ],
      ['customers, biggest open balance', () => ({ asOf: AS_OF, sort: 'open_balance', direction: 'desc' })],
      ['customers, most overdue', () => ({ asOf: AS_OF, sort: 'oldest_days_past_due', direction: 'desc' })],
    ];
    process.stdout.write(
      `\n${'customer scenario'.padEnd(44)} ${'first p50'.padStart(9)} ${'first p95'.padStart(9)}\n`,
    );
    for (const [label, filterOf] of customerScenarios) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = process.hrtime.bigint();
        await customerQueries.search(orgId, filterOf(i), { limit: 50 });
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      times.sort((a, b) => a - b);
      process.stdout.write(
        `${label.padEnd(44)} ${percentile(times, 50).toFixed(1).padStart(9)} ${percentile(times, 95).toFixed(1).padStart(9)}\n`,
      );
    }
    process.exitCode = failures === 0 ? 0 : 1;
  } finally {
    await client.end().catch(() => undefined);
    if (process.env.KEEP) {
      process.stdout.write(`Kept ${db.url}\n`);
      await db.dataSource.destroy();
    } else {
      await db.drop();
      if (server) destroyPostgresServer(server);
    }
  }
}

/** Builds the book with set-based SQL (minutes, not hours) and returns the organization id. */
async function build(
  db: TestDatabase,
  q: <T>(sql: string, params?: unknown[]) => Promise<T[]>,
): Promise<string> {
  await runMigrations(db.dataSource);
  // Indexes declared on entities but not yet in a migration take part in the measurement too.
  for (const statement of (await diffSchemaAgainstEntities(db.dataSource)).up) await q(statement);
  const began = Date.now();
  process.stdout.write(`Building ${INVOICES} invoices ...\n`);
  const [{ id: orgId }] = await q<{ id: string }>(
    `INSERT INTO organizations (name, base_currency) VALUES ('Scale', 'USD') RETURNING id`,
  );
  const collectors = await q<{ id: string }>(
    `INSERT INTO users (email, name, password_hash)
     SELECT 'search-collector' || n || '@scale.test', 'Collector ' || n, 'x' FROM generate_series(1, 20) n RETURNING id`,
  );
  await q(`INSERT INTO memberships (org_id, user_id, role) SELECT $1, unnest($2::uuid[]), 'collector'`, [
    orgId,
    collectors.map((c) => c.id),
  ]);
  await q(
    `INSERT INTO customers (org_id, name, currency, collector_user_id, tags)
     SELECT $1, 'Customer ' || lpad(n::text, 6, '0'), 'USD', ($2::uuid[])[1 + n % 20],
        CASE WHEN n % 10 = 0 THEN '{key-account}'::text[] ELSE '{}' END
     FROM generate_series(1, $3::int) n`,
    [orgId, collectors.map((c) => c.id), CUSTOMERS],
  );
  // Issue dates rise with n, as in a real book; recent invoices are open, 2% of old ones too;
  // customers and stragglers are picked by hash so no collector's share is skewed in time.
  await q(
    `WITH ids AS (SELECT array_agg(id ORDER BY name) AS ids FROM customers WHERE org_id = $1),
      g AS (SELECT n, CAST($3 AS date) + (n::bigint * 1095 / $2)::int AS issued,
             (n % 7) * 10000 + (n % 13) * 137 + 5000 AS total FROM generate_series(1, $2::int) n),
      s AS (SELECT g.*, (issued > CAST($4 AS date) - 120 OR abs(hashtext('open' || n)) % 50 = 0) AS open FROM g)
     INSERT INTO invoices (org_id, customer_id, number, po_number, issue_date, due_date, terms_days, currency,
               total, amount_paid, balance, status, closed_on, tags)
     SELECT $1, ids.ids[1 + abs(hashtext('customer' || s.n)) % ${CUSTOMERS}], 'INV-' || lpad(s.n::text, 8, '0'),
        CASE WHEN s.n % 3 = 0 THEN 'PO-' || s.n END,
        s.issued, s.issued + 30 + (s.n % 3) * 15, 30 + (s.n % 3) * 15, 'USD', s.total,
        CASE WHEN s.open THEN (CASE WHEN s.n % 4 = 0 THEN s.total / 2 ELSE 0 END) ELSE s.total END,
        CASE WHEN s.open THEN s.total - (CASE WHEN s.n % 4 = 0 THEN s.total / 2 ELSE 0 END) ELSE 0 END,
        CAST(CASE WHEN NOT s.open THEN 'paid' WHEN s.n % 4 = 0 THEN 'partially_paid' ELSE 'open' END AS invoice_status),
        CASE WHEN s.open THEN NULL ELSE s.issued + 40 END,
        CASE WHEN s.n % 97 = 0 THEN '{legal}'::text[] ELSE '{}' END
     FROM s, ids`,
    [orgId, INVOICES, START, AS_OF],
  );
  await q(
    `INSERT INTO disputes (org_id, customer_id, invoice_id, amount, currency, reason, status, opened_on)
     SELECT org_id, customer_id, id, balance, currency, 'pricing', 'open', issue_date
     FROM invoices WHERE org_id = $1 AND balance > 0 AND hashtext(number) % 100 = 0`,
    [orgId],
  );
  await q(
    `WITH picked AS (SELECT org_id, customer_id, id, balance FROM invoices
            WHERE org_id = $1 AND balance > 0 AND hashtext(number) % 100 = 1),
      made AS (INSERT INTO promises_to_pay (org_id, customer_id, amount, currency, promised_on, note)
           SELECT org_id, customer_id, balance, 'USD', CAST($2 AS date) + 10, id::text FROM picked RETURNING id, note)
     INSERT INTO promise_invoices (org_id, promise_id, invoice_id, amount)
     SELECT $1, made.id, picked.id, picked.balance FROM made JOIN picked ON picked.id::text = made.note`,
    [orgId, AS_OF],
  );
  await q('VACUUM ANALYZE');
  const [{ open }] = await q<{ open: number }>(
    'SELECT count(*)::int AS open FROM invoices WHERE org_id = $1 AND balance > 0',
    [orgId],
  );
  process.stdout.write(`Built in ${((Date.now() - began) / 1000).toFixed(0)} s: ${open} open invoices.\n\n`);
  return orgId;
}

async function openDatabase(name: string): Promise<TestDatabase> {
  const url = databaseUrl(name);
  const dataSource = createDataSource(testConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '5' }), url);
  await dataSource.initialize();
  return { name, url, dataSource, drop: async () => dataSource.destroy() };
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
