import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  InvalidArgumentError,
  NotFoundError,
  RuleViolationError,
} from '../../../../src/common/errors/app-error';
import type { User } from '../../../../src/identity/user.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { TaskCommands } from '../../../../src/receivables/tasks/task.commands';
import { addDays } from '../../../factories/books';
import { assertAudited, auditOf, commandWorld, failsAndChangesNothing } from './commands';
import type { CommandWorld } from './commands';

describe('collections commands: tasks', () => {
  let w: CommandWorld;
  let tasks: TaskCommands;
  let acme: Customer;
  let invoice: Invoice;
  let bob: User;
  let viewer: User;

  const stored = async (id: string) =>
    (
      await w.db.dataSource.query<Record<string, unknown>[]>(
        `SELECT title, description, type, priority, status, to_char(due_on, 'YYYY-MM-DD') AS "dueOn",
                customer_id AS "customerId", invoice_id AS "invoiceId", assignee_user_id AS "assigneeUserId",
                created_by_user_id AS "createdByUserId", completed_at AS "completedAt"
           FROM tasks WHERE org_id = $1 AND id = $2`,
        [w.books.orgId, id],
      )
    )[0];

  before(async () => {
    w = await commandWorld();
    tasks = w.app.get(TaskCommands);
    acme = await w.books.customer({ name: 'Acme' });
    invoice = await w.books.invoice(acme, 50_000, addDays(w.today, -45));
    bob = await w.books.member('manager', { name: 'Bob Baker' });
    viewer = await w.books.member('viewer', { name: 'Vera Viewer' });
  });
  after(async () => w.close());

  it('creates a task on an invoice for a member and audits it', async () => {
    const task = await tasks.createTask(w.ctx(), {
      title: 'Call AP about INV',
      description: 'Ask for the remittance.',
      type: 'call',
      priority: 'high',
      dueOn: addDays(w.today, 2),
      invoiceId: invoice.id,
      assigneeUserId: bob.id,
    });
    assert.deepEqual(await stored(task.id), {
      title: 'Call AP about INV',
      description: 'Ask for the remittance.',
      type: 'call',
      priority: 'high',
      status: 'open',
      dueOn: addDays(w.today, 2),
      customerId: acme.id,
      invoiceId: invoice.id,
      assigneeUserId: bob.id,
      createdByUserId: w.alice.id,
      completedAt: null,
    });
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, task.id, {
      action: 'task.create',
      targetType: 'task',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(audit.details, { before: null, after: task });
  });

  it('creates an unassigned follow-up with normal priority by default', async () => {
    const task = await tasks.createTask(w.ctx(), { title: 'Review the account' });
    assert.deepEqual(
      [task.type, task.priority, task.status, task.assigneeUserId, task.customerId, task.dueOn],
      ['follow_up', 'normal', 'open', null, null, null],
    );
  });

  it('refuses a due date in the past, a viewer or a stranger as assignee, and a blank title', async () => {
    await failsAndChangesNothing(
      w.books,
      () => tasks.createTask(w.ctx(), { title: 'Late', dueOn: addDays(w.today, -1) }),
      RuleViolationError,
      new RegExp(
        `dueOn ${addDays(w.today, -1)} is in the past; a task is due today \\(${w.today}\\) or later`,
      ),
    );
    await failsAndChangesNothing(
      w.books,
      () => tasks.createTask(w.ctx(), { title: 'For Vera', assigneeUserId: viewer.id }),
      RuleViolationError,
      /Vera Viewer is a viewer in this organization and cannot be given collections work/,
    );
    await failsAndChangesNothing(
      w.books,
      () => tasks.createTask(w.ctx(), { title: 'For Mallory', assigneeUserId: w.mallory.id }),
      NotFoundError,
      new RegExp(`No member with id "${w.mallory.id}" exists in this organization`),
    );
    await failsAndChangesNothing(
      w.books,
      () => tasks.createTask(w.ctx(), { title: ' ' }),
      InvalidArgumentError,
      /title must not be blank/,
    );
  });

  it('updates title, description, due date and priority, and audits before and after', async () => {
    const task = await tasks.createTask(w.ctx(), { title: 'Draft', customerId: acme.id });
    const updated = await tasks.updateTask(w.ctx(), task.id, {
      title: 'Send statement',
      description: 'Include credits.',
      dueOn: w.today,
      priority: 'urgent',
    });
    const row = await stored(task.id);
    assert.deepEqual(
      [row.title, row.description, row.dueOn, row.priority, row.status],
      ['Send statement', 'Include credits.', w.today, 'urgent', 'open'],
    );
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, task.id, {
      action: 'task.update',
      targetType: 'task',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(audit.details, { before: task, after: updated });
    const cleared = await tasks.updateTask(w.ctx(), task.id, { description: null, dueOn: null });
    assert.deepEqual([cleared.description, cleared.dueOn, cleared.title], [null, null, 'Send statement']);
  });

  it('refuses an update that changes nothing', async () => {
    const task = await tasks.createTask(w.ctx(), { title: 'Idle' });
    await failsAndChangesNothing(
      w.books,
      () => tasks.updateTask(w.ctx(), task.id, {}),
      InvalidArgumentError,
      /A task update must change at least one of: title, description, type, priority, dueOn/,
    );
  });

  it('completes an open task once; completing it again is a rule violation that changes nothing', async () => {
    const task = await tasks.createTask(w.ctx(), { title: 'Chase remittance' });
    const done = await tasks.completeTask(w.ctx(), task.id, { note: 'Remittance received.' });
    const row = await stored(task.id);
    assert.equal(row.status, 'done');
    assert.ok(row.completedAt instanceof Date);
    assert.equal(done.completedAt, row.completedAt.toISOString());
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, task.id, {
      action: 'task.complete',
      targetType: 'task',
      actorUserId: w.alice.id,
    });
    assert.equal(audit.reason, 'Remittance received.');
    await failsAndChangesNothing(
      w.books,
      () => tasks.completeTask(w.ctx(), task.id),
      RuleViolationError,
      /Task "Chase remittance" is already done and cannot be changed/,
    );
    await failsAndChangesNothing(
      w.books,
      () => tasks.updateTask(w.ctx(), task.id, { title: 'Renamed' }),
      RuleViolationError,
      /already done/,
    );
  });

  it('cancels an open task; a cancelled task cannot be completed or cancelled again', async () => {
    const task = await tasks.createTask(w.ctx(), { title: 'Obsolete' });
    const cancelled = await tasks.cancelTask(w.ctx(), task.id, { reason: 'Paid in full.' });
    assert.deepEqual([cancelled.status, cancelled.completedAt], ['cancelled', null]);
    assert.equal((await stored(task.id)).status, 'cancelled');
    assert.equal((await auditOf(w.db.dataSource, w.books.orgId, task.id)).at(-1)?.reason, 'Paid in full.');
    await failsAndChangesNothing(
      w.books,
      () => tasks.completeTask(w.ctx(), task.id),
      RuleViolationError,
      /Task "Obsolete" is already cancelled/,
    );
    await failsAndChangesNothing(
      w.books,
      () => tasks.cancelTask(w.ctx(), task.id),
      RuleViolationError,
      /cancelled/,
    );
  });

  it('reassigns an open task to another member, never to a viewer or an outsider', async () => {
    const task = await tasks.createTask(w.ctx(), { title: 'Hand over', assigneeUserId: w.alice.id });
    const moved = await tasks.reassignTask(w.ctx(), task.id, { assigneeUserId: bob.id });
    assert.equal(moved.assigneeUserId, bob.id);
    assert.equal((await stored(task.id)).assigneeUserId, bob.id);
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, task.id, {
      action: 'task.reassign',
      targetType: 'task',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(
      [
        (audit.details.before as { assigneeUserId: string }).assigneeUserId,
        (audit.details.after as { assigneeUserId: string }).assigneeUserId,
      ],
      [w.alice.id, bob.id],
    );
    await failsAndChangesNothing(
      w.books,
      () => tasks.reassignTask(w.ctx(), task.id, { assigneeUserId: viewer.id }),
      RuleViolationError,
      /is a viewer/,
    );
    await failsAndChangesNothing(
      w.books,
      () => tasks.reassignTask(w.ctx(), task.id, { assigneeUserId: w.mallory.id }),
      NotFoundError,
      /No member with id/,
    );
  });

  it('treats another organization’s task, customer and invoice as not found and changes nothing there', async () => {
    const task = await tasks.createTask(w.ctx(), { title: 'Ours', customerId: acme.id });
    for (const attempt of [
      () => tasks.completeTask(w.otherCtx(), task.id),
      () => tasks.cancelTask(w.otherCtx(), task.id),
      () => tasks.updateTask(w.otherCtx(), task.id, { title: 'Theirs' }),
      () => tasks.reassignTask(w.otherCtx(), task.id, { assigneeUserId: w.mallory.id }),
    ]) {
      await failsAndChangesNothing(
        w.books,
        attempt,
        NotFoundError,
        new RegExp(`No task with id "${task.id}"`),
      );
    }
    await failsAndChangesNothing(
      w.books,
      () => tasks.createTask(w.otherCtx(), { title: 'Steal', invoiceId: invoice.id }),
      NotFoundError,
      /No invoice with id/,
    );
    await failsAndChangesNothing(
      w.books,
      () => tasks.createTask(w.otherCtx(), { title: 'Steal', customerId: acme.id }),
      NotFoundError,
      /No customer with id/,
    );
  });

  it('answers a retried create with the same task when the idempotency key repeats', async () => {
    const first = await tasks.createTask(w.ctx('task-create-1'), { title: 'Once only' });
    const again = await tasks.createTask(w.ctx('task-create-1'), { title: 'Once only' });
    assert.deepEqual(again, first);
    const [{ n }] = await w.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM tasks WHERE org_id = $1 AND title = 'Once only'`,
      [w.books.orgId],
    );
    assert.equal(n, 1);
  });
});
