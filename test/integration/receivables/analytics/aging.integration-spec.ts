import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError, InvalidArgumentError, NotFoundError } from '../../../../src/common/errors/app-error';
import { AgingService } from '../../../../src/receivables/analytics/aging/aging.service';
import type { AgingAmounts, AgingReport } from '../../../../src/receivables/analytics/aging/aging.service';
import {
  ExchangeRatesService,
  MissingExchangeRateError,
} from '../../../../src/receivables/currency/exchange-rates.service';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { todayIn } from '../../../../src/receivables/shared/calendar';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/** Bucket amounts keyed by bucket key, for compact assertions. */
function cells(amounts: AgingAmounts): Record<string, number> {
  return Object.fromEntries(amounts.buckets.map((b) => [b.key, b.amount]));
}

/**
 * The book (amounts in cents, as of 2026-03-31, due-date basis, edges 30/60/90, base USD):
 *
 *   Acme (USD, collector Alice, subsidiary US)
 *     A1  issued 03-10 due 04-09   1,000.00 open                          −9 days → current
 *     A2  issued 02-01 due 03-03   2,000.00, 500.00 paid 03-15 → 1,500.00   28 days → 1–30
 *         (credit memo CM1 200.00 issued 03-25, applied 04-02: still unused on 03-31)
 *     A3  issued 12-01 due 12-31   3,000.00, paid by a payment received 03-30 but applied
 *         04-10 → open 3,000.00 on 03-31, and that payment is unapplied cash on 03-31   90 → 61–90
 *     A4  issued 11-01 due 12-01     400.00, written off 04-05 → open on 03-31        120 → over 90
 *     A5  void 2,999.00 — never a receivable
 *     A6  issued 01-05, 700.00 paid in full 03-20 — closed before the as-of date
 *     A7  issued 04-02, 5,000.00 — after the as-of date
 *     A8  issued 02-15 due 03-17, 800.00 paid 03-20, payment unapplied 04-03 → zero on 03-31
 *     P1  payment 300.00 received 03-28, unapplied
 *   Beta (EUR, collector Bob); B1 issued 01-15 due 02-14 €1,000.00, subsidiary EU   45 → 31–60
 *     EUR→USD 1.10 from 03-01 (1.20 from 04-01, too late for 03-31): €1,000.00 = $1,100.00
 *   Gamma (JPY, no collector): G1 issued 03-20 due 04-19 ¥50,000 (JPY has no minor unit)
 *     only USD→JPY 150 is stored (03-01): inverted, ¥50,000 = $333.333… → 33,333 cents
 *   Unidentified cash: 50.00 received 03-31, no customer.
 */
describe('AgingService', () => {
  let db: TestDatabase;
  let service: AgingService;
  let books: Books;
  let other: Books;
  let acme: Customer;
  let beta: Customer;
  let gamma: Customer;
  let alice: string;
  let bob: string;
  let us: string;
  let eu: string;
  const asOf = '2026-03-31';

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    service = new AgingService(ds, new OrgSettingsReader(ds), new ExchangeRatesService(ds));
    books = await Books.create(ds, { baseCurrency: 'USD' });
    alice = (await books.member('collector', { name: 'Alice' })).id;
    bob = (await books.member('collector', { name: 'Bob' })).id;
    us = (await books.subsidiary('US')).id;
    eu = (await books.subsidiary('EU', 'EUR')).id;
    acme = await books.customer({ name: 'Acme', collectorUserId: alice, subsidiaryId: us });
    beta = await books.customer({ name: 'Beta', currency: 'EUR', collectorUserId: bob });
    gamma = await books.customer({ name: 'Gamma', currency: 'JPY' });

    await books.invoice(acme, 100_000, '2026-03-10');
    const a2 = await books.invoice(acme, 200_000, '2026-02-01');
    await books.pay(a2, 50_000, '2026-03-15');
    const cm1 = await books.creditMemo(acme, 20_000, '2026-03-25');
    await books.applyCredit(cm1, a2, 20_000, '2026-04-02');
    const a3 = await books.invoice(acme, 300_000, '2025-12-01');
    const late = await books.payment(acme, 300_000, '2026-03-30');
    await books.apply(late, a3, 300_000, '2026-04-10');
    const a4 = await books.invoice(acme, 40_000, '2025-11-01');
    await books.writeOff(a4, '2026-04-05');
    await books.invoice(acme, 299_900, '2026-03-01', { status: 'void' });
    const a6 = await books.invoice(acme, 70_000, '2026-01-05');
    await books.pay(a6, 70_000, '2026-03-20');
    await books.invoice(acme, 500_000, '2026-04-02');
    const a8 = await books.invoice(acme, 80_000, '2026-02-15');
    const p8 = await books.payment(acme, 80_000, '2026-03-20');
    const app8 = await books.apply(p8, a8, 80_000, '2026-03-20');
    await books.unapply(app8, a8, '2026-04-03');
    await books.payment(acme, 30_000, '2026-03-28');

    await books.invoice(beta, 100_000, '2026-01-15', { subsidiaryId: eu });
    await books.rate('EUR', 'USD', '2026-03-01', '1.10');
    await books.rate('EUR', 'USD', '2026-04-01', '1.20');

    await books.invoice(gamma, 50_000, '2026-03-20');
    await books.rate('USD', 'JPY', '2026-03-01', '150');

    await books.payment(null, 5_000, '2026-03-31');

    // A second organization with look-alike data and a wildly different EUR rate: none of it may
    // reach the first organization's figures.
    other = await Books.create(ds, { baseCurrency: 'USD' });
    const foreign = await other.customer({ name: 'Acme', currency: 'EUR' });
    await other.invoice(foreign, 9_900_000, '2026-02-01');
    await other.invoice(await other.customer({ name: 'Zeta' }), 7_700_000, '2025-12-01');
    await other.payment(foreign, 1_000_000, '2026-03-01', { currency: 'EUR' });
    await other.rate('EUR', 'USD', '2026-03-01', '2.00');
  });
  after(async () => db.drop());

  let report: AgingReport;

  it('ages balances as of a past date, ignoring what happened after it', async () => {
    report = await service.aging(books.orgId, { asOf });
    assert.equal(report.asOf, asOf);
    assert.equal(report.basis, 'due_date');
    assert.deepEqual(
      report.buckets.map((b) => b.key),
      ['current', '1-30', '31-60', '61-90', 'over_90'],
    );
    const usd = report.totals.byCurrency.find((c) => c.currency === 'USD')!;
    // A1 100,000 current; A2 150,000 (1–30); A3 300,000 (61–90); A4 40,000 (over 90).
    assert.deepEqual(cells(usd), {
      current: 100_000,
      '1-30': 150_000,
      '31-60': 0,
      '61-90': 300_000,
      over_90: 40_000,
    });
    assert.equal(usd.total, 590_000);
    assert.equal(usd.invoiceCount, 4);
  });

  it('converts every currency to the base at the rate on or before the as-of date', () => {
    const eur = report.totals.byCurrency.find((c) => c.currency === 'EUR')!;
    const jpy = report.totals.byCurrency.find((c) => c.currency === 'JPY')!;
    assert.deepEqual(cells(eur), { current: 0, '1-30': 0, '31-60': 100_000, '61-90': 0, over_90: 0 });
    assert.equal(jpy.total, 50_000);
    // current: 100,000 (A1) + 33,333 (¥50,000 ÷ 150 = $333.33); 31–60: €1,000.00 × 1.10 = 110,000.
    assert.deepEqual(cells(report.totals.base), {
      current: 133_333,
      '1-30': 150_000,
      '31-60': 110_000,
      '61-90': 300_000,
      over_90: 40_000,
    });
    // 133,333 + 150,000 + 110,000 + 300,000 + 40,000
    assert.equal(report.totals.base.total, 733_333);
    assert.equal(report.totals.base.invoiceCount, 6);
    assert.deepEqual(
      report.exchangeRates.map((r) => [r.fromCurrency, r.toCurrency, r.rateDate, r.inverted]),
      [
        ['EUR', 'USD', '2026-03-01', false],
        ['JPY', 'USD', '2026-03-01', true],
      ],
    );
    assert.equal(report.exchangeRates[0].rate, '1.1');
  });

  it('lists unapplied cash and unused credit memos beside the buckets', () => {
    // P1 30,000 + the 300,000 received 03-30 (applied only 04-10) + 5,000 unidentified.
    assert.deepEqual(report.unappliedCash.base, { amount: 335_000, currency: 'USD' });
    assert.equal(report.unappliedCash.count, 3);
    assert.deepEqual(report.unappliedCash.byCurrency, [
      { currency: 'USD', amount: 335_000, count: 3, oldestDate: '2026-03-28' },
    ]);
    // CM1 was applied on 04-02, so on 03-31 all 20,000 was unused.
    assert.deepEqual(report.openCreditMemos.base, { amount: 20_000, currency: 'USD' });
    // 733,333 − 335,000 − 20,000
    assert.deepEqual(report.netReceivable, { amount: 378_333, currency: 'USD' });
  });

  it('defaults to today in the organization’s time zone, where later events count', async () => {
    const today = await service.aging(books.orgId);
    assert.equal(today.asOf, todayIn('UTC'));
    // Open today: A1 100,000; A2 130,000 (credit applied); A7 500,000; A8 80,000 (unapplied);
    // B1 €1,000.00 × 1.20 = 120,000; G1 33,333. All are more than 90 days past due by now.
    assert.equal(today.totals.base.total, 963_333);
    assert.equal(cells(today.totals.base).over_90, 963_333);
    // Only P1 30,000, the 5,000 unidentified and A8's 80,000 payment (unapplied again) are unapplied.
    assert.equal(today.unappliedCash.base.amount, 115_000);
    assert.equal(today.openCreditMemos.count, 0);
  });

  it('ages by invoice date when asked, with buckets starting at day 0', async () => {
    const byInvoiceDate = await service.aging(books.orgId, { asOf, basis: 'invoice_date' });
    // Days since invoice on 03-31: A1 21, G1 11 → 0–30; A2 58 → 31–60; B1 75 → 61–90; A3 120, A4 150 → over 90.
    assert.deepEqual(cells(byInvoiceDate.totals.base), {
      '0-30': 133_333,
      '31-60': 150_000,
      '61-90': 110_000,
      over_90: 340_000,
    });
  });

  it('uses caller-supplied bucket edges', async () => {
    const custom = await service.aging(books.orgId, { asOf, bucketEdges: [15, 45] });
    // A2 28 and B1 45 days → 16–45; A3 90 and A4 120 → over 45.
    assert.deepEqual(cells(custom.totals.base), {
      current: 133_333,
      '1-15': 0,
      '16-45': 260_000,
      over_45: 340_000,
    });
  });

  it('groups by customer, largest first, paginated, with unapplied cash per customer', async () => {
    const first = await service.aging(books.orgId, { asOf, groupBy: 'customer', limit: 2 });
    assert.deepEqual(
      first.groups.items.map((g) => [g.label, g.base.total, g.unappliedCash.amount, g.openCredits.amount]),
      [
        ['Acme', 590_000, 330_000, 20_000],
        ['Beta', 110_000, 0, 0],
      ],
    );
    assert.equal(first.groups.hasMore, true);
    // The totals always cover everything, whatever the page.
    assert.equal(first.totals.base.total, 733_333);
    const second = await service.aging(books.orgId, {
      asOf,
      groupBy: 'customer',
      limit: 2,
      cursor: first.groups.nextCursor!,
    });
    assert.deepEqual(
      second.groups.items.map((g) => [g.key, g.label, g.base.total, g.unappliedCash.amount]),
      [
        [gamma.id, 'Gamma', 33_333, 0],
        [null, 'Unidentified cash (no customer)', 0, 5_000],
      ],
    );
    assert.equal(second.groups.hasMore, false);
    assert.equal(second.groups.nextCursor, null);
    assert.deepEqual(cells(first.groups.items[1].byCurrency[0]), cells(report.totals.byCurrency[0]));
  });

  it('groups by collector, subsidiary and currency', async () => {
    const byCollector = await service.aging(books.orgId, { asOf, groupBy: 'collector' });
    assert.deepEqual(
      byCollector.groups.items.map((g) => [g.key, g.label, g.base.total]),
      [
        [alice, 'Alice', 590_000],
        [bob, 'Bob', 110_000],
        [null, 'No collector assigned', 33_333],
      ],
    );
    const bySubsidiary = await service.aging(books.orgId, { asOf, groupBy: 'subsidiary' });
    // B1 carries subsidiary EU itself; Acme's invoices take the customer's US; Gamma has none.
    assert.deepEqual(
      bySubsidiary.groups.items.map((g) => [g.key, g.label, g.base.total]),
      [
        [us, 'US', 590_000],
        [eu, 'EU', 110_000],
        [null, 'No subsidiary', 33_333],
      ],
    );
    const byCurrency = await service.aging(books.orgId, { asOf, groupBy: 'currency' });
    assert.deepEqual(
      byCurrency.groups.items.map((g) => [
        g.key,
        g.base.total,
        g.byCurrency[0].total,
        g.unappliedCash.amount,
      ]),
      [
        ['USD', 590_000, 590_000, 335_000],
        ['EUR', 110_000, 100_000, 0],
        ['JPY', 33_333, 50_000, 0],
      ],
    );
  });

  it('ages one customer', async () => {
    const one = await service.aging(books.orgId, { asOf, customerId: beta.id });
    assert.equal(one.totals.base.total, 110_000);
    assert.equal(one.unappliedCash.count, 0);
  });

  it('never lets another organization’s rows or rates change a figure', async () => {
    const again = await service.aging(books.orgId, { asOf, groupBy: 'customer' });
    assert.equal(again.totals.base.total, 733_333);
    assert.equal(again.unappliedCash.base.amount, 335_000);
    assert.equal(again.groups.items.length, 4);
    const theirs = await service.aging(other.orgId, { asOf });
    // Their own rate: €99,000.00 × 2.00 = 19,800,000 + Zeta 7,700,000; their €10,000.00 cash × 2.
    assert.equal(theirs.totals.base.total, 27_500_000);
    assert.equal(theirs.unappliedCash.base.amount, 2_000_000);
  });

  it('refuses another organization’s customer as if it did not exist', async () => {
    const [foreign] = await other.ds.query<Array<{ id: string }>>(
      'SELECT id FROM customers WHERE org_id = $1',
      [other.orgId],
    );
    await assert.rejects(service.aging(books.orgId, { asOf, customerId: foreign.id }), NotFoundError);
  });

  it('names the missing pair when a currency has no rate', async () => {
    const lonely = await Books.create(db.dataSource, { baseCurrency: 'USD' });
    await lonely.invoice(await lonely.customer({ currency: 'CHF' }), 10_000, '2026-03-01');
    await assert.rejects(service.aging(lonely.orgId, { asOf }), (error: unknown) => {
      assert.ok(error instanceof MissingExchangeRateError);
      assert.equal(error.code, 'rule_violation');
      assert.match(error.message, /CHF→USD/);
      assert.match(error.message, /on or before 2026-03-31/);
      return true;
    });
  });

  it('answers bad input with a coded error, never a database error', async () => {
    const bad: Array<Parameters<AgingService['aging']>[1]> = [
      { asOf: '2026-3-31' },
      { asOf: '2026-02-30' },
      { asOf: '2999-01-01' },
      { bucketEdges: [60, 30] },
      { bucketEdges: [] },
      { groupBy: 'region' as never },
      { basis: 'posting_date' as never },
      { customerId: 'not-an-id' },
      { limit: 0 },
      { groupBy: 'customer', cursor: 'garbage' },
    ];
    for (const query of bad) {
      await assert.rejects(service.aging(books.orgId, query), (error: unknown) => {
        assert.ok(error instanceof AppError, `${JSON.stringify(query)} gave ${String(error)}`);
        assert.ok(error instanceof InvalidArgumentError, `${JSON.stringify(query)} gave ${error.code}`);
        return true;
      });
    }
    await assert.rejects(service.aging(books.orgId, { bucketEdges: [60, 30] }), /not strictly ascending/);
  });
});
