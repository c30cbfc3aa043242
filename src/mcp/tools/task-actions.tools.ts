import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { TaskCommands } from '../../receivables/tasks/task.commands';
import type { TaskResult } from '../../receivables/tasks/task.commands';
import { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES } from '../../receivables/tasks/task.entity';
import { commandContextOf } from '../principal';
import { write } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id, isoDate } from './shared/common-schemas';
import { toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';
import { idempotencyKey, reason } from './shared/write-schemas';

const title = z.string().min(1).max(200).describe('One line saying what to do');
const taskType = z.enum(TASK_TYPES).describe('Kind of work (default follow_up)');
const priority = z.enum(TASK_PRIORITIES).describe('low, normal (default), high or urgent');
const taskId = id('task');

const CreateTaskInput = z
  .object({
    title,
    description: z.string().min(1).max(10_000).optional().describe('Details, plain text'),
    type: taskType.optional(),
    priority: priority.optional(),
    dueOn: isoDate("Due day, today or later in the organization's time zone").optional(),
    customerId: id('customer')
      .optional()
      .describe('The account the task is about (implied by invoiceId when omitted)'),
    invoiceId: id('invoice').optional().describe('The invoice the task is about, if any'),
    assigneeUserId: id('assignee (user)')
      .optional()
      .describe(
        'A collector, manager or admin of the organization (user id, e.g. from get_context); unassigned when omitted',
      ),
    idempotencyKey,
  })
  .strict();

const UpdateTaskInput = z
  .object({
    taskId,
    title: title.optional(),
    description: z
      .string()
      .min(1)
      .max(10_000)
      .nullable()
      .optional()
      .describe('New details; null clears them'),
    type: taskType.optional(),
    priority: priority.optional(),
    dueOn: isoDate('New due day, today or later')
      .nullable()
      .optional()
      .describe('New due day (YYYY-MM-DD, today or later); null clears it'),
    idempotencyKey,
  })
  .strict();

const CompleteTaskInput = z
  .object({
    taskId,
    note: z.string().min(1).max(10_000).optional().describe('What came of it; kept in the audit record'),
    idempotencyKey,
  })
  .strict();

const ReassignTaskInput = z
  .object({
    taskId,
    assigneeUserId: id('new assignee (user)').describe(
      'The new assignee: a collector, manager or admin of the organization (user id)',
    ),
    idempotencyKey,
  })
  .strict();

const CancelTaskInput = z
  .object({
    taskId,
    reason: reason('Why it is no longer needed; kept in the audit record'),
    idempotencyKey,
  })
  .strict();

const TaskOutput = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  type: z.enum(TASK_TYPES),
  priority: z.enum(TASK_PRIORITIES),
  status: z.enum(TASK_STATUSES),
  dueOn: z.string().nullable(),
  customerId: z.string().nullable(),
  invoiceId: z.string().nullable(),
  assigneeUserId: z.string().nullable(),
  createdByUserId: z.string().nullable(),
  completedAt: z.string().nullable().describe('ISO-8601 UTC, once done'),
  createdAt: z.string(),
});
type TaskOutput = z.infer<typeof TaskOutput>;

function toOutput(t: TaskResult): TaskOutput {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    type: t.type,
    priority: t.priority,
    status: t.status,
    dueOn: t.dueOn,
    customerId: t.customerId,
    invoiceId: t.invoiceId,
    assigneeUserId: t.assigneeUserId,
    createdByUserId: t.createdByUserId,
    completedAt: t.completedAt,
    createdAt: t.createdAt,
  };
}

function describeTask(t: TaskResult): string {
  return (
    `"${t.title}" (${t.id}): ${t.status}, ${t.priority} ${t.type}` +
    `, due ${t.dueOn ?? 'any time'}, assigned to ${t.assigneeUserId ?? 'nobody'}`
  );
}

/**
 * Collectors' to-dos (scope ar:write). Completing and cancelling end a task for good (a done or
 * cancelled task cannot be changed), hence destructive; repeating any of these leaves the task as
 * the first call did (a repeat is refused or sets the same values), hence idempotent — except
 * create, which makes another task.
 */
@ArTools()
export class TaskActionTools {
  constructor(private readonly tasks: TaskCommands) {}

  @Tool({
    name: 'create_task',
    description:
      'Creates an open task (a call, email, follow-up or review to do), optionally about a customer or invoice, with a due day and an assignee. Search for an existing open task first (search_tasks) so you do not create a duplicate.',
    parameters: CreateTaskInput,
    outputSchema: TaskOutput,
    annotations: write('Create task', { destructive: false, idempotent: false }),
  })
  @ToolScopes(['ar:write'])
  async createTask(
    @Payload() input: z.infer<typeof CreateTaskInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<TaskOutput>> {
    const { idempotencyKey: key, ...task } = input;
    const result = await this.tasks.createTask(commandContextOf(context, key), task);
    return toolResult(toOutput(result), `Created task ${describeTask(result)}.`);
  }

  @Tool({
    name: 'update_task',
    description:
      'Changes the title, description, type, priority or due day of an open task; fields you omit stay as they are. To change the assignee use reassign_task.',
    parameters: UpdateTaskInput,
    outputSchema: TaskOutput,
    annotations: write('Update task', { destructive: false, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async updateTask(
    @Payload() input: z.infer<typeof UpdateTaskInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<TaskOutput>> {
    const { idempotencyKey: key, taskId: target, ...changes } = input;
    const result = await this.tasks.updateTask(commandContextOf(context, key), target, changes);
    return toolResult(
      toOutput(result),
      `Updated task ${describeTask(result)} (changed: ${Object.keys(changes).join(', ')}).`,
    );
  }

  @Tool({
    name: 'complete_task',
    description:
      'Marks an open task done. A done task can no longer be changed: confirm with the user that the work really happened.',
    parameters: CompleteTaskInput,
    outputSchema: TaskOutput,
    annotations: write('Complete task', { destructive: true, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async completeTask(
    @Payload() input: z.infer<typeof CompleteTaskInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<TaskOutput>> {
    const { idempotencyKey: key, taskId: target, ...options } = input;
    const result = await this.tasks.completeTask(commandContextOf(context, key), target, options);
    return toolResult(toOutput(result), `Completed task ${describeTask(result)}.`);
  }

  @Tool({
    name: 'reassign_task',
    description: 'Gives an open task to another collector, manager or admin of the organization.',
    parameters: ReassignTaskInput,
    outputSchema: TaskOutput,
    annotations: write('Reassign task', { destructive: false, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async reassignTask(
    @Payload() input: z.infer<typeof ReassignTaskInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<TaskOutput>> {
    const { idempotencyKey: key, taskId: target, ...assignment } = input;
    const result = await this.tasks.reassignTask(commandContextOf(context, key), target, assignment);
    return toolResult(toOutput(result), `Reassigned task ${describeTask(result)}.`);
  }

  @Tool({
    name: 'cancel_task',
    description:
      'Cancels an open task that is no longer needed. A cancelled task can no longer be changed: confirm with the user first.',
    parameters: CancelTaskInput,
    outputSchema: TaskOutput,
    annotations: write('Cancel task', { destructive: true, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async cancelTask(
    @Payload() input: z.infer<typeof CancelTaskInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<TaskOutput>> {
    const { idempotencyKey: key, taskId: target, ...options } = input;
    const result = await this.tasks.cancelTask(commandContextOf(context, key), target, options);
    return toolResult(toOutput(result), `Cancelled task ${describeTask(result)}.`);
  }
}
