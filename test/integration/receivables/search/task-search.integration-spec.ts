import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../../../src/identity/user.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { addDays, todayIn } from '../../../../src/receivables/shared/calendar';
import type { Task } from '../../../../src/receivables/tasks/task.entity';
import { TASK_SORTS } from '../../../../src/receivables/tasks/task.queries';
import type { TaskFilter, TaskQueries } from '../../../../src/receivables/tasks/task.queries';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { buildQueries, rejectsWith, tamperCursor, walk } from './queries';

/**
 * Due days are relative to today (UTC organization), since "overdue" means "before today".
 *
 *   task  status     assignee  customer  invoice  due        priority  type       created
 *   T1    open       Alice     Acme      I1       today−1    high      call       10:01
 *   T2    open       Bob       Bolt      -        today+1    urgent    email      10:02
 *   T3    open       -         -         -        none       low       review     10:03   "Lockbox batch 7"
 *   T4    done       Alice     Acme      -        today−2    normal    follow_up  10:04
 *   T5    cancelled  Bob       -         -        today−1    normal    follow_up  10:05
 */
describe('task search', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let tasks: TaskQueries;
  let alice: User;
  let acme: Customer;
  let invoice: Invoice;
  let t: Record<'T1' | 'T2' | 'T3' | 'T4' | 'T5', Task>;
  let foreignMember: User;
  const today = todayIn('UTC');
  const yesterday = addDays(today, -1);
  const tomorrow = addDays(today, 1);

  const of = (...keys: (keyof typeof t)[]): string[] => keys.map((k) => t[k].id);
  const tie = (desc: boolean, ...keys: (keyof typeof t)[]): string[] => {
    const sorted = of(...keys).sort();
    return desc ? sorted.reverse() : sorted;
  };
  const search = async (filter: TaskFilter): Promise<string[]> =>
    (await tasks.search(books.orgId, filter, { limit: 500 })).items.map((r) => r.id);

  before(async () => {
    db = await createTestDatabase();
    tasks = buildQueries(db.dataSource).tasks;
    books = await Books.create(db.dataSource);
    alice = await books.member('collector', { name: 'Alice' });
    const bob = await books.member('collector', { name: 'Bob' });
    acme = await books.customer({ name: 'Acme Corp' });
    const bolt = await books.customer({ name: 'Bolt Industries' });
    invoice = await books.invoice(acme, 1000, '2026-01-01');
    t = {
      T1: await books.task({
        title: 'Call Acme about the invoice',
        assigneeUserId: alice.id,
        customerId: acme.id,
        invoiceId: invoice.id,
        dueOn: yesterday,
        priority: 'high',
        type: 'call',
      }),
      T2: await books.task({
        title: 'Email Bolt',
        assigneeUserId: bob.id,
        customerId: bolt.id,
        dueOn: tomorrow,
        priority: 'urgent',
        type: 'email',
      }),
      T3: await books.task({
        title: 'Review unapplied cash',
        description: 'Lockbox batch 7',
        priority: 'low',
        type: 'review',
      }),
      T4: await books.task({
        title: 'Follow up with Acme',
        assigneeUserId: alice.id,
        customerId: acme.id,
        dueOn: addDays(today, -2),
        status: 'done',
        completedAt: new Date('2026-03-01T09:00:00Z'),
      }),
      T5: await books.task({
        title: 'Old follow-up',
        assigneeUserId: bob.id,
        dueOn: yesterday,
        status: 'cancelled',
      }),
    };
    let minute = 1;
    for (const task of Object.values(t)) {
      await db.dataSource.query(`UPDATE tasks SET created_at = $2 WHERE id = $1`, [
        task.id,
        `2026-03-01T10:0${minute++}:00Z`,
      ]);
    }
    other = await Books.create(db.dataSource);
    foreignMember = await other.member('collector');
    await other.task({ title: 'Review unapplied cash', assigneeUserId: foreignMember.id });
  });
  after(async () => db.drop());

  it('lists by due day with undated tasks last, with overdue flag and names', async () => {
    const page = await tasks.search(books.orgId);
    assert.deepEqual(
      page.items.map((r) => r.id),
      [...of('T4'), ...tie(false, 'T1', 'T5'), ...of('T2', 'T3')],
    );
    const t1 = page.items.find((r) => r.id === t.T1.id)!;
    assert.deepEqual(
      [t1.overdue, t1.customerName, t1.invoiceNumber, t1.assigneeName, t1.dueOn, t1.priority, t1.status],
      [true, 'Acme Corp', invoice.number, 'Alice', yesterday, 'high', 'open'],
    );
    const flags = Object.fromEntries(page.items.map((r) => [r.id, r.overdue]));
    assert.deepEqual(
      [flags[t.T2.id], flags[t.T3.id], flags[t.T4.id], flags[t.T5.id]],
      [false, false, false, false],
    );
    const t4 = page.items.find((r) => r.id === t.T4.id)!;
    assert.deepEqual(
      [t4.completedAt, t4.createdAt],
      ['2026-03-01T09:00:00.000Z', '2026-03-01T10:04:00.000Z'],
    );
    assert.equal(page.items.find((r) => r.id === t.T3.id)!.dueOn, null);
  });

  it('filters by status, open and overdue shortcuts, assignee, customer, invoice, due days, type, priority and text', async () => {
    assert.deepEqual(await search({ openOnly: true }), of('T1', 'T2', 'T3'));
    assert.deepEqual(await search({ overdueOnly: true }), of('T1'));
    assert.deepEqual(await search({ status: ['done', 'cancelled'] }), of('T4', 'T5'));
    assert.deepEqual(await search({ assigneeUserIds: [alice.id] }), of('T4', 'T1'));
    assert.deepEqual(await search({ unassigned: true }), of('T3'));
    assert.deepEqual(await search({ unassigned: false }), [
      ...of('T4'),
      ...tie(false, 'T1', 'T5'),
      ...of('T2'),
    ]);
    assert.deepEqual(await search({ customerIds: [acme.id] }), of('T4', 'T1'));
    assert.deepEqual(await search({ invoiceIds: [invoice.id] }), of('T1'));
    assert.deepEqual(await search({ dueOn: { from: yesterday, to: tomorrow } }), [
      ...tie(false, 'T1', 'T5'),
      ...of('T2'),
    ]);
    assert.deepEqual(await search({ type: ['email'] }), of('T2'));
    assert.deepEqual(await search({ priority: ['urgent', 'high'] }), of('T1', 'T2'));
    assert.deepEqual(await search({ text: 'lockbox' }), of('T3'));
  });

  it('sorts by each key both ways and pages through each exactly once', async () => {
    const expected: Record<string, string[]> = {
      due_on: [...of('T4'), ...tie(false, 'T1', 'T5'), ...of('T2', 'T3')],
      priority: [...of('T3'), ...tie(false, 'T4', 'T5'), ...of('T1', 'T2')],
      created_at: of('T1', 'T2', 'T3', 'T4', 'T5'),
    };
    for (const sort of TASK_SORTS) {
      for (const direction of ['asc', 'desc'] as const) {
        const want = direction === 'asc' ? expected[sort] : [...expected[sort]].reverse();
        assert.deepEqual(await search({ sort, direction }), want, `${sort} ${direction}`);
        for (const limit of [1, 3]) {
          const { rows } = await walk((cursor) =>
            tasks.search(books.orgId, { sort, direction }, { limit, cursor }),
          );
          assert.deepEqual(
            rows.map((r) => r.id),
            want,
            `${sort} ${direction} limit ${limit}`,
          );
        }
      }
    }
  });

  it('rejects bad input and foreign ids', async () => {
    await rejectsWith(
      tasks.search(books.orgId, { priority: ['critical'] } as unknown as TaskFilter),
      'invalid_argument',
      'priority',
    );
    await rejectsWith(
      tasks.search(books.orgId, { dueOn: { from: tomorrow, to: yesterday } }),
      'invalid_argument',
      'dueOn',
    );
    await rejectsWith(
      tasks.search(books.orgId, { unassigned: 'no' } as unknown as TaskFilter),
      'invalid_argument',
      'unassigned',
    );
    await rejectsWith(
      tasks.search(books.orgId, { assigneeUserIds: [foreignMember.id] }),
      'not_found',
      foreignMember.id,
    );
    const first = await tasks.search(books.orgId, { sort: 'priority' }, { limit: 1 });
    await rejectsWith(
      tasks.search(
        books.orgId,
        { sort: 'priority' },
        { cursor: tamperCursor(first.nextCursor!, 'critical') },
      ),
      'invalid_argument',
      'cursor',
    );
  });

  it('keeps organizations apart', async () => {
    assert.deepEqual(await search({ text: 'unapplied cash' }), of('T3'));
    const theirs = await tasks.search(other.orgId);
    assert.equal(theirs.items.length, 1);
    assert.equal(theirs.items[0].assigneeUserId, foreignMember.id);
  });
});
