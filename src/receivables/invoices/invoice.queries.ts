import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors/app-error';
import { ActivityQueries } from '../activities/activity.queries';
import type { ActivityRow } from '../activities/activity.queries';
import { DisputeQueries } from '../disputes/dispute.queries';
import type { DisputeRow } from '../disputes/dispute.queries';
import { ACTIVE_DISPUTE_STATUSES } from '../disputes/dispute.entity';
import { PromiseQueries } from '../promises/promise.queries';
import type { PromiseRow } from '../promises/promise.queries';
import { daysBetween } from '../shared/calendar';
import {
  agingBucketAges,
  agingBucketOf,
  containsPattern,
  dateAtAge,
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
import { boundedList, DETAIL_LIST_LIMIT, readConsistently } from '../shared/read-scope';
import type { BoundedList, ReadScope } from '../shared/read-scope';
import { SearchQueries } from '../shared/search.queries';
import type { SearchDefinition, SearchQuery } from '../shared/search.queries';
import { TaskQueries } from '../tasks/task.queries';
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

const ACTIVE_DISPUTES = ACTIVE_DISPUTE_STATUSES.map((s) => `'${s}'`).join(', ');

/** "Has an open or in-review dispute" and "a pending promise covers it", for the invoice row `i`. */
const DISPUTED_SQL = `EXISTS (SELECT 1 FROM disputes d WHERE d.org_id = i.org_id AND d.invoice_id = i.id AND d.status IN (${ACTIVE_DISPUTES}))`;
const HAS_PROMISE_SQL = `EXISTS (SELECT 1 FROM promise_invoices pi JOIN promises_to_pay pp ON pp.org_id = pi.org_id AND pp.id = pi.promise_id WHERE pi.org_id = i.org_id AND pi.invoice_id = i.id AND pp.status = 'pending')`;
/**
 * The same sets as id lists, for filtering. Active disputes and pending promises are few next to
 * invoices, so fetching those invoices by primary key and sorting them beats walking the sort
 * index until enough of them turn up (they cluster among recent, open invoices).
 */
const DISPUTED_IDS = `ARRAY(SELECT d.invoice_id FROM disputes d WHERE d.org_id = :orgId AND d.status IN (${ACTIVE_DISPUTES}))`;
const PROMISED_IDS = `ARRAY(SELECT pi.invoice_id FROM promise_invoices pi JOIN promises_to_pay pp ON pp.org_id = pi.org_id AND pp.id = pi.promise_id WHERE pi.org_id = :orgId AND pp.status = 'pending')`;

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
  const row = { ...raw, disputed: false, hasPromise: false } as unknown as InvoiceRow;
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

  // Compared as text on purpose: an "= ANY" on an index column after the leading ones makes
  // PostgreSQL (before 17) give up the index order and sort, while as a plain filter the
  // keyset range scan stays ordered and stops after n+1 rows.
  if (f.status) qb.andWhere('CAST(i.status AS text) = ANY(:status)', { status: f.status });
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
  if (f.disputed !== undefined)
    qb.andWhere(f.disputed ? `i.id = ANY(${DISPUTED_IDS})` : `NOT ${DISPUTED_SQL}`);
  if (f.hasPromise !== undefined)
    qb.andWhere(f.hasPromise ? `i.id = ANY(${PROMISED_IDS})` : `NOT ${HAS_PROMISE_SQL}`);
  if (f.text) {
    // The matching ids are fetched first, each branch through its trigram index, and then paged
    // in sort order. Written as one OR, the planner walks the sort index and tests ILIKE on every
    // invoice instead (seconds at a million invoices; bench/README.md).
    qb.andWhere(
      `i.id = ANY(ARRAY(
         SELECT ti.id FROM invoices ti WHERE ti.org_id = :orgId AND ti.number ILIKE :text
         UNION SELECT ti.id FROM invoices ti WHERE ti.org_id = :orgId AND ti.po_number ILIKE :text
         UNION SELECT ti.id FROM invoices ti WHERE ti.org_id = :orgId AND ti.customer_id = ANY(ARRAY(
           SELECT tc.id FROM customers tc WHERE tc.org_id = :orgId AND tc.name ILIKE :text))))`,
      { text: containsPattern(f.text) },
    );
  }
  return qb;
}

/**
 * Derived flags for one page, in a second small query driven by the page's ids through the
 * (org_id, invoice_id) indexes. In the search's select list PostgreSQL plans them for every
 * candidate row and hashes every active dispute and promise, whatever the page size.
 */
async function attachFlags(scope: ReadScope, rows: InvoiceRow[]): Promise<void> {
  if (rows.length === 0) return;
  const flagged = await scope.manager.query<{ flag: 'disputed' | 'promised'; id: string }[]>(
    `SELECT 'disputed' AS flag, d.invoice_id AS id FROM disputes d
      WHERE d.org_id = $1 AND d.invoice_id = ANY($2::uuid[]) AND d.status IN (${ACTIVE_DISPUTES})
     UNION
     SELECT 'promised', pi.invoice_id FROM promise_invoices pi
       JOIN promises_to_pay pp ON pp.org_id = pi.org_id AND pp.id = pi.promise_id
      WHERE pi.org_id = $1 AND pi.invoice_id = ANY($2::uuid[]) AND pp.status = 'pending'`,
    [scope.orgId, rows.map((r) => r.id)],
  );
  const disputed = new Set(flagged.filter((f) => f.flag === 'disputed').map((f) => f.id));
  const promised = new Set(flagged.filter((f) => f.flag === 'promised').map((f) => f.id));
  for (const row of rows) {
    row.disputed = disputed.has(row.id);
    row.hasPromise = promised.has(row.id);
  }
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
  finish: async (scope, f, page) => {
    await attachFlags(scope, page.items);
    return { ...page, asOf: f.asOf };
  },
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
  constructor(
    dataSource: DataSource,
    settings: OrgSettingsReader,
    private readonly disputes: DisputeQueries,
    private readonly promises: PromiseQueries,
    private readonly activities: ActivityQueries,
    private readonly tasks: TaskQueries,
  ) {
    super(dataSource, settings, INVOICE_SEARCH);
  }

  async getInvoice(orgId: string, id: string, options: { asOf?: string } = {}): Promise<InvoiceDetail> {
    const invoiceId = parseUuid(id, 'invoiceId');
    return readConsistently(this.dataSource, this.settings, orgId, (scope) =>
      this.detail(scope, invoiceId, options),
    );
  }

  /** Invoice numbers are matched exactly (they are unique per organization). */
  async getInvoiceByNumber(
    orgId: string,
    number: string,
    options: { asOf?: string } = {},
  ): Promise<InvoiceDetail> {
    const wanted = requireText(number, 'number');
    return readConsistently(this.dataSource, this.settings, orgId, async (scope) => {
      const rows = await scope.manager.query<{ id: string }[]>(
        'SELECT id FROM invoices WHERE org_id = $1 AND number = $2',
        [scope.orgId, wanted],
      );
      if (rows.length === 0) {
        const error = new NotFoundError('invoice', wanted);
        error.message = `No invoice numbered "${wanted}" exists in this organization; numbers must match exactly, or search invoices by text.`;
        throw error;
      }
      return this.detail(scope, rows[0].id, options);
    });
  }

  private async detail(
    scope: ReadScope,
    invoiceId: string,
    options: { asOf?: string },
  ): Promise<InvoiceDetail> {
    const asOf = parseDate(options.asOf, 'asOf') ?? scope.today;
    const { manager, orgId } = scope;
    const qb = selectColumns(filtered(scope, { asOf, sort: 'due_date', direction: 'asc' }), {
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
    })
      .innerJoin('customers', 'c', 'c.org_id = i.org_id AND c.id = i.customer_id')
      .leftJoin('users', 'u', 'u.id = c.collector_user_id')
      .andWhere('i.id = :invoiceId', { invoiceId });
    const raw = await qb.getRawOne<Record<string, unknown>>();
    if (!raw) throw new NotFoundError('invoice', invoiceId);
    const {
      customerExternalId,
      customerCurrency,
      customerTermsDays,
      collectorUserId,
      collectorName,
      ...own
    } = raw;
    const row = toInvoiceRow(own, asOf, scope.settings);
    await attachFlags(scope, [row]);

    const lines = await manager.query<InvoiceLineRow[]>(
      `SELECT id, position, description, quantity::text AS quantity, unit_price AS "unitPrice", amount
         FROM invoice_lines WHERE org_id = $1 AND invoice_id = $2 ORDER BY position`,
      [orgId, invoiceId],
    );
    const paymentApplications = await manager.query<InvoicePaymentApplication[]>(
      `SELECT pa.id, pa.payment_id AS "paymentId", p.number AS "paymentNumber",
              to_char(p.received_on, 'YYYY-MM-DD') AS "paymentReceivedOn", p.method AS "paymentMethod",
              p.reference AS "paymentReference", pa.amount,
              to_char(pa.applied_on, 'YYYY-MM-DD') AS "appliedOn", to_char(pa.unapplied_on, 'YYYY-MM-DD') AS "unappliedOn"
         FROM payment_applications pa
         JOIN payments p ON p.org_id = pa.org_id AND p.id = pa.payment_id
        WHERE pa.org_id = $1 AND pa.invoice_id = $2
        ORDER BY pa.applied_on, pa.id`,
      [orgId, invoiceId],
    );
    const creditApplications = await manager.query<InvoiceCreditApplication[]>(
      `SELECT ca.id, ca.credit_memo_id AS "creditMemoId", m.number AS "creditMemoNumber",
              to_char(m.issued_on, 'YYYY-MM-DD') AS "creditMemoIssuedOn", ca.amount,
              to_char(ca.applied_on, 'YYYY-MM-DD') AS "appliedOn"
         FROM credit_applications ca
         JOIN credit_memos m ON m.org_id = ca.org_id AND m.id = ca.credit_memo_id
        WHERE ca.org_id = $1 AND ca.invoice_id = $2
        ORDER BY ca.applied_on, ca.id`,
      [orgId, invoiceId],
    );
    const about = { invoiceIds: [invoiceId] };
    const disputes = await this.disputes.searchWithin(scope, { ...about, sort: 'opened_on' }, { limit: 500 });
    const promises = await this.promises.searchWithin(
      scope,
      { ...about, sort: 'promised_on' },
      { limit: 500 },
    );
    const activities = await this.activities.searchWithin(scope, about, { limit: DETAIL_LIST_LIMIT });
    const tasks = await this.tasks.searchWithin(
      scope,
      { ...about, sort: 'due_on' },
      { limit: DETAIL_LIST_LIMIT },
    );

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
      lines,
      paymentApplications,
      creditApplications,
      disputes: disputes.items,
      promises: promises.items.map((p) => ({
        ...p,
        amountForInvoice: p.invoices.find((i) => i.invoiceId === invoiceId)?.amount ?? 0,
      })),
      activities: await boundedList(activities, () => this.activities.countWithin(scope, about)),
      tasks: await boundedList(tasks, () => this.tasks.countWithin(scope, about)),
    };
  }
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
