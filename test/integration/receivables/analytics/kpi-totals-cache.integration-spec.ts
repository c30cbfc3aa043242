import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HistoryLogPruner } from '../../../../src/receivables/analytics/kpis/history-log.pruner';
import { KpiService } from '../../../../src/receivables/analytics/kpis/kpi.service';
import { receivableTotalsCache } from '../../../../src/receivables/analytics/kpis/receivable-totals-cache';
import { reportSnapshot } from '../../../../src/receivables/analytics/shared/history-cache';
import { runReportQueries } from '../../../../src/receivables/analytics/shared/report-queries';
import { ExchangeRatesService } from '../../../../src/receivables/currency/exchange-rates.service';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/**
 * The KPIs' receivable totals per day are cached (docs/adr/0013). A cached day must always equal
 * what recomputing it gives: any write that changes a day's history — backdated or not, through
 * the commands or not — drops it, and a day computed before such a write is never stored.
 */
describe('KPI receivable totals cache', () => {
  let db: TestDatabase;
  let service: KpiService;
  let books: Books;
  let other: Books;
  let open: Invoice;
  const march = { from: '2026-03-01', to: '2026-03-31' };

  const cachedDays = async (orgId = books.orgId): Promise<string[]> =>
    (
      await db.dataSource.query<{ day: string }[]>(
        'SELECT day::text AS day FROM receivable_day_totals WHERE org_id = $1 ORDER BY day',
        [orgId],
      )
    ).map((r) => r.day);
  /** The report with no cache at all, for comparison. */
  const uncached = async (query = march) => {
    await db.dataSource.query('DELETE FROM receivable_day_totals WHERE org_id = $1', [books.orgId]);
    return service.kpis(books.orgId, query);
  };
  /** A snapshot taken now, as a report transaction would have it. */
  const snapshotNow = () => runReportQueries(db.dataSource, reportSnapshot);
  const someTotals = (date: string) => [{ date, currency: 'USD', total: 1, current: 0 }];

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    service = new KpiService(ds, new OrgSettingsReader(ds), new ExchangeRatesService(ds));
    books = await Books.create(ds);
    const acme = await books.customer();
    open = await books.invoice(acme, 500_000, '2026-01-15'); // due 02-14, open at the end of March
    const paid = await books.invoice(acme, 300_000, '2026-03-05');
    await books.pay(paid, 300_000, '2026-03-20');
    other = await Books.create(ds, { name: 'Other' });
    await other.invoice(await other.customer(), 100_000, '2026-02-01');
  });
  after(async () => db.drop());
  beforeEach(async () => {
    await db.dataSource.query('DELETE FROM receivable_day_totals');
  });

  it('stores the days a report computed and answers from them next time', async () => {
    const first = await service.kpis(books.orgId, march);
    assert.equal(first.inputs.endingAr.amount, 500_000);
    assert.deepEqual(await cachedDays(), ['2026-02-28', '2026-03-31']);

    // Proof the second report reads the cache: a doctored entry shows through.
    await db.dataSource.query(
      `UPDATE receivable_day_totals SET totals = '[{"currency":"USD","total":123400,"current":0}]'
        WHERE org_id = $1 AND day = '2026-03-31'`,
      [books.orgId],
    );
    assert.equal((await service.kpis(books.orgId, march)).inputs.endingAr.amount, 123_400);
    assert.deepEqual(await uncached(), first);
  });

  it('drops the cached days from a backdated payment on, and the next report includes the payment', async () => {
    await service.kpis(books.orgId, { from: '2026-02-01', to: '2026-03-31' });
    await service.kpis(books.orgId, { from: '2026-01-01', to: '2026-01-31' });
    assert.deepEqual(await cachedDays(), ['2025-12-31', '2026-01-31', '2026-03-31']);

    await books.pay(open, 200_000, '2026-03-10');
    assert.deepEqual(await cachedDays(), ['2025-12-31', '2026-01-31'], 'days from 03-10 on dropped');
    const after = await service.kpis(books.orgId, march);
    assert.equal(after.inputs.endingAr.amount, 300_000);
    assert.deepEqual(after, await uncached());
  });

  it('keeps cached days a later write cannot change, and those of other organizations', async () => {
    await service.kpis(books.orgId, march);
    await service.kpis(other.orgId, march);
    await books.pay(open, 1_000, '2026-04-02');
    assert.deepEqual(await cachedDays(), ['2026-02-28', '2026-03-31']);
    await other.invoice(await other.customer(), 5_000, '2026-01-10');
    assert.deepEqual(await cachedDays(), ['2026-02-28', '2026-03-31']);
    assert.deepEqual(await cachedDays(other.orgId), []);
  });

  it('drops cached days when an invoice is voided or its due date moves, not when only its flags change', async () => {
    const acme = await books.customer();
    const late = await books.invoice(acme, 70_000, '2026-03-15');
    await service.kpis(books.orgId, { from: '2026-01-01', to: '2026-03-31' });
    assert.deepEqual(await cachedDays(), ['2025-12-31', '2026-03-31']);
    await books.dispute(late);
    assert.deepEqual(await cachedDays(), ['2025-12-31', '2026-03-31'], 'a dispute changes no balance');
    await db.dataSource.query(`UPDATE invoices SET due_date = due_date + 10 WHERE id = $1`, [late.id]);
    assert.deepEqual(await cachedDays(), ['2025-12-31']);
    const report = await service.kpis(books.orgId, march);
    assert.deepEqual(report, await uncached());
  });

  it('does not store a day that a write committed after the snapshot changed', async () => {
    const snapshot = await snapshotNow();
    await books.pay(open, 1_000, '2026-03-15');
    await receivableTotalsCache.store(db.dataSource, books.orgId, {
      snapshot,
      dates: ['2026-03-14', '2026-03-15'],
      rows: [...someTotals('2026-03-14'), ...someTotals('2026-03-15')],
    });
    assert.deepEqual(await cachedDays(), ['2026-03-14'], 'the day before the payment is still right');
  });

  it('waits for a write in flight, then does not store the day it changed', async () => {
    const writer = db.dataSource.createQueryRunner();
    await writer.startTransaction();
    try {
      await writer.query(`UPDATE invoices SET due_date = due_date + 1 WHERE id = $1`, [open.id]);
      const snapshot = await snapshotNow(); // the writer is running: not visible in it
      let stored = false;
      const storing = receivableTotalsCache
        .store(db.dataSource, books.orgId, {
          snapshot,
          dates: ['2026-03-31'],
          rows: someTotals('2026-03-31'),
        })
        .then(() => (stored = true));
      await sleep(300);
      assert.equal(stored, false, 'the store waits for the writer');
      await writer.commitTransaction();
      await storing;
    } finally {
      if (writer.isTransactionActive) await writer.rollbackTransaction();
      await writer.release();
    }
    assert.deepEqual(await cachedDays(), []);
    await db.dataSource.query(`UPDATE invoices SET due_date = due_date - 1 WHERE id = $1`, [open.id]);
  });

  it('prunes change log entries older than an hour, keeping the recent ones a report may need', async () => {
    await books.pay(open, 1_000, '2026-05-02');
    await db.dataSource.query(
      `UPDATE receivable_history_changes SET changed_at = now() - interval '61 minutes' WHERE org_id = $1`,
      [books.orgId],
    );
    await books.pay(open, 1_000, '2026-05-03');
    const pruned = await new HistoryLogPruner(db.dataSource).run();
    assert.ok(pruned >= 1, `pruned ${pruned}`);
    const left = await db.dataSource.query<{ fromDay: string }[]>(
      `SELECT DISTINCT from_day::text AS "fromDay" FROM receivable_history_changes WHERE org_id = $1`,
      [books.orgId],
    );
    assert.deepEqual(left, [{ fromDay: '2026-05-03' }]);
  });

  it('lets an organization with cached totals, flags, applications and promises be deleted whole', async () => {
    const doomed = await Books.create(db.dataSource, { name: 'Doomed' });
    const customer = await doomed.customer();
    const invoice = await doomed.invoice(customer, 50_000, '2026-02-01');
    await doomed.pay(invoice, 10_000, '2026-03-05');
    await doomed.dispute(invoice);
    await doomed.promise(customer, [invoice], '2026-04-01');
    await service.kpis(doomed.orgId, march);
    assert.deepEqual(await cachedDays(doomed.orgId), ['2026-02-28', '2026-03-31']);

    await db.dataSource.query('DELETE FROM organizations WHERE id = $1', [doomed.orgId]);
    assert.deepEqual(await cachedDays(doomed.orgId), []);
    const [{ invoices }] = await db.dataSource.query<{ invoices: number }[]>(
      'SELECT count(*)::int AS invoices FROM invoices WHERE org_id = $1',
      [doomed.orgId],
    );
    assert.equal(invoices, 0);
  });

  it('stores a day whose history no write has touched since the snapshot', async () => {
    const snapshot = await snapshotNow();
    await books.pay(open, 1_000, '2026-04-15');
    await receivableTotalsCache.store(db.dataSource, books.orgId, {
      snapshot,
      dates: ['2026-03-31'],
      rows: someTotals('2026-03-31'),
    });
    assert.deepEqual(await cachedDays(), ['2026-03-31']);
  });
});
