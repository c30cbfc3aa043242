import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors/app-error';
import { preparedQuery } from '../../database/pooled-query';
import { ACTIVITY_BODY_PREVIEW } from '../activities/activity.queries';
import type { ActivityRow } from '../activities/activity.queries';
import type { DisputeRow } from '../disputes/dispute.queries';
import type { PromiseRow } from '../promises/promise.queries';
import { daysBetween, todayIn } from '../shared/calendar';
import {
  agingBucketAges,
  agingBucketOf,
  dateAtAge,
  idsContainingText,
  parseAgingBuckets,
  parseAmountRange,
  parseBoolean,
  parseCurrency,
  parseDate,
  parseDateRange,
  parseDaysRange,
  parseDirection,
  parseEnumList,
  parseSort,
  parseTags,
  parseText,
  parseUuid,
  parseUuidList,
  readFilter,
  requireText,
} from '../shared/filters';
import type { DateRange, NumberRange } from '../shared/filters';
import type { SortDirection } from '../shared/keyset';
import { isoDate, selectColumns, whereDateRange, whereNumberRange } from '../shared/keyset-search';
import type { SortSpec } from '../shared/keyset-search';
import { OrgSettingsReader } from '../shared/org-settings';
import type { OrgSettings } from '../shared/org-settings';
import type { Page } from '../shared/pagination';
import { DETAIL_LIST_LIMIT } from '../shared/read-scope';
import type { BoundedList, ReadScope } from '../shared/read-scope';
import { SearchQueries } from '../shared/search.queries';
import type { SearchDefinition, SearchQuery } from '../shared/search.queries';
import type { TaskRow } from '../tasks/task.queries';
import { INVOICE_STATUSES, OPEN_INVOICE_STATUSES } from './invoice.entity';
import type { InvoiceStatus } from './invoice.entity';

export const INVOICE_SORTS = [
  'due_date',
  'issue_date',
  'balance',
  'total',
  'number',
  'days_past_due',
] as const;
export type InvoiceSort = (typeof INVOICE_SORTS)[number];

export interface InvoiceFilter {
  status?: readonly InvoiceStatus[];
  /** Only invoices with a balance left to collect. */
  openOnly?: boolean;
  /** Only open invoices past their due date on `asOf`. */
  overdueOnly?: boolean;
  customerIds?: readonly string[];
  /** Invoices of customers these collectors own. */
  collectorUserIds?: readonly string[];
  issueDate?: DateRange;
  dueDate?: DateRange;
  total?: NumberRange;
  balance?: NumberRange;
  currency?: string;
  /** Open invoices whose days past due on `asOf` fall in the range (negative: not yet due). */
  daysPastDue?: NumberRange;
  /** Open invoices in any of these buckets of the organization's aging, e.g. ['61-90', '90+']. */
  agingBucket?: readonly string[];
  /** Any of these tags. */
  tags?: readonly string[];
  /** Has (true) or has no (false) open or in-review dispute. */
  disputed?: boolean;
  /** Is (true) or is not (false) covered by a pending promise to pay. */
  hasPromise?: boolean;
  /** Case-insensitive part of the invoice number, PO number or customer name. */
  text?: string;
  /** Day days past due and aging are measured on; defaults to today in the organization's zone. */
  asOf?: string;
  sort?: InvoiceSort;
  direction?: SortDirection;
}

export interface InvoiceRow {
  id: string;
  number: string;
  poNumber: string | null;
  customerId: string;
  customerName: string;
  status: InvoiceStatus;
  issueDate: string;
  dueDate: string;
  currency: string;
  total: number;
  amountPaid: number;
  amountCredited: number;
  amountWrittenOff: number;
  balance: number;
  closedOn: string | null;
  tags: string[];
  /** asOf − due date, for invoices with a balance; negative when not yet due; null when closed. */
  daysPastDue: number | null;
  /** Aging bucket on asOf (organization's basis and edges) for invoices with a balance. */
  agingBucket: string | null;
  disputed: boolean;
  hasPromise: boolean;
}

export type InvoicePage = Page<InvoiceRow> & { asOf: string };

export interface InvoiceLineRow {
  id: string;
  position: number;
  description: string;
  /** Decimal string: quantities may be fractional. */
  quantity: string;
  unitPrice: number;
  amount: number;
}

export interface InvoicePaymentApplication {
  id: string;
  paymentId: string;
  paymentNumber: string;
  paymentReceivedOn: string;
  paymentMethod: string;
  paymentReference: string | null;
  amount: number;
  appliedOn: string;
  /** Set when the application was reversed; the amount then no longer counts. */
  unappliedOn: string | null;
}

export interface InvoiceCreditApplication {
  id: string;
  creditMemoId: string;
  creditMemoNumber: string;
  creditMemoIssuedOn: string;
  amount: number;
  appliedOn: string;
}

export interface InvoiceDetail extends InvoiceRow {
  asOf: string;
  subsidiaryId: string | null;
  termsDays: number;
  memo: string | null;
  writtenOffOn: string | null;
  createdAt: string;
  updatedAt: string;
  customer: {
    id: string;
    name: string;
    externalId: string | null;
    currency: string;
    paymentTermsDays: number;
    collector: { userId: string; name: string } | null;
  };
  lines: InvoiceLineRow[];
  paymentApplications: InvoicePaymentApplication[];
  creditApplications: InvoiceCreditApplication[];
  disputes: DisputeRow[];
  /** Promises that cover this invoice, with the part of each promised for it. */
  promises: (PromiseRow & { amountForInvoice: number })[];
  activities: BoundedList<ActivityRow>;
  tasks: BoundedList<TaskRow>;
}

const FILTER_FIELDS = [
  'status',
  'openOnly',
  'overdueOnly',
  'customerIds',
  'collectorUserIds',
  'issueDate',
  'dueDate',
  'total',
  'balance',
  'currency',
  'daysPastDue',
  'agingBucket',
  'tags',
  'disputed',
  'hasPromise',
  'text',
  'asOf',
  'sort',
  'direction',
] as const satisfies readonly (keyof InvoiceFilter)[];

const SORTS: Record<InvoiceSort, SortSpec> = {
  due_date: { expression: 'i.due_date', kind: 'date', cursorExpression: isoDate('i.due_date') },
  issue_date: { expression: 'i.issue_date', kind: 'date', cursorExpression: isoDate('i.issue_date') },
  balance: { expression: 'i.balance', kind: 'integer' },
  total: { expression: 'i.total', kind: 'integer' },
  number: { expression: 'i.number', kind: 'text' },
  // Days past due grow as the due date recedes: sorting by them is sorting by due date reversed.
  days_past_due: {
    expression: 'i.due_date',
    kind: 'date',
    cursorExpression: isoDate('i.due_date'),
    reversed: true,
  },
};

const COLUMNS: Record<string, string> = {
  id: 'i.id',
  number: 'i.number',
  poNumber: 'i.po_number',
  customerId: 'i.customer_id',
  // A scalar subquery, not a join: PostgreSQL evaluates it after the sort and limit, for the
  // page's rows only, and the search itself stays a single-table index range.
  customerName: '(SELECT c.name FROM customers c WHERE c.org_id = i.org_id AND c.id = i.customer_id)',
  status: 'i.status',
  issueDate: isoDate('i.issue_date'),
  dueDate: isoDate('i.due_date'),
  currency: 'i.currency',
  total: 'i.total',
  amountPaid: 'i.amount_paid',
  amountCredited: 'i.amount_credited',
  amountWrittenOff: 'i.amount_written_off',
  balance: 'i.balance',
  closedOn: isoDate('i.closed_on'),
  tags: 'i.tags',
  // Kept on the invoice row by triggers on disputes and promises (docs/adr/0012).
  disputed: 'i.disputed',
  hasPromise: 'i.has_promise',
};

interface ParsedInvoiceFilter {
  status?: InvoiceStatus[];
  openOnly?: boolean;
  overdueOnly?: boolean;
  customerIds?: string[];
  collectorUserIds?: string[];
  issueDate?: DateRange;
  dueDate?: DateRange;
  total?: NumberRange;
  balance?: NumberRange;
  currency?: string;
  daysPastDue?: NumberRange;
  agingBucket?: string[];
  tags?: string[];
  disputed?: boolean;
  hasPromise?: boolean;
  text?: string;
  asOf: string;
  sort: InvoiceSort;
  direction: SortDirection;
}

function parseFilter(input: unknown, scope: ReadScope): ParsedInvoiceFilter {
  const f = readFilter(input, FILTER_FIELDS, 'invoice filter');
  return {
    status: parseEnumList(f.status, INVOICE_STATUSES, 'status'),
    openOnly: parseBoolean(f.openOnly, 'openOnly'),
    overdueOnly: parseBoolean(f.overdueOnly, 'overdueOnly'),
    customerIds: parseUuidList(f.customerIds, 'customerIds'),
    collectorUserIds: parseUuidList(f.collectorUserIds, 'collectorUserIds'),
    issueDate: parseDateRange(f.issueDate, 'issueDate'),
    dueDate: parseDateRange(f.dueDate, 'dueDate'),
    total: parseAmountRange(f.total, 'total'),
    balance: parseAmountRange(f.balance, 'balance'),
    currency: parseCurrency(f.currency, 'currency'),
    daysPastDue: parseDaysRange(f.daysPastDue, 'daysPastDue'),
    agingBucket: parseAgingBuckets(f.agingBucket, scope.settings),
    tags: parseTags(f.tags, 'tags'),
    disputed: parseBoolean(f.disputed, 'disputed'),
    hasPromise: parseBoolean(f.hasPromise, 'hasPromise'),
    text: parseText(f.text, 'text'),
    asOf: parseDate(f.asOf, 'asOf') ?? scope.today,
    sort: parseSort(f.sort, INVOICE_SORTS, 'due_date'),
    direction: parseDirection(f.direction, 'asc'),
  };
}

/** Only these filters change with the as-of day; otherwise a cursor survives midnight. */
function dependsOnAsOf(f: ParsedInvoiceFilter): boolean {
  return f.overdueOnly === true || f.daysPastDue !== undefined || f.agingBucket !== undefined;
}

function cursorShape(f: ParsedInvoiceFilter): object {
  const { asOf, ...rest } = f;
  return { ...rest, asOf: dependsOnAsOf(f) ? asOf : null };
}

function invoiceAge(
  row: { dueDate: string; issueDate: string },
  asOf: string,
  settings: OrgSettings,
): number {
  return daysBetween(settings.agingBasis === 'invoice_date' ? row.issueDate : row.dueDate, asOf);
}

function toInvoiceRow(raw: Record<string, unknown>, asOf: string, settings: OrgSettings): InvoiceRow {
  const row = { ...raw } as unknown as InvoiceRow;
  const open = row.balance > 0;
  row.daysPastDue = open ? daysBetween(row.dueDate, asOf) : null;
  row.agingBucket = open ? agingBucketOf(invoiceAge(row, asOf, settings), settings.agingBucketEdges) : null;
  return row;
}

/** FROM, joins and WHERE of a search; callers add the select list (or a count). */
function filtered(scope: ReadScope, f: ParsedInvoiceFilter): SearchQuery {
  const qb = scope.manager
    .createQueryBuilder()
    .from('invoices', 'i')
    .where('i.org_id = :orgId', { orgId: scope.orgId });
  const { asOf } = f;

  // One status is an equality, an ordered range of IDX_invoices_open_status for open statuses.
  // Several are compared as text on purpose: an "= ANY" on an index column after the leading
  // ones makes PostgreSQL (before 17) give up the index order and sort, while as a plain filter
  // the keyset range scan stays ordered and stops after n+1 rows.
  if (f.status?.length === 1)
    qb.andWhere('i.status = CAST(:status AS invoice_status)', { status: f.status[0] });
  else if (f.status) qb.andWhere('CAST(i.status AS text) = ANY(:status)', { status: f.status });
  // Open statuses carry a balance by definition; saying so lets the planner use the small
  // partial indexes over open invoices instead of walking the whole history.
  const onlyOpenStatuses = f.status?.every((s) => OPEN_INVOICE_STATUSES.includes(s)) ?? false;
  if (f.openOnly || f.overdueOnly || f.daysPastDue || f.agingBucket || onlyOpenStatuses) {
    qb.andWhere('i.balance > 0');
  }
  if (f.overdueOnly) qb.andWhere('i.due_date < :asOf', { asOf });
  if (f.customerIds?.length === 1) {
    // Equality keeps (org_id, customer_id, due_date) an ordered range for one customer.
    qb.andWhere('i.customer_id = :customerId', { customerId: f.customerIds[0] });
  } else if (f.customerIds) {
    qb.andWhere('i.customer_id = ANY(:customerIds)', { customerIds: f.customerIds });
  }
  if (f.collectorUserIds) {
    qb.andWhere(
      `EXISTS (SELECT 1 FROM customers cc WHERE cc.org_id = i.org_id AND cc.id = i.customer_id
                 AND cc.collector_user_id = ANY(:collectorUserIds))`,
      { collectorUserIds: f.collectorUserIds },
    );
  }
  whereDateRange(qb, 'i.issue_date', 'issueDate', f.issueDate);
  whereDateRange(qb, 'i.due_date', 'dueDate', f.dueDate);
  whereNumberRange(qb, 'i.total', 'total', f.total);
  whereNumberRange(qb, 'i.balance', 'balance', f.balance);
  if (f.currency) qb.andWhere('i.currency = :currency', { currency: f.currency });
  if (f.daysPastDue) {
    // As due-date bounds, so the (org_id, due_date) index serves the range.
    const { min, max } = f.daysPastDue;
    whereDateRange(qb, 'i.due_date', 'pastDue', {
      from: max === undefined ? undefined : dateAtAge(asOf, max),
      to: min === undefined ? undefined : dateAtAge(asOf, min),
    });
  }
  if (f.agingBucket) {
    // Adjacent buckets merge into one date range, so "1-30 and 31-60" is a single index range.
    const column = scope.settings.agingBasis === 'invoice_date' ? 'i.issue_date' : 'i.due_date';
    const ranges = mergeAgeRanges(
      f.agingBucket.map((b) => agingBucketAges(b, scope.settings.agingBucketEdges)),
    );
    const parts = ranges.map(({ min, max }, n) => {
      const bounds: string[] = [];
      if (max !== undefined) {
        bounds.push(`${column} >= :bucketFrom${n}`);
        qb.setParameter(`bucketFrom${n}`, dateAtAge(asOf, max));
      }
      if (min !== undefined) {
        bounds.push(`${column} <= :bucketTo${n}`);
        qb.setParameter(`bucketTo${n}`, dateAtAge(asOf, min));
      }
      return bounds.join(' AND ');
    });
    qb.andWhere(parts.length === 1 ? parts[0] : `(${parts.map((p) => `(${p})`).join(' OR ')})`);
  }
  if (f.tags) qb.andWhere('i.tags && CAST(:tags AS text[])', { tags: f.tags });
  // Literals, not parameters: the planner matches them to the partial indexes on each flag.
  if (f.disputed !== undefined) qb.andWhere(f.disputed ? 'i.disputed' : 'NOT i.disputed');
  if (f.hasPromise !== undefined) qb.andWhere(f.hasPromise ? 'i.has_promise' : 'NOT i.has_promise');
  if (f.text) {
    const matching = idsContainingText(f.text, {
      table: 'invoices',
      idColumn: 'i.id',
      columns: ['number', 'po_number'],
      customerColumn: 'customer_id',
    });
    qb.andWhere(matching.sql, matching.parameters);
  }
  return qb;
}

const INVOICE_SEARCH: SearchDefinition<ParsedInvoiceFilter, InvoiceRow, InvoicePage> = {
  name: 'invoices',
  parse: parseFilter,
  cursorShape,
  sorts: SORTS,
  idColumn: 'i.id',
  references: (f) => [
    ['customer', f.customerIds],
    ['user', f.collectorUserIds],
  ],
  filtered,
  select: (qb) => selectColumns(qb, COLUMNS),
  toRow: (raw, f, scope) => toInvoiceRow(raw, f.asOf, scope.settings),
  finish: (_scope, f, page) => Promise.resolve({ ...page, asOf: f.asOf }),
};

/**
 * Invoice search and the invoice detail view. Pages are keyset ranges on an (org_id, sort key, id)
 * index with LIMIT n+1, so a page costs the same on the millionth invoice as on the first; filters
 * are ranges on those indexes or cheap per-row checks. `text` (ILIKE '%…%') goes through the
 * trigram indexes; a rare `tags` value still scans (see bench/README.md).
 */
@Injectable()
export class InvoiceQueries extends SearchQueries<
  InvoiceFilter,
  ParsedInvoiceFilter,
  InvoiceRow,
  InvoicePage
> {
  // The detail view reads its lists in its own statement (detailStatements), not through the list
  // services: invoice-detail.integration-spec holds the two to the same rows.
  constructor(dataSource: DataSource, settings: OrgSettingsReader) {
    super(dataSource, settings, INVOICE_SEARCH);
  }

  async getInvoice(orgId: string, id: string, options: { asOf?: string } = {}): Promise<InvoiceDetail> {
    const invoiceId = parseUuid(id, 'invoiceId');
    const read = await this.readDetail(orgId, 'id', invoiceId);
    const day = detailDay(read.settings, options);
    if (!read.raw) throw new NotFoundError('invoice', invoiceId);
    return toDetail(read.raw, read.settings, day);
  }

  /** Invoice numbers are matched exactly (they are unique per organization). */
  async getInvoiceByNumber(
    orgId: string,
    number: string,
    options: { asOf?: string } = {},
  ): Promise<InvoiceDetail> {
    const wanted = requireText(number, 'number');
    const read = await this.readDetail(orgId, 'number', wanted);
    if (!read.raw) {
      const error = new NotFoundError('invoice', wanted);
      error.message = `No invoice numbered "${wanted}" exists in this organization; numbers must match exactly, or search invoices by text.`;
      throw error;
    }
    return toDetail(read.raw, read.settings, detailDay(read.settings, options));
  }

  /**
   * The organization's settings and the whole detail view in ONE statement: one snapshot, so the
   * balances and lists agree with each other as in a REPEATABLE READ transaction, without the
   * BEGIN/SET/COMMIT and the dozen statements of reading each list through its query service
   * (bench/README.md, MCP). Straight on the pg pool (no TypeORM query runner per call) and
   * prepared: a lookup by key, parsed and planned once per connection.
   */
  private async readDetail(
    orgId: string,
    by: 'id' | 'number',
    key: string,
  ): Promise<{ settings: OrgSettings; raw: Record<string, unknown> | undefined }> {
    const id = parseUuid(orgId, 'orgId');
    const [row] = await preparedQuery<Record<string, unknown>>(this.dataSource, DETAIL_SQL[by], [id, key]);
    if (!row) throw new NotFoundError('organization', id);
    const { settingsId, settingsName, baseCurrency, timeZone, agingBasis, agingBucketEdges, ...raw } = row;
    const settings = {
      id: settingsId,
      name: settingsName,
      baseCurrency,
      timeZone,
      agingBasis,
      agingBucketEdges,
    } as OrgSettings;
    return { settings, raw: raw.id === null ? undefined : raw };
  }
}

/**
 * The detail view's statement. Column lists mirror the list services' (DisputeQueries,
 * PromiseQueries, ActivityQueries, TaskQueries: same columns, joins, order and limits as their
 * searchWithin calls the detail view used to make); invoice-detail.integration-spec compares them.
 * Timestamps are rendered as JavaScript's toISOString() renders the driver's Date (milliseconds
 * truncated), JSON numbers for bigint money as parseInt8 gives.
 */
const isoMillis = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A column of a detail list: its key and the SQL that reads it. The list services join customers,
 * invoices and users for names; here those are scalar lookups by primary key, which the foreign
 * keys make equivalent (an inner-joined customer always exists) and which PostgreSQL plans in a
 * fraction of the time of four-table joins.
 */
type Column = [key: string, sql: string];

const jsonObject = (columns: Column[]): string =>
  `json_build_object(${columns.map(([key, sql]) => `'${key}', ${sql}`).join(', ')})`;

/**
 * The first `limit` rows of a list in the list service's order, and with `counted` the number of
 * all of them (a window count over the same scan: no second query).
 */
function listSql(rowJson: string, from: string, order: string, limit: number, counted: boolean): string {
  const page = `SELECT ${rowJson} AS r, row_number() OVER (ORDER BY ${order}) AS n${counted ? ', count(*) OVER () AS total' : ''}
                  ${from} ORDER BY ${order} LIMIT ${limit}`;
  const items = `coalesce(json_agg(page.r ORDER BY page.n), '[]'::json)`;
  return counted
    ? `(SELECT json_build_object('items', ${items}, 'count', coalesce(max(page.total), 0)) FROM (${page}) page)`
    : `(SELECT ${items} FROM (${page}) page)`;
}

const customerName = (alias: string): string =>
  `(SELECT cn.name FROM customers cn WHERE cn.org_id = ${alias}.org_id AND cn.id = ${alias}.customer_id)`;
const userName = (column: string): string => `(SELECT un.name FROM users un WHERE un.id = ${column})`;

const DETAIL_COLUMNS: Column[] = Object.entries({
  ...COLUMNS,
  subsidiaryId: 'i.subsidiary_id',
  termsDays: 'i.terms_days',
  memo: 'i.memo',
  writtenOffOn: isoDate('i.written_off_on'),
  createdAt: 'i.created_at',
  updatedAt: 'i.updated_at',
  customerExternalId: 'c.external_id',
  customerCurrency: 'c.currency',
  customerTermsDays: 'c.payment_terms_days',
  collectorUserId: 'c.collector_user_id',
  collectorName: 'u.name',
});

/** In the detail, the list's invoice is `i` itself. */
const DISPUTE_ROW: Column[] = [
  ['id', 'd.id'],
  ['invoiceId', 'd.invoice_id'],
  ['invoiceNumber', 'i.number'],
  ['customerId', 'd.customer_id'],
  ['customerName', customerName('d')],
  ['amount', 'd.amount'],
  ['currency', 'd.currency'],
  ['reason', 'd.reason'],
  ['status', 'd.status'],
  ['description', 'd.description'],
  ['ownerUserId', 'd.owner_user_id'],
  ['ownerName', userName('d.owner_user_id')],
  ['openedOn', isoDate('d.opened_on')],
  ['resolvedOn', isoDate('d.resolved_on')],
  ['resolution', 'd.resolution'],
  ['creditMemoId', 'd.credit_memo_id'],
];

const PROMISE_ROW: Column[] = [
  ['id', 'p.id'],
  ['customerId', 'p.customer_id'],
  ['customerName', customerName('p')],
  ['contactId', 'p.contact_id'],
  ['contactName', '(SELECT ct.name FROM contacts ct WHERE ct.org_id = p.org_id AND ct.id = p.contact_id)'],
  ['amount', 'p.amount'],
  ['currency', 'p.currency'],
  ['promisedOn', isoDate('p.promised_on')],
  ['status', 'p.status'],
  ['source', 'p.source'],
  ['note', 'p.note'],
  ['createdByUserId', 'p.created_by_user_id'],
  ['createdAt', isoMillis('p.created_at')],
];

/** Added after the row, as PromiseQueries attaches them. */
const PROMISE_INVOICES = `coalesce((SELECT json_agg(json_build_object('invoiceId', pi.invoice_id, 'invoiceNumber', pinv.number, 'amount', pi.amount) ORDER BY pinv.number)
                 FROM promise_invoices pi
                 JOIN invoices pinv ON pinv.org_id = pi.org_id AND pinv.id = pi.invoice_id
                WHERE pi.org_id = p.org_id AND pi.promise_id = p.id), '[]'::json)`;

const ACTIVITY_ROW: Column[] = [
  ['id', 'a.id'],
  ['customerId', 'a.customer_id'],
  ['customerName', customerName('a')],
  ['invoiceId', 'a.invoice_id'],
  ['invoiceNumber', 'i.number'],
  ['type', 'a.type'],
  ['subject', 'a.subject'],
  ['body', `left(a.body, ${ACTIVITY_BODY_PREVIEW})`],
  ['bodyTruncated', `length(a.body) > ${ACTIVITY_BODY_PREVIEW}`],
  ['authorUserId', 'a.author_user_id'],
  ['authorName', userName('a.author_user_id')],
  ['occurredAt', isoMillis('a.occurred_at')],
];

/** `overdue` compares with today in the organization's zone: set in toDetail, after the read. */
const TASK_ROW: Column[] = [
  ['id', 't.id'],
  ['title', 't.title'],
  ['description', 't.description'],
  ['type', 't.type'],
  ['priority', 't.priority'],
  ['status', 't.status'],
  ['dueOn', isoDate('t.due_on')],
  ['overdue', 'false'],
  ['customerId', 't.customer_id'],
  ['customerName', customerName('t')],
  ['invoiceId', 't.invoice_id'],
  ['invoiceNumber', 'i.number'],
  ['assigneeUserId', 't.assignee_user_id'],
  ['assigneeName', userName('t.assignee_user_id')],
  ['createdAt', isoMillis('t.created_at')],
  ['completedAt', isoMillis('t.completed_at')],
];

/** Lists longer than this in a detail view are cut (the list services' page size limit). */
const DETAIL_ALL_LIMIT = 500;

function detailStatements(): Record<'id' | 'number', string> {
  const promise: Column[] = [...PROMISE_ROW, ['invoices', PROMISE_INVOICES]];
  const sql = (match: string): string => `
SELECT o.id AS "settingsId", o.name AS "settingsName", o.base_currency AS "baseCurrency",
       o.time_zone AS "timeZone", o.aging_basis AS "agingBasis", o.aging_bucket_edges AS "agingBucketEdges",
       detail.*
  FROM organizations o
  LEFT JOIN LATERAL (
    SELECT ${DETAIL_COLUMNS.map(([key, sql]) => `${sql} AS "${key}"`).join(', ')},
      coalesce((SELECT json_agg(${jsonObject([
        ['id', 'l.id'],
        ['position', 'l.position'],
        ['description', 'l.description'],
        ['quantity', 'l.quantity::text'],
        ['unitPrice', 'l.unit_price'],
        ['amount', 'l.amount'],
      ])} ORDER BY l.position)
                  FROM invoice_lines l WHERE l.org_id = i.org_id AND l.invoice_id = i.id), '[]'::json) AS "detailLines",
      coalesce((SELECT json_agg(${jsonObject([
        ['id', 'pa.id'],
        ['paymentId', 'pa.payment_id'],
        ['paymentNumber', 'pay.number'],
        ['paymentReceivedOn', isoDate('pay.received_on')],
        ['paymentMethod', 'pay.method'],
        ['paymentReference', 'pay.reference'],
        ['amount', 'pa.amount'],
        ['appliedOn', isoDate('pa.applied_on')],
        ['unappliedOn', isoDate('pa.unapplied_on')],
      ])} ORDER BY pa.applied_on, pa.id)
                  FROM payment_applications pa
                  JOIN payments pay ON pay.org_id = pa.org_id AND pay.id = pa.payment_id
                 WHERE pa.org_id = i.org_id AND pa.invoice_id = i.id), '[]'::json) AS "detailPayments",
      coalesce((SELECT json_agg(${jsonObject([
        ['id', 'ca.id'],
        ['creditMemoId', 'ca.credit_memo_id'],
        ['creditMemoNumber', 'm.number'],
        ['creditMemoIssuedOn', isoDate('m.issued_on')],
        ['amount', 'ca.amount'],
        ['appliedOn', isoDate('ca.applied_on')],
      ])} ORDER BY ca.applied_on, ca.id)
                  FROM credit_applications ca
                  JOIN credit_memos m ON m.org_id = ca.org_id AND m.id = ca.credit_memo_id
                 WHERE ca.org_id = i.org_id AND ca.invoice_id = i.id), '[]'::json) AS "detailCredits",
      ${listSql(
        jsonObject(DISPUTE_ROW),
        'FROM disputes d WHERE d.org_id = i.org_id AND d.invoice_id = i.id',
        'd.opened_on ASC, d.id ASC',
        DETAIL_ALL_LIMIT,
        false,
      )} AS "detailDisputes",
      ${listSql(
        jsonObject(promise),
        // A promise covers an invoice at most once (promise_invoices' key), so no promise repeats.
        `FROM promise_invoices pix
           JOIN promises_to_pay p ON p.org_id = pix.org_id AND p.id = pix.promise_id
          WHERE pix.org_id = i.org_id AND pix.invoice_id = i.id`,
        'p.promised_on ASC, p.id ASC',
        DETAIL_ALL_LIMIT,
        false,
      )} AS "detailPromises",
      ${listSql(
        jsonObject(ACTIVITY_ROW),
        'FROM activities a WHERE a.org_id = i.org_id AND a.invoice_id = i.id',
        'a.occurred_at DESC, a.id DESC',
        DETAIL_LIST_LIMIT,
        true,
      )} AS "detailActivities",
      ${listSql(
        jsonObject(TASK_ROW),
        'FROM tasks t WHERE t.org_id = i.org_id AND t.invoice_id = i.id',
        "COALESCE(t.due_on, DATE '9999-12-31') ASC, t.id ASC",
        DETAIL_LIST_LIMIT,
        true,
      )} AS "detailTasks"
      FROM invoices i
      JOIN customers c ON c.org_id = i.org_id AND c.id = i.customer_id
      LEFT JOIN users u ON u.id = c.collector_user_id
     WHERE i.org_id = o.id AND ${match}
  ) detail ON true
 WHERE o.id = $1`;
  return { id: sql('i.id = $2'), number: sql('i.number = $2') };
}

const DETAIL_SQL = detailStatements();

interface BoundedRows<T> {
  items: T[];
  count: number;
}

/** Today in the organization's zone, and the day the detail is measured on (asOf, or today). */
function detailDay(settings: OrgSettings, options: { asOf?: string }): { today: string; asOf: string } {
  const today = todayIn(settings.timeZone);
  return { today, asOf: parseDate(options.asOf, 'asOf') ?? today };
}

/** The statement's row as the detail view: the same object the list services' rows made. */
function toDetail(
  raw: Record<string, unknown>,
  settings: OrgSettings,
  { today, asOf }: { today: string; asOf: string },
): InvoiceDetail {
  const {
    customerExternalId,
    customerCurrency,
    customerTermsDays,
    collectorUserId,
    collectorName,
    detailLines,
    detailPayments,
    detailCredits,
    detailDisputes,
    detailPromises,
    detailActivities,
    detailTasks,
    ...own
  } = raw;
  const row = toInvoiceRow(own, asOf, settings);
  const invoiceId = row.id;
  const disputes = detailDisputes as DisputeRow[];
  const promises = detailPromises as PromiseRow[];
  const activities = detailActivities as BoundedRows<ActivityRow>;
  const tasks = detailTasks as BoundedRows<TaskRow>;
  for (const task of tasks.items)
    task.overdue = task.status === 'open' && task.dueOn !== null && task.dueOn < today;
  return {
    ...row,
    asOf,
    subsidiaryId: own.subsidiaryId as string | null,
    termsDays: own.termsDays as number,
    memo: own.memo as string | null,
    writtenOffOn: own.writtenOffOn as string | null,
    createdAt: (own.createdAt as Date).toISOString(),
    updatedAt: (own.updatedAt as Date).toISOString(),
    customer: {
      id: row.customerId,
      name: row.customerName,
      externalId: customerExternalId as string | null,
      currency: customerCurrency as string,
      paymentTermsDays: customerTermsDays as number,
      collector: collectorUserId
        ? { userId: collectorUserId as string, name: collectorName as string }
        : null,
    },
    lines: detailLines as InvoiceLineRow[],
    paymentApplications: detailPayments as InvoicePaymentApplication[],
    creditApplications: detailCredits as InvoiceCreditApplication[],
    disputes,
    promises: promises.map((p) => ({
      ...p,
      amountForInvoice: p.invoices.find((i) => i.invoiceId === invoiceId)?.amount ?? 0,
    })),
    activities: { items: activities.items, totalCount: activities.count },
    tasks: { items: tasks.items, totalCount: tasks.count },
  };
}

/** Sorts age ranges and joins those that touch: [1,30] and [31,60] become [1,60]. */
function mergeAgeRanges(ranges: NumberRange[]): NumberRange[] {
  const low = (r: NumberRange): number => r.min ?? -Infinity;
  const merged: NumberRange[] = [];
  for (const range of [...ranges].sort((a, b) => low(a) - low(b))) {
    const last = merged.at(-1);
    if (last && (last.max === undefined || low(range) <= last.max + 1)) {
      last.max =
        last.max === undefined || range.max === undefined ? undefined : Math.max(last.max, range.max);
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}
