import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { ROLES } from '../../../src/identity/membership.entity';
import { PasswordHasher } from '../../../src/identity/password-hasher';
import {
  DEMO_LOGINS,
  DEMO_ORGANIZATIONS,
  DEMO_PASSWORD,
  SCALE_ORGANIZATION,
} from '../../../src/demo-data/demo-logins';
import { isDemoDataPresent, seedDemoData } from '../../../src/demo-data/demo-data.seeder';
import type { DemoDataSummary } from '../../../src/demo-data/demo-data.seeder';
import { addDays, addMonths, todayIn } from '../../../src/receivables/shared/calendar';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';
import { NOTHING_AFTER_TODAY, brokenInvariants } from './books-invariants';

const TODAY = '2026-03-15';
const SEED = 7;

const TABLES = [
  'organizations',
  'users',
  'memberships',
  'subsidiaries',
  'exchange_rates',
  'customers',
  'contacts',
  'invoices',
  'invoice_lines',
  'credit_memos',
  'payments',
  'payment_applications',
  'credit_applications',
  'disputes',
  'promises_to_pay',
  'promise_invoices',
  'activities',
  'tasks',
];

/** A hash of every table's rows in a fixed order (the password hash is salted, so it is left out). */
async function tableFingerprints(ds: DataSource): Promise<Record<string, string>> {
  const fingerprints: Record<string, string> = {};
  for (const table of TABLES) {
    const source =
      table === 'users' ? '(SELECT id, email, name, disabled, created_at FROM users)' : `"${table}"`;
    const [row] = await ds.query<{ hash: string; rows: number }[]>(
      `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS hash, count(*)::int AS rows FROM ${source} t`,
    );
    fingerprints[table] = `${row.rows}:${row.hash}`;
  }
  return fingerprints;
}

async function count(ds: DataSource, sql: string, parameters: unknown[] = []): Promise<number> {
  const [row] = await ds.query<Record<string, unknown>[]>(sql, parameters);
  return Number(Object.values(row)[0]);
}

async function values(ds: DataSource, sql: string): Promise<string[]> {
  const rows = await ds.query<Record<string, unknown>[]>(sql);
  return rows.map((r) => String(Object.values(r)[0]));
}

describe('demo data', () => {
  let first: TestDatabase;
  let second: TestDatabase;
  let summary: DemoDataSummary;
  let ds: DataSource;

  before(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    [summary] = await Promise.all([
      seedDemoData(first.dataSource, { seed: SEED, today: TODAY }),
      seedDemoData(second.dataSource, { seed: SEED, today: TODAY }),
    ]);
    ds = first.dataSource;
  });
  after(async () => Promise.all([first?.drop(), second?.drop()]));

  it('writes identical rows, ids included, for the same seed and day', async () => {
    const [a, b] = await Promise.all([
      tableFingerprints(first.dataSource),
      tableFingerprints(second.dataSource),
    ]);
    assert.deepEqual(a, b);
    assert.ok(summary.elapsedMs > 0);
  });

  it('keeps the books internally consistent', async () => {
    assert.deepEqual(await brokenInvariants(ds), []);
  });

  it('ends the history on the given day and dates nothing after it', async () => {
    const todays = JSON.stringify(Object.fromEntries(summary.organizations.map((o) => [o.id, TODAY])));
    assert.equal(await count(ds, NOTHING_AFTER_TODAY, [todays]), 0);
    const [latest] = await ds.query<{ invoice: string; payment: string }[]>(
      'SELECT (SELECT max(issue_date)::text FROM invoices) AS invoice, (SELECT max(received_on)::text FROM payments) AS payment',
    );
    assert.ok(latest.invoice >= addDays(TODAY, -3), `last invoice ${latest.invoice}`);
    assert.ok(latest.payment >= addDays(TODAY, -3), `last payment ${latest.payment}`);
  });

  it('creates two organizations in different currencies with a few hundred customers and 18 months of invoices', async () => {
    const orgs = await ds.query<{ name: string; base_currency: string; time_zone: string }[]>(
      'SELECT name, base_currency, time_zone FROM organizations ORDER BY name',
    );
    assert.deepEqual(
      orgs.map((o) => [o.name, o.base_currency, o.time_zone]),
      Object.values(DEMO_ORGANIZATIONS)
        .map((o) => [o.name, o.baseCurrency, o.timeZone])
        .sort(),
    );
    const customers = await count(ds, 'SELECT count(*) FROM customers');
    assert.ok(customers >= 200 && customers <= 500, `${customers} customers`);
    const span = await ds.query<{ first: string; last: string }[]>(
      'SELECT min(issue_date)::text AS first, max(issue_date)::text AS last FROM invoices',
    );
    assert.ok(span[0].first <= addDays(addMonths(TODAY, -18), 3), `history starts ${span[0].first}`);
    assert.ok(span[0].first >= addDays(addMonths(TODAY, -18), -3), `history starts ${span[0].first}`);
    assert.ok(span[0].last >= addDays(TODAY, -3), `history ends ${span[0].last}`);
    const invoices = await count(ds, 'SELECT count(*) FROM invoices');
    assert.equal(invoices, summary.counts.invoices);
    assert.ok(invoices >= 5_000 && invoices <= 15_000, `${invoices} invoices`);
    // GBP customers of the UK subsidiary need daily GBP→EUR rates over the whole history.
    const gbpDays = await count(
      ds,
      "SELECT count(DISTINCT rate_date) FROM exchange_rates WHERE from_currency = 'GBP' AND to_currency = 'EUR' AND rate_date BETWEEN $1 AND $2",
      [addMonths(TODAY, -18), TODAY],
    );
    assert.ok(gbpDays >= 540, `${gbpDays} days of GBP rates`);
    assert.deepEqual(await values(ds, 'SELECT DISTINCT currency FROM customers ORDER BY 1'), [
      'CAD',
      'EUR',
      'GBP',
      'USD',
    ]);
  });

  it('gives customers the account structure collectors work with', async () => {
    assert.ok(
      (await count(ds, 'SELECT count(*) FROM customers WHERE parent_id IS NOT NULL')) >= 10,
      'child accounts',
    );
    assert.deepEqual(await values(ds, 'SELECT DISTINCT payment_terms_days FROM customers ORDER BY 1'), [
      '15',
      '30',
      '45',
      '60',
    ]);
    const tags = await values(ds, 'SELECT DISTINCT unnest(tags) FROM customers ORDER BY 1');
    for (const tag of ['enterprise', 'mid-market', 'smb', 'strategic'])
      assert.ok(tags.includes(tag), `tag ${tag}`);
    assert.deepEqual(await values(ds, 'SELECT DISTINCT risk_level::text FROM customers ORDER BY 1'), [
      'high',
      'low',
      'medium',
    ]);
    assert.ok(
      (await count(ds, 'SELECT count(*) FROM customers WHERE dunning_paused_until > $1', [TODAY])) >= 5,
    );
    assert.ok((await count(ds, 'SELECT count(*) FROM customers WHERE credit_limit IS NULL')) >= 1);
    assert.ok((await count(ds, 'SELECT count(*) FROM customers WHERE collector_user_id IS NULL')) >= 1);
    const contacts = await ds.query<{ min: number; max: number; opted_out: number; primaries: number }[]>(
      `SELECT min(n)::int AS min, max(n)::int AS max, sum(o)::int AS opted_out, sum(p)::int AS primaries FROM (
         SELECT count(*) AS n, sum(opted_out::int) AS o, sum(is_primary::int) AS p FROM contacts GROUP BY customer_id) c`,
    );
    assert.deepEqual([contacts[0].min, contacts[0].max], [1, 3]);
    assert.ok(contacts[0].opted_out >= 20, 'some contacts opted out');
    assert.equal(
      contacts[0].primaries,
      await count(ds, 'SELECT count(*) FROM customers'),
      'one primary contact each',
    );
  });

  it('gives customers distinct payment behaviours', async () => {
    // Average days paid beyond the due date per customer, weighted by amount (domain.md §4).
    const bands = await ds.query<{ band: string; customers: number }[]>(
      `SELECT CASE WHEN late <= 5 THEN 'on time' WHEN late <= 30 THEN 'late' ELSE 'very late' END AS band,
              count(*)::int AS customers
         FROM (SELECT i.customer_id, sum((a.applied_on - i.due_date) * a.amount)::float / sum(a.amount) AS late
                 FROM payment_applications a JOIN invoices i ON i.org_id = a.org_id AND i.id = a.invoice_id
                WHERE a.unapplied_on IS NULL GROUP BY 1) per_customer
        GROUP BY 1`,
    );
    const byBand = Object.fromEntries(bands.map((b) => [b.band, b.customers]));
    assert.ok(byBand['on time'] >= 60, JSON.stringify(byBand));
    assert.ok(byBand.late >= 40, JSON.stringify(byBand));
    assert.ok(byBand['very late'] >= 15, JSON.stringify(byBand));
    for (const org of summary.organizations) {
      for (const [profile, customers] of Object.entries(org.customersByProfile ?? {})) {
        assert.ok(customers >= 3, `${org.name} has only ${customers} ${profile} customers`);
      }
    }
  });

  it('leaves open receivables in every aging bucket, most of them current', async () => {
    for (const org of summary.organizations) {
      const buckets = await ds.query<{ bucket: string; share: number }[]>(
        `SELECT CASE WHEN $2::date - due_date <= 0 THEN 'current' WHEN $2::date - due_date <= 30 THEN '1-30'
                     WHEN $2::date - due_date <= 60 THEN '31-60' WHEN $2::date - due_date <= 90 THEN '61-90' ELSE '90+' END
                  AS bucket,
                100.0 * sum(balance) / sum(sum(balance)) OVER () AS share
           FROM invoices WHERE org_id = $1 AND status IN ('open', 'partially_paid') GROUP BY 1`,
        [org.id, TODAY],
      );
      const share = Object.fromEntries(buckets.map((b) => [b.bucket, Number(b.share)]));
      assert.deepEqual(Object.keys(share).sort(), ['1-30', '31-60', '61-90', '90+', 'current'], org.name);
      assert.ok(share.current >= 35 && share.current <= 80, `${org.name}: ${JSON.stringify(share)}`);
      assert.ok(share['90+'] <= 20, `${org.name}: ${JSON.stringify(share)}`);
    }
  });

  it('has every state the product shows: payments, credits, disputes, promises, activities and tasks', async () => {
    const statuses = async (table: string): Promise<string[]> =>
      values(ds, `SELECT DISTINCT status::text FROM ${table} ORDER BY 1`);
    assert.deepEqual(await statuses('invoices'), ['open', 'paid', 'partially_paid', 'void', 'written_off']);
    assert.deepEqual(await statuses('payments'), ['applied', 'partially_applied', 'unapplied']);
    assert.deepEqual(await statuses('credit_memos'), ['applied', 'open', 'partially_applied']);
    assert.deepEqual(await statuses('disputes'), ['in_review', 'open', 'rejected', 'resolved', 'withdrawn']);
    for (const status of ['pending', 'kept', 'partially_kept', 'broken']) {
      assert.ok((await statuses('promises_to_pay')).includes(status), `promise ${status}`);
    }
    assert.ok(
      (await count(ds, 'SELECT count(*) FROM payments WHERE customer_id IS NULL')) >= 5,
      'unidentified cash',
    );
    assert.ok(
      (await count(
        ds,
        'SELECT count(*) FROM (SELECT payment_id FROM payment_applications GROUP BY 1 HAVING count(*) > 1) p',
      )) >= 100,
      'payments covering several invoices',
    );
    assert.ok(
      (await count(ds, 'SELECT count(*) FROM payment_applications WHERE unapplied_on IS NOT NULL')) >= 1,
      'reversed application',
    );
    assert.ok(
      (await count(
        ds,
        'SELECT count(*) FROM (SELECT promise_id FROM promise_invoices GROUP BY 1 HAVING count(*) > 1) p',
      )) >= 10,
      'promises covering several invoices',
    );
    const activityTypes = await values(ds, 'SELECT DISTINCT type::text FROM activities ORDER BY 1');
    for (const type of ['call', 'email_in', 'email_out', 'note', 'status_change'])
      assert.ok(activityTypes.includes(type), type);
    assert.ok(
      (await count(ds, "SELECT count(*) FROM tasks WHERE status = 'open' AND due_on < $1", [TODAY])) >= 10,
      'overdue tasks',
    );
    assert.ok((await count(ds, "SELECT count(*) FROM tasks WHERE status = 'done'")) >= 50);
    assert.ok(
      (await count(
        ds,
        `SELECT count(*) FROM tasks t JOIN memberships m ON m.org_id = t.org_id AND m.user_id = t.assignee_user_id
          WHERE t.status = 'open' AND m.role = 'collector'`,
      )) >= 50,
      'open tasks assigned to collectors',
    );
  });

  it('creates demo users for every role, one of them in both organizations, all with the demo password', async () => {
    const members = await ds.query<{ email: string; org: string; role: string }[]>(
      `SELECT u.email, o.name AS org, m.role::text FROM memberships m
         JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.org_id`,
    );
    const key = (m: { email: string; org: string }): string => `${m.email} ${m.org}`;
    const byKey = (a: { email: string; org: string }, b: { email: string; org: string }): number =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
    const expected = DEMO_LOGINS.flatMap((l) =>
      l.memberships.map((m) => ({ email: l.email, org: DEMO_ORGANIZATIONS[m.org].name, role: m.role })),
    );
    assert.deepEqual(members.sort(byKey), expected.sort(byKey));
    for (const org of Object.values(DEMO_ORGANIZATIONS)) {
      assert.deepEqual(
        [...new Set(members.filter((m) => m.org === org.name).map((m) => m.role))].sort(),
        [...ROLES].sort(),
      );
    }
    assert.deepEqual(
      members
        .filter((m) => m.email === 'dana@demo.example')
        .map((m) => m.role)
        .sort(),
      ['collector', 'manager'],
    );
    const hashes = await ds.query<{ password_hash: string }[]>('SELECT DISTINCT password_hash FROM users');
    assert.equal(hashes.length, 1, 'one hash, computed once');
    assert.equal(await new PasswordHasher().verify(hashes[0].password_hash, DEMO_PASSWORD), true);
    assert.deepEqual(
      summary.users.map((u) => u.email),
      DEMO_LOGINS.map((l) => l.email),
    );
  });

  it('does nothing when the demo data is already there', async () => {
    const before = await tableFingerprints(ds);
    assert.equal(await isDemoDataPresent(ds), true);
    const again = await seedDemoData(ds, { seed: SEED + 1, today: TODAY });
    assert.deepEqual(
      again.organizations.map((o) => o.created),
      [false, false],
    );
    assert.deepEqual(
      Object.values(again.counts).filter((n) => n > 0),
      [],
    );
    assert.deepEqual(await tableFingerprints(ds), before);
  });

  it('removes a scale organization that failed half way instead of leaving it half seeded', async () => {
    const db = second.dataSource;
    await db.query(`CREATE FUNCTION fail_one_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.number = 'IT-0006000' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await db.query(
      'CREATE TRIGGER fail_one_invoice BEFORE INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION fail_one_invoice()',
    );
    try {
      await assert.rejects(
        seedDemoData(db, { seed: SEED, today: TODAY, scale: { invoices: 8_000 } }),
        /injected failure/,
      );
    } finally {
      await db.query('DROP TRIGGER fail_one_invoice ON invoices');
      await db.query('DROP FUNCTION fail_one_invoice()');
    }
    assert.equal(
      await count(db, 'SELECT count(*) FROM organizations WHERE name = $1', [SCALE_ORGANIZATION.name]),
      0,
    );
    assert.equal(await count(db, "SELECT count(*) FROM users WHERE email LIKE '%@initech.example'"), 0);
    assert.equal(
      await count(db, 'SELECT count(*) FROM invoices'),
      summary.counts.invoices,
      'demo books untouched',
    );
  });

  it('reports inconsistent books (the checks above can fail)', async () => {
    const runner = second.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(
        `UPDATE invoices SET amount_paid = amount_paid + 1, balance = balance - 1
          WHERE id = (SELECT id FROM invoices WHERE status = 'partially_paid' LIMIT 1)`,
      );
      const broken = await brokenInvariants(runner);
      assert.equal(broken.length, 1, broken.join('\n'));
      assert.match(broken[0], /amount_paid equals the sum of its active payment applications: 1 rows/);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
  it('lets a whole organization be deleted, every row of every table, and nothing of the other', async () => {
    const runner = second.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const query = async <Row>(sql: string, parameters: unknown[]): Promise<Row[]> =>
      (await runner.query(sql, parameters)) as Row[];
    const orgId = async (name: string) =>
      (await query<{ id: string }>('SELECT id FROM organizations WHERE name = $1', [name]))[0].id;
    const rowsOf = async (org: string) => {
      const counts: Record<string, number> = {};
      for (const table of TABLES.filter((t) => t !== 'organizations' && t !== 'users')) {
        const [row] = await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${table}" WHERE org_id = $1`,
          [org],
        );
        counts[table] = row.n;
      }
      return counts;
    };
    try {
      const globex = await orgId(DEMO_ORGANIZATIONS.globex.name);
      const acme = await orgId(DEMO_ORGANIZATIONS.acme.name);
      const acmeBefore = await rowsOf(acme);
      assert.ok((await rowsOf(globex)).promise_invoices > 0, 'the books have promises to pay');

      await query('DELETE FROM organizations WHERE id = $1', [globex]);
      assert.deepEqual(
        Object.entries(await rowsOf(globex)).filter(([, n]) => n > 0),
        [],
        'rows of the deleted organization left behind',
      );
      assert.deepEqual(await rowsOf(acme), acmeBefore);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});

describe('demo data with the scale option', () => {
  const INVOICES = 20_000;
  let db: TestDatabase;
  let summary: DemoDataSummary;

  before(async () => {
    db = await createTestDatabase();
    summary = await seedDemoData(db.dataSource, { scale: { invoices: INVOICES } });
  });
  after(async () => db?.drop());

  it('adds one more organization with exactly the requested number of invoices', async () => {
    const scale = summary.organizations.find((o) => o.name === SCALE_ORGANIZATION.name);
    assert.ok(scale?.created);
    assert.equal(
      await count(db.dataSource, 'SELECT count(*) FROM invoices WHERE org_id = $1', [scale.id]),
      INVOICES,
    );
    const payments = await count(
      db.dataSource,
      'SELECT count(*) FROM payment_applications WHERE org_id = $1',
      [scale.id],
    );
    assert.ok(payments >= INVOICES * 0.7, `${payments} applications`);
    assert.equal(await count(db.dataSource, 'SELECT count(*) FROM organizations'), 3);
  });

  it('keeps the whole database consistent', async () => {
    assert.deepEqual(await brokenInvariants(db.dataSource), []);
  });

  it("ends each organization's history on its real today", async () => {
    const todays = Object.fromEntries(summary.organizations.map((o) => [o.id, todayIn(o.timeZone)]));
    assert.equal(await count(db.dataSource, NOTHING_AFTER_TODAY, [JSON.stringify(todays)]), 0);
    for (const org of summary.organizations) {
      assert.equal(org.today, todays[org.id]);
      const last = await db.dataSource.query<{ last: string }[]>(
        'SELECT max(received_on)::text AS last FROM payments WHERE org_id = $1',
        [org.id],
      );
      assert.ok(last[0].last >= addDays(todays[org.id], -7), `${org.name}: last payment ${last[0].last}`);
    }
  });

  it('does not add the scale organization twice', async () => {
    const again = await seedDemoData(db.dataSource, { scale: { invoices: INVOICES } });
    assert.deepEqual(
      again.organizations.map((o) => o.created),
      [false, false, false],
    );
    assert.equal(await count(db.dataSource, 'SELECT count(*) FROM invoices'), summary.counts.invoices);
  });
});
