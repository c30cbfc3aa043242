import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../../src/common/errors/app-error';
import { CashForecastService } from '../../../../src/receivables/analytics/forecast/cash-forecast.service';
import type { CashForecast } from '../../../../src/receivables/analytics/forecast/cash-forecast.service';
import { PaymentBehaviourService } from '../../../../src/receivables/analytics/payment-behaviour/payment-behaviour.service';
import { ExchangeRatesService } from '../../../../src/receivables/currency/exchange-rates.service';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/** Non-empty weeks as [week, expected cents, invoices, promised cents, disputed cents]. */
function busyWeeks(f: CashForecast): Array<[number, number, number, number, number]> {
  return f.weeks
    .filter((w) => w.expected.amount !== 0)
    .map((w) => [w.week, w.expected.amount, w.invoiceCount, w.promised.amount, w.disputed.amount]);
}

/**
 * As of Monday 2026-06-01: week 1 is 06-01..06-07, week 2 06-08..06-14, ..., week 13 08-24..08-30.
 *
 *   Late (USD) paid H1 (due 01-31) on 03-02: 30 days beyond terms, its average.
 *     L1 $1,000 due 05-31 (overdue)   due-date: tomorrow 06-02 → wk 1; behaviour: 06-30 → wk 5
 *     L2 $2,000 due 06-19             due-date: wk 3;                 behaviour: 07-19 → wk 7
 *     L3 $4,000 due 06-24, $1,500 promised for 06-10 → wk 2; the other $2,500:
 *                                     due-date: wk 4;                 behaviour: 07-24 → wk 8
 *   New (EUR, no history; EUR→USD 1.20)
 *     N1 €500 due 05-01 (overdue) → tomorrow, wk 1: $600
 *     N2 €1,000 due 09-30 → after week 13: $1,200
 *     N3 €250 due 06-14 under an open dispute: left out ($300), or wk 2 when included
 *   Promiser (USD): P1 $800 due 05-15, promised for 05-28 (passed, still pending) → tomorrow, wk 1
 *   Other (USD): Q1 $300 due 05-31, paid 06-05 — after the as-of date, so still expected: wk 1
 *   Changer (USD, no history)
 *     K1 $600 due 06-09, promised for 06-20, then (a newer promise) for 07-01 → wk 5
 *     K2 $700 due 06-09, a kept promise for 08-01 no longer moves it → wk 2
 */
describe('CashForecastService', () => {
  let db: TestDatabase;
  let service: CashForecastService;
  let books: Books;
  let other: Books;
  const asOf = '2026-06-01';

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    const settings = new OrgSettingsReader(ds);
    const rates = new ExchangeRatesService(ds);
    service = new CashForecastService(ds, settings, rates, new PaymentBehaviourService(ds, settings, rates));
    books = await Books.create(ds);

    const late = await books.customer({ name: 'Late' });
    await books.pay(await books.invoice(late, 100_000, '2026-01-01'), 100_000, '2026-03-02');
    await books.invoice(late, 100_000, '2026-05-01');
    await books.invoice(late, 200_000, '2026-05-20');
    const l3 = await books.invoice(late, 400_000, '2026-05-25');
    const promise = await books.promise(late, [l3], '2026-06-10');
    // The factory promises the whole balance; this promise covers $1,500 of it.
    await ds.query('UPDATE promise_invoices SET amount = 150000 WHERE org_id = $1 AND promise_id = $2', [
      books.orgId,
      promise.id,
    ]);

    const fresh = await books.customer({ name: 'New', currency: 'EUR' });
    await books.invoice(fresh, 50_000, '2026-04-01');
    await books.invoice(fresh, 100_000, '2026-06-01', { dueDate: '2026-09-30', terms: 121 });
    await books.dispute(await books.invoice(fresh, 25_000, '2026-05-15'), { openedOn: '2026-05-20' });
    await books.rate('EUR', 'USD', '2026-05-01', '1.20');

    const promiser = await books.customer({ name: 'Promiser' });
    await books.promise(promiser, [await books.invoice(promiser, 80_000, '2026-04-15')], '2026-05-28');

    const late2 = await books.customer({ name: 'Other' });
    await books.pay(await books.invoice(late2, 30_000, '2026-05-01'), 30_000, '2026-06-05');

    const changer = await books.customer({ name: 'Changer' });
    const k1 = await books.invoice(changer, 60_000, '2026-05-10');
    await books.promise(changer, [k1], '2026-06-20');
    await books.promise(changer, [k1], '2026-07-01');
    await books.promise(changer, [await books.invoice(changer, 70_000, '2026-05-10')], '2026-08-01', {
      status: 'kept',
    });

    // Another organization with receivables in the same weeks must not add a cent.
    other = await Books.create(ds);
    const stranger = await other.customer();
    await other.invoice(stranger, 9_900_000, '2026-05-20');
    await other.invoice(stranger, 7_700_000, '2026-04-01');
  });
  after(async () => db.drop());

  it('expects each invoice on its due date, overdue ones tomorrow, promised parts on the promised day', async () => {
    const f = await service.forecast(books.orgId, { asOf, method: 'due_date' });
    assert.equal(f.weeks.length, 13);
    assert.deepEqual(
      [f.weeks[0].from, f.weeks[0].to, f.weeks[12].from, f.weeks[12].to],
      ['2026-06-01', '2026-06-07', '2026-08-24', '2026-08-30'],
    );
    assert.deepEqual(busyWeeks(f), [
      // L1 100,000 + N1 60,000 + P1 80,000 (promised) + Q1 30,000
      [1, 270_000, 4, 80_000, 0],
      // L3's promised 150,000 + K2 70,000
      [2, 220_000, 2, 150_000, 0],
      [3, 200_000, 1, 0, 0],
      // L3's other 250,000
      [4, 250_000, 1, 0, 0],
      // K1 by its newest promise (07-01)
      [5, 60_000, 1, 60_000, 0],
    ]);
    assert.deepEqual(f.later.expected, { amount: 120_000, currency: 'USD' });
    assert.deepEqual(f.later.byCurrency, [{ currency: 'EUR', amount: 100_000 }]);
    // 270,000 + 220,000 + 200,000 + 250,000 + 60,000 + 120,000 later
    assert.deepEqual(f.total, { amount: 1_120_000, currency: 'USD' });
    assert.deepEqual(f.excludedDisputed, {
      amount: { amount: 30_000, currency: 'USD' },
      invoiceCount: 1,
      byCurrency: [{ currency: 'EUR', amount: 25_000 }],
    });
    assert.equal(f.behaviourWindow, null);
  });

  it('shifts due dates by each customer’s average days beyond terms', async () => {
    const f = await service.forecast(books.orgId, { asOf });
    assert.equal(f.method, 'behaviour');
    assert.deepEqual(busyWeeks(f), [
      // N1 60,000 + P1 80,000 + Q1 30,000: New and Other have no history, Promiser's promise wins
      [1, 170_000, 3, 80_000, 0],
      [2, 220_000, 2, 150_000, 0],
      // L1 05-31 + 30 = 06-30, and K1's promise
      [5, 160_000, 2, 60_000, 0],
      // L2 06-19 + 30 = 07-19
      [7, 200_000, 1, 0, 0],
      // L3's other part 06-24 + 30 = 07-24
      [8, 250_000, 1, 0, 0],
    ]);
    assert.deepEqual(f.total, { amount: 1_120_000, currency: 'USD' });
    assert.deepEqual(f.behaviourWindow, { from: '2025-06-02', to: asOf });
    assert.match(f.assumptions.join(' '), /expected tomorrow \(2026-06-02\)/);
  });

  it('can count disputed invoices, flagged', async () => {
    const f = await service.forecast(books.orgId, { asOf, includeDisputed: true });
    // N3 €250 × 1.20 = 300 lands in week 2 (due 06-14) next to L3's promise and K2.
    assert.deepEqual(busyWeeks(f)[1], [2, 250_000, 3, 150_000, 30_000]);
    assert.equal(f.excludedDisputed, null);
    assert.deepEqual(f.total, { amount: 1_150_000, currency: 'USD' });
    assert.deepEqual(
      f.exchangeRates.map((r) => [r.fromCurrency, r.rate]),
      [['EUR', '1.2']],
    );
  });

  it('answers bad input with a coded error', async () => {
    for (const query of [
      { method: 'machine_learning' as never },
      { asOf: '2999-01-01' },
      { asOf: '06/01/2026' },
      { lookbackDays: 0 },
    ]) {
      await assert.rejects(service.forecast(books.orgId, query), InvalidArgumentError, JSON.stringify(query));
    }
  });
});
