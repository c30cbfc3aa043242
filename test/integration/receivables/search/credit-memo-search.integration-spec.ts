import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CreditMemo } from '../../../../src/receivables/credits/credit-memo.entity';
import { CREDIT_MEMO_SORTS } from '../../../../src/receivables/credits/credit-memo.queries';
import type {
  CreditMemoFilter,
  CreditMemoQueries,
} from '../../../../src/receivables/credits/credit-memo.queries';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { buildQueries, rejectsWith, walk } from './queries';

/**
 *   memo  customer  issued      amount  applied  remaining  status             reason
 *   M1    Acme      2026-02-01   10000        0      10000  open               Pricing error
 *   M2    Acme      2026-02-10   20000    20000          0  applied            -
 *   M3    Bolt      2026-02-10   15000     5000      10000  partially_applied  -
 *   M4    Bolt      2026-03-01    5000        0       5000  void               -
 */
describe('credit memo search', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let credits: CreditMemoQueries;
  let acme: Customer;
  let m: Record<'M1' | 'M2' | 'M3' | 'M4', CreditMemo>;
  let foreignCustomer: Customer;
  let boltInvoiceNumber: string;

  const of = (...keys: (keyof typeof m)[]): string[] => keys.map((k) => m[k].number);
  const tie = (desc: boolean, ...keys: (keyof typeof m)[]): string[] => {
    const sorted = keys.map((k) => m[k]).sort((a, b) => (a.id < b.id ? -1 : 1));
    return (desc ? sorted.reverse() : sorted).map((x) => x.number);
  };
  const search = async (filter: CreditMemoFilter): Promise<string[]> =>
    (await credits.search(books.orgId, filter, { limit: 500 })).items.map((r) => r.number);

  before(async () => {
    db = await createTestDatabase();
    credits = buildQueries(db.dataSource).credits;
    books = await Books.create(db.dataSource);
    acme = await books.customer({ name: 'Acme Corp' });
    const bolt = await books.customer({ name: 'Bolt Industries' });
    const acmeInvoice = await books.invoice(acme, 50000, '2026-01-15');
    const boltInvoice = await books.invoice(bolt, 50000, '2026-01-15');
    boltInvoiceNumber = boltInvoice.number;
    m = {
      M1: await books.creditMemo(acme, 10000, '2026-02-01', { reason: 'Pricing error' }),
      M2: await books.creditMemo(acme, 20000, '2026-02-10'),
      M3: await books.creditMemo(bolt, 15000, '2026-02-10'),
      M4: await books.creditMemo(bolt, 5000, '2026-03-01', { status: 'void' }),
    };
    await books.applyCredit(m.M2, acmeInvoice, 20000, '2026-02-11');
    await books.applyCredit(m.M3, boltInvoice, 5000, '2026-02-12');
    other = await Books.create(db.dataSource);
    foreignCustomer = await other.customer({ name: 'Acme Corp' });
    await other.creditMemo(foreignCustomer, 10000, '2026-02-01', { reason: 'Pricing error' });
  });
  after(async () => db.drop());

  it('lists newest first with customer, remaining amount and status', async () => {
    const page = await credits.search(books.orgId);
    assert.deepEqual(
      page.items.map((r) => r.number),
      [...of('M4'), ...tie(true, 'M2', 'M3'), ...of('M1')],
    );
    const m3 = page.items.find((r) => r.number === m.M3.number)!;
    assert.deepEqual(
      [m3.customerName, m3.issuedOn, m3.amount, m3.remainingAmount, m3.status, m3.currency],
      ['Bolt Industries', '2026-02-10', 15000, 10000, 'partially_applied', 'USD'],
    );
  });

  it('filters open credit, status, customer, dates, amounts and text', async () => {
    assert.deepEqual(await search({ openOnly: true }), of('M3', 'M1'));
    assert.deepEqual(await search({ status: ['void'] }), of('M4'));
    assert.deepEqual(await search({ customerIds: [acme.id] }), of('M2', 'M1'));
    assert.deepEqual(
      await search({ issuedOn: { from: '2026-02-10', to: '2026-02-10' } }),
      tie(true, 'M2', 'M3'),
    );
    assert.deepEqual(await search({ amount: { min: 15000 } }), tie(true, 'M2', 'M3'));
    assert.deepEqual(await search({ remainingAmount: { max: 0 } }), of('M2'));
    assert.deepEqual(await search({ text: 'pricing' }), of('M1'));
    assert.deepEqual(await search({ text: 'BOLT' }), of('M4', 'M3'));
    assert.deepEqual(await search({ currency: 'usd', openOnly: true }), of('M3', 'M1'));
  });

  it('sorts by each key both ways and pages through each exactly once', async () => {
    const expected: Record<string, string[]> = {
      issued_on: [...of('M1'), ...tie(false, 'M2', 'M3'), ...of('M4')],
      amount: of('M4', 'M1', 'M3', 'M2'),
      remaining_amount: [...of('M2', 'M4'), ...tie(false, 'M1', 'M3')],
      number: of('M1', 'M2', 'M3', 'M4'),
    };
    for (const sort of CREDIT_MEMO_SORTS) {
      for (const direction of ['asc', 'desc'] as const) {
        const want = direction === 'asc' ? expected[sort] : [...expected[sort]].reverse();
        assert.deepEqual(await search({ sort, direction }), want, `${sort} ${direction}`);
        const { rows } = await walk((cursor) =>
          credits.search(books.orgId, { sort, direction }, { limit: 1, cursor }),
        );
        assert.deepEqual(
          rows.map((r) => r.number),
          want,
        );
      }
    }
  });

  it('rejects bad input and foreign ids', async () => {
    await rejectsWith(
      credits.search(books.orgId, { status: ['closed'] } as unknown as CreditMemoFilter),
      'invalid_argument',
      'status',
    );
    await rejectsWith(
      credits.search(books.orgId, { remainingAmount: { min: 5, max: 4 } }),
      'invalid_argument',
      'remainingAmount',
    );
    await rejectsWith(
      credits.search(books.orgId, { issuedOn: { from: 'yesterday' } }),
      'invalid_argument',
      'issuedOn.from',
    );
    await rejectsWith(credits.search(books.orgId, {}, { cursor: 'bm9wZQ' }), 'invalid_argument', 'cursor');
    await rejectsWith(
      credits.search(books.orgId, { customerIds: [foreignCustomer.id] }),
      'not_found',
      foreignCustomer.id,
    );
  });

  it('keeps organizations apart', async () => {
    assert.deepEqual(await search({ text: 'pricing' }), of('M1'));
    const theirs = await credits.search(other.orgId);
    assert.equal(theirs.items.length, 1);
    assert.equal(theirs.items[0].customerId, foreignCustomer.id);
  });

  it('gets one memo as the search shows it, with the invoices its credit went to', async () => {
    const m3 = await credits.getCreditMemo(books.orgId, m.M3.id);
    const [searched] = (await credits.search(books.orgId, { text: m.M3.number })).items;
    assert.deepEqual({ ...m3, applications: undefined }, { ...searched, applications: undefined });
    assert.deepEqual(
      m3.applications.map((a) => [a.invoiceNumber, a.amount, a.appliedOn]),
      [[boltInvoiceNumber, 5000, '2026-02-12']],
    );
    assert.deepEqual((await credits.getCreditMemo(books.orgId, m.M1.id)).applications, []);
    // Another organization's memo, and a malformed id: refused, naming what is wrong.
    const theirs = (await credits.search(other.orgId)).items[0];
    await rejectsWith(credits.getCreditMemo(books.orgId, theirs.id), 'not_found', theirs.id);
    await rejectsWith(credits.getCreditMemo(books.orgId, 'M3'), 'invalid_argument', 'creditMemoId');
  });
});
