import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/database/data-source';
import { runMigrations } from '../src/database/migrator';
import { SCALE_ORGANIZATION } from '../src/demo-data/demo-logins';
import { DEFAULT_DEMO_SEED, seedDemoData } from '../src/demo-data/demo-data.seeder';
import { bucketLowerBounds } from '../src/receivables/analytics/aging/aging-buckets';
import { AgingService } from '../src/receivables/analytics/aging/aging.service';
import type { AgingReport } from '../src/receivables/analytics/aging/aging.service';
import { CashForecastService } from '../src/receivables/analytics/forecast/cash-forecast.service';
import { KpiService } from '../src/receivables/analytics/kpis/kpi.service';
import { PastDaysWarmer } from '../src/receivables/analytics/warm-up/past-days-warmer';
import { OverdueCustomersService } from '../src/receivables/analytics/overdue/overdue-customers.service';
import { PaymentBehaviourService } from '../src/receivables/analytics/payment-behaviour/payment-behaviour.service';
import { runReportQueries } from '../src/receivables/analytics/shared/report-queries';
import { StatementOfAccountService } from '../src/receivables/analytics/statement/statement-of-account.service';
import { CollectorWorklistService } from '../src/receivables/analytics/worklist/collector-worklist.service';
import { ExchangeRatesService } from '../src/receivables/currency/exchange-rates.service';
import type { InvoiceFilter, InvoiceQueries } from '../src/receivables/invoices/invoice.queries';
import { addDays, addMonths, todayIn } from '../src/receivables/shared/calendar';
import { OrgSettingsReader } from '../src/receivables/shared/org-settings';
import type { OrgSettings } from '../src/receivables/shared/org-settings';
import { buildQueries } from '../test/integration/receivables/search/queries';
import { testConfig } from '../test/support/test-database';
import { DEMO_SEED_TARGET_MS } from './seed.bench';
import { ms, percentile, printTable } from './support/report';
import { onBenchServer } from './support/postgres';

/**
 * The issue's speed targets, measured against PostgreSQL on the scale organization of the demo
 * generator ("Initech Scale Test", 1,000,000 invoices by default). A script, not a timed test:
 *
 *   node dist/bench/queries.bench.js [--invoices 1000000] [--seed S] [--today YYYY-MM-DD] [--fresh]
 *
 * With DATABASE_URL (a server URL) it creates or reuses the database `tesorio_bench` on that
 * server; otherwise it starts a throw-away PostgreSQL of its own. A missing scale organization is
 * seeded by the generator (minutes at 1M invoices) and kept for the next run; --fresh drops the
 * database first. Then it times invoice search (first and deep pages), the analytics reports, and
 * two baselines in the same run: LIMIT/OFFSET paging and an aging that rebuilds every balance
 * from all applications. It ends with a table of targets and exits 1 if any is missed.
 */
export const BENCH_DATABASE = 'tesorio_bench';

export const TARGETS = {
  searchP95Ms: 20,
  agingMs: 500,
  kpiMs: 500,
  demoSeedMs: DEMO_SEED_TARGET_MS,
} as const;

const PAGE_SIZE = 50;
/** Runs per search scenario (first pages) and deep-page samples per scenario. */
const SEARCH_RUNS = 100;
/** "Deep" pages are page 21 and later, reached by following nextCursor from page 1. */
const DEEP_FROM_PAGE = 21;
const DEEP_PAGES_PER_WALK = 10;
/** A scenario whose result sets are too short for deep pages gives up after this many walks. */
const MAX_DEEP_WALKS = 30;
/** Wall-clock cap per scenario's deep walks, so a slow scenario cannot hold the run for long. */
const DEEP_TIME_CAP_MS = 60_000;
/** The LIMIT/OFFSET baseline: pages DEEP_FROM_PAGE .. DEEP_FROM_PAGE + BASELINE_PAGES - 1. */
const BASELINE_PAGES = 100;
/** Warm runs per analytics report (after one untimed run). */
const REPORT_RUNS = 10;
/** The naive aging gets fewer runs when a single one takes longer than this. */
const SLOW_BASELINE_MS = 5_000;

export interface QueriesBenchOptions {
  /** A PostgreSQL server URL; the bench works in its own database on it. */
  serverUrl: string;
  invoices: number;
  seed: number;
  today?: string;
  /** Drop and re-create the bench database (and so re-seed the scale organization). */
  fresh?: boolean;
  /** Default demo seed time measured elsewhere (seed.bench); measured here on a fresh database. */
  demoSeedMs?: number;
  /** Only the searches and reports whose label contains this (any case); no baselines. */
  only?: string;
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
}

interface TargetRow {
  target: string;
  measured: string;
  /** undefined: not measured in this run, so neither passes nor fails. */
  pass?: boolean;
}

function statsOf(samples: number[]): Stats | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

const count = (n: number): string => n.toLocaleString('en-US');

// ------------------------------------------------------------------------------------------------
// Database and scale organization

async function openBenchDatabase(serverUrl: string, fresh: boolean): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    if (fresh) await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

interface ScaleOrganization {
  id: string;
  invoices: number;
  openInvoices: number;
  customers: number;
  /** Set when this run seeded the default demo books on an empty database. */
  demoSeedMs?: number;
}

async function scaleOrganization(ds: DataSource, options: QueriesBenchOptions): Promise<ScaleOrganization> {
  const find = async (): Promise<string | undefined> =>
    (
      await ds.query<{ id: string }[]>('SELECT id FROM organizations WHERE name = $1', [
        SCALE_ORGANIZATION.name,
      ])
    )[0]?.id;
  let demoSeedMs: number | undefined;
  if ((await find()) === undefined) {
    const log = (message: string): void => console.log(`  ${message}`);
    // Two calls, so the default books' time (the 30 s target) is measured on its own.
    const [demo, demoMs] = await timed(() =>
      seedDemoData(ds, { seed: options.seed, today: options.today, log }),
    );
    if (demo.organizations.some((o) => o.created)) demoSeedMs = demoMs;
    console.log(`Seeding ${SCALE_ORGANIZATION.name} with ${count(options.invoices)} invoices ...`);
    const [, scaleMs] = await timed(() =>
      seedDemoData(ds, {
        seed: options.seed,
        today: options.today,
        scale: { invoices: options.invoices },
        log,
      }),
    );
    const [, vacuumMs] = await timed(() => ds.query('VACUUM ANALYZE'));
    console.log(
      `Seeded in ${(scaleMs / 1000).toFixed(1)} s (${count(Math.round(options.invoices / (scaleMs / 1000)))} invoices/s), VACUUM ANALYZE ${(vacuumMs / 1000).toFixed(1)} s.`,
    );
  }
  const id = (await find())!;
  const [row] = await ds.query<{ invoices: number; open: number; customers: number }[]>(
    `SELECT (SELECT count(*)::int FROM invoices WHERE org_id = $1) AS invoices,
            (SELECT count(*)::int FROM invoices WHERE org_id = $1 AND balance > 0) AS open,
            (SELECT count(*)::int FROM customers WHERE org_id = $1) AS customers`,
    [id],
  );
  if (row.invoices !== options.invoices) {
    throw new Error(
      `${BENCH_DATABASE} holds ${SCALE_ORGANIZATION.name} with ${count(row.invoices)} invoices, not the ${count(options.invoices)} asked for: pass --invoices ${row.invoices} or --fresh.`,
    );
  }
  return { id, invoices: row.invoices, openInvoices: row.open, customers: row.customers, demoSeedMs };
}

// ------------------------------------------------------------------------------------------------
// Invoice search

interface Fixtures {
  asOf: string;
  collectors: string[];
  customerIds: string[];
  customerNames: string[];
  invoiceNumbers: string[];
  /** Due dates spread over the history, for date-range filters. */
  days: string[];
}

async function loadFixtures(ds: DataSource, orgId: string, asOf: string): Promise<Fixtures> {
  const column = async <T>(sql: string): Promise<T[]> =>
    (await ds.query<{ v: T }[]>(sql, [orgId])).map((r) => r.v);
  // Ids are random UUIDs, so the first rows by id are a fair sample.
  return {
    asOf,
    collectors: await column(
      `SELECT user_id AS v FROM memberships WHERE org_id = $1 AND role = 'collector' ORDER BY user_id`,
    ),
    customerIds: await column('SELECT id AS v FROM customers WHERE org_id = $1 ORDER BY id LIMIT 200'),
    customerNames: await column(
      'SELECT name AS v FROM customers WHERE org_id = $1 ORDER BY id DESC LIMIT 200',
    ),
    invoiceNumbers: await column('SELECT number AS v FROM invoices WHERE org_id = $1 ORDER BY id LIMIT 200'),
    days: await column(
      `SELECT to_char(d, 'YYYY-MM-DD') AS v FROM (
         SELECT percentile_disc(q) WITHIN GROUP (ORDER BY due_date) AS d
           FROM invoices, generate_series(0.05, 0.95, 0.01) q WHERE org_id = $1 GROUP BY q) s ORDER BY d`,
    ),
  };
}

interface SearchScenario {
  label: string;
  filter: (i: number) => InvoiceFilter;
}

function searchScenarios(f: Fixtures): SearchScenario[] {
  const { asOf } = f;
  const pick = <T>(list: T[], i: number): T => list[(i * 7919) % list.length];
  // Fixed filters alternate the direction so no two consecutive runs repeat the same query.
  const either = (i: number): 'asc' | 'desc' => (i % 2 === 0 ? 'asc' : 'desc');
  return [
    { label: 'all, by due date', filter: (i) => ({ asOf, direction: either(i) }) },
    { label: 'open, by due date', filter: (i) => ({ asOf, openOnly: true, direction: either(i) }) },
    {
      label: 'overdue, most days past due first',
      filter: (i) => ({ asOf, overdueOnly: true, sort: 'days_past_due', direction: i % 2 ? 'asc' : 'desc' }),
    },
    {
      label: 'one customer, open',
      filter: (i) => ({ asOf, customerIds: [pick(f.customerIds, i)], openOnly: true }),
    },
    {
      label: 'one customer, all, newest first',
      filter: (i) => ({ asOf, customerIds: [pick(f.customerIds, i)], sort: 'issue_date', direction: 'desc' }),
    },
    {
      label: 'collector, overdue',
      filter: (i) => ({ asOf, collectorUserIds: [pick(f.collectors, i)], overdueOnly: true }),
    },
    {
      label: 'collector, open, biggest balance',
      filter: (i) => ({
        asOf,
        collectorUserIds: [pick(f.collectors, i)],
        openOnly: true,
        sort: 'balance',
        direction: 'desc',
      }),
    },
    {
      label: 'aging bucket 90+, biggest balance',
      filter: (i) => ({ asOf, agingBucket: ['90+'], sort: 'balance', direction: either(i + 1) }),
    },
    {
      label: 'aging buckets 1-30 + 31-60',
      filter: (i) => ({ asOf, agingBucket: ['1-30', '31-60'], direction: either(i) }),
    },
    {
      label: 'days past due range (n..n+30)',
      filter: (i) => ({ asOf, daysPastDue: { min: i % 60, max: (i % 60) + 30 } }),
    },
    {
      label: 'status partially_paid, due in 90 days',
      filter: (i) => ({
        asOf,
        status: ['partially_paid'],
        dueDate: { from: pick(f.days, i), to: addDays(pick(f.days, i), 90) },
      }),
    },
    {
      label: 'issue date month, biggest total',
      filter: (i) => ({
        asOf,
        issueDate: { from: pick(f.days, i), to: addDays(pick(f.days, i), 30) },
        sort: 'total',
        direction: 'desc',
      }),
    },
    { label: 'all, by total', filter: (i) => ({ asOf, sort: 'total', direction: either(i + 1) }) },
    { label: 'all, by balance', filter: (i) => ({ asOf, sort: 'balance', direction: either(i + 1) }) },
    { label: 'all, by number', filter: (i) => ({ asOf, sort: 'number', direction: either(i) }) },
    { label: 'disputed', filter: (i) => ({ asOf, disputed: true, direction: either(i) }) },
    { label: 'has promise', filter: (i) => ({ asOf, hasPromise: true, direction: either(i) }) },
    {
      label: 'open, not disputed, no promise',
      filter: (i) => ({ asOf, openOnly: true, disputed: false, hasPromise: false, direction: either(i) }),
    },
    {
      label: 'tag milestone-billing',
      filter: (i) => ({ asOf, tags: ['milestone-billing'], direction: either(i) }),
    },
    { label: 'text: invoice number', filter: (i) => ({ asOf, text: pick(f.invoiceNumbers, i) }) },
    { label: 'text: customer name', filter: (i) => ({ asOf, text: pick(f.customerNames, i) }) },
  ];
}

interface ScenarioResult {
  label: string;
  first?: Stats;
  deep?: Stats;
  note?: string;
}

async function measureScenario(
  invoices: InvoiceQueries,
  orgId: string,
  scenario: SearchScenario,
): Promise<ScenarioResult> {
  const search = (filter: InvoiceFilter, cursor?: string) =>
    invoices.search(orgId, filter, { limit: PAGE_SIZE, cursor });
  await search(scenario.filter(0));
  const first: number[] = [];
  for (let i = 0; i < SEARCH_RUNS; i++) {
    // Ten times over budget after five runs: reported now rather than after a hundred.
    if (i === 5 && Math.min(...first) > 10 * TARGETS.searchP95Ms) {
      return { label: scenario.label, first: statsOf(first), note: 'stopped after 5 runs: 10× over' };
    }
    first.push((await timed(() => search(scenario.filter(i))))[1]);
  }
  // Deep pages: walk each argument's result from page 1, timing pages 21 to 30.
  const deep: number[] = [];
  const stopAt = performance.now() + DEEP_TIME_CAP_MS;
  let walks = 0;
  for (; walks < MAX_DEEP_WALKS && deep.length < SEARCH_RUNS && performance.now() < stopAt; walks++) {
    const filter = scenario.filter(walks);
    let page = await search(filter);
    for (let n = 2; n < DEEP_FROM_PAGE + DEEP_PAGES_PER_WALK && page.nextCursor; n++) {
      const cursor = page.nextCursor;
      const [next, elapsed] = await timed(() => search(filter, cursor));
      if (n >= DEEP_FROM_PAGE) deep.push(elapsed);
      page = next;
    }
  }
  let note: string | undefined;
  if (deep.length === 0) note = `no result reached page ${DEEP_FROM_PAGE} in ${walks} walks`;
  else if (deep.length < SEARCH_RUNS) note = `${deep.length} deep pages in ${walks} walks`;
  return { label: scenario.label, first: statsOf(first), deep: statsOf(deep), note };
}

// The select list of InvoiceQueries.search, for the raw-SQL comparison of the two paging methods.
const SEARCH_COLUMNS = `i.id, i.number, i.po_number, i.customer_id,
  (SELECT c.name FROM customers c WHERE c.org_id = i.org_id AND c.id = i.customer_id) AS customer_name,
  i.status, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date, to_char(i.due_date, 'YYYY-MM-DD') AS due_date,
  i.currency, i.total, i.amount_paid, i.amount_credited, i.amount_written_off, i.balance,
  to_char(i.closed_on, 'YYYY-MM-DD') AS closed_on, i.tags`;

interface PagingComparison {
  pages: string;
  service: Stats;
  keyset: Stats;
  offset: Stats;
  sameRows: boolean;
}

/**
 * "Open invoices by due date", pages 21..120: the service (keyset, cursor from the previous page),
 * the same keyset as one raw SQL statement, and LIMIT/OFFSET at the same depth (what keyset
 * replaces). Raw runs alternate per page so load on the machine hits both alike.
 */
async function comparePaging(
  ds: DataSource,
  invoices: InvoiceQueries,
  orgId: string,
  asOf: string,
): Promise<PagingComparison | undefined> {
  const filter: InvoiceFilter = { asOf, openOnly: true };
  const service: number[] = [];
  const afters: { page: number; dueDate: string; id: string }[] = [];
  const lastPage = DEEP_FROM_PAGE + BASELINE_PAGES - 1;
  let page = await invoices.search(orgId, filter, { limit: PAGE_SIZE });
  for (let n = 2; n <= lastPage && page.nextCursor; n++) {
    const last = page.items[page.items.length - 1];
    const cursor = page.nextCursor;
    const [next, elapsed] = await timed(() => invoices.search(orgId, filter, { limit: PAGE_SIZE, cursor }));
    if (n >= DEEP_FROM_PAGE) {
      service.push(elapsed);
      afters.push({ page: n, dueDate: last.dueDate, id: last.id });
    }
    page = next;
  }
  if (afters.length === 0) return undefined;
  const keyset: number[] = [];
  const offset: number[] = [];
  let sameRows = true;
  for (const after of afters) {
    const [byKey, keyMs] = await timed(() =>
      ds.query<{ id: string }[]>(
        `SELECT ${SEARCH_COLUMNS} FROM invoices i
          WHERE i.org_id = $1 AND i.balance > 0 AND (i.due_date, i.id) > ($2::date, $3::uuid)
          ORDER BY i.due_date, i.id LIMIT ${PAGE_SIZE + 1}`,
        [orgId, after.dueDate, after.id],
      ),
    );
    const [byOffset, offsetMs] = await timed(() =>
      ds.query<{ id: string }[]>(
        `SELECT ${SEARCH_COLUMNS} FROM invoices i
          WHERE i.org_id = $1 AND i.balance > 0
          ORDER BY i.due_date, i.id LIMIT ${PAGE_SIZE + 1} OFFSET $2`,
        [orgId, (after.page - 1) * PAGE_SIZE],
      ),
    );
    keyset.push(keyMs);
    offset.push(offsetMs);
    sameRows &&= byKey.map((r) => r.id).join() === byOffset.map((r) => r.id).join();
  }
  return {
    pages: `${afters[0].page}–${afters[afters.length - 1].page}`,
    service: statsOf(service)!,
    keyset: statsOf(keyset)!,
    offset: statsOf(offset)!,
    sameRows,
  };
}

// ------------------------------------------------------------------------------------------------
// Analytics

interface BucketCell {
  currency: string;
  bucket: number;
  amount: number;
  invoiceCount: number;
}

/**
 * The aging that as-of-balances.sql.ts avoids: every invoice's balance on D rebuilt from its total
 * and ALL its applications (no pruning to the open slice), then bucketed like AgingService.
 */
function naiveAgingSql(settings: OrgSettings): string {
  const ageFrom = settings.agingBasis === 'due_date' ? 'b.due_date' : 'b.issue_date';
  return `SELECT b.currency, width_bucket($2::date - ${ageFrom}, $3::int[]) AS bucket,
                 SUM(b.balance)::bigint AS amount, COUNT(*)::int AS "invoiceCount"
            FROM (SELECT i.currency::text AS currency, i.issue_date, i.due_date,
                         i.total - COALESCE(pa.paid, 0) - COALESCE(ca.credited, 0)
                           - CASE WHEN i.written_off_on <= $2::date THEN i.amount_written_off ELSE 0 END AS balance
                    FROM invoices i
                    LEFT JOIN (SELECT invoice_id, SUM(amount) AS paid FROM payment_applications
                                WHERE org_id = $1 AND applied_on <= $2::date
                                  AND (unapplied_on IS NULL OR unapplied_on > $2::date)
                                GROUP BY invoice_id) pa ON pa.invoice_id = i.id
                    LEFT JOIN (SELECT invoice_id, SUM(amount) AS credited FROM credit_applications
                                WHERE org_id = $1 AND applied_on <= $2::date
                                GROUP BY invoice_id) ca ON ca.invoice_id = i.id
                   WHERE i.org_id = $1 AND i.issue_date <= $2::date AND i.status <> 'void') b
           WHERE b.balance > 0
           GROUP BY 1, 2`;
}

function cellsOfReport(report: AgingReport): BucketCell[] {
  return report.totals.byCurrency.flatMap((amounts) =>
    amounts.buckets
      .map((b, bucket) => ({
        currency: amounts.currency,
        bucket,
        amount: b.amount,
        invoiceCount: b.invoiceCount,
      }))
      .filter((c) => c.invoiceCount > 0),
  );
}

const cellKey = (c: BucketCell): string => `${c.currency}/${c.bucket}: ${c.amount} in ${c.invoiceCount}`;
const sortedKeys = (cells: BucketCell[]): string[] => cells.map(cellKey).sort();

interface ReportResult {
  label: string;
  stats: Stats;
  target?: number;
}

interface AgingBaseline {
  label: string;
  service: Stats;
  naive: Stats;
  match: boolean;
  difference?: string;
}

/**
 * One untimed run, then REPORT_RUNS timed ones. `prepare`, untimed, runs after the untimed run and
 * before each timed one: it waits for the background work a report started (the aging cells of a
 * past day) and clears a cache for the "not cached" lines.
 */
async function measureReport(
  label: string,
  run: (i: number) => Promise<unknown>,
  target?: number,
  prepare?: () => Promise<unknown>,
): Promise<ReportResult> {
  await run(0);
  const samples: number[] = [];
  for (let i = 0; i < REPORT_RUNS; i++) {
    await prepare?.();
    samples.push((await timed(() => run(i)))[1]);
  }
  const result = { label, stats: statsOf(samples)!, target };
  console.log(
    `  ${label.padEnd(52)} p50 ${ms(result.stats.p50).padStart(7)} ms  p95 ${ms(result.stats.p95).padStart(7)} ms`,
  );
  return result;
}

async function compareAging(
  ds: DataSource,
  aging: AgingService,
  settings: OrgSettings,
  label: string,
  asOf: string,
): Promise<AgingBaseline> {
  const bounds = bucketLowerBounds(settings.agingBasis, settings.agingBucketEdges);
  const sql = naiveAgingSql(settings);
  const naiveRun = () => runReportQueries(ds, (q) => q<BucketCell>(sql, [settings.id, asOf, bounds]));
  // One untimed run of each first (warm-up; its length decides how many naive runs to afford).
  await aging.aging(settings.id, { asOf });
  await aging.settled(); // a past day's cells, cached in the background
  const [, warmUp] = await timed(naiveRun);
  const runs = warmUp > SLOW_BASELINE_MS ? 3 : REPORT_RUNS;
  const service: number[] = [];
  const naive: number[] = [];
  let report: AgingReport | undefined;
  let cells: BucketCell[] = [];
  // Alternating, so both see the same load on the machine.
  for (let i = 0; i < runs; i++) {
    let elapsed: number;
    [report, elapsed] = await timed(() => aging.aging(settings.id, { asOf }));
    service.push(elapsed);
    [cells, elapsed] = await timed(naiveRun);
    naive.push(elapsed);
  }
  const expected = sortedKeys(cells);
  const actual = sortedKeys(cellsOfReport(report!));
  const match = expected.join('\n') === actual.join('\n');
  const difference = match
    ? undefined
    : `service only: ${actual.filter((k) => !expected.includes(k)).join('; ')} | naive only: ${expected.filter((k) => !actual.includes(k)).join('; ')}`;
  return { label, service: statsOf(service)!, naive: statsOf(naive)!, match, difference };
}

// ------------------------------------------------------------------------------------------------

/** Runs everything on `options.serverUrl`; prints the tables; resolves true when every target is met. */
export async function runQueriesBench(options: QueriesBenchOptions): Promise<boolean> {
  const url = await openBenchDatabase(options.serverUrl, options.fresh ?? false);
  const config = testConfig({ DATABASE_URL: url, DATABASE_STATEMENT_TIMEOUT_MS: '600000' });
  const ds = createDataSource(config, url);
  await ds.initialize();
  try {
    await runMigrations(ds);
    const org = await scaleOrganization(ds, options);
    const orgId = org.id;
    const settings = await new OrgSettingsReader(ds).load(orgId);
    const today = todayIn(settings.timeZone);
    const [{ server_version: version }] = await ds.query<{ server_version: string }[]>('SHOW server_version');
    console.log(
      `\n${SCALE_ORGANIZATION.name}: ${count(org.invoices)} invoices (${count(org.openInvoices)} open), ${count(org.customers)} customers; as of ${today}; PostgreSQL ${version}.`,
    );

    // ---- invoice search
    const { invoices } = buildQueries(ds);
    const fixtures = await loadFixtures(ds, orgId, today);
    console.log(
      `\nInvoice search, ${PAGE_SIZE} per page: ${SEARCH_RUNS} first pages per scenario with varying arguments, and up to ${SEARCH_RUNS} deep pages (${DEEP_FROM_PAGE}–${DEEP_FROM_PAGE + DEEP_PAGES_PER_WALK - 1} of each walk, via nextCursor). Times in ms.`,
    );
    const selected = (label: string): boolean =>
      options.only === undefined || label.toLowerCase().includes(options.only.toLowerCase());
    const scenarioResults: ScenarioResult[] = [];
    for (const scenario of searchScenarios(fixtures).filter((s) => selected(s.label))) {
      const result = await measureScenario(invoices, orgId, scenario);
      scenarioResults.push(result);
      console.log(
        `  ${result.label.padEnd(40)} first p50 ${ms(result.first?.p50).padStart(6)} p95 ${ms(result.first?.p95).padStart(6)}   deep p50 ${ms(result.deep?.p50).padStart(6)} p95 ${ms(result.deep?.p95).padStart(6)}${result.note ? `   (${result.note})` : ''}`,
      );
    }

    const paging = options.only === undefined ? await comparePaging(ds, invoices, orgId, today) : undefined;
    if (paging) {
      console.log(`\nBaseline: "open, by due date" deep pages, keyset vs LIMIT/OFFSET (ms):`);
      printTable(
        ['pages ' + paging.pages, 'n', 'p50', 'p95'],
        [
          ['InvoiceQueries.search (keyset, whole call)', paging.service],
          ['keyset SQL: (due_date, id) > cursor', paging.keyset],
          ['LIMIT/OFFSET SQL, same pages', paging.offset],
        ].map(([label, s]) => [
          label as string,
          String((s as Stats).n),
          ms((s as Stats).p50),
          ms((s as Stats).p95),
        ]),
      );
      console.log(`  same rows on every page: ${paging.sameRows ? 'yes' : 'NO'}`);
    } else if (options.only === undefined) {
      console.log(`\n  Fewer than ${DEEP_FROM_PAGE} pages of open invoices: no paging baseline.`);
    }

    // ---- analytics
    const rates = new ExchangeRatesService(ds);
    const orgSettings = new OrgSettingsReader(ds);
    const aging = new AgingService(ds, orgSettings, rates);
    const kpis = new KpiService(ds, orgSettings, rates);
    const behaviour = new PaymentBehaviourService(ds, orgSettings, rates);
    const overdue = new OverdueCustomersService(ds, orgSettings, rates);
    const forecast = new CashForecastService(ds, orgSettings, rates, behaviour);
    const statement = new StatementOfAccountService(ds, orgSettings);
    const worklist = new CollectorWorklistService(ds, orgSettings, rates);
    const customer = (i: number): string => fixtures.customerIds[(i * 7919) % fixtures.customerIds.length];
    const monthStart = `${today.slice(0, 7)}-01`;
    const lastMonthEnd = addDays(monthStart, -1);
    const lastMonthStart = `${lastMonthEnd.slice(0, 7)}-01`;
    // The last calendar quarter that has ended.
    const quarterMonth = Math.floor((Number(today.slice(5, 7)) - 1) / 3) * 3 + 1;
    const thisQuarterStart = `${today.slice(0, 4)}-${String(quarterMonth).padStart(2, '0')}-01`;
    const quarterStart = addMonths(thisQuarterStart, -3);
    const quarterEnd = addDays(thisQuarterStart, -1);
    const sixMonthsAgo = addMonths(today, -6);

    console.log(`\nAnalytics, warm: ${REPORT_RUNS} runs each after one untimed run (ms).`);
    const settled = () => aging.settled();
    const clear = (table: string) => async () => {
      await aging.settled();
      await ds.query(`DELETE FROM ${table} WHERE org_id = $1`, [orgId]);
    };
    const reportSpecs: [string, (i: number) => Promise<unknown>, number?, (() => Promise<unknown>)?][] = [
      ['aging, today', () => aging.aging(orgId), TARGETS.agingMs],
      ['aging, today, by customer', () => aging.aging(orgId, { groupBy: 'customer' }), TARGETS.agingMs],
      [
        `aging, as of last month end (${lastMonthEnd})`,
        () => aging.aging(orgId, { asOf: lastMonthEnd }),
        TARGETS.agingMs,
        settled,
      ],
      [
        `aging, 6 months ago (${sixMonthsAgo}), by collector`,
        () => aging.aging(orgId, { asOf: sixMonthsAgo, groupBy: 'collector' }),
        TARGETS.agingMs,
        settled,
      ],
      [
        `aging, last month end, not cached (computed each run)`,
        () => aging.aging(orgId, { asOf: lastMonthEnd }),
        undefined,
        clear('aging_day_cells'),
      ],
      [
        `aging, 6 months ago, by collector, not cached (computed each run)`,
        () => aging.aging(orgId, { asOf: sixMonthsAgo, groupBy: 'collector' }),
        undefined,
        clear('aging_day_cells'),
      ],
      [
        `KPIs (DSO/CEI), month ${lastMonthStart}..${lastMonthEnd}`,
        () => kpis.kpis(orgId, { from: lastMonthStart, to: lastMonthEnd }),
        TARGETS.kpiMs,
      ],
      [
        `KPIs (DSO/CEI), quarter ${quarterStart}..${quarterEnd}`,
        () => kpis.kpis(orgId, { from: quarterStart, to: quarterEnd }),
        TARGETS.kpiMs,
      ],
      [
        `KPIs (DSO/CEI), quarter, totals not cached (computed each run)`,
        () => kpis.kpis(orgId, { from: quarterStart, to: quarterEnd }),
        undefined,
        clear('receivable_day_totals'),
      ],
      ['KPI trend, 6 months', () => kpis.trend(orgId, { months: 6 })],
      ['top overdue customers (10)', () => overdue.topOverdueCustomers(orgId, { limit: 10 })],
      ['payment behaviour, one customer', (i) => behaviour.forCustomer(orgId, customer(i))],
      ['payment behaviour, all customers (page of 50)', () => behaviour.list(orgId, {})],
      ['13-week cash forecast (behaviour)', () => forecast.forecast(orgId, {})],
      [
        'statement of account, one customer, 90 days',
        (i) => statement.statement(orgId, customer(i), { from: addDays(today, -90), to: today }),
      ],
      ['collector worklist (page of 50)', () => worklist.worklist(orgId, {})],
    ];
    const reports: ReportResult[] = [];
    for (const [label, run, target, prepare] of reportSpecs.filter(([label]) => selected(label))) {
      reports.push(await measureReport(label, run, target, prepare));
    }
    await aging.settled();
    if (selected('report cache warmer')) {
      // What a new deployment pays once, in the background, and then every pass (docs/adr/0014).
      for (const table of ['receivable_day_totals', 'aging_day_cells']) {
        await ds.query(`DELETE FROM ${table} WHERE org_id = $1`, [orgId]);
      }
      const warmer = new PastDaysWarmer(ds, config, orgSettings, aging);
      const [days, firstMs] = await timed(() => warmer.warm(orgId));
      const [, nextMs] = await timed(() => warmer.warm(orgId));
      console.log(
        `  ${'report cache warmer, a pass over empty caches'.padEnd(52)} ${days.kpiDays} days of KPI totals and ${days.agingDays} of aging in ${ms(firstMs)} ms; the next pass ${ms(nextMs)} ms`,
      );
      const last30Days = { from: addDays(today, -30), to: addDays(today, -1) };
      reports.push(
        await measureReport(
          'KPIs (DSO/CEI), last 30 days, after the warmer',
          () => kpis.kpis(orgId, last30Days),
          TARGETS.kpiMs,
        ),
      );
    }

    const baselines: AgingBaseline[] = [];
    const baselineDays = [
      [`today (${today})`, today],
      [`last month end (${lastMonthEnd})`, lastMonthEnd],
      [`6 months ago (${sixMonthsAgo})`, sixMonthsAgo],
    ];
    for (const [label, asOf] of options.only === undefined ? baselineDays : []) {
      baselines.push(await compareAging(ds, aging, settings, label, asOf));
    }
    if (baselines.length > 0) {
      console.log(
        `\nBaseline: AgingService vs a naive aging rebuilding every balance from all applications (ms, same totals expected):`,
      );
      printTable(
        ['aging as of', 'n', 'service p50', 'p95', 'naive p50', 'p95', 'speed-up', 'totals'],
        baselines.map((b) => [
          b.label,
          `${b.service.n}/${b.naive.n}`,
          ms(b.service.p50),
          ms(b.service.p95),
          ms(b.naive.p50),
          ms(b.naive.p95),
          `${(b.naive.p50 / b.service.p50).toFixed(1)}×`,
          b.match ? 'match' : 'DIFFER',
        ]),
      );
    }
    for (const b of baselines.filter((x) => !x.match)) console.log(`  ${b.label}: ${b.difference}`);

    // ---- targets
    const demoSeedMs = options.demoSeedMs ?? org.demoSeedMs;
    const rows: TargetRow[] = [
      {
        target: `demo seeding, default data ≤ ${TARGETS.demoSeedMs / 1000} s`,
        measured:
          demoSeedMs === undefined ? 'not measured (data existed)' : `${(demoSeedMs / 1000).toFixed(1)} s`,
        pass: demoSeedMs === undefined ? undefined : demoSeedMs <= TARGETS.demoSeedMs,
      },
    ];
    for (const s of scenarioResults) {
      const worst = Math.max(s.first?.p95 ?? Infinity, s.deep?.p95 ?? 0);
      rows.push({
        target: `search p95 ≤ ${TARGETS.searchP95Ms} ms: ${s.label} (first / deep)`,
        measured: `${ms(s.first?.p95)} / ${ms(s.deep?.p95)} ms`,
        pass: s.first !== undefined && s.first.n >= SEARCH_RUNS && worst <= TARGETS.searchP95Ms,
      });
    }
    for (const r of reports.filter((x) => x.target !== undefined)) {
      rows.push({
        target: `${r.label} p95 ≤ ${r.target} ms`,
        measured: `${ms(r.stats.p95)} ms`,
        pass: r.stats.p95 <= r.target!,
      });
    }
    for (const b of baselines) {
      rows.push({
        target: `aging ${b.label} = naive rebuild (totals)`,
        measured: b.match ? 'match' : 'differ',
        pass: b.match,
      });
    }
    if (paging) {
      rows.push({
        target: 'keyset pages = LIMIT/OFFSET pages',
        measured: paging.sameRows ? 'same' : 'differ',
        pass: paging.sameRows,
      });
    }
    console.log(`\nTargets (${count(org.invoices)} invoices):`);
    printTable(
      ['target', 'measured', 'result'],
      rows.map((r) => [r.target, r.measured, r.pass === undefined ? '—' : r.pass ? 'PASS' : 'FAIL']),
    );
    const failed = rows.filter((r) => r.pass === false).length;
    console.log(failed === 0 ? '\nAll targets met.' : `\n${failed} target(s) missed.`);
    return failed === 0;
  } finally {
    await ds.destroy();
  }
}

export function parseQueriesBenchArguments(argv: string[]): Omit<QueriesBenchOptions, 'serverUrl'> {
  const options: Omit<QueriesBenchOptions, 'serverUrl'> = { invoices: 1_000_000, seed: DEFAULT_DEMO_SEED };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--invoices':
        options.invoices = Number(value.replace(/_/g, ''));
        i++;
        break;
      case '--seed':
        options.seed = Number(value);
        i++;
        break;
      case '--today':
        options.today = value;
        i++;
        break;
      case '--fresh':
        options.fresh = true;
        break;
      case '--only':
        options.only = value;
        i++;
        break;
      default:
        throw new Error(
          `Unknown argument ${argv[i]}; use --invoices N, --seed S, --today YYYY-MM-DD, --fresh, --only TEXT.`,
        );
    }
  }
  if (!Number.isSafeInteger(options.invoices) || options.invoices < 1) {
    throw new Error(`--invoices must be a positive whole number; got ${options.invoices}.`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseQueriesBenchArguments(process.argv.slice(2));
  await onBenchServer((serverUrl) => runQueriesBench({ ...options, serverUrl }));
}

// Run as a script; bench/run-benchmarks.ts imports runQueriesBench instead.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
