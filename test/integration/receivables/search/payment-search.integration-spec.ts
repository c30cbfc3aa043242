import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Payment } from '../../../../src/receivables/payments/payment.entity';
import { PAYMENT_SORTS } from '../../../../src/receivables/payments/payment.queries';
import type { PaymentFilter, PaymentQueries } from '../../../../src/receivables/payments/payment.queries';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { buildQueries, rejectsWith, tamperCursor, walk } from './queries';

/**
 *   pmt  customer  received     amount  method  reference       applied  unapplied  status
 *   P1   Acme      2026-03-01   50000   ach     ACH-REF-1             0      50000  unapplied
 *   P2   Acme      2026-03-05   30000   wire    WIRE 889          30000          0  applied
 *   P3   Bolt      2026-03-05   20000   check   CHK-1001           5000      15000  partially_applied
 *   P4   (none)    2026-02-20   12000   ach     UNKNOWN REMIT         0      12000  unapplied
 *   P5   Bolt      2026-01-15    8000   card    -                     0       8000  void
 */
describe('payment search', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let payments: PaymentQueries;
  let bolt: Customer;
  let p: Record<'P1' | 'P2' | 'P3' | 'P4' | 'P5', Payment>;
  let foreignCustomer: Customer;
  let foreignPayment: Payment;

  const of = (...keys: (keyof typeof p)[]): string[] => keys.map((k) => p[k].number);
  /** Rows that tie on the sort key come in id order (reversed when descending). */
  const tie = (desc: boolean, ...keys: (keyof typeof p)[]): string[] => {
    const sorted = keys.map((k) => p[k]).sort((a, b) => (a.id < b.id ? -1 : 1));
    return (desc ? sorted.reverse() : sorted).map((x) => x.number);
  };
  const search = async (filter: PaymentFilter): Promise<string[]> =>
    (await payments.search(books.orgId, filter, { limit: 500 })).items.map((r) => r.number);

  before(async () => {
    db = await createTestDatabase();
    payments = buildQueries(db.dataSource).payments;
    books = await Books.create(db.dataSource);
    const acme = await books.customer({ name: 'Acme Corp' });
    bolt = await books.customer({ name: 'Bolt Industries' });
    const acmeInvoice = await books.invoice(acme, 30000, '2026-02-01');
    const boltInvoice = await books.invoice(bolt, 9000, '2026-02-01');
    p = {
      P1: await books.payment(acme, 50000, '2026-03-01', { reference: 'ACH-REF-1' }),
      P2: await books.payment(acme, 30000, '2026-03-05', { method: 'wire', reference: 'WIRE 889' }),
      P3: await books.payment(bolt, 20000, '2026-03-05', { method: 'check', reference: 'CHK-1001' }),
      P4: await books.payment(null, 12000, '2026-02-20', { reference: 'UNKNOWN REMIT' }),
      P5: await books.payment(bolt, 8000, '2026-01-15', { method: 'card', status: 'void' }),
    };
    await books.apply(p.P2, acmeInvoice, 30000, '2026-03-05');
    await books.apply(p.P3, boltInvoice, 5000, '2026-03-06');
    other = await Books.create(db.dataSource);
    foreignCustomer = await other.customer({ name: 'Acme Corp' });
    foreignPayment = await other.payment(foreignCustomer, 50000, '2026-03-01', { reference: 'ACH-REF-1' });
  });
  after(async () => db.drop());

  it('lists newest first with customer and applied / unapplied amounts', async () => {
    const page = await payments.search(books.orgId);
    assert.deepEqual(
      page.items.map((r) => r.number),
      [...tie(true, 'P2', 'P3'), ...of('P1', 'P4', 'P5')],
    );
    const row = page.items.find((r) => r.number === p.P3.number)!;
    assert.deepEqual(
      [
        row.customerName,
        row.receivedOn,
        row.amount,
        row.appliedAmount,
        row.unappliedAmount,
        row.status,
        row.method,
        row.reference,
        row.currency,
      ],
      ['Bolt Industries', '2026-03-05', 20000, 5000, 15000, 'partially_applied', 'check', 'CHK-1001', 'USD'],
    );
    const unidentified = page.items.find((r) => r.number === p.P4.number)!;
    assert.deepEqual([unidentified.customerId, unidentified.customerName], [null, null]);
  });

  it('filters by unapplied cash, status, method, customer and identification', async () => {
    assert.deepEqual(await search({ unappliedOnly: true }), of('P3', 'P1', 'P4'));
    assert.deepEqual(await search({ status: ['partially_applied'] }), of('P3'));
    assert.deepEqual(await search({ method: ['check', 'card'] }), of('P3', 'P5'));
    assert.deepEqual(await search({ customerIds: [bolt.id] }), of('P3', 'P5'));
    assert.deepEqual(await search({ unidentified: true }), of('P4'));
    assert.deepEqual(await search({ unidentified: false }), [...tie(true, 'P2', 'P3'), ...of('P1', 'P5')]);
  });

  it('filters by received date, amount, unapplied amount, currency and text', async () => {
    assert.deepEqual(await search({ receivedOn: { from: '2026-03-01', to: '2026-03-05' } }), [
      ...tie(true, 'P2', 'P3'),
      ...of('P1'),
    ]);
    assert.deepEqual(await search({ amount: { min: 20000, max: 50000 } }), [
      ...tie(true, 'P2', 'P3'),
      ...of('P1'),
    ]);
    assert.deepEqual(await search({ unappliedAmount: { min: 1 } }), of('P3', 'P1', 'P4', 'P5'));
    assert.deepEqual(await search({ currency: 'EUR' }), []);
    assert.deepEqual(await search({ text: 'wire' }), of('P2'));
    assert.deepEqual(await search({ text: 'chk-100' }), of('P3'));
    assert.deepEqual(await search({ text: p.P1.number }), of('P1'));
    // Looked up by the run "1001" (a trigram probe), but only a reference holding the whole text matches.
    assert.deepEqual(await search({ text: 'chk 1001' }), []);
    assert.deepEqual(await search({ text: 'K-1001' }), of('P3'));
  });

  it('sorts by each key both ways and pages through each exactly once', async () => {
    const expected: Record<string, string[]> = {
      received_on: [...of('P5', 'P4', 'P1'), ...tie(false, 'P2', 'P3')],
      amount: of('P5', 'P4', 'P3', 'P2', 'P1'),
      unapplied_amount: of('P2', 'P5', 'P4', 'P3', 'P1'),
      number: of('P1', 'P2', 'P3', 'P4', 'P5'),
    };
    for (const sort of PAYMENT_SORTS) {
      assert.deepEqual(await search({ sort, direction: 'asc' }), expected[sort], sort);
      assert.deepEqual(
        await search({ sort, direction: 'desc' }),
        [...expected[sort]].reverse(),
        `${sort} desc`,
      );
      for (const direction of ['asc', 'desc'] as const) {
        for (const limit of [1, 2]) {
          const { rows } = await walk((cursor) =>
            payments.search(books.orgId, { sort, direction }, { limit, cursor }),
          );
          assert.deepEqual(
            rows.map((r) => r.number),
            direction === 'asc' ? expected[sort] : [...expected[sort]].reverse(),
          );
        }
      }
    }
  });

  it('rejects bad input with invalid_argument and foreign ids with not_found', async () => {
    const bad: [unknown, string][] = [
      [{ method: ['bitcoin'] }, 'method'],
      [{ unappliedOnly: 'true' }, 'unappliedOnly'],
      [{ receivedOn: { from: '2026-03-02', to: '2026-03-01' } }, 'receivedOn'],
      [{ amount: { max: -5 } }, 'amount.max'],
      [{ sort: 'date' }, 'sort'],
      [{ reference: 'x' }, 'reference'],
    ];
    for (const [filter, field] of bad) {
      await rejectsWith(payments.search(books.orgId, filter as PaymentFilter), 'invalid_argument', field);
    }
    const first = await payments.search(books.orgId, { sort: 'amount' }, { limit: 1 });
    await rejectsWith(
      payments.search(
        books.orgId,
        { sort: 'amount' },
        { cursor: tamperCursor(first.nextCursor!, '2026-01-01') },
      ),
      'invalid_argument',
      'cursor',
    );
    await rejectsWith(
      payments.search(books.orgId, { sort: 'number' }, { cursor: first.nextCursor! }),
      'invalid_argument',
      'different search',
    );
    await rejectsWith(
      payments.search(books.orgId, { customerIds: [foreignCustomer.id] }),
      'not_found',
      foreignCustomer.id,
    );
  });

  it('keeps organizations apart', async () => {
    assert.ok(!(await search({ text: 'ACH-REF' })).includes(foreignPayment.number));
    assert.deepEqual(await search({ text: 'ACH-REF' }), of('P1'));
    assert.deepEqual(
      (await payments.search(other.orgId)).items.map((r) => r.number),
      [foreignPayment.number],
    );
  });
});
