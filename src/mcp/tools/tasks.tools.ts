import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES } from '../../receivables/tasks/task.entity';
import { TASK_SORTS, TaskQueries } from '../../receivables/tasks/task.queries';
import type { TaskRow } from '../../receivables/tasks/task.queries';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { direction, id, view } from './shared/common-schemas';
import { dateRange, idList } from './shared/filter-schemas';
import { pageArguments, pageFooter, pageOutput } from './shared/paging';
import { toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const SearchTasksInput = z
  .object({
    text: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Part of the task title or description, case-insensitive'),
    status: z.array(z.enum(TASK_STATUSES)).min(1).optional().describe('Only tasks in these statuses'),
    openOnly: z.boolean().optional().describe('Only tasks still to do'),
    overdueOnly: z
      .boolean()
      .optional()
      .describe("Only open tasks whose due day is before today (organization's time zone)"),
    assignedToMe: z
      .boolean()
      .optional()
      .describe('Only tasks assigned to the signed-in user (added to assigneeUserIds when both are given)'),
    assigneeUserIds: idList('assignee (user)').optional(),
    unassigned: z
      .boolean()
      .optional()
      .describe('true: only tasks nobody is assigned to; false: only assigned ones'),
    customerIds: idList('customer').optional(),
    invoiceIds: idList('invoice').optional(),
    dueOn: dateRange('Due day').optional(),
    type: z.array(z.enum(TASK_TYPES)).min(1).optional().describe('Only tasks of these types'),
    priority: z.array(z.enum(TASK_PRIORITIES)).min(1).optional().describe('Only tasks of these priorities'),
    sort: z
      .enum(TASK_SORTS)
      .optional()
      .describe(
        'Sort key (default due_on: undated tasks last); priority orders low < normal < high < urgent',
      ),
    direction,
    view,
    ...pageArguments,
  })
  .strict();

const TaskSummary = z.object({
  id: z.string(),
  title: z.string(),
  type: z.enum(TASK_TYPES),
  priority: z.enum(TASK_PRIORITIES),
  status: z.enum(TASK_STATUSES),
  dueOn: z.string().nullable(),
  overdue: z.boolean().describe('Open and due before today'),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  invoiceNumber: z.string().nullable(),
  assigneeName: z.string().nullable(),
});

const TaskFull = TaskSummary.extend({
  description: z.string().nullable(),
  invoiceId: z.string().nullable(),
  assigneeUserId: z.string().nullable(),
  createdAt: z.string().describe('ISO-8601 UTC timestamp'),
  completedAt: z.string().nullable().describe('ISO-8601 UTC timestamp'),
});

const SearchTasksOutput = z.object(pageOutput(z.union([TaskSummary, TaskFull])));

function summarize(row: TaskRow): z.infer<typeof TaskSummary> {
  return {
    id: row.id,
    title: row.title,
    type: row.type,
    priority: row.priority,
    status: row.status,
    dueOn: row.dueOn,
    overdue: row.overdue,
    customerId: row.customerId,
    customerName: row.customerName,
    invoiceNumber: row.invoiceNumber,
    assigneeName: row.assigneeName,
  };
}

function full(row: TaskRow): z.infer<typeof TaskFull> {
  return {
    ...summarize(row),
    description: row.description,
    invoiceId: row.invoiceId,
    assigneeUserId: row.assigneeUserId,
    createdAt: row.createdAt,
    completedAt: row.completedAt,
  };
}

function taskLine(t: TaskRow): string {
  return (
    `${t.title} (${t.id}): ${t.type}, ${t.priority}, ${t.status}` +
    (t.dueOn ? `, due ${t.dueOn}${t.overdue ? ' (overdue)' : ''}` : ', no due day') +
    (t.customerName ? `, ${t.customerName}` : '') +
    (t.invoiceNumber ? ` ${t.invoiceNumber}` : '') +
    `, ${t.assigneeName ? `assigned to ${t.assigneeName}` : 'unassigned'}`
  );
}

/** Collections tasks: calls to make, emails to send, follow-ups, reviews. */
@ArTools()
export class TaskTools {
  constructor(private readonly tasks: TaskQueries) {}

  @Tool({
    name: 'search_tasks',
    description:
      'Find collections tasks by status, assignee (assignedToMe for "my tasks"), customer, invoice, due day, type, priority or text. E.g. "what is overdue on my list" → assignedToMe + overdueOnly. For a ranked list of accounts to work today use get_collector_worklist instead. Paged: follow nextCursor while hasMore.',
    parameters: SearchTasksInput,
    outputSchema: SearchTasksOutput,
    annotations: readOnly('Search tasks'),
  })
  @ToolScopes(['ar:read'])
  async searchTasks(
    @Payload() input: z.infer<typeof SearchTasksInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof SearchTasksOutput>>> {
    const { limit, cursor, view: shape, assignedToMe, ...filter } = input;
    const principal = principalOf(context);
    const assigneeUserIds = assignedToMe
      ? [...(filter.assigneeUserIds ?? []), principal.userId]
      : filter.assigneeUserIds;
    const page = await this.tasks.search(principal.orgId, { ...filter, assigneeUserIds }, { limit, cursor });
    const lines = page.items.map((t) => `- ${taskLine(t)}`);
    return toolResult(
      {
        items: page.items.map(shape === 'full' ? full : summarize),
        hasMore: page.hasMore,
        nextCursor: page.nextCursor,
      },
      ['Tasks:', ...lines, pageFooter(page, 'tasks')].join('\n'),
    );
  }

  @Tool({
    name: 'get_task',
    description:
      'One collections task in full: title, type, priority, status, due day (and whether it is overdue), the customer or invoice it is about, its assignee and description. Use before update_task, complete_task or reassign_task.',
    parameters: z.object({ taskId: id('task') }).strict(),
    outputSchema: z.object({ task: TaskFull }),
    annotations: readOnly('Get task'),
  })
  @ToolScopes(['ar:read'])
  async getTask(
    @Payload() input: { taskId: string },
    @Ctx() context: McpContext,
  ): Promise<ToolResult<{ task: z.infer<typeof TaskFull> }>> {
    const task = await this.tasks.getTask(principalOf(context).orgId, input.taskId);
    return toolResult({ task: full(task) }, taskLine(task));
  }
}
