import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../../../src/identity/user.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import type { InvoiceQueries } from '../../../../src/receivables/invoices/invoice.queries';
import type { Payment } from '../../../../src/receivables/payments/payment.entity';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { openReadScope } from '../../../../src/receivables/shared/read-scope';
import { buildQueries, rejectsWith } from './queries';

/**
 * Invoice X of Globex (collector Alice): 100000 issued 2026-01-10, due 2026-02-09, PO-55.
 *   lines       Consulting 10.5 × 5000 = 52500; Travel 1 × 47500 = 47500
 *   payments    P1 30000 applied 2026-02-15; P2 20000 applied 2026-02-20 and unapplied 2026-02-25
 *   credit      CM 10000 applied 2026-03-02
 *   balance     100000 − 30000 − 10000 = 60000 (partially paid); on 2026-03-31: 50 days past due, 31-60
 *   disputes    D1 open 20000 opened 2026-03-05; D2 resolved, opened 2026-01-20
 *   promises    OLD broken, X only, 2026-03-01; NEW pending, X (60000) and Y (5000), 2026-04-15
 *   activities  two about X, one about Globex only; one open task about X
 */
const AS_OF = '2026-03-31';

describe('invoice detail', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let invoices: InvoiceQueries;
  let alice: User;
  let x: Invoice;
  let p1: Payment;
  let p2: Payment;
  let ids: Record<string, string>;
  let busy: Invoice;
  let foreignTwin: Invoice;

  before(async () => {
    db = await createTestDatabase();
    invoices = buildQueries(db.dataSource).invoices;
    books = await Books.create(db.dataSource);
    alice = await books.member('collector', { name: 'Alice' });
    const globex = await books.customer({ name: 'Globex', externalId: 'GLX-1', collectorUserId: alice.id });
    x = await books.invoice(globex, 100000, '2026-01-10', {
      poNumber: 'PO-55',
      memo: 'Q1 services',
      tags: ['priority'],
    });
    const y = await books.invoice(globex, 5000, '2026-01-10');
    await books.invoiceLine(x, 2, { description: 'Travel', quantity: '1', unitPrice: 47500, amount: 47500 });
    await books.invoiceLine(x, 1, {
      description: 'Consulting',
      quantity: '10.5',
      unitPrice: 5000,
      amount: 52500,
    });
    p1 = await books.pay(x, 30000, '2026-02-15');
    p2 = await books.payment(globex, 20000, '2026-02-20', { method: 'check', reference: 'CHK-9' });
    const application = await books.apply(p2, x, 20000, '2026-02-20');
    await books.unapply(application, x, '2026-02-25');
    const memo = await books.creditMemo(globex, 10000, '2026-03-01');
    await books.applyCredit(memo, x, 10000, '2026-03-02');
    const d1 = await books.dispute(x, { amount: 20000, openedOn: '2026-03-05', status: 'open' });
    const d2 = await books.dispute(x, {
      amount: 5000,
      openedOn: '2026-01-20',
      status: 'resolved',
      resolvedOn: '2026-02-01',
    });
    const old = await books.promise(globex, [x], '2026-03-01', { status: 'broken' });
    const fresh = await books.promise(globex, [x, y], '2026-04-15');
    const a1 = await books.activity(globex, {
      invoiceId: x.id,
      body: 'Sent copy',
      occurredAt: new Date('2026-03-10T10:00:00Z'),
    });
    const a2 = await books.activity(globex, {
      invoiceId: x.id,
      type: 'call',
      body: 'Disputed by phone',
      occurredAt: new Date('2026-03-12T10:00:00Z'),
    });
    await books.activity(globex, { body: 'General note', occurredAt: new Date('2026-03-13T10:00:00Z') });
    const task = await books.task({
      title: 'Chase remittance',
      customerId: globex.id,
      invoiceId: x.id,
      dueOn: '2026-04-01',
    });
    ids = {
      memo: memo.id,
      d1: d1.id,
      d2: d2.id,
      old: old.id,
      fresh: fresh.id,
      a1: a1.id,
      a2: a2.id,
      task: task.id,
      globex: globex.id,
      y: y.id,
    };

    busy = await books.invoice(globex, 1000, '2026-03-01');
    for (let n = 0; n < 22; n++) {
      await books.activity(globex, {
        invoiceId: busy.id,
        body: `Touch ${n}`,
        occurredAt: new Date(Date.UTC(2026, 2, 1, n)),
      });
    }

    other = await Books.create(db.dataSource);
    const foreignCustomer = await other.customer({ name: 'Globex' });
    foreignTwin = await other.invoice(foreignCustomer, 777, '2026-01-10', { number: x.number });
  });
  after(async () => db.drop());

  it('shows the invoice with balances, aging, customer and lines in position order', async () => {
    const detail = await invoices.getInvoice(books.orgId, x.id, { asOf: AS_OF });
    assert.deepEqual(
      [
        detail.number,
        detail.poNumber,
        detail.status,
        detail.total,
        detail.amountPaid,
        detail.amountCredited,
        detail.balance,
      ],
      [x.number, 'PO-55', 'partially_paid', 100000, 30000, 10000, 60000],
    );
    assert.deepEqual(
      [detail.asOf, detail.dueDate, detail.daysPastDue, detail.agingBucket],
      [AS_OF, '2026-02-09', 50, '31-60'],
    );
    assert.deepEqual(
      [detail.disputed, detail.hasPromise, detail.memo, detail.termsDays, detail.tags],
      [true, true, 'Q1 services', 30, ['priority']],
    );
    assert.deepEqual(detail.customer, {
      id: ids.globex,
      name: 'Globex',
      externalId: 'GLX-1',
      currency: 'USD',
      paymentTermsDays: 30,
      collector: { userId: alice.id, name: 'Alice' },
    });
    assert.deepEqual(
      detail.lines.map((l) => [l.position, l.description, l.quantity, l.unitPrice, l.amount]),
      [
        [1, 'Consulting', '10.5000', 5000, 52500],
        [2, 'Travel', '1.0000', 47500, 47500],
      ],
    );
    assert.match(detail.createdAt, /^\d{4}-\d{2}-\d{2}T/);
  });

  it('lists payment applications, including reversed ones, and credit applications', async () => {
    const detail = await invoices.getInvoice(books.orgId, x.id, { asOf: AS_OF });
    assert.deepEqual(
      detail.paymentApplications.map((a) => [
        a.paymentId,
        a.paymentNumber,
        a.paymentReceivedOn,
        a.paymentMethod,
        a.paymentReference,
        a.amount,
        a.appliedOn,
        a.unappliedOn,
      ]),
      [
        [p1.id, p1.number, '2026-02-15', 'ach', null, 30000, '2026-02-15', null],
        [p2.id, p2.number, '2026-02-20', 'check', 'CHK-9', 20000, '2026-02-20', '2026-02-25'],
      ],
    );
    assert.deepEqual(
      detail.creditApplications.map((a) => [a.creditMemoId, a.creditMemoIssuedOn, a.amount, a.appliedOn]),
      [[ids.memo, '2026-03-01', 10000, '2026-03-02']],
    );
  });

  it('lists its disputes, the promises covering it with the part promised for it, activities and tasks', async () => {
    const detail = await invoices.getInvoice(books.orgId, x.id, { asOf: AS_OF });
    assert.deepEqual(
      detail.disputes.map((d) => [d.id, d.status, d.amount]),
      [
        [ids.d2, 'resolved', 5000],
        [ids.d1, 'open', 20000],
      ],
    );
    assert.deepEqual(
      detail.promises.map((p) => [p.id, p.status, p.amount, p.amountForInvoice, p.invoices.length]),
      [
        [ids.old, 'broken', 60000, 60000, 1],
        [ids.fresh, 'pending', 65000, 60000, 2],
      ],
    );
    assert.deepEqual(
      [detail.activities.items.map((a) => a.id), detail.activities.totalCount],
      [[ids.a2, ids.a1], 2],
    );
    assert.deepEqual([detail.tasks.totalCount, detail.tasks.items.map((t) => t.id)], [1, [ids.task]]);
  });

  it('caps long related lists and says how many there are', async () => {
    const detail = await invoices.getInvoice(books.orgId, busy.id, { asOf: AS_OF });
    assert.equal(detail.activities.items.length, 20);
    assert.equal(detail.activities.totalCount, 22);
    assert.equal(detail.activities.items[0].body, 'Touch 21');
  });

  it('finds an invoice by its exact number', async () => {
    const byNumber = await invoices.getInvoiceByNumber(books.orgId, x.number, { asOf: AS_OF });
    assert.equal(byNumber.id, x.id);
    assert.equal(byNumber.balance, 60000);
    await rejectsWith(
      invoices.getInvoiceByNumber(books.orgId, x.number.toLowerCase()),
      'not_found',
      'numbered',
    );
    await rejectsWith(invoices.getInvoiceByNumber(books.orgId, '  '), 'invalid_argument', 'number');
    await rejectsWith(invoices.getInvoiceByNumber(books.orgId, 'a\u0000'), 'invalid_argument', 'number');
  });

  it('answers not_found for unknown or foreign ids and invalid_argument for malformed ones', async () => {
    await rejectsWith(invoices.getInvoice(books.orgId, 'INV-1'), 'invalid_argument', 'invoiceId');
    await rejectsWith(
      invoices.getInvoice(books.orgId, '00000000-0000-4000-8000-000000000000'),
      'not_found',
      'invoice',
    );
    await rejectsWith(invoices.getInvoice(books.orgId, foreignTwin.id), 'not_found', foreignTwin.id);
    await rejectsWith(invoices.getInvoice(other.orgId, x.id), 'not_found', x.id);
    await rejectsWith(
      invoices.getInvoice(books.orgId, x.id, { asOf: 'tomorrow' }),
      'invalid_argument',
      'asOf',
    );
  });

  it('reads its lists exactly as the list services do: same rows, order, keys and counts', async () => {
    // The detail view reads its lists in one statement; the list services stay the reference.
    const lists = buildQueries(db.dataSource);
    const globex = await books.customer({ name: 'Wordy Co' });
    const owner = await books.member('manager', { name: 'Owner' });
    const contact = await books.contact(globex, { name: 'Pat Payables' });
    const wordy = await books.invoice(globex, 42000, '2026-02-01', { tags: ['a', 'b'] });
    const other = await books.invoice(globex, 1000, '2026-02-01');
    await books.dispute(wordy, { ownerUserId: owner.id, description: 'Price', openedOn: '2026-02-10' });
    await books.dispute(wordy, { status: 'rejected', openedOn: '2026-02-10', resolvedOn: '2026-02-12' });
    await books.promise(globex, [wordy, other], '2026-05-01', { contactId: contact.id, note: 'Call' });
    await books.activity(globex, {
      invoiceId: wordy.id,
      subject: 'Long',
      body: 'x'.repeat(700),
      authorUserId: owner.id,
      occurredAt: new Date('2026-03-01T10:00:00.123456Z'),
    });
    for (let n = 0; n < 21; n++) {
      await books.activity(globex, {
        invoiceId: wordy.id,
        occurredAt: new Date(Date.UTC(2026, 2, 2, 0, 0, n % 3)),
      });
    }
    await books.task({ title: 'Undated', customerId: globex.id, invoiceId: wordy.id });
    await books.task({ title: 'Late', customerId: globex.id, invoiceId: wordy.id, dueOn: '2026-01-05' });
    await books.task({
      title: 'Done',
      invoiceId: wordy.id,
      dueOn: '2026-01-05',
      status: 'done',
      completedAt: new Date('2026-01-06T08:09:10.987Z'),
      assigneeUserId: owner.id,
    });
    for (let n = 0; n < 20; n++) {
      await books.task({ invoiceId: wordy.id, dueOn: `2026-04-${String(n + 1).padStart(2, '0')}` });
    }

    const detail = await invoices.getInvoice(books.orgId, wordy.id);
    const about = { invoiceIds: [wordy.id] };
    const disputes = await lists.disputes.search(
      books.orgId,
      { ...about, sort: 'opened_on' },
      { limit: 500 },
    );
    const promises = await lists.promises.search(
      books.orgId,
      { ...about, sort: 'promised_on' },
      { limit: 500 },
    );
    const activities = await lists.activities.search(books.orgId, about, { limit: 20 });
    const tasks = await lists.tasks.search(books.orgId, { ...about, sort: 'due_on' }, { limit: 20 });
    // As a client receives them: JSON (timestamps as ISO strings), keys in any order.
    const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
    assert.deepEqual(asJson(detail.disputes), asJson(disputes.items));
    assert.deepEqual(
      asJson(detail.promises),
      asJson(promises.items.map((p) => ({ ...p, amountForInvoice: 42000 }))),
    );
    assert.deepEqual(asJson(detail.activities.items), asJson(activities.items));
    assert.deepEqual(asJson(detail.tasks.items), asJson(tasks.items));
    assert.deepEqual(
      [detail.activities.totalCount, detail.tasks.totalCount],
      [
        await lists.activities.countWithin(
          await openReadScope(db.dataSource.manager, lists.settings, books.orgId),
          about,
        ),
        await lists.tasks.countWithin(
          await openReadScope(db.dataSource.manager, lists.settings, books.orgId),
          about,
        ),
      ],
    );
    assert.deepEqual([detail.activities.totalCount, detail.tasks.totalCount], [22, 23]);
    assert.ok(detail.tasks.items.some((t) => t.overdue));
    assert.ok(disputes.items.length === 2 && activities.hasMore && tasks.hasMore);
  });

  it('resolves the same number to each organization’s own invoice', async () => {
    const theirs = await invoices.getInvoiceByNumber(other.orgId, x.number);
    assert.deepEqual(
      [theirs.id, theirs.total, theirs.paymentApplications, theirs.disputes],
      [foreignTwin.id, 777, [], []],
    );
    const ours = await invoices.getInvoiceByNumber(books.orgId, x.number);
    assert.equal(ours.id, x.id);
  });
});
