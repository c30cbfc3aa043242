import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { agingCellsCache } from '../../../../src/receivables/analytics/aging/aging-cells-cache';
import { AGING_GROUP_BYS, AgingService } from '../../../../src/receivables/analytics/aging/aging.service';
import type { AgingQuery } from '../../../../src/receivables/analytics/aging/aging.service';
import { reportSnapshot } from '../../../../src/receivables/analytics/shared/history-cache';
import { runReportQueries } from '../../../../src/receivables/analytics/shared/report-queries';
import { ExchangeRatesService } from '../../../../src/receivables/currency/exchange-rates.service';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import type { Payment } from '../../../../src/receivables/payments/payment.entity';
import { todayIn } from '../../../../src/receivables/shared/calendar';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/**
 * The aging of a past day is cached at the grain of a customer (docs/adr/0015). A cached day must
 * give the report a live computation (grouped in SQL) gives, for every grouping, and every write that changes
 * what the day's aging is made of (backdated or not, invoices, payments, credit memos, which
 * customer or subsidiary they belong to) drops it.
 *
 * The book, as of 2026-03-31 (due-date basis, edges 30/60/90, base USD, EUR at 1.10):
 *   Acme (USD, collector Dana, subsidiary West): I1 1,000.00 issued 01-10 due 02-09 (50 days:
 *     31–60); I2 500.00 issued 03-01 due 03-31, billed by subsidiary East (current);
 *     unapplied payment 50.00 received 03-12.
 *   Beta (EUR, collector Eli): I3 €800.00 issued 02-15 due 03-17, €300.00 paid 03-20 (14 days:
 *     1–30, €500.00 = $550.00); credit memo €40.00 issued 03-05.
 *   Unidentified cash: 70.00 received 03-10.
 */
describe('aging cache of past days', () => {
  let db: TestDatabase;
  let service: AgingService;
  let books: Books;
  let other: Books;
  let acme: Customer;
  let beta: Customer;
  let i1: Invoice;
  let i2: Invoice;
  let dana: string;
  let eli: string;
  let west: string;
  let east: string;
  const day = '2026-03-31';
  /**
   * A report and then the caching it started in the background, so the cache's state is known.
   * The first report for a day is computed live; the next ones read the cells.
   */
  const agingOf = async (orgId: string, query: AgingQuery) => {
    const result = await service.aging(orgId, query);
    await service.settled();
    return result;
  };
  const asOfDay = (query: AgingQuery = {}) => agingOf(books.orgId, { asOf: day, ...query });

  const cachedDays = async (orgId = books.orgId): Promise<string[]> =>
    (
      await db.dataSource.query<{ day: string }[]>(
        'SELECT day::text AS day FROM aging_day_cells WHERE org_id = $1 ORDER BY day',
        [orgId],
      )
    ).map((r) => r.day);
  /** The report with nothing cached, for comparison. */
  const uncached = async (query: AgingQuery = {}) => {
    await db.dataSource.query('DELETE FROM aging_day_cells WHERE org_id = $1', [books.orgId]);
    return asOfDay(query);
  };
  const groupTotals = (report: Awaited<ReturnType<AgingService['aging']>>) =>
    Object.fromEntries(report.groups.items.map((g) => [g.label, g.base.total]));

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    service = new AgingService(ds, new OrgSettingsReader(ds), new ExchangeRatesService(ds));
    books = await Books.create(ds);
    await books.rate('EUR', 'USD', '2026-01-01', '1.10');
    dana = (await books.member('collector', { name: 'Dana' })).id;
    eli = (await books.member('collector', { name: 'Eli' })).id;
    west = (await books.subsidiary('West')).id;
    east = (await books.subsidiary('East')).id;
    acme = await books.customer({ name: 'Acme', collectorUserId: dana, subsidiaryId: west });
    beta = await books.customer({ name: 'Beta', currency: 'EUR', collectorUserId: eli });
    i1 = await books.invoice(acme, 100_000, '2026-01-10');
    i2 = await books.invoice(acme, 50_000, '2026-03-01', { subsidiaryId: east });
    const i3 = await books.invoice(beta, 80_000, '2026-02-15');
    await books.pay(i3, 30_000, '2026-03-20');
    await books.payment(acme, 5_000, '2026-03-12');
    await books.creditMemo(beta, 4_000, '2026-03-05');
    await books.payment(null, 7_000, '2026-03-10');
    other = await Books.create(ds, { name: 'Other' });
    await other.invoice(await other.customer(), 20_000, '2026-02-01');
  });
  after(async () => db.drop());
  beforeEach(async () => {
    await db.dataSource.query('DELETE FROM aging_day_cells');
  });

  it('stores a past day once computed, answers from it, and gives what computing it gives, in every grouping', async () => {
    const first = await asOfDay();
    assert.deepEqual(await cachedDays(), [day], 'stored after the first report');
    assert.equal(first.totals.base.total, 100_000 + 50_000 + 55_000);
    assert.equal(first.unappliedCash.base.amount, 12_000);
    assert.equal(first.openCreditMemos.base.amount, 4_400);

    for (const groupBy of AGING_GROUP_BYS) {
      const cached = await asOfDay({ groupBy });
      assert.deepEqual(cached, await uncached({ groupBy }), groupBy);
    }
    assert.deepEqual(groupTotals(await asOfDay({ groupBy: 'subsidiary' })), {
      West: 100_000,
      East: 50_000,
      'No subsidiary': 55_000,
    });
    assert.deepEqual(groupTotals(await asOfDay({ groupBy: 'collector' })), {
      Dana: 150_000,
      Eli: 55_000,
      'No collector assigned': 0,
    });

    // Proof the report reads the cache: a doctored entry shows through.
    await db.dataSource.query(
      `UPDATE aging_day_cells SET cells = jsonb_set(cells::jsonb, '{buckets,0,4}', '999999')::json WHERE org_id = $1`,
      [books.orgId],
    );
    assert.notEqual((await asOfDay()).totals.base.total, first.totals.base.total);
  });

  it('never caches today, another bucket scheme apart, nor one customer’s aging', async () => {
    const today = todayIn('UTC');
    await agingOf(books.orgId, { asOf: today });
    await asOfDay({ customerId: acme.id });
    assert.deepEqual(await cachedDays(), []);
    const custom = await asOfDay({ bucketEdges: [15, 45] });
    await asOfDay();
    const keys = await db.dataSource.query<{ edges: number[] }[]>(
      'SELECT bucket_edges AS edges FROM aging_day_cells WHERE org_id = $1 ORDER BY bucket_edges',
      [books.orgId],
    );
    assert.deepEqual(
      keys.map((k) => k.edges),
      [
        [15, 45],
        [30, 60, 90],
      ],
    );
    assert.deepEqual(custom, await uncached({ bucketEdges: [15, 45] }));
  });

  it('drops the days from a backdated application on, and the next report includes it', async () => {
    await agingOf(books.orgId, { asOf: '2026-03-10' });
    await asOfDay();
    const payment = await books.payment(acme, 20_000, '2026-02-20'); // drops 03-10 and 03-31
    await asOfDay();
    await agingOf(books.orgId, { asOf: '2026-03-10' });
    const application = await books.apply(payment, i1, 20_000, '2026-03-15');
    try {
      assert.deepEqual(await cachedDays(), ['2026-03-10']);
      const report = await asOfDay();
      assert.equal(report.totals.base.total, 80_000 + 50_000 + 55_000);
      assert.deepEqual(report, await uncached());
    } finally {
      // Back to the book the other tests expect: taken back the same day, and the payment voided.
      await books.unapply(application, i1, '2026-03-15');
      await db.dataSource.query(`UPDATE payments SET status = 'void' WHERE id = $1`, [payment.id]);
    }
  });

  it('drops the days a payment or credit memo changes: received, voided, issued', async () => {
    const early = '2026-03-01';
    const cacheBoth = async () => {
      await agingOf(books.orgId, { asOf: early });
      await asOfDay();
      assert.deepEqual(await cachedDays(), [early, day]);
    };
    await cacheBoth();
    const late: Payment = await books.payment(beta, 1_000, '2026-03-25', { currency: 'EUR' });
    assert.deepEqual(await cachedDays(), [early]);
    assert.equal((await asOfDay()).unappliedCash.base.amount, 12_000 + 1_100);

    await cacheBoth();
    await db.dataSource.query(`UPDATE payments SET status = 'void' WHERE id = $1`, [late.id]);
    assert.deepEqual(await cachedDays(), [early]);
    assert.equal((await asOfDay()).unappliedCash.base.amount, 12_000);

    await cacheBoth();
    await books.creditMemo(acme, 2_500, '2026-03-28');
    assert.deepEqual(await cachedDays(), [early]);
    const report = await asOfDay();
    assert.equal(report.openCreditMemos.base.amount, 4_400 + 2_500);
    assert.deepEqual(report, await uncached());
  });

  it('drops the days when an invoice changes subsidiary, and regroups by a customer’s new collector without dropping', async () => {
    await asOfDay();
    await db.dataSource.query('UPDATE invoices SET subsidiary_id = $2 WHERE id = $1', [i2.id, west]);
    assert.deepEqual(await cachedDays(), []);
    assert.deepEqual(groupTotals(await asOfDay({ groupBy: 'subsidiary' })), {
      West: 150_000,
      'No subsidiary': 55_000,
    });
    await db.dataSource.query('UPDATE invoices SET subsidiary_id = $2 WHERE id = $1', [i2.id, east]);

    await asOfDay();
    await db.dataSource.query('UPDATE customers SET collector_user_id = $2 WHERE id = $1', [beta.id, dana]);
    try {
      assert.deepEqual(await cachedDays(), [day], 'a collector is not history');
      const byCollector = await asOfDay({ groupBy: 'collector' });
      assert.deepEqual(groupTotals(byCollector), { Dana: 205_000, 'No collector assigned': 0 });
      assert.deepEqual(byCollector, await uncached({ groupBy: 'collector' }));
    } finally {
      await db.dataSource.query('UPDATE customers SET collector_user_id = $2 WHERE id = $1', [beta.id, eli]);
    }
  });

  it('does not store a day that a write committed after the snapshot changed', async () => {
    const snapshot = await runReportQueries(db.dataSource, reportSnapshot);
    await books.pay(i1, 1_000, '2026-03-20');
    const key = { basis: 'due_date' as const, edges: [30, 60, 90] };
    const cells = { buckets: [], credits: [] };
    await agingCellsCache.store(db.dataSource, books.orgId, { day, ...key }, cells, snapshot);
    await agingCellsCache.store(db.dataSource, books.orgId, { day: '2026-03-19', ...key }, cells, snapshot);
    assert.deepEqual(await cachedDays(), ['2026-03-19'], 'the day before the payment is still right');
  });

  it('keeps organizations apart: their own days, their own writes', async () => {
    await asOfDay();
    const theirs = await agingOf(other.orgId, { asOf: day });
    assert.equal(theirs.totals.base.total, 20_000);
    assert.deepEqual(await cachedDays(other.orgId), [day]);
    await books.pay(i1, 1_000, '2026-02-01');
    assert.deepEqual(await cachedDays(), []);
    assert.deepEqual(await cachedDays(other.orgId), [day], 'another organization’s write drops nothing here');
    assert.equal((await agingOf(other.orgId, { asOf: day })).totals.base.total, 20_000);
  });
});
