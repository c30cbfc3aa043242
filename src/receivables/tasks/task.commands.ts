import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RuleViolationError } from '../../common/errors/app-error';
import type { CommandContext } from '../commands/actor';
import {
  MAX_BODY_LENGTH,
  MAX_LINE_LENGTH,
  optionalDate,
  optionalId,
  optionalOneOf,
  optionalText,
  readInput,
  requireId,
  requireSomeChange,
  requireText,
} from '../commands/command-input';
import { CommandRunner } from '../commands/command-runner';
import { authorOf, findInOrg, iso, orgToday, requireWorker, resolveSubject } from '../commands/org-records';
import { TASK_PRIORITIES, TASK_TYPES, Task } from './task.entity';
import type { TaskPriority, TaskStatus, TaskType } from './task.entity';

export interface CreateTaskInput {
  /** One line, at most 200 characters. */
  title: string;
  /** At most 10,000 characters. */
  description?: string;
  /** Defaults to follow_up. */
  type?: TaskType;
  /** Defaults to normal. */
  priority?: TaskPriority;
  /** YYYY-MM-DD, today or later in the organization's time zone. */
  dueOn?: string;
  /** The account the task is about (optional; implied by invoiceId). */
  customerId?: string;
  invoiceId?: string;
  /** A member who does collections work (collector, manager or admin); unassigned when omitted. */
  assigneeUserId?: string;
}

/** Fields to change; omitted ones stay, null clears description or due date. */
export interface UpdateTaskInput {
  title?: string;
  description?: string | null;
  type?: TaskType;
  priority?: TaskPriority;
  dueOn?: string | null;
}

export interface TaskResult {
  id: string;
  title: string;
  description: string | null;
  type: TaskType;
  priority: TaskPriority;
  status: TaskStatus;
  dueOn: string | null;
  customerId: string | null;
  invoiceId: string | null;
  assigneeUserId: string | null;
  createdByUserId: string | null;
  /** ISO-8601 UTC; set when the task was completed. */
  completedAt: string | null;
  createdAt: string;
}

function toResult(task: Task): TaskResult {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    type: task.type,
    priority: task.priority,
    status: task.status,
    dueOn: task.dueOn,
    customerId: task.customerId,
    invoiceId: task.invoiceId,
    assigneeUserId: task.assigneeUserId,
    createdByUserId: task.createdByUserId,
    completedAt: iso(task.completedAt),
    createdAt: iso(task.createdAt)!,
  };
}

const UPDATE_FIELDS = ['title', 'description', 'type', 'priority', 'dueOn'] as const;

/** Collectors' to-dos: create, edit, complete, reassign and cancel them. */
@Injectable()
export class TaskCommands {
  constructor(private readonly runner: CommandRunner) {}

  async createTask(context: CommandContext, input: CreateTaskInput): Promise<TaskResult> {
    const f = readInput(
      input,
      ['title', 'description', 'type', 'priority', 'dueOn', 'customerId', 'invoiceId', 'assigneeUserId'],
      'task',
    );
    const task = {
      title: requireText(f.title, 'title', MAX_LINE_LENGTH),
      description: optionalText(f.description, 'description', MAX_BODY_LENGTH) ?? null,
      type: optionalOneOf(f.type, TASK_TYPES, 'type') ?? 'follow_up',
      priority: optionalOneOf(f.priority, TASK_PRIORITIES, 'priority') ?? 'normal',
      dueOn: optionalDate(f.dueOn, 'dueOn') ?? null,
      customerId: optionalId(f.customerId, 'customerId') ?? undefined,
      invoiceId: optionalId(f.invoiceId, 'invoiceId') ?? undefined,
      assigneeUserId: optionalId(f.assigneeUserId, 'assigneeUserId') ?? null,
    };
    return this.runner.run(context, 'task.create', task, async (scope) => {
      const { manager, orgId } = scope;
      const subject =
        task.customerId || task.invoiceId
          ? await resolveSubject(manager, orgId, task.customerId, task.invoiceId)
          : null;
      if (task.dueOn) await assertNotPast(manager, orgId, task.dueOn);
      if (task.assigneeUserId) await requireWorker(manager, orgId, task.assigneeUserId, 'assigneeUserId');
      const saved = await manager.getRepository(Task).save({
        orgId,
        title: task.title,
        description: task.description,
        type: task.type,
        priority: task.priority,
        status: 'open' as const,
        dueOn: task.dueOn,
        customerId: subject?.customer.id ?? null,
        invoiceId: subject?.invoice?.id ?? null,
        assigneeUserId: task.assigneeUserId,
        createdByUserId: await authorOf(manager, context),
        completedAt: null,
      });
      const result = toResult(await findInOrg(manager, Task, orgId, saved.id, 'task'));
      await scope.audit({
        action: 'task.create',
        targetType: 'task',
        targetId: saved.id,
        details: { before: null, after: result },
      });
      return result;
    });
  }

  async updateTask(context: CommandContext, taskId: string, input: UpdateTaskInput): Promise<TaskResult> {
    const id = requireId(taskId, 'taskId');
    const f = readInput(input, UPDATE_FIELDS, 'task update');
    const changes = {
      title: f.title === undefined ? undefined : requireText(f.title, 'title', MAX_LINE_LENGTH),
      description: optionalText(f.description, 'description', MAX_BODY_LENGTH),
      type: optionalOneOf(f.type, TASK_TYPES, 'type'),
      priority: optionalOneOf(f.priority, TASK_PRIORITIES, 'priority'),
      dueOn: optionalDate(f.dueOn, 'dueOn'),
    };
    requireSomeChange(changes, UPDATE_FIELDS, 'A task update');
    return this.change(context, 'task.update', id, changes, async (manager, orgId, task) => {
      if (changes.dueOn && changes.dueOn !== task.dueOn) await assertNotPast(manager, orgId, changes.dueOn);
      return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    });
  }

  /** Marks an open task done; `note` (what came of it) is kept in the audit record. */
  async completeTask(
    context: CommandContext,
    taskId: string,
    options: { note?: string } = {},
  ): Promise<TaskResult> {
    const id = requireId(taskId, 'taskId');
    const f = readInput(options, ['note'], 'task completion');
    const note = optionalText(f.note, 'note', MAX_BODY_LENGTH) ?? undefined;
    return this.change(context, 'task.complete', id, { note }, () =>
      Promise.resolve({ status: 'done' as const, completedAt: new Date() }),
    );
  }

  async reassignTask(
    context: CommandContext,
    taskId: string,
    input: { assigneeUserId: string },
  ): Promise<TaskResult> {
    const id = requireId(taskId, 'taskId');
    const f = readInput(input, ['assigneeUserId'], 'task reassignment');
    const assigneeUserId = requireId(f.assigneeUserId, 'assigneeUserId');
    return this.change(context, 'task.reassign', id, { assigneeUserId }, async (manager, orgId) => {
      await requireWorker(manager, orgId, assigneeUserId, 'assigneeUserId');
      return { assigneeUserId };
    });
  }

  /** Cancels an open task (no longer needed); `reason` is kept in the audit record. */
  async cancelTask(
    context: CommandContext,
    taskId: string,
    options: { reason?: string } = {},
  ): Promise<TaskResult> {
    const id = requireId(taskId, 'taskId');
    const f = readInput(options, ['reason'], 'task cancellation');
    const reason = optionalText(f.reason, 'reason', MAX_LINE_LENGTH) ?? undefined;
    return this.change(context, 'task.cancel', id, { reason }, () =>
      Promise.resolve({ status: 'cancelled' as const }),
    );
  }

  /**
   * The shape every change of an existing task shares: lock the task, refuse unless it is open,
   * apply the patch, audit before and after.
   */
  private async change(
    context: CommandContext,
    command: string,
    taskId: string,
    input: Record<string, unknown>,
    patch: (manager: EntityManager, orgId: string, task: Task) => Promise<Partial<Task>>,
  ): Promise<TaskResult> {
    return this.runner.run(context, command, { taskId, ...input }, async (scope) => {
      const { manager, orgId } = scope;
      const task = await findInOrg(manager, Task, orgId, taskId, 'task', { lock: true });
      if (task.status !== 'open') {
        throw new RuleViolationError(
          `Task "${task.title}" is already ${task.status === 'done' ? 'done' : 'cancelled'} and cannot be changed; create a new task if more work is needed.`,
          { taskId, status: task.status },
        );
      }
      const before = toResult(task);
      await manager.getRepository(Task).update({ orgId, id: taskId }, await patch(manager, orgId, task));
      const after = toResult(await findInOrg(manager, Task, orgId, taskId, 'task'));
      await scope.audit({
        action: command,
        targetType: 'task',
        targetId: taskId,
        reason: (input.reason ?? input.note ?? null) as string | null,
        details: { before, after },
      });
      return after;
    });
  }
}

async function assertNotPast(manager: EntityManager, orgId: string, dueOn: string): Promise<void> {
  const today = await orgToday(manager, orgId);
  if (dueOn < today) {
    throw new RuleViolationError(`dueOn ${dueOn} is in the past; a task is due today (${today}) or later.`, {
      field: 'dueOn',
    });
  }
}
