import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  containsPattern,
  parseBoolean,
  parseDateRange,
  parseDirection,
  parseEnumList,
  parseSort,
  parseText,
  parseUuidList,
  readFilter,
} from '../shared/filters';
import type { DateRange } from '../shared/filters';
import type { SortDirection } from '../shared/keyset';
import { isoDate, isoTimestamp, selectColumns, whereDateRange } from '../shared/keyset-search';
import type { SortSpec } from '../shared/keyset-search';
import { OrgSettingsReader } from '../shared/org-settings';
import type { ReadScope } from '../shared/read-scope';
import { SearchQueries } from '../shared/search.queries';
import type { SearchDefinition, SearchQuery } from '../shared/search.queries';
import { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES } from './task.entity';
import type { TaskPriority, TaskStatus, TaskType } from './task.entity';

export const TASK_SORTS = ['due_on', 'priority', 'created_at'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export interface TaskFilter {
  status?: readonly TaskStatus[];
  /** Only tasks still to do. */
  openOnly?: boolean;
  /** Only open tasks whose due day is before today (organization's time zone). */
  overdueOnly?: boolean;
  assigneeUserIds?: readonly string[];
  /** Only tasks nobody is assigned to (true) or only assigned ones (false). */
  unassigned?: boolean;
  customerIds?: readonly string[];
  invoiceIds?: readonly string[];
  dueOn?: DateRange;
  type?: readonly TaskType[];
  priority?: readonly TaskPriority[];
  /** Case-insensitive part of the title or description. */
  text?: string;
  /** due_on puts tasks without a due day last (ascending); priority orders low < normal < high < urgent. */
  sort?: TaskSort;
  direction?: SortDirection;
}

export interface TaskRow {
  id: string;
  title: string;
  description: string | null;
  type: TaskType;
  priority: TaskPriority;
  status: TaskStatus;
  dueOn: string | null;
  /** Open and due before today. */
  overdue: boolean;
  customerId: string | null;
  customerName: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  assigneeUserId: string | null;
  assigneeName: string | null;
  createdAt: string;
  completedAt: string | null;
}

const FILTER_FIELDS = [
  'status',
  'openOnly',
  'overdueOnly',
  'assigneeUserIds',
  'unassigned',
  'customerIds',
  'invoiceIds',
  'dueOn',
  'type',
  'priority',
  'text',
  'sort',
  'direction',
] as const satisfies readonly (keyof TaskFilter)[];

// The key must never be NULL for keyset comparisons: undated tasks sort as if due at the end of time.
const DUE_KEY = "COALESCE(t.due_on, DATE '9999-12-31')";

const SORTS: Record<TaskSort, SortSpec> = {
  due_on: { expression: DUE_KEY, kind: 'date', cursorExpression: isoDate(DUE_KEY) },
  priority: { expression: 't.priority', kind: TASK_PRIORITIES },
  created_at: {
    expression: 't.created_at',
    kind: 'timestamp',
    cursorExpression: isoTimestamp('t.created_at'),
  },
};

const COLUMNS: Record<string, string> = {
  id: 't.id',
  title: 't.title',
  description: 't.description',
  type: 't.type',
  priority: 't.priority',
  status: 't.status',
  dueOn: isoDate('t.due_on'),
  overdue: "(t.status = 'open' AND t.due_on < CAST(:today AS date))",
  customerId: 't.customer_id',
  customerName: 'c.name',
  invoiceId: 't.invoice_id',
  invoiceNumber: 'inv.number',
  assigneeUserId: 't.assignee_user_id',
  assigneeName: 'u.name',
  createdAt: 't.created_at',
  completedAt: 't.completed_at',
};

type ParsedTaskFilter = ReturnType<typeof parseFilter>;

function parseFilter(input: unknown) {
  const f = readFilter(input, FILTER_FIELDS, 'task filter');
  return {
    status: parseEnumList(f.status, TASK_STATUSES, 'status'),
    openOnly: parseBoolean(f.openOnly, 'openOnly'),
    overdueOnly: parseBoolean(f.overdueOnly, 'overdueOnly'),
    assigneeUserIds: parseUuidList(f.assigneeUserIds, 'assigneeUserIds'),
    unassigned: parseBoolean(f.unassigned, 'unassigned'),
    customerIds: parseUuidList(f.customerIds, 'customerIds'),
    invoiceIds: parseUuidList(f.invoiceIds, 'invoiceIds'),
    dueOn: parseDateRange(f.dueOn, 'dueOn'),
    type: parseEnumList(f.type, TASK_TYPES, 'type'),
    priority: parseEnumList(f.priority, TASK_PRIORITIES, 'priority'),
    text: parseText(f.text, 'text'),
    sort: parseSort(f.sort, TASK_SORTS, 'due_on'),
    direction: parseDirection(f.direction, 'asc'),
  };
}

function toTaskRow(raw: Record<string, unknown>): TaskRow {
  return {
    ...(raw as unknown as TaskRow),
    overdue: raw.overdue === true,
    createdAt: (raw.createdAt as Date).toISOString(),
    completedAt: raw.completedAt ? (raw.completedAt as Date).toISOString() : null,
  };
}

function filtered(scope: ReadScope, f: ParsedTaskFilter): SearchQuery {
  const qb = scope.manager
    .createQueryBuilder()
    .from('tasks', 't')
    .leftJoin('customers', 'c', 'c.org_id = t.org_id AND c.id = t.customer_id')
    .leftJoin('invoices', 'inv', 'inv.org_id = t.org_id AND inv.id = t.invoice_id')
    .leftJoin('users', 'u', 'u.id = t.assignee_user_id')
    .where('t.org_id = :orgId', { orgId: scope.orgId });
  if (f.status) qb.andWhere('t.status = ANY(:status)', { status: f.status });
  if (f.openOnly || f.overdueOnly) qb.andWhere("t.status = 'open'");
  if (f.overdueOnly) qb.andWhere('t.due_on < :today', { today: scope.today });
  if (f.assigneeUserIds) {
    qb.andWhere('t.assignee_user_id = ANY(:assigneeUserIds)', { assigneeUserIds: f.assigneeUserIds });
  }
  if (f.unassigned !== undefined) {
    qb.andWhere(f.unassigned ? 't.assignee_user_id IS NULL' : 't.assignee_user_id IS NOT NULL');
  }
  if (f.customerIds) qb.andWhere('t.customer_id = ANY(:customerIds)', { customerIds: f.customerIds });
  if (f.invoiceIds) qb.andWhere('t.invoice_id = ANY(:invoiceIds)', { invoiceIds: f.invoiceIds });
  whereDateRange(qb, 't.due_on', 'dueOn', f.dueOn);
  if (f.type) qb.andWhere('t.type = ANY(:type)', { type: f.type });
  if (f.priority) qb.andWhere('t.priority = ANY(:priority)', { priority: f.priority });
  if (f.text)
    qb.andWhere('(t.title ILIKE :text OR t.description ILIKE :text)', { text: containsPattern(f.text) });
  return qb;
}

const TASK_SEARCH: SearchDefinition<ParsedTaskFilter, TaskRow> = {
  name: 'tasks',
  parse: parseFilter,
  // Today only changes the rows of an overdueOnly search; otherwise a cursor survives midnight.
  cursorShape: (f, scope) => ({ ...f, today: f.overdueOnly ? scope.today : null }),
  sorts: SORTS,
  idColumn: 't.id',
  references: (f) => [
    ['customer', f.customerIds],
    ['invoice', f.invoiceIds],
    ['user', f.assigneeUserIds],
  ],
  filtered,
  // The overdue column compares with today in the organization's time zone.
  select: (qb, scope) => selectColumns(qb, COLUMNS).setParameter('today', scope.today),
  toRow: toTaskRow,
};

@Injectable()
export class TaskQueries extends SearchQueries<TaskFilter, ParsedTaskFilter, TaskRow> {
  constructor(dataSource: DataSource, settings: OrgSettingsReader) {
    super(dataSource, settings, TASK_SEARCH);
  }

  getTask(orgId: string, id: string): Promise<TaskRow> {
    return this.getRow(orgId, 'task', id);
  }
}
