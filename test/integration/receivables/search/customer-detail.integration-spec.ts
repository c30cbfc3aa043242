import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../../../src/identity/user.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { CustomerQueries } from '../../../../src/receivables/customers/customer.queries';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { buildQueries, rejectsWith } from './queries';

/**
 * Globex (USD, collector Alice) belongs to Globex Group and has a child, Globex Labs (one open
 * invoice of 7000). On 2026-03-31 with edges [30, 60, 90]:
 *
 *   invoice  currency  amount  issued      due         days  bucket   notes
 *   G1       USD       100000  2025-11-01  2025-12-01  120   90+      open dispute D1
 *   G2       USD        50000  2026-01-15  2026-02-14   45   31-60    pending promise PR1
 *   G3       USD        30000  2026-03-10  2026-04-09  -9    current
 *   G4       EUR        20000  2026-02-20  2026-03-22    9   1-30
 *   G5       USD        10000  2026-01-01  paid 2026-02-01         resolved dispute, kept promise
 *
 *   USD open 180000, overdue 150000, 3 invoices; EUR open 20000, overdue 20000, 1 invoice.
 *   Unapplied payment U1 15000 (plus an applied and a void one); open credit C1 8000 (plus a void one).
 *   12 activities (the last 10 shown); open tasks TA (due 2026-03-25) and TB (no due day), one done.
 */
const AS_OF = '2026-03-31';

describe('customer detail', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let customers: CustomerQueries;
  let alice: User;
  let globex: Customer;
  let initech: Customer;
  let empty: Customer;
  let ids: Record<string, string>;

  before(async () => {
    db = await createTestDatabase();
    customers = buildQueries(db.dataSource).customers;
    books = await Books.create(db.dataSource);
    alice = await books.member('collector', { name: 'Alice' });
    const group = await books.customer({ name: 'Globex Group' });
    globex = await books.customer({
      name: 'Globex',
      parentId: group.id,
      collectorUserId: alice.id,
      dunningPauseReason: 'Escalated',
      dunningPausedUntil: '2026-04-30',
    });
    const labs = await books.customer({ name: 'Globex Labs', parentId: globex.id });
    await books.invoice(labs, 7000, '2026-03-01');
    const g1 = await books.invoice(globex, 100000, '2025-11-01');
    const g2 = await books.invoice(globex, 50000, '2026-01-15');
    const g3 = await books.invoice(globex, 30000, '2026-03-10');
    const g4 = await books.invoice(globex, 20000, '2026-02-20', { currency: 'EUR' });
    const g5 = await books.invoice(globex, 10000, '2026-01-01');
    const d1 = await books.dispute(g1, { status: 'open', openedOn: '2026-02-01' });
    await books.dispute(g5, { status: 'resolved', resolvedOn: '2026-01-25' });
    const pr1 = await books.promise(globex, [g2], '2026-04-10');
    await books.promise(globex, [g5], '2026-02-01', { status: 'kept' });
    await books.pay(g5, 10000, '2026-02-01');
    const u1 = await books.payment(globex, 15000, '2026-03-01');
    await books.payment(globex, 9000, '2026-03-02', { status: 'void' });
    const c1 = await books.creditMemo(globex, 8000, '2026-03-05');
    await books.creditMemo(globex, 3000, '2026-03-06', { status: 'void' });
    const ann = await books.contact(globex, { name: 'Ann', isPrimary: true });
    const bob = await books.contact(globex, { name: 'Bob AP', isBilling: true });
    for (let n = 1; n <= 12; n++) {
      await books.activity(globex, { body: `Touch ${n}`, occurredAt: new Date(Date.UTC(2026, 2, 1, n)) });
    }
    const ta = await books.task({ title: 'Call Globex', customerId: globex.id, dueOn: '2026-03-25' });
    const tb = await books.task({ title: 'Review account', customerId: globex.id });
    await books.task({ title: 'Done already', customerId: globex.id, status: 'done' });
    ids = {
      group: group.id,
      labs: labs.id,
      g1: g1.id,
      g2: g2.id,
      g3: g3.id,
      g4: g4.id,
      d1: d1.id,
      pr1: pr1.id,
      u1: u1.id,
      c1: c1.id,
      ann: ann.id,
      bob: bob.id,
      ta: ta.id,
      tb: tb.id,
    };

    initech = await books.customer({ name: 'Initech' });
    for (let n = 0; n < 22; n++) await books.invoice(initech, 100 + n, '2026-03-01');
    empty = await books.customer({ name: 'Empty Co', currency: 'GBP' });

    other = await Books.create(db.dataSource);
    await other.customer({ name: 'Globex' });
  });
  after(async () => db.drop());

  it('gives balances, per-currency balances and aging of the open invoices', async () => {
    const detail = await customers.getCustomer(books.orgId, globex.id, { asOf: AS_OF });
    assert.deepEqual(
      [
        detail.asOf,
        detail.openBalance,
        detail.overdueBalance,
        detail.openInvoiceCount,
        detail.oldestDaysPastDue,
      ],
      [AS_OF, 180000, 150000, 4, 120],
    );
    assert.deepEqual(detail.otherCurrencyBalances, [
      { currency: 'EUR', openBalance: 20000, overdueBalance: 20000 },
    ]);
    assert.deepEqual(detail.balances, [
      { currency: 'USD', openBalance: 180000, overdueBalance: 150000, openInvoiceCount: 3 },
      { currency: 'EUR', openBalance: 20000, overdueBalance: 20000, openInvoiceCount: 1 },
    ]);
    assert.deepEqual(detail.aging, [
      {
        currency: 'USD',
        buckets: [
          { bucket: 'current', amount: 30000, invoiceCount: 1 },
          { bucket: '1-30', amount: 0, invoiceCount: 0 },
          { bucket: '31-60', amount: 50000, invoiceCount: 1 },
          { bucket: '61-90', amount: 0, invoiceCount: 0 },
          { bucket: '90+', amount: 100000, invoiceCount: 1 },
        ],
      },
      {
        currency: 'EUR',
        buckets: [
          { bucket: 'current', amount: 0, invoiceCount: 0 },
          { bucket: '1-30', amount: 20000, invoiceCount: 1 },
          { bucket: '31-60', amount: 0, invoiceCount: 0 },
          { bucket: '61-90', amount: 0, invoiceCount: 0 },
          { bucket: '90+', amount: 0, invoiceCount: 0 },
        ],
      },
    ]);
  });

  it('shows collector, parent, children and contacts', async () => {
    const detail = await customers.getCustomer(books.orgId, globex.id, { asOf: AS_OF });
    assert.deepEqual(detail.collector, { userId: alice.id, name: 'Alice', email: alice.email });
    assert.deepEqual(detail.parent, { id: ids.group, name: 'Globex Group' });
    assert.deepEqual(
      detail.children.items.map((c) => [c.id, c.openBalance]),
      [[ids.labs, 7000]],
    );
    assert.equal(detail.children.totalCount, 1);
    assert.deepEqual(
      detail.contacts.items.map((c) => [c.id, c.isPrimary, c.isBilling]),
      [
        [ids.ann, true, false],
        [ids.bob, false, true],
      ],
    );
    assert.deepEqual([detail.dunningPausedUntil, detail.dunningPauseReason], ['2026-04-30', 'Escalated']);
  });

  it('lists only what is still open: invoices, disputes, pending promises, unapplied cash, open credit, open tasks', async () => {
    const detail = await customers.getCustomer(books.orgId, globex.id, { asOf: AS_OF });
    assert.deepEqual(
      detail.openInvoices.items.map((i) => i.id),
      [ids.g1, ids.g2, ids.g4, ids.g3],
    );
    assert.equal(detail.openInvoices.totalCount, 4);
    assert.deepEqual(
      detail.openInvoices.items.map((i) => [i.daysPastDue, i.agingBucket, i.disputed, i.hasPromise]),
      [
        [120, '90+', true, false],
        [45, '31-60', false, true],
        [9, '1-30', false, false],
        [-9, 'current', false, false],
      ],
    );
    assert.deepEqual(
      [detail.openDisputes.items.map((d) => d.id), detail.openDisputes.totalCount],
      [[ids.d1], 1],
    );
    assert.deepEqual(
      [detail.pendingPromises.items.map((p) => p.id), detail.pendingPromises.totalCount],
      [[ids.pr1], 1],
    );
    assert.deepEqual(
      detail.unappliedPayments.items.map((p) => [p.id, p.unappliedAmount]),
      [[ids.u1, 15000]],
    );
    assert.deepEqual(
      detail.openCredits.items.map((c) => [c.id, c.remainingAmount]),
      [[ids.c1, 8000]],
    );
    assert.deepEqual(
      [detail.openTasks.items.map((t) => [t.id, t.overdue]), detail.openTasks.totalCount],
      [
        [
          [ids.ta, true],
          [ids.tb, false],
        ],
        2,
      ],
    );
  });

  it('shows the 10 most recent activities and counts the rest', async () => {
    const detail = await customers.getCustomer(books.orgId, globex.id, { asOf: AS_OF });
    assert.deepEqual(
      detail.recentActivity.items.map((a) => a.body),
      [12, 11, 10, 9, 8, 7, 6, 5, 4, 3].map((n) => `Touch ${n}`),
    );
    assert.equal(detail.recentActivity.totalCount, 12);
  });

  it('caps the open invoice list at 20 and says how many there are', async () => {
    const detail = await customers.getCustomer(books.orgId, initech.id, { asOf: AS_OF });
    assert.equal(detail.openInvoices.items.length, 20);
    assert.equal(detail.openInvoices.totalCount, 22);
    assert.equal(detail.openInvoiceCount, 22);
    assert.equal(detail.openBalance, 22 * 100 + (21 * 22) / 2);
  });

  it('shows a customer without activity with zero balances in its own currency and empty lists', async () => {
    const detail = await customers.getCustomer(books.orgId, empty.id, { asOf: AS_OF });
    assert.deepEqual(detail.balances, [
      { currency: 'GBP', openBalance: 0, overdueBalance: 0, openInvoiceCount: 0 },
    ]);
    assert.deepEqual(
      detail.aging.map((a) => [a.currency, a.buckets.every((b) => b.amount === 0)]),
      [['GBP', true]],
    );
    for (const list of [
      detail.openInvoices,
      detail.contacts,
      detail.children,
      detail.recentActivity,
      detail.openTasks,
    ]) {
      assert.deepEqual(list, { items: [], totalCount: 0 });
    }
    assert.deepEqual([detail.parent, detail.collector, detail.oldestDaysPastDue], [null, null, null]);
  });

  it('answers not_found for unknown or foreign ids and invalid_argument for malformed ones', async () => {
    await rejectsWith(customers.getCustomer(books.orgId, 'globex'), 'invalid_argument', 'customerId');
    await rejectsWith(
      customers.getCustomer(books.orgId, '00000000-0000-4000-8000-000000000000'),
      'not_found',
      'customer',
    );
    await rejectsWith(customers.getCustomer(other.orgId, globex.id), 'not_found', globex.id);
    await rejectsWith(
      customers.getCustomer(books.orgId, globex.id, { asOf: '2026-02-30' }),
      'invalid_argument',
      'asOf',
    );
    await rejectsWith(
      customers.getCustomer('00000000-0000-4000-8000-000000000000', globex.id),
      'not_found',
      'organization',
    );
  });
});
