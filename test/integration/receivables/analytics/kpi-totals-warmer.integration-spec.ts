import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KpiService } from '../../../../src/receivables/analytics/kpis/kpi.service';
import {
  daysToWarm,
  ReceivableTotalsWarmer,
} from '../../../../src/receivables/analytics/kpis/receivable-totals-warmer';
import { ExchangeRatesService } from '../../../../src/receivables/currency/exchange-rates.service';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { todayIn } from '../../../../src/receivables/shared/calendar';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { addDays, Books } from '../../../factories/books';
import { createTestDatabase, testConfig } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/**
 * The warmer fills the KPI totals cache ahead of the reports (docs/adr/0014): after a pass, the
 * reports people ask for most read every day they need from the cache, and the figures are those
 * a report computing everything itself gives.
 */
describe('KPI totals cache warmer', () => {
  let db: TestDatabase;
  let kpis: KpiService;
  let warmer: ReceivableTotalsWarmer;
  let books: Books;
  let other: Books;
  let open: Invoice;
  const today = todayIn('UTC');
  const lastMonth = {
    from: `${addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7)}-01`,
    to: addDays(`${today.slice(0, 7)}-01`, -1),
  };
  const last30Days = { from: addDays(today, -30), to: addDays(today, -1) };
  const expected = daysToWarm(today).flat().sort();

  const cachedDays = async (orgId: string): Promise<string[]> =>
    (
      await db.dataSource.query<{ day: string }[]>(
        'SELECT day::text AS day FROM receivable_day_totals WHERE org_id = $1 ORDER BY day',
        [orgId],
      )
    ).map((r) => r.day);
  const uncached = async (orgId: string, period: { from: string; to: string }) => {
    await db.dataSource.query('DELETE FROM receivable_day_totals WHERE org_id = $1', [orgId]);
    return kpis.kpis(orgId, period);
  };

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    kpis = new KpiService(ds, new OrgSettingsReader(ds), new ExchangeRatesService(ds));
    warmer = new ReceivableTotalsWarmer(ds, testConfig());
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

  it('fills the last 92 days and 25 month ends of every organization, with the figures a report computes', async () => {
    const computed = await warmer.run();
    assert.equal(computed, 2 * expected.length);
    assert.deepEqual(await cachedDays(books.orgId), expected);
    assert.deepEqual(await cachedDays(other.orgId), expected);

    const warmLastMonth = await kpis.kpis(books.orgId, lastMonth);
    const warmLast30 = await kpis.kpis(books.orgId, last30Days);
    assert.deepEqual(await cachedDays(books.orgId), expected, 'both reports found every day cached');
    assert.deepEqual(warmLastMonth, await uncached(books.orgId, lastMonth));
    assert.deepEqual(warmLast30, await uncached(books.orgId, last30Days));
    // Yesterday the second invoice was paid in full (its last part 5 days ago): only the first is open.
    assert.equal(warmLast30.inputs.endingAr.amount, 500_000);
  });

  it('computes nothing on the next pass, then only the days a backdated write dropped', async () => {
    await warmer.run();
    assert.equal(await warmer.run(), 0);
    await books.pay(open, 50_000, addDays(today, -10)); // recorded today, dated 10 days ago
    assert.equal((await cachedDays(books.orgId)).length, expected.length - 10);
    assert.equal(await warmer.run(), 10);
    assert.deepEqual(await cachedDays(books.orgId), expected);
    const report = await kpis.kpis(books.orgId, last30Days);
    assert.deepEqual(report, await uncached(books.orgId, last30Days));
    assert.equal(report.inputs.endingAr.amount, 450_000, 'the backdated payment is counted');
  });

  it('leaves an organization alone while another replica is filling it', async () => {
    await db.dataSource.query('DELETE FROM receivable_day_totals');
    const otherReplica = db.dataSource.createQueryRunner();
    await otherReplica.startTransaction();
    try {
      await otherReplica.query('SELECT pg_advisory_xact_lock(4202, hashtext($1::text))', [books.orgId]);
      assert.equal(await warmer.warm(books.orgId, today), 0);
      assert.deepEqual(await cachedDays(books.orgId), []);
      assert.equal(
        await warmer.warm(other.orgId, today),
        expected.length,
        'other organizations are not held up',
      );
    } finally {
      await otherReplica.rollbackTransaction();
      await otherReplica.release();
    }
    assert.equal(await warmer.warm(books.orgId, today), expected.length);
  });

  it('starts no statement once the application is shutting down', async () => {
    await db.dataSource.query('DELETE FROM receivable_day_totals');
    const stopping = new ReceivableTotalsWarmer(db.dataSource, testConfig());
    await stopping.beforeApplicationShutdown();
    assert.equal(await stopping.run(), 0);
    assert.deepEqual(await cachedDays(books.orgId), []);
  });
});
