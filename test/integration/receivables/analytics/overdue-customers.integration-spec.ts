import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../../src/common/errors/app-error';
import { OverdueCustomersService } from '../../../../src/receivables/analytics/overdue/overdue-customers.service';
import { ExchangeRatesService } from '../../../../src/receivables/currency/exchange-rates.service';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/**
 * As of 2026-03-31, base USD:
 *   PaidLater (Bob)  C1 $7,000 due 02-15 (44 days), paid 04-10; dispute opened 04-02 → $7,000, not disputed then
 *   Big (Alice)      B1 $5,000 due 01-30 (60 days), B2 $1,000 due 03-15 (disputed 03-20,
 *                    promised for 04-05), B3 $9,000 due 04-15 (not yet due) → $6,000
 *   Euro             E1 €4,000 due 02-28 (31 days) × 1.10 → $4,400; its dispute was resolved 03-10
 *   Small            D1 $100 due 03-30 (1 day) → $100
 *   Fine             F1 $50,000 due 04-30 → nothing past due
 */
describe('OverdueCustomersService', () => {
  let db: TestDatabase;
  let service: OverdueCustomersService;
  let books: Books;
  let other: Books;
  let alice: string;
  let bob: string;
  const asOf = '2026-03-31';

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    service = new OverdueCustomersService(ds, new OrgSettingsReader(ds), new ExchangeRatesService(ds));
    books = await Books.create(ds);
    alice = (await books.member('collector', { name: 'Alice' })).id;
    bob = (await books.member('collector', { name: 'Bob' })).id;

    const paidLater = await books.customer({ name: 'PaidLater', collectorUserId: bob });
    const c1 = await books.invoice(paidLater, 700_000, '2026-01-16');
    await books.pay(c1, 700_000, '2026-04-10');
    await books.dispute(c1, { openedOn: '2026-04-02' });

    const big = await books.customer({ name: 'Big', collectorUserId: alice });
    await books.invoice(big, 500_000, '2025-12-31', { number: 'INV-B1' });
    const b2 = await books.invoice(big, 100_000, '2026-02-13', { number: 'INV-B2' });
    await books.invoice(big, 900_000, '2026-03-16');
    await books.dispute(b2, { openedOn: '2026-03-20' });
    await books.promise(big, [b2], '2026-04-05');

    const euro = await books.customer({ name: 'Euro', currency: 'EUR' });
    const e1 = await books.invoice(euro, 400_000, '2026-01-29');
    await books.dispute(e1, { openedOn: '2026-02-01', status: 'resolved', resolvedOn: '2026-03-10' });
    await books.rate('EUR', 'USD', '2026-03-01', '1.10');

    await books.invoice(await books.customer({ name: 'Small' }), 10_000, '2026-02-28');
    await books.invoice(await books.customer({ name: 'Fine' }), 5_000_000, '2026-03-31');

    other = await Books.create(ds);
    await other.invoice(await other.customer({ name: 'Giant' }), 99_000_000, '2025-12-01');
  });
  after(async () => db.drop());

  it('ranks customers by past-due balance in the base currency as of the date', async () => {
    const top = await service.topOverdueCustomers(books.orgId, { asOf, limit: 3 });
    assert.deepEqual(
      top.customers.map((c) => [c.rank, c.customerName, c.overdue.amount, c.overdueInvoiceCount]),
      [
        [1, 'PaidLater', 700_000, 1],
        [2, 'Big', 600_000, 2],
        // €4,000.00 × 1.10
        [3, 'Euro', 440_000, 1],
      ],
    );
    // Small is past due too, just not in the top three: 700,000 + 600,000 + 440,000 + 10,000.
    assert.equal(top.customersOverdue, 4);
    assert.deepEqual(top.totalOverdue, { amount: 1_750_000, currency: 'USD' });
  });

  it('names the oldest past-due invoice, the collector, disputes and promises', async () => {
    const top = await service.topOverdueCustomers(books.orgId, { asOf });
    const [paidLater, big, euro, small] = top.customers;
    assert.deepEqual(big.oldestOverdueInvoice, {
      invoiceId: big.oldestOverdueInvoice.invoiceId,
      number: 'INV-B1',
      dueDate: '2026-01-30',
      daysPastDue: 60,
      balance: { amount: 500_000, currency: 'USD' },
    });
    assert.deepEqual(big.collector, { userId: alice, name: 'Alice' });
    assert.equal(big.disputed, true);
    assert.equal(big.disputedInvoiceCount, 1);
    assert.deepEqual(big.promise, { promisedOn: '2026-04-05', amount: { amount: 100_000, currency: 'USD' } });
    // PaidLater's dispute was opened after the as-of date; Euro's was resolved before it.
    assert.equal(paidLater.disputed, false);
    assert.deepEqual(paidLater.collector, { userId: bob, name: 'Bob' });
    assert.equal(paidLater.oldestOverdueInvoice.daysPastDue, 44);
    assert.equal(euro.disputed, false);
    assert.equal(euro.collector, null);
    assert.deepEqual(euro.overdueByCurrency, [{ currency: 'EUR', amount: 400_000 }]);
    assert.deepEqual(euro.oldestOverdueInvoice.balance, { amount: 400_000, currency: 'EUR' });
    assert.equal(small.oldestOverdueInvoice.daysPastDue, 1);
    assert.equal(top.customers.length, 4);
  });

  it('sees today’s picture by default, and no other organization', async () => {
    const today = await service.topOverdueCustomers(books.orgId);
    // C1 was paid on 04-10; everything else open is past due by now, B3 and F1 included.
    assert.deepEqual(
      today.customers.map((c) => [c.customerName, c.overdue.amount]),
      [
        ['Fine', 5_000_000],
        ['Big', 1_500_000],
        ['Euro', 440_000],
        ['Small', 10_000],
      ],
    );
    assert.equal(today.customers[1].disputed, true);
  });

  it('answers bad input with a coded error', async () => {
    for (const query of [{ limit: 0 }, { limit: 101 }, { asOf: '2026-02-30' }]) {
      await assert.rejects(
        service.topOverdueCustomers(books.orgId, query),
        InvalidArgumentError,
        JSON.stringify(query),
      );
    }
  });
});
