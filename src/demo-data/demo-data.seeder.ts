import { performance } from 'node:perf_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import { InvalidArgumentError } from '../common/errors/app-error';
import type { Role } from '../identity/membership.entity';
import { PasswordHasher } from '../identity/password-hasher';
import { addMonths, isIsoDate, todayIn } from '../receivables/shared/calendar';
import { BulkWriter, sameTransaction, transactionPerChunk } from './bulk-writer';
import type { ColumnSpec, TableDefinition } from './bulk-writer';
import { ACME_PLAN, COLLECTOR_WEIGHTS, GLOBEX_PLAN, HISTORY_MONTHS, scalePlan } from './demo-data.plans';
import { TABLES } from './demo-data.tables';
import { DEMO_LOGINS, DEMO_ORGANIZATIONS, DEMO_PASSWORD, SCALE_LOGINS } from './demo-logins';
import type { DemoOrgKey } from './demo-logins';
import { stamp, toDay } from './demo-calendar';
import { OrgBooksGenerator } from './org-books.generator';
import type { AgingBucket, DemoBuffers, OrgMember, OrgPlan, OrgStats } from './org-books.generator';
import type { Profile } from './payment-behaviour';
import { Random } from './random';

export const DEFAULT_DEMO_SEED = 20_240_601;
/** The largest scale run accepted: beyond this, invoice numbering and memory need another design. */
export const MAX_SCALE_INVOICES = 20_000_000;

export interface SeedDemoDataOptions {
  /** Same seed and same `today` give the same rows, ids included. */
  seed?: number;
  /** Last day of the history, 'YYYY-MM-DD'; default: today in each organization's time zone. */
  today?: string;
  /** Adds one more organization with this many invoices, for benchmarks. */
  scale?: { invoices: number };
  log?: (message: string) => void;
}

export interface SeededOrganization {
  id: string;
  name: string;
  baseCurrency: string;
  timeZone: string;
  /** False when the organization already existed and was left alone. */
  created: boolean;
  today?: string;
  customers?: number;
  customersByProfile?: Record<Profile, number>;
  invoices?: number;
  /** Open receivables by days past due, in minor units converted roughly to US dollars. */
  openByBucket?: Record<AgingBucket, number>;
  elapsedMs?: number;
}

export interface DemoDataSummary {
  seed: number;
  password: string;
  organizations: SeededOrganization[];
  users: { email: string; name: string; memberships: { organization: string; role: Role }[] }[];
  /** Rows this call inserted, per table. */
  counts: Record<string, number>;
  elapsedMs: number;
}

/** Rows buffered in memory before they are sent to the database. */
const FLUSH_ROWS = 20_000;
/** The scale organization flushes bigger chunks: each is a transaction of its own. */
const SCALE_FLUSH_ROWS = 50_000;
const SCALE_LANES = 2;
/** Serialises concurrent seeders (two replicas starting at once) on the same database. */
const SEED_LOCK = 'tesorio-demo-data';

/** A DataSource, or the QueryRunner of an open transaction (the embedded database has one connection). */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** True when any demo organization or demo login exists, i.e. seeding has already happened. */
export async function isDemoDataPresent(db: Queryable): Promise<boolean> {
  const rows = <{ present: boolean }[]>await db.query(
    `SELECT EXISTS (SELECT 1 FROM organizations WHERE name = ANY($1))
         OR EXISTS (SELECT 1 FROM users WHERE email = ANY($2)) AS present`,
    [Object.values(DEMO_ORGANIZATIONS).map((o) => o.name), DEMO_LOGINS.map((l) => l.email)],
  );
  return rows[0].present;
}

/**
 * Seeds the demo books: two organizations in different currencies with 18 months of history, and
 * the demo users of DEMO_LOGINS. Does nothing when they already exist, so it is safe on every
 * start. With `scale`, also adds one large organization for benchmarks (once).
 *
 * Everything is written with bulk INSERT ... SELECT FROM unnest(...) statements, one transaction
 * for the demo organizations and one for the scale organization, so a failure leaves nothing half
 * seeded.
 */
export async function seedDemoData(
  dataSource: DataSource,
  options: SeedDemoDataOptions = {},
): Promise<DemoDataSummary> {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isSafeInteger(seed))
    throw new InvalidArgumentError(`Seed must be an integer; got ${seed}.`, { field: 'seed' });
  if (options.today !== undefined && !isIsoDate(options.today)) {
    throw new InvalidArgumentError(`today must be a date written YYYY-MM-DD; got "${options.today}".`, {
      field: 'today',
    });
  }
  const scaleInvoices = options.scale?.invoices;
  if (
    scaleInvoices !== undefined &&
    (!Number.isSafeInteger(scaleInvoices) || scaleInvoices < 1 || scaleInvoices > MAX_SCALE_INVOICES)
  ) {
    throw new InvalidArgumentError(
      `scale.invoices must be a whole number from 1 to ${MAX_SCALE_INVOICES}; got ${scaleInvoices}.`,
      {
        field: 'scale.invoices',
      },
    );
  }
  const log = options.log ?? (() => undefined);
  const root = Random.seeded(seed);
  const summary: DemoDataSummary = {
    seed,
    password: DEMO_PASSWORD,
    organizations: [],
    users: [],
    counts: {},
    elapsedMs: 0,
  };
  const hasher = new PasswordHasher();
  let passwordHash: Promise<string> | undefined;
  // Argon2id costs tens of milliseconds: hash once, reuse for every demo account.
  const hashPassword = (): Promise<string> => (passwordHash ??= hasher.hash(DEMO_PASSWORD));

  summary.users.push(...DEMO_LOGINS.map(describeLogin));
  if (!(await seedDefaultOrganizations(dataSource, root, options.today, hashPassword, summary, log))) {
    log('Demo data already present: nothing seeded.');
    summary.organizations.push(
      ...(await existingOrganizations(
        dataSource,
        Object.values(DEMO_ORGANIZATIONS).map((o) => o.name),
      )),
    );
  }
  if (scaleInvoices !== undefined) {
    const plan = scalePlan(scaleInvoices);
    if (!(await seedScaleOrganization(dataSource, plan, root, options.today, hashPassword, summary, log))) {
      log(`${plan.name} already present: scale data not seeded again.`);
      summary.organizations.push(...(await existingOrganizations(dataSource, [plan.name])));
    }
  }
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}

/** The two demo organizations and their users, all in one transaction: all or nothing. */
async function seedDefaultOrganizations(
  dataSource: DataSource,
  root: Random,
  today: string | undefined,
  hashPassword: () => Promise<string>,
  summary: DemoDataSummary,
  log: (message: string) => void,
): Promise<boolean> {
  const plans: Record<DemoOrgKey, OrgPlan> = { acme: ACME_PLAN, globex: GLOBEX_PLAN };
  const runner = await openSeedTransaction(dataSource);
  try {
    if (await isDemoDataPresent(runner)) {
      await runner.rollbackTransaction();
      return false;
    }
    const writer = new BulkWriter(sameTransaction(runner));
    const buffers = createBuffers(writer);
    const orgIds = { acme: root.fork('org', 'acme').uuid(), globex: root.fork('org', 'globex').uuid() };
    const todays = {
      acme: today ?? todayIn(ACME_PLAN.timeZone),
      globex: today ?? todayIn(GLOBEX_PLAN.timeZone),
    };
    const joined = toDay(addMonths([todays.acme, todays.globex].sort()[0], -HISTORY_MONTHS)) - 30;
    const userRng = root.fork('users');
    const hash = await hashPassword();
    const members: Record<DemoOrgKey, OrgMember[]> = { acme: [], globex: [] };
    const generators = (['acme', 'globex'] as const).map(
      (key) =>
        new OrgBooksGenerator(
          plans[key],
          orgIds[key],
          root.fork('org-books', key),
          todays[key],
          members[key],
          buffers,
        ),
    );
    // Organizations before memberships: buffers flush in foreign-key order, but only what exists.
    generators.forEach((generator) => generator.writeOrganization());
    for (const login of DEMO_LOGINS) {
      const userId = userRng.uuid();
      writeUser(buffers, userId, login.email, login.name, hash, joined);
      for (const m of login.memberships) {
        buffers.memberships.push({
          org_id: orgIds[m.org],
          user_id: userId,
          role: m.role,
          created_at: stamp(joined, 545, 'UTC'),
        });
        members[m.org].push({
          userId,
          role: m.role,
          collectorWeight: m.role === 'collector' ? COLLECTOR_WEIGHTS[login.email] : undefined,
        });
      }
    }
    for (const generator of generators) {
      const started = performance.now();
      generator.prepare();
      const stats = await generator.simulate(() => flushWhenFull(writer));
      summary.organizations.push(describeOrganization(generator, stats, started, log));
    }
    await writer.finish();
    await runner.commitTransaction();
    addCounts(summary, writer);
    await analyze(runner);
    return true;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

/**
 * The scale organization in two steps. First its users, customers and contacts in one transaction
 * (which also claims it: a concurrent seeder then finds it present). Then the customers'
 * histories in chunks, each chunk its own transaction, on up to SCALE_LANES connections at once:
 * chunks hold whole customers, so they depend only on what the first step committed. If a chunk
 * fails, the organization is deleted again rather than left half seeded.
 */
async function seedScaleOrganization(
  dataSource: DataSource,
  plan: OrgPlan,
  root: Random,
  today: string | undefined,
  hashPassword: () => Promise<string>,
  summary: DemoDataSummary,
  log: (message: string) => void,
): Promise<boolean> {
  const started = performance.now();
  const orgId = root.fork('org', plan.key).uuid();
  const orgToday = today ?? todayIn(plan.timeZone);
  const members: OrgMember[] = [];
  let writer: BulkWriter;
  let generator: OrgBooksGenerator;

  const runner = await openSeedTransaction(dataSource);
  try {
    if ((await existingOrganizations(runner, [plan.name])).length > 0) {
      await runner.rollbackTransaction();
      return false;
    }
    writer = new BulkWriter(sameTransaction(runner));
    const buffers = createBuffers(writer);
    generator = new OrgBooksGenerator(
      plan,
      orgId,
      root.fork('org-books', plan.key),
      orgToday,
      members,
      buffers,
    );
    generator.writeOrganization();
    const joined = toDay(addMonths(orgToday, -HISTORY_MONTHS)) - 30;
    const userRng = root.fork('scale-users');
    const hash = await hashPassword();
    for (const login of SCALE_LOGINS) {
      const userId = userRng.uuid();
      writeUser(buffers, userId, login.email, login.name, hash, joined);
      buffers.memberships.push({
        org_id: orgId,
        user_id: userId,
        role: login.role,
        created_at: stamp(joined, 545, 'UTC'),
      });
      members.push({ userId, role: login.role, collectorWeight: COLLECTOR_WEIGHTS[login.email] });
      summary.users.push({
        email: login.email,
        name: login.name,
        memberships: [{ organization: plan.name, role: login.role }],
      });
    }
    generator.prepare();
    await writer.finish();
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }

  const lanes: QueryRunner[] = [];
  let failure: { error: unknown } | undefined;
  try {
    for (let i = 0; i < scaleLanes(dataSource); i++) {
      const lane = dataSource.createQueryRunner();
      lanes.push(lane);
      await lane.connect();
    }
    writer.useSink(transactionPerChunk(lanes));
    const stats = await generator.simulate(() => flushWhenFull(writer, SCALE_FLUSH_ROWS));
    await writer.finish();
    summary.organizations.push(describeOrganization(generator, stats, started, log));
    addCounts(summary, writer);
  } catch (error) {
    failure = { error };
    await writer.abandon();
  } finally {
    await Promise.all(lanes.map((lane) => lane.release()));
  }
  if (failure) {
    // After the lanes are back in the pool: the embedded database has a single connection.
    await dataSource.query('DELETE FROM organizations WHERE id = $1', [orgId]).catch(() => undefined);
    await dataSource
      .query('DELETE FROM users WHERE email = ANY($1)', [SCALE_LOGINS.map((l) => l.email)])
      .catch(() => undefined);
    throw failure.error;
  }
  await analyze(dataSource);
  return true;
}

/** A connection with an open transaction, holding the seeding lock. */
async function openSeedTransaction(dataSource: DataSource): Promise<QueryRunner> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    // A second process starting at the same moment waits here, then finds the data present.
    await runner.query('SELECT pg_advisory_xact_lock(hashtext($1))', [SEED_LOCK]);
    // Bulk statements can outlast the request-sized statement timeout.
    await runner.query('SET LOCAL statement_timeout = 0');
    return runner;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
    throw error;
  }
}

function createBuffers(writer: BulkWriter): DemoBuffers {
  return Object.fromEntries(
    Object.entries(TABLES).map(([key, definition]) => [
      key,
      writer.buffer(definition as TableDefinition<ColumnSpec>),
    ]),
  ) as unknown as DemoBuffers;
}

async function flushWhenFull(writer: BulkWriter, rows = FLUSH_ROWS): Promise<void> {
  if (writer.bufferedRows >= rows) await writer.flush();
  // Let the driver send the next statement of a running chunk: the database works while we generate.
  else await new Promise<void>((resolve) => setImmediate(resolve));
}

function writeUser(
  buffers: DemoBuffers,
  id: string,
  email: string,
  name: string,
  hash: string,
  joined: number,
): void {
  buffers.users.push({
    id,
    email,
    name,
    password_hash: hash,
    disabled: false,
    created_at: stamp(joined, 540, 'UTC'),
  });
}

function describeLogin(login: (typeof DEMO_LOGINS)[number]): DemoDataSummary['users'][number] {
  return {
    email: login.email,
    name: login.name,
    memberships: login.memberships.map((m) => ({
      organization: DEMO_ORGANIZATIONS[m.org].name,
      role: m.role,
    })),
  };
}

function describeOrganization(
  generator: OrgBooksGenerator,
  stats: OrgStats,
  started: number,
  log: (message: string) => void,
): SeededOrganization {
  const { plan, orgId, today } = generator;
  const elapsedMs = Math.round(performance.now() - started);
  log(
    `${plan.name}: ${stats.customers} customers, ${stats.invoices} invoices up to ${today} in ${(elapsedMs / 1000).toFixed(1)} s`,
  );
  return {
    id: orgId,
    name: plan.name,
    baseCurrency: plan.baseCurrency,
    timeZone: plan.timeZone,
    created: true,
    today,
    customers: stats.customers,
    customersByProfile: stats.customersByProfile,
    invoices: stats.invoices,
    openByBucket: stats.openByBucket,
    elapsedMs,
  };
}

function addCounts(summary: DemoDataSummary, writer: BulkWriter): void {
  for (const [table, rows] of Object.entries(writer.counts()))
    summary.counts[table] = (summary.counts[table] ?? 0) + rows;
}

/** Fresh planner statistics: the first queries after seeding should not plan for empty tables. */
async function analyze(db: Queryable): Promise<void> {
  await db.query(
    `ANALYZE ${Object.values(TABLES)
      .map((t) => `"${t.name}"`)
      .join(', ')}`,
  );
}

/** Connections for the scale organization's chunks: two keep both database cores busy; the embedded database has one. */
function scaleLanes(dataSource: DataSource): number {
  const poolSize = (dataSource.options as { poolSize?: number }).poolSize ?? 10;
  return Math.max(1, Math.min(SCALE_LANES, poolSize - 1));
}

async function existingOrganizations(db: Queryable, names: string[]): Promise<SeededOrganization[]> {
  const rows = <{ id: string; name: string; base_currency: string; time_zone: string }[]>(
    await db.query(
      'SELECT id, name, base_currency, time_zone FROM organizations WHERE name = ANY($1) ORDER BY name',
      [names],
    )
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    baseCurrency: r.base_currency,
    timeZone: r.time_zone,
    created: false,
  }));
}
