import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../../src/database/database';
import type { OpenDatabase } from '../../../src/database/database';
import { DEMO_ORGANIZATIONS } from '../../../src/demo-data/demo-logins';
import { AgingService } from '../../../src/receivables/analytics/aging/aging.service';
import { KpiService } from '../../../src/receivables/analytics/kpis/kpi.service';
import { CustomerQueries } from '../../../src/receivables/customers/customer.queries';
import { InvoiceQueries } from '../../../src/receivables/invoices/invoice.queries';
import { addDays, addMonths } from '../../../src/receivables/shared/calendar';
import { OrgSettingsReader } from '../../../src/receivables/shared/org-settings';
import type { INestApplicationContext } from '@nestjs/common';
import { startAppProcess } from '../../support/app-process';
import type { AppProcess } from '../../support/app-process';
import { receivablesContext } from '../../support/receivables-context';
import { testConfig } from '../../support/test-database';

/**
 * Smoke suite on the embedded database (PGlite), the path `npm start` takes on a laptop: the same
 * migrations, demo seed, searches and analytics as on PostgreSQL, and the data-directory lock.
 */
describe('embedded PostgreSQL (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tesorio-pglite-'));
  let app: AppProcess;
  let db: OpenDatabase | undefined;
  let context: INestApplicationContext | undefined;

  before(async () => {
    app = await startAppProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }, 180_000);
  });
  after(async () => {
    await app?.kill('SIGKILL');
    await context?.close();
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with no database server: migrated, demo data loaded, ready, logins printed', async () => {
    const ready = await fetch(`${app.baseUrl}/health/ready`);
    assert.equal(ready.status, 200);
    assert.match(app.output(), /embedded PostgreSQL \(PGlite\) in /);
    assert.match(app.output(), /Demo password for every account: demo-password/);
    assert.match(app.output(), /dana@demo\.example .*Acme Manufacturing \(US\), manager @ Globex Europe/);
  });

  it('refuses a second process on the same data directory with a clear message', () => {
    const second = spawnSync(process.execPath, [join(__dirname, '..', '..', '..', 'src', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', ADMIN_PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(second.status, 1);
    assert.match(second.stderr, /already in use by process \d+/);
  });

  it('exits 0 on SIGTERM and releases the directory', async () => {
    assert.equal(await app.kill('SIGTERM'), 0);
  });

  describe('after a restart, the same data answers searches and analytics', () => {
    let acmeId: string;
    const services = () => ({
      invoices: context!.get(InvoiceQueries),
      customers: context!.get(CustomerQueries),
      aging: context!.get(AgingService),
      kpis: context!.get(KpiService),
      settings: context!.get(OrgSettingsReader),
    });

    before(async () => {
      db = await openDatabase(testConfig({ DATA_DIR: dataDir }));
      context = await receivablesContext(db.dataSource);
      const rows = await db.dataSource.query<{ id: string }[]>(
        'SELECT id FROM organizations WHERE name = $1',
        [DEMO_ORGANIZATIONS.acme.name],
      );
      acmeId = rows[0].id;
    });

    it('kept the demo data and seeded it only once', async () => {
      const [{ n }] = await db!.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM organizations',
      );
      assert.equal(n, 2);
    });

    it('pages through open invoices with a cursor', async () => {
      const { invoices } = services();
      const first = await invoices.search(acmeId, { openOnly: true, sort: 'due_date' }, { limit: 25 });
      assert.equal(first.items.length, 25);
      assert.equal(first.hasMore, true);
      const second = await invoices.search(
        acmeId,
        { openOnly: true, sort: 'due_date' },
        { limit: 25, cursor: first.nextCursor! },
      );
      const ids = new Set([...first.items, ...second.items].map((i) => i.id));
      assert.equal(ids.size, first.items.length + second.items.length, 'no row repeats across pages');
      assert.ok(second.items[0].dueDate >= first.items.at(-1)!.dueDate);
    });

    it('ranks customers by overdue balance and opens the worst one with everything around it', async () => {
      const { customers } = services();
      const worst = await customers.search(
        acmeId,
        { sort: 'overdue_balance', direction: 'desc' },
        { limit: 5 },
      );
      assert.ok(worst.items[0].overdueBalance >= worst.items[1].overdueBalance);
      assert.ok(worst.items[0].overdueBalance > 0);
      const detail = await customers.getCustomer(acmeId, worst.items[0].id);
      assert.equal(detail.overdueBalance, worst.items[0].overdueBalance);
      assert.ok(detail.openInvoices.items.length > 0);
      assert.ok(detail.contacts.items.length > 0);
    });

    it('finds an invoice by part of its number through the trigram index', async () => {
      const { invoices } = services();
      const [{ number }] = await db!.dataSource.query<{ number: string }[]>(
        'SELECT number FROM invoices WHERE org_id = $1 ORDER BY number LIMIT 1 OFFSET 100',
        [acmeId],
      );
      const found = await invoices.search(acmeId, { text: number.slice(-5) }, { limit: 50 });
      assert.ok(found.items.some((i) => i.number === number));
    });

    it('ages the whole organization to the same total as its open balances', async () => {
      const { aging, settings } = services();
      const report = await aging.aging(acmeId, { asOf: await settings.today(acmeId) });
      const [{ open }] = await db!.dataSource.query<{ open: number }[]>(
        "SELECT coalesce(sum(balance), 0)::bigint AS open FROM invoices WHERE org_id = $1 AND currency = 'USD' AND status IN ('open', 'partially_paid')",
        [acmeId],
      );
      const usd = report.totals.byCurrency.find((c) => c.currency === 'USD')!;
      assert.equal(usd.total, open);
      assert.ok(open > 0);
    });

    it('computes DSO and CEI for last quarter', async () => {
      const { kpis, settings } = services();
      const today = await settings.today(acmeId);
      const to = addDays(today.slice(0, 8) + '01', -1);
      const report = await kpis.kpis(acmeId, { from: addMonths(addDays(to, 1), -3), to });
      assert.ok(
        report.dso.days !== null && report.dso.days > 0 && report.dso.days < 365,
        `DSO ${report.dso.days}`,
      );
      assert.ok(report.cei.percent !== null && report.cei.percent > 0 && report.cei.percent <= 100);
      // The totals cache (snapshots, advisory locks, triggers) works on PGlite too: both days
      // were stored, and the report from them is the same.
      const cached = await db!.dataSource.query<{ day: string }[]>(
        'SELECT day::text AS day FROM receivable_day_totals WHERE org_id = $1 ORDER BY day',
        [acmeId],
      );
      assert.deepEqual(
        cached.map((r) => r.day),
        [addDays(addMonths(addDays(to, 1), -3), -1), to],
      );
      assert.deepEqual(await kpis.kpis(acmeId, { from: addMonths(addDays(to, 1), -3), to }), report);
    });
  });
});
