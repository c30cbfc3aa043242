/**
 * Scale check of the analytics (a script, not a timed test): builds an organization with
 * 1,000,000 invoices over three years — 97% closed, each paid by its own payment — plus a few
 * thousand credit memos, then times every report warm (median of 5 runs).
 *
 *   npx tsc -p tsconfig.json && node dist/test/integration/receivables/analytics/analytics-scale.bench.js
 *
 * Uses TEST_DATABASE_URL when set, otherwise starts a throw-away PostgreSQL like the test runner.
 * INVOICES=200000 makes a smaller book.
 */
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AgingService } from '../../../../src/receivables/analytics/aging/aging.service';
import { CashForecastService } from '../../../../src/receivables/analytics/forecast/cash-forecast.service';
import { KpiService } from '../../../../src/receivables/analytics/kpis/kpi.service';
import { OverdueCustomersService } from '../../../../src/receivables/analytics/overdue/overdue-customers.service';
import { PaymentBehaviourService } from '../../../../src/receivables/analytics/payment-behaviour/payment-behaviour.service';
import { StatementOfAccountService } from '../../../../src/receivables/analytics/statement/statement-of-account.service';
import { CollectorWorklistService } from '../../../../src/receivables/analytics/worklist/collector-worklist.service';
import { ExchangeRatesService } from '../../../../src/receivables/currency/exchange-rates.service';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { addDays, todayIn } from '../../../../src/receivables/shared/calendar';
import { runMigrations } from '../../../../src/database/migrator';
import { diffSchemaAgainstEntities } from '../../../../src/database/tools/schema-diff';
import { destroyPostgresServer, startPostgresServer } from '../../../support/postgres-server';
import type { PostgresServer } from '../../../support/postgres-server';
import { createTestDatabase } from '../../../support/test-database';

Logger.overrideLogger(['error', 'warn']);

const INVOICES = Number(process.env.INVOICES ?? 1_000_000);
const CUSTOMERS = 2_000;
const DAYS = 3 * 365;

async function time(label: string, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    await fn();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2];
  console.log(
    `${label.padEnd(58)} ${median.toFixed(1).padStart(8)} ms${median > 500 ? '   ← over 500 ms' : ''}`,
  );
  return median;
}

async function main(): Promise<void> {
  let server: PostgresServer | undefined;
  if (!process.env.TEST_DATABASE_URL) {
    server = await startPostgresServer();
    process.env.TEST_DATABASE_URL = server.url;
  }
  const db = await createTestDatabase({ migrated: false });
  try {
    const ds = db.dataSource;
    await runMigrations(ds);
    // Indexes the entities declare but no migration creates yet are made here, so the numbers
    // describe the schema the code expects.
    const pending = (await diffSchemaAgainstEntities(ds)).up;
    for (const statement of pending) await ds.query(statement);
    if (pending.length > 0) console.log(`Applied ${pending.length} schema changes not yet in a migration.`);
    // Building the book takes longer than the service's statement timeout: a plain client.
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const build = {
      query: async <T = unknown>(sql: string, params: unknown[] = []): Promise<T> =>
        (await client.query(sql, params)).rows as T,
      release: () => client.end(),
    };
    const today = todayIn('UTC');
    const start = addDays(today, -DAYS);
    console.log(`Building ${INVOICES} invoices from ${start} to ${today} ...`);
    const began = Date.now();
    const [{ id: orgId }] = await build.query<Array<{ id: string }>>(
      `INSERT INTO organizations (name, base_currency) VALUES ('Scale', 'USD') RETURNING id`,
    );
    await build.query(
      `INSERT INTO users (email, name, password_hash)
       SELECT 'collector' || n || '@scale.test', 'Collector ' || n, 'x' FROM generate_series(1, 20) n`,
    );
    await build.query(
      `INSERT INTO memberships (org_id, user_id, role) SELECT $1, id, 'collector' FROM users WHERE email LIKE '%@scale.test'`,
      [orgId],
    );
    await build.query(
      `INSERT INTO customers (org_id, name, currency, collector_user_id)
       SELECT $1, 'Customer ' || n, CASE WHEN n % 10 = 0 THEN 'EUR' ELSE 'USD' END,
              (SELECT user_id FROM memberships WHERE org_id = $1 ORDER BY user_id OFFSET (n % 20) LIMIT 1)
         FROM generate_series(1, ${CUSTOMERS}) n`,
      [orgId],
    );
    await build.query(
      `INSERT INTO exchange_rates (org_id, from_currency, to_currency, rate_date, rate)
       SELECT $1, 'EUR', 'USD', d::date, 1.05 + (extract(doy FROM d) / 3650.0)
         FROM generate_series($2::date, $3::date, interval '1 day') d`,
      [orgId, start, today],
    );
    // Invoice n is issued on day n * DAYS / INVOICES; older than ~75 days → paid on issue + 20..59
    // days (most late); 3% of all are left open, partly paid in some cases.
    await build.query(
      `CREATE TEMP TABLE gen AS
       SELECT n, c.id AS customer_id, c.currency,
              ($2::date + (n::bigint * ${DAYS} / ${INVOICES})::int) AS issue_date,
              (10000 + (n::bigint * 7919) % 500000)::bigint AS total,
              (n % 33 = 0 OR ($2::date + (n::bigint * ${DAYS} / ${INVOICES})::int) > $3::date - 75) AS open
         FROM generate_series(1, ${INVOICES}) n
         JOIN (SELECT id, currency, row_number() OVER (ORDER BY id) - 1 AS k FROM customers WHERE org_id = $1) c
           ON c.k = n % ${CUSTOMERS}`,
      [orgId, start, today],
    );
    await build.query(
      `INSERT INTO invoices (org_id, customer_id, number, issue_date, due_date, terms_days, currency, total,
                             amount_paid, balance, status, closed_on)
       SELECT $1, customer_id, 'INV-' || n, issue_date, issue_date + 30, 30, currency, total,
              CASE WHEN open THEN CASE WHEN n % 5 = 0 THEN total / 2 ELSE 0 END ELSE total END,
              CASE WHEN open THEN total - CASE WHEN n % 5 = 0 THEN total / 2 ELSE 0 END ELSE 0 END,
              (CASE WHEN NOT open THEN 'paid' WHEN n % 5 = 0 THEN 'partially_paid' ELSE 'open' END)::invoice_status,
              CASE WHEN open THEN NULL ELSE LEAST(issue_date + 20 + (n % 40), $2::date) END
         FROM gen`,
      [orgId, today],
    );
    await build.query(
      `INSERT INTO payments (org_id, customer_id, number, received_on, amount, currency, method,
                             applied_amount, unapplied_amount, status)
       SELECT i.org_id, i.customer_id, 'P' || i.number, COALESCE(i.closed_on, i.issue_date + 10), i.amount_paid,
              i.currency, 'ach', i.amount_paid, 0, 'applied'
         FROM invoices i WHERE i.org_id = $1 AND i.amount_paid > 0`,
      [orgId],
    );
    await build.query(
      `INSERT INTO payment_applications (org_id, payment_id, invoice_id, amount, applied_on)
       SELECT i.org_id, p.id, i.id, i.amount_paid, p.received_on
         FROM invoices i JOIN payments p ON p.org_id = i.org_id AND p.number = 'P' || i.number
        WHERE i.org_id = $1`,
      [orgId],
    );
    await build.query(
      `INSERT INTO credit_memos (org_id, customer_id, number, issued_on, currency, amount, remaining_amount, status)
       SELECT $1, customer_id, 'CM-' || n, issue_date, currency, 5000, CASE WHEN n % 300 = 0 THEN 5000 ELSE 0 END,
              (CASE WHEN n % 300 = 0 THEN 'open' ELSE 'applied' END)::credit_memo_status
         FROM gen WHERE n % 50 = 0`,
      [orgId],
    );
    await build.query(`DROP TABLE gen`);
    await build.query('VACUUM ANALYZE');
    await build.release();
    const [{ open }] = await ds.query<Array<{ open: number }>>(
      'SELECT count(*)::int AS open FROM invoices WHERE org_id = $1 AND balance > 0',
      [orgId],
    );
    console.log(`Built in ${((Date.now() - began) / 1000).toFixed(0)} s; ${open} open invoices.\n`);

    const settings = new OrgSettingsReader(ds);
    const rates = new ExchangeRatesService(ds);
    const aging = new AgingService(ds, settings, rates);
    const kpis = new KpiService(ds, settings, rates);
    const behaviour = new PaymentBehaviourService(ds, settings, rates);
    const overdue = new OverdueCustomersService(ds, settings, rates);
    const forecast = new CashForecastService(ds, settings, rates, behaviour);
    const statement = new StatementOfAccountService(ds, settings);
    const worklist = new CollectorWorklistService(ds, settings, rates);
    const [{ customerId }] = await ds.query<Array<{ customerId: string }>>(
      'SELECT id AS "customerId" FROM customers WHERE org_id = $1 ORDER BY id LIMIT 1',
      [orgId],
    );
    const lastMonthEnd = addDays(`${today.slice(0, 7)}-01`, -1);
    const quarterStart = `${addDays(lastMonthEnd, -80).slice(0, 7)}-01`;

    await time('aging, today', () => aging.aging(orgId));
    await time('aging, today, by customer', () => aging.aging(orgId, { groupBy: 'customer' }));
    await time('aging, as of last month end', () => aging.aging(orgId, { asOf: lastMonthEnd }));
    await time('aging, as of 6 months ago, by collector', () =>
      aging.aging(orgId, { asOf: addDays(today, -182), groupBy: 'collector' }),
    );
    await time(`KPIs, last month`, () =>
      kpis.kpis(orgId, { from: `${lastMonthEnd.slice(0, 7)}-01`, to: lastMonthEnd }),
    );
    await time(`KPIs, last quarter (${quarterStart}..${lastMonthEnd})`, () =>
      kpis.kpis(orgId, { from: quarterStart, to: lastMonthEnd }),
    );
    await time('KPI trend, 6 months', () => kpis.trend(orgId, { months: 6 }));
    await time('top overdue customers', () => overdue.topOverdueCustomers(orgId, { limit: 10 }));
    await time('payment behaviour, one customer', () => behaviour.forCustomer(orgId, customerId));
    await time('payment behaviour, all customers (page of 50)', () => behaviour.list(orgId, {}));
    await time('13-week forecast (behaviour-adjusted)', () => forecast.forecast(orgId, {}));
    await time('statement of account, one customer, 90 days', () =>
      statement.statement(orgId, customerId, { from: addDays(today, -90), to: today }),
    );
    await time('collector worklist, all collectors (page of 50)', () => worklist.worklist(orgId, {}));
  } finally {
    await db.drop();
    if (server) destroyPostgresServer(server);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
