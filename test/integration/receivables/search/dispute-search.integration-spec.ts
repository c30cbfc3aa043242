import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../../../src/identity/user.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Dispute } from '../../../../src/receivables/disputes/dispute.entity';
import { DISPUTE_SORTS } from '../../../../src/receivables/disputes/dispute.queries';
import type { DisputeFilter, DisputeQueries } from '../../../../src/receivables/disputes/dispute.queries';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { buildQueries, rejectsWith, walk } from './queries';

/**
 *   dispute  invoice  customer  amount  reason         status      opened      owner
 *   D1       I1       Acme      40000   pricing        open        2026-03-01  Alice   "Wrong unit price"
 *   D2       I2       Acme      10000   quantity       in_review   2026-02-15  -
 *   D3       I3       Bolt      25000   damaged_goods  resolved    2026-01-10  -       resolved 2026-02-01
 *   D4       I1       Acme       5000   other          withdrawn   2026-03-01  -
 */
describe('dispute search', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let disputes: DisputeQueries;
  let alice: User;
  let bolt: Customer;
  let i: Record<'I1' | 'I2' | 'I3', Invoice>;
  let d: Record<'D1' | 'D2' | 'D3' | 'D4', Dispute>;
  let foreignInvoice: Invoice;

  const of = (...keys: (keyof typeof d)[]): string[] => keys.map((k) => d[k].id);
  const tie = (desc: boolean, ...keys: (keyof typeof d)[]): string[] => {
    const sorted = of(...keys).sort();
    return desc ? sorted.reverse() : sorted;
  };
  const search = async (filter: DisputeFilter): Promise<string[]> =>
    (await disputes.search(books.orgId, filter, { limit: 500 })).items.map((r) => r.id);

  before(async () => {
    db = await createTestDatabase();
    disputes = buildQueries(db.dataSource).disputes;
    books = await Books.create(db.dataSource);
    alice = await books.member('manager', { name: 'Alice' });
    const acme = await books.customer({ name: 'Acme Corp' });
    bolt = await books.customer({ name: 'Bolt Industries' });
    i = {
      I1: await books.invoice(acme, 60000, '2026-02-01'),
      I2: await books.invoice(acme, 10000, '2026-02-01'),
      I3: await books.invoice(bolt, 25000, '2026-01-01'),
    };
    d = {
      D1: await books.dispute(i.I1, {
        amount: 40000,
        status: 'open',
        openedOn: '2026-03-01',
        ownerUserId: alice.id,
        description: 'Wrong unit price',
      }),
      D2: await books.dispute(i.I2, {
        amount: 10000,
        reason: 'quantity',
        status: 'in_review',
        openedOn: '2026-02-15',
      }),
      D3: await books.dispute(i.I3, {
        amount: 25000,
        reason: 'damaged_goods',
        status: 'resolved',
        openedOn: '2026-01-10',
        resolvedOn: '2026-02-01',
        resolution: 'Credit issued',
      }),
      D4: await books.dispute(i.I1, {
        amount: 5000,
        reason: 'other',
        status: 'withdrawn',
        openedOn: '2026-03-01',
      }),
    };
    other = await Books.create(db.dataSource);
    const foreignCustomer = await other.customer({ name: 'Acme Corp' });
    foreignInvoice = await other.invoice(foreignCustomer, 1000, '2026-02-01');
    await other.dispute(foreignInvoice, { description: 'Wrong unit price' });
  });
  after(async () => db.drop());

  it('lists oldest first with invoice number, customer and owner', async () => {
    const page = await disputes.search(books.orgId);
    assert.deepEqual(
      page.items.map((r) => r.id),
      [...of('D3', 'D2'), ...tie(false, 'D1', 'D4')],
    );
    const d1 = page.items.find((r) => r.id === d.D1.id)!;
    assert.deepEqual(
      [
        d1.invoiceNumber,
        d1.customerName,
        d1.amount,
        d1.reason,
        d1.status,
        d1.ownerName,
        d1.openedOn,
        d1.description,
      ],
      [i.I1.number, 'Acme Corp', 40000, 'pricing', 'open', 'Alice', '2026-03-01', 'Wrong unit price'],
    );
    const d3 = page.items[0];
    assert.deepEqual([d3.resolvedOn, d3.resolution, d3.ownerUserId], ['2026-02-01', 'Credit issued', null]);
  });

  it('filters by open state, status, reason, customer, invoice, owner, dates, amount and text', async () => {
    assert.deepEqual(await search({ openOnly: true }), of('D2', 'D1'));
    assert.deepEqual(await search({ status: ['resolved', 'withdrawn'] }), of('D3', 'D4'));
    assert.deepEqual(await search({ reason: ['pricing'] }), of('D1'));
    assert.deepEqual(await search({ customerIds: [bolt.id] }), of('D3'));
    assert.deepEqual(await search({ invoiceIds: [i.I1.id] }), tie(false, 'D1', 'D4'));
    assert.deepEqual(await search({ ownerUserIds: [alice.id] }), of('D1'));
    assert.deepEqual(await search({ openedOn: { from: '2026-02-15' } }), [
      ...of('D2'),
      ...tie(false, 'D1', 'D4'),
    ]);
    assert.deepEqual(await search({ amount: { min: 10000, max: 25000 } }), of('D3', 'D2'));
    assert.deepEqual(await search({ text: 'UNIT PRICE' }), of('D1'));
    assert.deepEqual(await search({ text: i.I3.number }), of('D3'));
    assert.deepEqual(await search({ text: 'bolt' }), of('D3'));
  });

  it('sorts by each key both ways and pages through each exactly once', async () => {
    const expected: Record<string, string[]> = {
      opened_on: [...of('D3', 'D2'), ...tie(false, 'D1', 'D4')],
      amount: of('D4', 'D2', 'D3', 'D1'),
    };
    for (const sort of DISPUTE_SORTS) {
      for (const direction of ['asc', 'desc'] as const) {
        const want = direction === 'asc' ? expected[sort] : [...expected[sort]].reverse();
        assert.deepEqual(await search({ sort, direction }), want, `${sort} ${direction}`);
        const { rows } = await walk((cursor) =>
          disputes.search(books.orgId, { sort, direction }, { limit: 1, cursor }),
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
      disputes.search(books.orgId, { reason: ['late'] } as unknown as DisputeFilter),
      'invalid_argument',
      'reason',
    );
    await rejectsWith(
      disputes.search(books.orgId, { invoiceIds: ['INV-1'] }),
      'invalid_argument',
      'invoiceIds',
    );
    await rejectsWith(
      disputes.search(books.orgId, { openOnly: null } as unknown as DisputeFilter),
      'invalid_argument',
      'openOnly',
    );
    await rejectsWith(
      disputes.search(books.orgId, { invoiceIds: [foreignInvoice.id] }),
      'not_found',
      foreignInvoice.id,
    );
    await rejectsWith(
      disputes.search(books.orgId, { ownerUserIds: ['00000000-0000-4000-8000-000000000001'] }),
      'not_found',
      'user',
    );
  });

  it('keeps organizations apart', async () => {
    assert.deepEqual(await search({ text: 'unit price' }), of('D1'));
    assert.equal((await disputes.search(other.orgId)).items.length, 1);
    await rejectsWith(disputes.search(other.orgId, { invoiceIds: [i.I1.id] }), 'not_found', i.I1.id);
  });
});
