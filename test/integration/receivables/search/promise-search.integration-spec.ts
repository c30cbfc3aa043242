import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../../../src/identity/user.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import type { PromiseToPay } from '../../../../src/receivables/promises/promise-to-pay.entity';
import { PROMISE_SORTS } from '../../../../src/receivables/promises/promise.queries';
import type { PromiseFilter, PromiseQueries } from '../../../../src/receivables/promises/promise.queries';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { buildQueries, rejectsWith, walk } from './queries';

/**
 * Invoices I1 (Acme, 30000), I2 (Acme, 20000), I3 (Bolt, 50000).
 *
 *   promise  customer  covers   amount  promised    status          source  by     note
 *   PR1      Acme      I1, I2    50000  2026-04-05  pending         call    Alice  "Will pay after board approval" (contact Ann)
 *   PR2      Bolt      I3        50000  2026-03-20  broken          email   -
 *   PR3      Acme      I1        30000  2026-03-01  kept            call    -
 *   PR4      Bolt      I3        25000  2026-03-20  partially_kept  call    -
 */
describe('promise to pay search', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let promises: PromiseQueries;
  let alice: User;
  let bolt: Customer;
  let i: Record<'I1' | 'I2' | 'I3', Invoice>;
  let p: Record<'PR1' | 'PR2' | 'PR3' | 'PR4', PromiseToPay>;
  let foreignInvoice: Invoice;

  const of = (...keys: (keyof typeof p)[]): string[] => keys.map((k) => p[k].id);
  const tie = (desc: boolean, ...keys: (keyof typeof p)[]): string[] => {
    const sorted = of(...keys).sort();
    return desc ? sorted.reverse() : sorted;
  };
  const search = async (filter: PromiseFilter): Promise<string[]> =>
    (await promises.search(books.orgId, filter, { limit: 500 })).items.map((r) => r.id);

  before(async () => {
    db = await createTestDatabase();
    promises = buildQueries(db.dataSource).promises;
    books = await Books.create(db.dataSource);
    alice = await books.member('collector', { name: 'Alice' });
    const acme = await books.customer({ name: 'Acme Corp' });
    bolt = await books.customer({ name: 'Bolt Industries' });
    const ann = await books.contact(acme, { name: 'Ann' });
    i = {
      I1: await books.invoice(acme, 30000, '2026-02-01'),
      I2: await books.invoice(acme, 20000, '2026-02-02'),
      I3: await books.invoice(bolt, 50000, '2026-02-01'),
    };
    p = {
      PR1: await books.promise(acme, [i.I1, i.I2], '2026-04-05', {
        contactId: ann.id,
        createdByUserId: alice.id,
        note: 'Will pay after board approval',
      }),
      PR2: await books.promise(bolt, [i.I3], '2026-03-20', { status: 'broken', source: 'email' }),
      PR3: await books.promise(acme, [i.I1], '2026-03-01', { status: 'kept' }),
      PR4: await books.promise(bolt, [i.I3], '2026-03-20', { status: 'partially_kept', amount: 25000 }),
    };
    other = await Books.create(db.dataSource);
    const foreignCustomer = await other.customer({ name: 'Acme Corp' });
    foreignInvoice = await other.invoice(foreignCustomer, 1000, '2026-02-01');
    await other.promise(foreignCustomer, [foreignInvoice], '2026-04-05', { note: 'board approval' });
  });
  after(async () => db.drop());

  it('lists promises by promised date with customer, contact and covered invoices', async () => {
    const page = await promises.search(books.orgId);
    assert.deepEqual(
      page.items.map((r) => r.id),
      [...of('PR3'), ...tie(false, 'PR2', 'PR4'), ...of('PR1')],
    );
    const pr1 = page.items.at(-1)!;
    assert.deepEqual(
      [
        pr1.customerName,
        pr1.contactName,
        pr1.amount,
        pr1.promisedOn,
        pr1.status,
        pr1.source,
        pr1.createdByUserId,
        pr1.note,
      ],
      ['Acme Corp', 'Ann', 50000, '2026-04-05', 'pending', 'call', alice.id, 'Will pay after board approval'],
    );
    assert.deepEqual(pr1.invoices, [
      { invoiceId: i.I1.id, invoiceNumber: i.I1.number, amount: 30000 },
      { invoiceId: i.I2.id, invoiceNumber: i.I2.number, amount: 20000 },
    ]);
    assert.deepEqual(
      page.items[0].invoices.map((x) => x.invoiceNumber),
      [i.I1.number],
    );
  });

  it('filters by status (kept, broken, pending), source, customer, invoice, author, dates, amount and text', async () => {
    assert.deepEqual(await search({ status: ['pending'] }), of('PR1'));
    assert.deepEqual(await search({ status: ['kept'] }), of('PR3'));
    assert.deepEqual(await search({ status: ['broken', 'partially_kept'] }), tie(false, 'PR2', 'PR4'));
    assert.deepEqual(await search({ source: ['email'] }), of('PR2'));
    assert.deepEqual(await search({ customerIds: [bolt.id] }), tie(false, 'PR2', 'PR4'));
    assert.deepEqual(await search({ invoiceIds: [i.I1.id] }), of('PR3', 'PR1'));
    assert.deepEqual(await search({ invoiceIds: [i.I2.id] }), of('PR1'));
    assert.deepEqual(await search({ createdByUserIds: [alice.id] }), of('PR1'));
    assert.deepEqual(await search({ promisedOn: { to: '2026-03-20' } }), [
      ...of('PR3'),
      ...tie(false, 'PR2', 'PR4'),
    ]);
    assert.deepEqual(await search({ amount: { max: 30000 } }), of('PR3', 'PR4'));
    assert.deepEqual(await search({ text: 'BOARD' }), of('PR1'));
    assert.deepEqual(await search({ text: 'bolt' }), tie(false, 'PR2', 'PR4'));
  });

  it('sorts by each key both ways and pages through each exactly once', async () => {
    const expected: Record<string, string[]> = {
      promised_on: [...of('PR3'), ...tie(false, 'PR2', 'PR4'), ...of('PR1')],
      amount: [...of('PR4', 'PR3'), ...tie(false, 'PR1', 'PR2')],
    };
    for (const sort of PROMISE_SORTS) {
      for (const direction of ['asc', 'desc'] as const) {
        const want = direction === 'asc' ? expected[sort] : [...expected[sort]].reverse();
        assert.deepEqual(await search({ sort, direction }), want, `${sort} ${direction}`);
        const { rows } = await walk((cursor) =>
          promises.search(books.orgId, { sort, direction }, { limit: 1, cursor }),
        );
        assert.deepEqual(
          rows.map((r) => r.id),
          want,
        );
      }
    }
  });

  it('rejects bad input and foreign ids', async () => {
    await rejectsWith(
      promises.search(books.orgId, { status: ['late'] } as unknown as PromiseFilter),
      'invalid_argument',
      'status',
    );
    await rejectsWith(
      promises.search(books.orgId, { promisedOn: { from: '2026-04-01', to: '2026-03-01' } }),
      'invalid_argument',
      'promisedOn',
    );
    await rejectsWith(
      promises.search(books.orgId, { invoiceIds: [foreignInvoice.id] }),
      'not_found',
      foreignInvoice.id,
    );
  });

  it('keeps organizations apart', async () => {
    assert.deepEqual(await search({ text: 'board approval' }), of('PR1'));
    const theirs = await promises.search(other.orgId);
    assert.deepEqual(
      theirs.items.map((r) => r.invoices.map((x) => x.invoiceId)),
      [[foreignInvoice.id]],
    );
  });
});
