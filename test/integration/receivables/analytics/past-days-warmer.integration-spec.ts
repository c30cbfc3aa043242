import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgingService } from '../../../../src/receivables/analytics/aging/aging.service';
import { KpiService } from '../../../../src/receivables/analytics/kpis/kpi.service';
import {
  agingDaysToWarm,
  kpiDaysToWarm,
  PastDaysWarmer,
} from '../../../../src/receivables/analytics/warm-up/past-days-warmer';
import { ExchangeRatesService } from '../../../../src/receivables/currency/exchange-rates.service';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { todayIn } from '../../../../src/receivables/shared/calendar';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { addDays, Books } from '../../../factories/books';
import { createTestDatabase, testConfig } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/**
 * The warmer fills the caches of past days ahead of the reports (docs/adr/0014, 0015): after a
 * pass, the KPI and aging reports people ask for most read every day they need from the cache,
 * and give the figures a report computing everything itself gives.
 */
describe('past days cache warmer', () => {
  let db: TestDatabase;
  let kpis: KpiService;
  let aging: AgingService;
  let warmer: PastDaysWarmer;
  let books: Books;
  let other: Books;
  let open: Invoice;
  const today = todayIn('UTC');
  const lastMonthEnd = addDays(`${today.slice(0, 7)}-01`, -1);
  const lastMonth = { from: `${lastMonthEnd.slice(0, 7)}-01`, to: lastMonthEnd };
  const last30Days = { from: addDays(today, -30), to: addDays(today, -1) };
  const kpiDays = kpiDaysToWarm(today).flat().sort();
  const agingDays = agingDaysToWarm(today).sort();
  const all = { kpiDays: kpiDays.length, agingDays: agingDays.length };

  const cachedDays = async (table: 'receivable_day_totals' | 'aging_day_cells', orgId: string) =>
    (
      await db.dataSource.query<{ day: string }[]>(
        `SELECT day::text AS day FROM ${table} WHERE org_id = $1 ORDER BY day`,
        [orgId],
      )
    ).map((r) => r.day);
  const clearCaches = async (orgId?: string) => {
    for (const table of ['receivable_day_totals', 'aging_day_cells']) {
      await db.dataSource.query(
        `DELETE FROM ${table} ${orgId ? 'WHERE org_id = $1' : ''}`,
        orgId ? [orgId] : [],
      );
    }
  };
  const uncachedKpis = async (orgId: string, period: { from: string; to: string }) => {
    await clearCaches(orgId);
    return kpis.kpis(orgId, period);
  };

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    const settings = new OrgSettingsReader(ds);
    const rates = new ExchangeRatesService(ds);
    kpis = new KpiService(ds, settings, rates);
    aging = new AgingService(ds, settings, rates);
    warmer = new PastDaysWarmer(ds, testConfig(), settings, aging);
    books = await Books.create(ds, { timeZone: 'UTC' });
    const acme = await books.customer();
    open = await books.invoice(acme, 500_000, addDays(today, -200));
    const paid = await books.invoice(acme, 300_000, addDays(today, -60));
    await books.pay(paid, 120_000, addDays(today, -40));
    await books.pay(paid, 180_000, addDays(today, -5));
    other = await Books.create(ds, { name: 'Other', timeZone: 'UTC' });
    await other.invoice(await other.customer(), 100_000, addDays(today, -90));
  });
  after(async () => db.drop());

  it('fills the KPI days and aging month ends of every organization, with the figures a report computes', async () => {
    assert.deepEqual(await warmer.run(), { kpiDays: 2 * all.kpiDays, agingDays: 2 * all.agingDays });
    for (const org of [books.orgId, other.orgId]) {
      assert.deepEqual(await cachedDays('receivable_day_totals', org), kpiDays);
      assert.deepEqual(await cachedDays('aging_day_cells', org), agingDays);
    }

    const warmLastMonth = await kpis.kpis(books.orgId, lastMonth);
    const warmLast30 = await kpis.kpis(books.orgId, last30Days);
    const warmAging = await aging.aging(books.orgId, { asOf: lastMonthEnd, groupBy: 'customer' });
    assert.deepEqual(await cachedDays('receivable_day_totals', books.orgId), kpiDays, 'no day was missing');
    assert.deepEqual(await cachedDays('aging_day_cells', books.orgId), agingDays, 'no day was missing');
    assert.deepEqual(warmLastMonth, await uncachedKpis(books.orgId, lastMonth));
    assert.deepEqual(warmLast30, await uncachedKpis(books.orgId, last30Days));
    await clearCaches(books.orgId);
    const liveAging = await aging.aging(books.orgId, { asOf: lastMonthEnd, groupBy: 'customer' });
    await aging.settled();
    assert.deepEqual(warmAging, liveAging);
    // Yesterday the second invoice was paid in full (its last part 5 days ago): only the first is open.
    assert.equal(warmLast30.inputs.endingAr.amount, 500_000);
  });

  it('computes nothing on the next pass, then only the days a backdated write dropped', async () => {
    await warmer.run();
    assert.deepEqual(await warmer.run(), { kpiDays: 0, agingDays: 0 });
    await books.pay(open, 50_000, addDays(today, -10)); // recorded today, dated 10 days ago
    const droppedAging = agingDays.filter((d) => d >= addDays(today, -10)).length;
    assert.equal((await cachedDays('receivable_day_totals', books.orgId)).length, all.kpiDays - 10);
    assert.deepEqual(await warmer.run(), { kpiDays: 10, agingDays: droppedAging });
    assert.deepEqual(await cachedDays('receivable_day_totals', books.orgId), kpiDays);
    assert.deepEqual(await cachedDays('aging_day_cells', books.orgId), agingDays);
    const report = await kpis.kpis(books.orgId, last30Days);
    assert.deepEqual(report, await uncachedKpis(books.orgId, last30Days));
    assert.equal(report.inputs.endingAr.amount, 450_000, 'the backdated payment is counted');
  });

  it('leaves an organization alone while another replica is filling it', async () => {
    await clearCaches();
    const otherReplica = db.dataSource.createQueryRunner();
    await otherReplica.startTransaction();
    try {
      await otherReplica.query('SELECT pg_advisory_xact_lock(4202, hashtext($1::text))', [books.orgId]);
      assert.deepEqual(await warmer.warm(books.orgId), { kpiDays: 0, agingDays: 0 });
      assert.deepEqual(await cachedDays('receivable_day_totals', books.orgId), []);
      assert.deepEqual(await warmer.warm(other.orgId), all, 'other organizations are not held up');
    } finally {
      await otherReplica.rollbackTransaction();
      await otherReplica.release();
    }
    assert.deepEqual(await warmer.warm(books.orgId), all);
  });

  it('starts no statement once the application is shutting down', async () => {
    await clearCaches();
    const settings = new OrgSettingsReader(db.dataSource);
    const stopping = new PastDaysWarmer(db.dataSource, testConfig(), settings, aging);
    await stopping.beforeApplicationShutdown();
    assert.deepEqual(await stopping.run(), { kpiDays: 0, agingDays: 0 });
    assert.deepEqual(await cachedDays('receivable_day_totals', books.orgId), []);
  });
});
