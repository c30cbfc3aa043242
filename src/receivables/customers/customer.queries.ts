import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SelectQueryBuilder } from 'typeorm';
import { ActivityQueries } from '../activities/activity.queries';
import type { ActivityRow } from '../activities/activity.queries';
import { CreditMemoQueries } from '../credits/credit-memo.queries';
import type { CreditMemoRow } from '../credits/credit-memo.queries';
import { DisputeQueries } from '../disputes/dispute.queries';
import type { DisputeRow } from '../disputes/dispute.queries';
import { InvoiceQueries } from '../invoices/invoice.queries';
import type { InvoiceRow } from '../invoices/invoice.queries';
import { PaymentQueries } from '../payments/payment.queries';
import type { PaymentRow } from '../payments/payment.queries';
import { PromiseQueries } from '../promises/promise.queries';
import type { PromiseRow } from '../promises/promise.queries';
import {
  agingBucketNames,
  agingBucketOf,
  containsPattern,
  parseAmountRange,
  parseBoolean,
  parseCurrency,
  parseDate,
  parseDirection,
  parseEnumList,
  parseSort,
  parseTags,
  parseText,
  parseUuid,
  parseUuidList,
  readFilter,
} from '../shared/filters';
import type { NumberRange } from '../shared/filters';
import type { SortDirection } from '../shared/keyset';
import { countRows, isoDate, selectColumns, whereNumberRange } from '../shared/keyset-search';
import type { SortSpec } from '../shared/keyset-search';
import { OrgSettingsReader } from '../shared/org-settings';
import type { Page, PageRequest } from '../shared/pagination';
import { DETAIL_LIST_LIMIT, boundedList, openReadScope, readConsistently } from '../shared/read-scope';
import type { BoundedList, ReadScope } from '../shared/read-scope';
import { rowById, SearchQueries, searchPage } from '../shared/search.queries';
import type { SearchDefinition, SearchQuery } from '../shared/search.queries';
import { TaskQueries } from '../tasks/task.queries';
import type { TaskRow } from '../tasks/task.queries';
import { CUSTOMER_STATUSES, RISK_LEVELS } from './customer.entity';
import type { CustomerStatus, RiskLevel } from './customer.entity';

export const CUSTOMER_SORTS = ['name', 'open_balance', 'overdue_balance', 'oldest_days_past_due'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

export interface CustomerFilter {
  status?: readonly CustomerStatus[];
  riskLevel?: readonly RiskLevel[];
  customerIds?: readonly string[];
  /** Children of this parent customer. */
  parentId?: string;
  collectorUserIds?: readonly string[];
  /** Only customers with (true) or without (false) a collector. */
  hasCollector?: boolean;
  /** Any of these tags. */
  tags?: readonly string[];
  /** Case-insensitive part of the name or external (ERP) id. */
  text?: string;
  /** The customer's own currency. */
  currency?: string;
  /** Only customers with at least one open invoice. */
  hasOpenBalance?: boolean;
  /** Only customers with at least one open invoice past due on `asOf`. */
  overdueOnly?: boolean;
  /** Open balance in the customer's currency, minor units. */
  openBalance?: NumberRange;
  /** Overdue balance in the customer's currency, minor units. */
  overdueBalance?: NumberRange;
  /** Day overdue figures are measured on; defaults to today in the organization's zone. */
  asOf?: string;
  sort?: CustomerSort;
  direction?: SortDirection;
}

export interface CurrencyBalance {
  currency: string;
  openBalance: number;
  overdueBalance: number;
}

export interface CustomerRow {
  id: string;
  name: string;
  externalId: string | null;
  status: CustomerStatus;
  riskLevel: RiskLevel;
  currency: string;
  paymentTermsDays: number;
  creditLimit: number | null;
  tags: string[];
  parentId: string | null;
  collector: { userId: string; name: string; email: string } | null;
  dunningPausedUntil: string | null;
  /** Open invoices in the customer's own currency (other currencies: otherCurrencyBalances). */
  openBalance: number;
  /** Part of openBalance past its due date on asOf. */
  overdueBalance: number;
  /** Open invoices in every currency. */
  openInvoiceCount: number;
  /** Days past due of the oldest overdue invoice; null when nothing is overdue. */
  oldestDaysPastDue: number | null;
  /** Open balances in currencies other than the customer's; usually empty. Never converted. */
  otherCurrencyBalances: CurrencyBalance[];
}

export type CustomerPage = Page<CustomerRow> & { asOf: string };

export const CONTACT_SORTS = ['name'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

export interface ContactFilter {
  customerIds?: readonly string[];
  /** Case-insensitive part of the name, email or title. */
  text?: string;
  isPrimary?: boolean;
  isBilling?: boolean;
  optedOut?: boolean;
  sort?: ContactSort;
  direction?: SortDirection;
}

export interface ContactRow {
  id: string;
  customerId: string;
  customerName: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  isPrimary: boolean;
  isBilling: boolean;
  optedOut: boolean;
}

export interface AgingBucketAmount {
  bucket: string;
  amount: number;
  invoiceCount: number;
}

export interface CustomerDetail extends CustomerRow {
  asOf: string;
  subsidiaryId: string | null;
  dunningPauseReason: string | null;
  parent: { id: string; name: string } | null;
  children: BoundedList<CustomerRow>;
  /** One entry per currency with open invoices; the customer's own currency always comes first. */
  balances: (CurrencyBalance & { openInvoiceCount: number })[];
  /** The organization's aging buckets, per currency, over this customer's open invoices. */
  aging: { currency: string; buckets: AgingBucketAmount[] }[];
  contacts: BoundedList<ContactRow>;
  openInvoices: BoundedList<InvoiceRow>;
  openDisputes: BoundedList<DisputeRow>;
  pendingPromises: BoundedList<PromiseRow>;
  unappliedPayments: BoundedList<PaymentRow>;
  openCredits: BoundedList<CreditMemoRow>;
  recentActivity: BoundedList<ActivityRow>;
  openTasks: BoundedList<TaskRow>;
}

export const RECENT_ACTIVITY_LIMIT = 10;

const FILTER_FIELDS = [
  'status',
  'riskLevel',
  'customerIds',
  'parentId',
  'collectorUserIds',
  'hasCollector',
  'tags',
  'text',
  'currency',
  'hasOpenBalance',
  'overdueOnly',
  'openBalance',
  'overdueBalance',
  'asOf',
  'sort',
  'direction',
] as const satisfies readonly (keyof CustomerFilter)[];

const CONTACT_FILTER_FIELDS = [
  'customerIds',
  'text',
  'isPrimary',
  'isBilling',
  'optedOut',
  'sort',
  'direction',
] as const satisfies readonly (keyof ContactFilter)[];

// Balances are derived per row and sorted in an outer query, so keyset pagination works on them
// exactly as on a column: the cursor carries the balance and the id of the last row.
const SORTS: Record<CustomerSort, SortSpec> = {
  name: { expression: 'r.name', kind: 'text' },
  open_balance: { expression: 'r.open_balance', kind: 'integer' },
  overdue_balance: { expression: 'r.overdue_balance', kind: 'integer' },
  oldest_days_past_due: { expression: 'r.oldest_days_past_due', kind: 'integer' },
};

const CONTACT_SORT_SPECS: Record<ContactSort, SortSpec> = {
  name: { expression: 'ct.name', kind: 'text' },
};

/**
 * Open invoices of the customer row `c`. Each lookup is an index-only range on the partial index
 * IDX_invoices_open_customer (org_id, customer_id, currency, due_date, balance) WHERE balance > 0.
 */
const OPEN_INVOICES = 'FROM invoices i WHERE i.org_id = c.org_id AND i.customer_id = c.id AND i.balance > 0';
const OVERDUE = 'i.due_date < CAST(:asOf AS date)';

const CUSTOMER_COLUMNS: Record<string, string> = {
  id: 'c.id',
  name: 'c.name',
  external_id: 'c.external_id',
  status: 'c.status',
  risk_level: 'c.risk_level',
  currency: 'c.currency',
  payment_terms_days: 'c.payment_terms_days',
  credit_limit: 'c.credit_limit',
  tags: 'c.tags',
  parent_id: 'c.parent_id',
  collector_user_id: 'c.collector_user_id',
  collector_name: 'u.name',
  collector_email: 'u.email',
  dunning_paused_until: isoDate('c.dunning_paused_until'),
};

/**
 * Balances per row, computed only for the customers a page reaches: right when pages follow the
 * name index and stop after n+1 customers.
 */
const CORRELATED_BALANCES: Record<string, string> = {
  open_balance: `(SELECT COALESCE(SUM(i.balance), 0)::bigint ${OPEN_INVOICES} AND i.currency = c.currency)`,
  overdue_balance: `(SELECT COALESCE(SUM(i.balance), 0)::bigint ${OPEN_INVOICES} AND i.currency = c.currency AND ${OVERDUE})`,
  open_invoice_count: `(SELECT count(*)::int ${OPEN_INVOICES})`,
  // 0 when nothing is overdue (overdue invoices are at least 1 day past due), so never NULL.
  oldest_days_past_due: `(SELECT COALESCE(CAST(:asOf AS date) - MIN(i.due_date), 0) ${OPEN_INVOICES} AND ${OVERDUE})`,
};

/**
 * The same balances for every customer at once, as one pass over the open invoices: sorting by
 * a balance needs them all, and one grouped scan is far cheaper than a lookup per customer.
 */
const GROUPED_BALANCES_JOIN = `(SELECT i.customer_id,
        SUM(i.balance) FILTER (WHERE i.currency = oc.currency) AS open_balance,
        SUM(i.balance) FILTER (WHERE i.currency = oc.currency AND ${OVERDUE}) AS overdue_balance,
        count(*) AS open_invoice_count,
        MIN(i.due_date) FILTER (WHERE ${OVERDUE}) AS oldest_due
   FROM invoices i
   JOIN customers oc ON oc.org_id = i.org_id AND oc.id = i.customer_id
  WHERE i.org_id = :orgId AND i.balance > 0
  GROUP BY i.customer_id)`;
const GROUPED_BALANCES: Record<string, string> = {
  open_balance: 'COALESCE(a.open_balance, 0)::bigint',
  overdue_balance: 'COALESCE(a.overdue_balance, 0)::bigint',
  open_invoice_count: 'COALESCE(a.open_invoice_count, 0)::int',
  oldest_days_past_due: 'COALESCE(CAST(:asOf AS date) - a.oldest_due, 0)',
};

const CONTACT_COLUMNS: Record<string, string> = {
  id: 'ct.id',
  customerId: 'ct.customer_id',
  customerName: 'c.name',
  name: 'ct.name',
  email: 'ct.email',
  phone: 'ct.phone',
  title: 'ct.title',
  isPrimary: 'ct.is_primary',
  isBilling: 'ct.is_billing',
  optedOut: 'ct.opted_out',
};

type ParsedCustomerFilter = ReturnType<typeof parseFilter>;

function parseFilter(input: unknown, scope: ReadScope) {
  const f = readFilter(input, FILTER_FIELDS, 'customer filter');
  return {
    status: parseEnumList(f.status, CUSTOMER_STATUSES, 'status'),
    riskLevel: parseEnumList(f.riskLevel, RISK_LEVELS, 'riskLevel'),
    customerIds: parseUuidList(f.customerIds, 'customerIds'),
    parentId: f.parentId === undefined ? undefined : parseUuid(f.parentId, 'parentId'),
    collectorUserIds: parseUuidList(f.collectorUserIds, 'collectorUserIds'),
    hasCollector: parseBoolean(f.hasCollector, 'hasCollector'),
    tags: parseTags(f.tags, 'tags'),
    text: parseText(f.text, 'text'),
    currency: parseCurrency(f.currency, 'currency'),
    hasOpenBalance: parseBoolean(f.hasOpenBalance, 'hasOpenBalance'),
    overdueOnly: parseBoolean(f.overdueOnly, 'overdueOnly'),
    openBalance: parseAmountRange(f.openBalance, 'openBalance'),
    overdueBalance: parseAmountRange(f.overdueBalance, 'overdueBalance'),
    asOf: parseDate(f.asOf, 'asOf') ?? scope.today,
    sort: parseSort(f.sort, CUSTOMER_SORTS, 'name'),
    direction: parseDirection(f.direction, 'asc'),
  };
}

/** Only these change with the as-of day; otherwise a cursor survives midnight. */
function dependsOnAsOf(f: ParsedCustomerFilter): boolean {
  return (
    f.overdueOnly !== undefined ||
    f.overdueBalance !== undefined ||
    f.sort === 'overdue_balance' ||
    f.sort === 'oldest_days_past_due'
  );
}

type ParsedContactFilter = ReturnType<typeof parseContactFilter>;

function parseContactFilter(input: unknown) {
  const f = readFilter(input, CONTACT_FILTER_FIELDS, 'contact filter');
  return {
    customerIds: parseUuidList(f.customerIds, 'customerIds'),
    text: parseText(f.text, 'text'),
    isPrimary: parseBoolean(f.isPrimary, 'isPrimary'),
    isBilling: parseBoolean(f.isBilling, 'isBilling'),
    optedOut: parseBoolean(f.optedOut, 'optedOut'),
    sort: parseSort(f.sort, CONTACT_SORTS, 'name'),
    direction: parseDirection(f.direction, 'asc'),
  };
}

function toCustomerRow(raw: Record<string, unknown>): CustomerRow {
  const oldest = raw.oldest_days_past_due as number;
  return {
    id: raw.id as string,
    name: raw.name as string,
    externalId: raw.external_id as string | null,
    status: raw.status as CustomerStatus,
    riskLevel: raw.risk_level as RiskLevel,
    currency: raw.currency as string,
    paymentTermsDays: raw.payment_terms_days as number,
    creditLimit: raw.credit_limit as number | null,
    tags: raw.tags as string[],
    parentId: raw.parent_id as string | null,
    collector: raw.collector_user_id
      ? {
          userId: raw.collector_user_id as string,
          name: raw.collector_name as string,
          email: raw.collector_email as string,
        }
      : null,
    dunningPausedUntil: raw.dunning_paused_until as string | null,
    openBalance: raw.open_balance as number,
    overdueBalance: raw.overdue_balance as number,
    openInvoiceCount: raw.open_invoice_count as number,
    oldestDaysPastDue: oldest > 0 ? oldest : null,
    otherCurrencyBalances: [],
  };
}

/** Customers with their derived balances as the derived table r, filtered on both. */
function filtered(scope: ReadScope, f: ParsedCustomerFilter): SearchQuery {
  const qb = scope.manager.createQueryBuilder().from((sub: SelectQueryBuilder<Record<string, unknown>>) => {
    const lazy = f.sort === 'name';
    const inner = selectColumns(sub.from('customers', 'c'), {
      ...CUSTOMER_COLUMNS,
      ...(lazy ? CORRELATED_BALANCES : GROUPED_BALANCES),
    }).leftJoin('users', 'u', 'u.id = c.collector_user_id');
    if (!lazy) inner.leftJoin(GROUPED_BALANCES_JOIN, 'a', 'a.customer_id = c.id');
    inner.where('c.org_id = :orgId', { orgId: scope.orgId }).setParameter('asOf', f.asOf);
    if (f.status) inner.andWhere('c.status = ANY(:status)', { status: f.status });
    if (f.riskLevel) inner.andWhere('c.risk_level = ANY(:riskLevel)', { riskLevel: f.riskLevel });
    if (f.customerIds) inner.andWhere('c.id = ANY(:customerIds)', { customerIds: f.customerIds });
    if (f.parentId) inner.andWhere('c.parent_id = :parentId', { parentId: f.parentId });
    if (f.collectorUserIds) {
      inner.andWhere('c.collector_user_id = ANY(:collectorUserIds)', {
        collectorUserIds: f.collectorUserIds,
      });
    }
    if (f.hasCollector !== undefined) {
      inner.andWhere(f.hasCollector ? 'c.collector_user_id IS NOT NULL' : 'c.collector_user_id IS NULL');
    }
    if (f.tags) inner.andWhere('c.tags && CAST(:tags AS text[])', { tags: f.tags });
    if (f.text) {
      inner.andWhere('(c.name ILIKE :text OR c.external_id ILIKE :text)', {
        text: containsPattern(f.text),
      });
    }
    if (f.currency) inner.andWhere('c.currency = :currency', { currency: f.currency });
    if (f.hasOpenBalance !== undefined) {
      inner.andWhere(`${f.hasOpenBalance ? '' : 'NOT '}EXISTS (SELECT 1 ${OPEN_INVOICES})`);
    }
    if (f.overdueOnly !== undefined) {
      inner.andWhere(`${f.overdueOnly ? '' : 'NOT '}EXISTS (SELECT 1 ${OPEN_INVOICES} AND ${OVERDUE})`);
    }
    return inner;
  }, 'r');
  whereNumberRange(qb, 'r.open_balance', 'openBalance', f.openBalance);
  whereNumberRange(qb, 'r.overdue_balance', 'overdueBalance', f.overdueBalance);
  return qb;
}

function filteredContacts(scope: ReadScope, f: ParsedContactFilter): SearchQuery {
  const qb = scope.manager
    .createQueryBuilder()
    .from('contacts', 'ct')
    .innerJoin('customers', 'c', 'c.org_id = ct.org_id AND c.id = ct.customer_id')
    .where('ct.org_id = :orgId', { orgId: scope.orgId });
  if (f.customerIds) qb.andWhere('ct.customer_id = ANY(:customerIds)', { customerIds: f.customerIds });
  if (f.isPrimary !== undefined) qb.andWhere('ct.is_primary = :isPrimary', { isPrimary: f.isPrimary });
  if (f.isBilling !== undefined) qb.andWhere('ct.is_billing = :isBilling', { isBilling: f.isBilling });
  if (f.optedOut !== undefined) qb.andWhere('ct.opted_out = :optedOut', { optedOut: f.optedOut });
  if (f.text) {
    qb.andWhere('(ct.name ILIKE :text OR ct.email ILIKE :text OR ct.title ILIKE :text)', {
      text: containsPattern(f.text),
    });
  }
  return qb;
}

async function attachOtherCurrencies(scope: ReadScope, asOf: string, rows: CustomerRow[]): Promise<void> {
  if (rows.length === 0) return;
  const others = await scope.manager.query<(CurrencyBalance & { customerId: string })[]>(
    `SELECT i.customer_id AS "customerId", i.currency,
            SUM(i.balance)::bigint AS "openBalance",
            COALESCE(SUM(i.balance) FILTER (WHERE i.due_date < CAST($3 AS date)), 0)::bigint AS "overdueBalance"
       FROM invoices i
       JOIN customers c ON c.org_id = i.org_id AND c.id = i.customer_id
      WHERE i.org_id = $1 AND i.customer_id = ANY($2::uuid[]) AND i.balance > 0 AND i.currency <> c.currency
      GROUP BY 1, 2
      ORDER BY 1, 2`,
    [scope.orgId, rows.map((r) => r.id), asOf],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const { customerId, ...balance } of others) byId.get(customerId)?.otherCurrencyBalances.push(balance);
}

const CUSTOMER_SEARCH: SearchDefinition<ParsedCustomerFilter, CustomerRow, CustomerPage> = {
  name: 'customers',
  parse: parseFilter,
  cursorShape: (f) => {
    const { asOf, ...rest } = f;
    return { ...rest, asOf: dependsOnAsOf(f) ? asOf : null };
  },
  sorts: SORTS,
  idColumn: 'r.id',
  references: (f) => [
    ['customer', f.customerIds],
    ['customer', f.parentId ? [f.parentId] : undefined],
    ['user', f.collectorUserIds],
  ],
  filtered,
  // The derived table r already has the customer columns and balances under their raw names.
  select: (qb) => qb.select('r.*'),
  toRow: toCustomerRow,
  finish: async (scope, f, page) => {
    await attachOtherCurrencies(scope, f.asOf, page.items);
    return { ...page, asOf: f.asOf };
  },
};

const CONTACT_SEARCH: SearchDefinition<ParsedContactFilter, ContactRow> = {
  name: 'contacts',
  parse: parseContactFilter,
  sorts: CONTACT_SORT_SPECS,
  idColumn: 'ct.id',
  references: (f) => [['customer', f.customerIds]],
  filtered: filteredContacts,
  select: (qb) => selectColumns(qb, CONTACT_COLUMNS),
  toRow: (raw) => raw as unknown as ContactRow,
};

/** Customers and their contacts: search with derived balances, and the full customer view. */
@Injectable()
export class CustomerQueries extends SearchQueries<
  CustomerFilter,
  ParsedCustomerFilter,
  CustomerRow,
  CustomerPage
> {
  constructor(
    dataSource: DataSource,
    settings: OrgSettingsReader,
    private readonly invoices: InvoiceQueries,
    private readonly payments: PaymentQueries,
    private readonly credits: CreditMemoQueries,
    private readonly disputes: DisputeQueries,
    private readonly promises: PromiseQueries,
    private readonly activities: ActivityQueries,
    private readonly tasks: TaskQueries,
  ) {
    super(dataSource, settings, CUSTOMER_SEARCH);
  }

  async searchContacts(
    orgId: string,
    filter: ContactFilter = {},
    page: PageRequest = {},
  ): Promise<Page<ContactRow>> {
    const scope = await openReadScope(this.dataSource.manager, this.settings, orgId);
    return this.searchContactsWithin(scope, filter, page);
  }

  async searchContactsWithin(
    scope: ReadScope,
    filter: ContactFilter,
    page: PageRequest,
  ): Promise<Page<ContactRow>> {
    return searchPage(CONTACT_SEARCH, scope, filter, page);
  }

  async getContact(orgId: string, id: string): Promise<ContactRow> {
    const scope = await openReadScope(this.dataSource.manager, this.settings, orgId);
    return rowById(CONTACT_SEARCH, scope, 'contact', id);
  }

  async getCustomer(orgId: string, id: string, options: { asOf?: string } = {}): Promise<CustomerDetail> {
    const customerId = parseUuid(id, 'customerId');
    return readConsistently(this.dataSource, this.settings, orgId, (scope) =>
      this.detail(scope, customerId, options),
    );
  }

  private async detail(
    scope: ReadScope,
    customerId: string,
    options: { asOf?: string },
  ): Promise<CustomerDetail> {
    const asOf = parseDate(options.asOf, 'asOf') ?? scope.today;
    const { manager, orgId } = scope;
    // assertReferencesExist inside the search answers NotFoundError for unknown or foreign ids.
    const [row] = (await this.searchWithin(scope, { customerIds: [customerId], asOf }, { limit: 1 })).items;
    const [extra] = await manager.query<{ subsidiaryId: string | null; dunningPauseReason: string | null }[]>(
      `SELECT subsidiary_id AS "subsidiaryId", dunning_pause_reason AS "dunningPauseReason"
         FROM customers WHERE org_id = $1 AND id = $2`,
      [orgId, customerId],
    );
    const parent = row.parentId
      ? (
          await manager.query<{ id: string; name: string }[]>(
            'SELECT id, name FROM customers WHERE org_id = $1 AND id = $2',
            [orgId, row.parentId],
          )
        )[0]
      : null;

    const mine = { customerIds: [customerId] };
    const limit = { limit: DETAIL_LIST_LIMIT };
    const children = await this.searchWithin(scope, { parentId: customerId, asOf }, limit);
    const contacts = await this.searchContactsWithin(scope, mine, limit);
    const openInvoices = { ...mine, openOnly: true, asOf };
    const invoices = await this.invoices.searchWithin(scope, { ...openInvoices, sort: 'due_date' }, limit);
    const openDisputes = { ...mine, openOnly: true };
    const disputes = await this.disputes.searchWithin(scope, openDisputes, limit);
    const pending = { ...mine, status: ['pending' as const] };
    const promises = await this.promises.searchWithin(scope, pending, limit);
    const unapplied = { ...mine, unappliedOnly: true };
    const payments = await this.payments.searchWithin(scope, unapplied, limit);
    const openCredits = { ...mine, openOnly: true };
    const credits = await this.credits.searchWithin(scope, openCredits, limit);
    const activity = await this.activities.searchWithin(scope, mine, { limit: RECENT_ACTIVITY_LIMIT });
    const openTasks = { ...mine, openOnly: true };
    const tasks = await this.tasks.searchWithin(scope, openTasks, limit);
    const { balances, aging } = await this.balancesAndAging(scope, customerId, row.currency, asOf);

    return {
      ...row,
      asOf,
      subsidiaryId: extra.subsidiaryId,
      dunningPauseReason: extra.dunningPauseReason,
      parent: parent ?? null,
      children: await boundedList(children, () => this.countWithin(scope, { parentId: customerId })),
      balances,
      aging,
      contacts: await boundedList(contacts, () => this.countContacts(scope, customerId)),
      openInvoices: await boundedList(invoices, () => this.invoices.countWithin(scope, openInvoices)),
      openDisputes: await boundedList(disputes, () => this.disputes.countWithin(scope, openDisputes)),
      pendingPromises: await boundedList(promises, () => this.promises.countWithin(scope, pending)),
      unappliedPayments: await boundedList(payments, () => this.payments.countWithin(scope, unapplied)),
      openCredits: await boundedList(credits, () => this.credits.countWithin(scope, openCredits)),
      recentActivity: await boundedList(activity, () => this.activities.countWithin(scope, mine)),
      openTasks: await boundedList(tasks, () => this.tasks.countWithin(scope, openTasks)),
    };
  }

  /** Balances and aging per currency: amounts in different currencies are never added up. */
  private async balancesAndAging(
    scope: ReadScope,
    customerId: string,
    customerCurrency: string,
    asOf: string,
  ): Promise<Pick<CustomerDetail, 'balances' | 'aging'>> {
    const groups = await scope.manager.query<
      { currency: string; daysPastDue: number; daysSinceIssue: number; amount: number; count: number }[]
    >(
      `SELECT currency, CAST($3 AS date) - due_date AS "daysPastDue", CAST($3 AS date) - issue_date AS "daysSinceIssue",
              SUM(balance)::bigint AS amount, count(*)::int AS count
         FROM invoices
        WHERE org_id = $1 AND customer_id = $2 AND balance > 0
        GROUP BY 1, 2, 3`,
      [scope.orgId, customerId, asOf],
    );
    const { agingBasis, agingBucketEdges } = scope.settings;
    const names = agingBucketNames(agingBucketEdges);
    const currencies = [
      customerCurrency,
      ...[...new Set(groups.map((g) => g.currency))].filter((c) => c !== customerCurrency).sort(),
    ];
    const balances = currencies.map((currency) => ({
      currency,
      openBalance: 0,
      overdueBalance: 0,
      openInvoiceCount: 0,
    }));
    const aging = currencies.map((currency) => ({
      currency,
      buckets: names.map((bucket) => ({ bucket, amount: 0, invoiceCount: 0 })),
    }));
    for (const g of groups) {
      const index = currencies.indexOf(g.currency);
      const balance = balances[index];
      balance.openBalance += g.amount;
      balance.openInvoiceCount += g.count;
      if (g.daysPastDue > 0) balance.overdueBalance += g.amount;
      const age = agingBasis === 'invoice_date' ? g.daysSinceIssue : g.daysPastDue;
      const bucket = aging[index].buckets[names.indexOf(agingBucketOf(age, agingBucketEdges))];
      bucket.amount += g.amount;
      bucket.invoiceCount += g.count;
    }
    return { balances, aging };
  }

  private async countContacts(scope: ReadScope, customerId: string): Promise<number> {
    const f = parseContactFilter({ customerIds: [customerId] });
    return countRows(scope.manager, filteredContacts(scope, f).select('1'));
  }
}
