import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../../../src/common/errors/app-error';
import { PaymentBehaviourService } from '../../../../src/receivables/analytics/payment-behaviour/payment-behaviour.service';
import { ExchangeRatesService } from '../../../../src/receivables/currency/exchange-rates.service';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/**
 * Window: 2025-07-01 to 2026-06-30 (365 days to the as-of date 2026-06-30). Days are weighted by
 * invoice total; an invoice paid early counts 0 days beyond terms.
 *
 *   Prompt  P1 $1,000 issued 01-01 due 01-31 paid 01-31 → 30 days to pay, 0 beyond
 *           P2 $3,000 issued 02-01 due 03-03 paid 02-21 → 20 days, 10 early → 0 beyond
 *   Slow    S1 $2,000 issued 01-10 due 02-09 paid 04-10 → 90 days, 60 beyond
 *           S2 $1,000 issued 03-01 due 03-31 paid 04-20 → 50 days, 20 beyond
 *           S3 $1,000 issued 04-01 due 05-01 paid 04-30 → 29 days, on time
 *           and, none of which count: one paid after the window, one open, one written off,
 *           one settled by a credit memo alone, one paid before the window
 *   Risky   R1 €1,000 issued 01-01 due 01-31 paid 05-01 → 120 days, 90 beyond
 *           R2 $500   issued 02-01 due 03-03 paid 06-11 → 130 days, 100 beyond
 *           (EUR→USD 2.00: R1 weighs $2,000, R2 $500)
 */
describe('PaymentBehaviourService', () => {
  let db: TestDatabase;
  let service: PaymentBehaviourService;
  let books: Books;
  let other: Books;
  let prompt: Customer;
  let slow: Customer;
  let risky: Customer;
  let quiet: Customer;
  const asOf = '2026-06-30';

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    service = new PaymentBehaviourService(ds, new OrgSettingsReader(ds), new ExchangeRatesService(ds));
    books = await Books.create(ds);
    prompt = await books.customer({ name: 'Prompt' });
    slow = await books.customer({ name: 'Slow' });
    risky = await books.customer({ name: 'Risky', currency: 'EUR' });
    quiet = await books.customer({ name: 'Quiet' });

    await books.pay(await books.invoice(prompt, 100_000, '2026-01-01'), 100_000, '2026-01-31');
    await books.pay(await books.invoice(prompt, 300_000, '2026-02-01'), 300_000, '2026-02-21');

    await books.pay(await books.invoice(slow, 200_000, '2026-01-10'), 200_000, '2026-04-10');
    await books.pay(await books.invoice(slow, 100_000, '2026-03-01'), 100_000, '2026-04-20');
    await books.pay(await books.invoice(slow, 100_000, '2026-04-01'), 100_000, '2026-04-30');
    await books.pay(await books.invoice(slow, 500_000, '2026-05-01'), 500_000, '2026-08-15');
    await books.invoice(slow, 700_000, '2026-05-15');
    await books.writeOff(await books.invoice(slow, 900_000, '2026-01-15'), '2026-05-01');
    const credited = await books.invoice(slow, 40_000, '2026-02-01');
    await books.applyCredit(
      await books.creditMemo(slow, 40_000, '2026-03-01'),
      credited,
      40_000,
      '2026-03-01',
    );
    await books.pay(await books.invoice(slow, 80_000, '2025-05-01'), 80_000, '2025-06-15');

    await books.pay(await books.invoice(risky, 100_000, '2026-01-01'), 100_000, '2026-05-01');
    await books.pay(
      await books.invoice(risky, 50_000, '2026-02-01', { currency: 'USD' }),
      50_000,
      '2026-06-11',
    );
    await books.rate('EUR', 'USD', '2026-06-01', '2.00');

    other = await Books.create(ds);
    const stranger = await other.customer({ name: 'Stranger' });
    await other.pay(await other.invoice(stranger, 100_000, '2026-01-01'), 100_000, '2026-06-01');
  });
  after(async () => db.drop());

  it('weights days by invoice amount and counts early payment as on time', async () => {
    const b = await service.forCustomer(books.orgId, prompt.id, { asOf });
    assert.deepEqual(b.window, { from: '2025-07-01', to: asOf });
    assert.equal(b.paidInvoiceCount, 2);
    // (1,000 × 30 + 3,000 × 20) / 4,000 = 22.5
    assert.equal(b.averageDaysToPay, 22.5);
    assert.equal(b.averageDaysBeyondTerms, 0);
    assert.equal(b.onTimePercent, 100);
    assert.equal(b.scoreBand, 'great');
    assert.deepEqual(b.paidTotals, [{ currency: 'USD', amount: 400_000 }]);
  });

  it('counts only invoices paid in the window', async () => {
    const b = await service.forCustomer(books.orgId, slow.id, { asOf });
    assert.equal(b.paidInvoiceCount, 3);
    // (2,000 × 90 + 1,000 × 50 + 1,000 × 29) / 4,000 = 64.75
    assert.equal(b.averageDaysToPay, 64.8);
    // (2,000 × 60 + 1,000 × 20 + 1,000 × 0) / 4,000 = 35
    assert.equal(b.averageDaysBeyondTerms, 35);
    // 1 of 3 on time
    assert.equal(b.onTimePercent, 33.3);
    assert.equal(b.scoreBand, 'good');
    assert.match(b.scoreBandRule, /more than 15, at most 45/);
  });

  it('weights a customer’s currencies in the base currency', async () => {
    const b = await service.forCustomer(books.orgId, risky.id, { asOf });
    // Weights $2,000 (€1,000 × 2.00) and $500:
    // beyond terms (2,000 × 90 + 500 × 100) / 2,500 = 92; to pay (2,000 × 120 + 500 × 130) / 2,500 = 122.
    assert.equal(b.averageDaysBeyondTerms, 92);
    assert.equal(b.averageDaysToPay, 122);
    assert.equal(b.onTimePercent, 0);
    assert.equal(b.scoreBand, 'risk');
    assert.deepEqual(b.paidTotals, [
      { currency: 'EUR', amount: 100_000 },
      { currency: 'USD', amount: 50_000 },
    ]);
  });

  it('has no band for a customer without paid invoices', async () => {
    const b = await service.forCustomer(books.orgId, quiet.id, { asOf });
    assert.equal(b.scoreBand, 'no_history');
    assert.equal(b.averageDaysToPay, null);
    assert.equal(b.paidInvoiceCount, 0);
  });

  it('moves with the window', async () => {
    // A one-day window on 04-20 holds only S2: 50 days to pay, 20 beyond terms.
    const b = await service.forCustomer(books.orgId, slow.id, { asOf: '2026-04-20', lookbackDays: 1 });
    assert.deepEqual([b.paidInvoiceCount, b.averageDaysToPay, b.averageDaysBeyondTerms], [1, 50, 20]);
  });

  it('lists customers slowest first, paginated, without other organizations', async () => {
    const first = await service.list(books.orgId, { asOf, limit: 2 });
    assert.deepEqual(
      first.items.map((b) => [b.customerName, b.averageDaysBeyondTerms]),
      [
        ['Risky', 92],
        ['Slow', 35],
      ],
    );
    assert.equal(first.hasMore, true);
    const second = await service.list(books.orgId, { asOf, limit: 2, cursor: first.nextCursor! });
    assert.deepEqual(
      second.items.map((b) => b.customerName),
      ['Prompt'],
    );
    assert.equal(second.hasMore, false);
  });

  it('refuses another organization’s customer and bad input with coded errors', async () => {
    const [stranger] = await db.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM customers WHERE org_id = $1',
      [other.orgId],
    );
    await assert.rejects(service.forCustomer(books.orgId, stranger.id, { asOf }), NotFoundError);
    for (const query of [
      { lookbackDays: 0 },
      { lookbackDays: 2000 },
      { asOf: '2026-06-31' },
      { asOf: '2999-01-01' },
    ]) {
      await assert.rejects(
        service.forCustomer(books.orgId, slow.id, query),
        InvalidArgumentError,
        JSON.stringify(query),
      );
    }
    await assert.rejects(service.forCustomer(books.orgId, 'slow', {}), InvalidArgumentError);
    await assert.rejects(service.list(books.orgId, { limit: 501 }), InvalidArgumentError);
  });
});
