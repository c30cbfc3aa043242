import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExchangeRatesService } from '../../currency/exchange-rates.service';
import type { ExchangeRateQuote } from '../../currency/exchange-rates.service';
import { todayIn } from '../../shared/calendar';
import { OrgSettingsReader } from '../../shared/org-settings';
import { queryFingerprint, resolvePageSize } from '../../shared/pagination';
import type { Page, PageRequest } from '../../shared/pagination';
import { resolveAsOf, resolveChoice } from '../shared/analytics-input';
import {
  openCreditMemosAsOfSql,
  openInvoicesAsOfSql,
  unappliedCashAsOfSql,
} from '../shared/as-of-balances.sql';
import { reportSnapshot } from '../shared/history-cache';
import { pageByRankDesc } from '../shared/in-memory-page';
import { runReportQueries } from '../shared/report-queries';
import type { ReportQuery } from '../shared/report-queries';
import { customerNames, memberNames, requireCustomer, subsidiaryNames } from '../shared/lookups';
import { money } from '../shared/money';
import type { Money } from '../shared/money';
import { AGING_BASES, agingBuckets, bucketLowerBounds, resolveBucketEdges } from './aging-buckets';
import type { AgingBasis, AgingBucket } from './aging-buckets';
import { groupCells } from './aging-cells';
import type {
  AgingCells,
  BucketRow,
  CreditRow,
  CustomerBucketCell,
  CustomerCreditCell,
  AgingGroupBy,
  CustomerGrouping,
} from './aging-cells';
import { agingCellsCache } from './aging-cells-cache';
import type { AgingCellsKey } from './aging-cells-cache';

export type { AgingGroupBy } from './aging-cells';
export const AGING_GROUP_BYS: readonly AgingGroupBy[] = [
  'none',
  'customer',
  'collector',
  'subsidiary',
  'currency',
];

export interface AgingQuery extends PageRequest {
  /** End of the day the report describes; default today in the organization's time zone. */
  asOf?: string;
  /** Default: the organization's setting. */
  basis?: AgingBasis;
  /** Upper days of the past-due buckets; default: the organization's setting. */
  bucketEdges?: number[];
  groupBy?: AgingGroupBy;
  /** Only this customer's receivables. */
  customerId?: string;
}

export interface AgingBucketAmount {
  key: string;
  amount: number;
  invoiceCount: number;
}

/** Open invoice balances of one currency spread over the buckets (same order as `buckets`). */
export interface AgingAmounts {
  currency: string;
  buckets: AgingBucketAmount[];
  total: number;
  invoiceCount: number;
}

export interface CreditBalance {
  currency: string;
  amount: number;
  count: number;
  /** Receipt date of the oldest payment / issue date of the oldest memo still holding credit. */
  oldestDate: string | null;
}

/** Unapplied cash or unused credit memos: shown beside the aging, never netted into buckets. */
export interface CreditsSummary {
  base: Money;
  byCurrency: CreditBalance[];
  count: number;
}

export interface AgingGroup {
  /** Customer, collector (user) or subsidiary id, or currency code; null for "none assigned". */
  key: string | null;
  label: string;
  base: AgingAmounts;
  byCurrency: AgingAmounts[];
  unappliedCash: Money;
  openCredits: Money;
}

export interface AgingReport {
  asOf: string;
  basis: AgingBasis;
  bucketEdges: number[];
  buckets: AgingBucket[];
  baseCurrency: string;
  groupBy: AgingGroupBy;
  /** Everything in scope, not just the page of groups. */
  totals: { base: AgingAmounts; byCurrency: AgingAmounts[] };
  unappliedCash: CreditsSummary;
  openCreditMemos: CreditsSummary;
  /** Open invoices less unapplied cash and unused credit memos, in the base currency. */
  netReceivable: Money;
  /** Groups ranked by base-currency total, largest first; empty when groupBy is "none". */
  groups: Page<AgingGroup>;
  /** Rates on or before `asOf` used for the base-currency figures. */
  exchangeRates: ExchangeRateQuote[];
}

const NO_KEY = '00000000-0000-0000-0000-000000000000';

/** A grouping key that reads a column of the customer (`c.…`): the SQL joins customers for it. */
const OVER_CUSTOMER = /\bc\./;

/** Accumulates bucket cells, per currency and converted into the base currency. */
class AmountsAccumulator {
  readonly byCurrency = new Map<string, AgingAmounts>();
  readonly base: AgingAmounts;

  constructor(
    private readonly buckets: AgingBucket[],
    baseCurrency: string,
  ) {
    this.base = emptyAmounts(baseCurrency, buckets);
  }

  /** Adds a cell in its own currency and, already converted, in the base currency. */
  add(row: BucketRow, baseAmount: number): void {
    let amounts = this.byCurrency.get(row.currency);
    if (!amounts) {
      amounts = emptyAmounts(row.currency, this.buckets);
      this.byCurrency.set(row.currency, amounts);
    }
    addCell(amounts, row.bucket, row.amount, row.invoiceCount);
    addCell(this.base, row.bucket, baseAmount, row.invoiceCount);
  }

  sortedByCurrency(): AgingAmounts[] {
    return [...this.byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
  }
}

/**
 * One group's cells and its base-currency total, the only figure the ranking needs. Its bucket
 * amounts are built for the groups on the page only: grouped by customer there are thousands of
 * groups for a page of 50, and building them all was most of the report's time in Node.
 */
class GroupAccumulator {
  private readonly cells: BucketRow[] = [];
  private readonly baseAmounts: number[] = [];
  baseTotal = 0;
  unappliedCash = 0;
  openCredits = 0;

  constructor(readonly key: string | null) {}

  /** Adds a cell and its amount already converted into the base currency. */
  add(row: BucketRow, baseAmount: number): void {
    this.cells.push(row);
    this.baseAmounts.push(baseAmount);
    this.baseTotal += baseAmount;
  }

  amounts(buckets: AgingBucket[], baseCurrency: string): AmountsAccumulator {
    const amounts = new AmountsAccumulator(buckets, baseCurrency);
    this.cells.forEach((row, n) => amounts.add(row, this.baseAmounts[n]));
    return amounts;
  }
}

function emptyAmounts(currency: string, buckets: AgingBucket[]): AgingAmounts {
  return {
    currency,
    buckets: buckets.map((b) => ({ key: b.key, amount: 0, invoiceCount: 0 })),
    total: 0,
    invoiceCount: 0,
  };
}

function addCell(amounts: AgingAmounts, bucket: number, amount: number, invoiceCount: number): void {
  amounts.buckets[bucket].amount += amount;
  amounts.buckets[bucket].invoiceCount += invoiceCount;
  amounts.total += amount;
  amounts.invoiceCount += invoiceCount;
}

/**
 * Accounts-receivable aging (domain.md §4.1): open invoice balances as of a date, by days past due
 * (or days since invoice), in configurable buckets, grouped, per original currency and converted
 * into the organization's base currency; unapplied cash and unused credit memos listed beside it.
 */
@Injectable()
export class AgingService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Aging');
  /** The day being cached in the background, if any. */
  private filling?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly orgSettings: OrgSettingsReader,
    private readonly exchangeRates: ExchangeRatesService,
  ) {}

  async aging(orgId: string, query: AgingQuery = {}): Promise<AgingReport> {
    const settings = await this.orgSettings.load(orgId);
    const today = todayIn(settings.timeZone);
    const asOf = resolveAsOf(query.asOf, today);
    const basis = resolveChoice(query.basis, 'basis', AGING_BASES, settings.agingBasis);
    const bucketEdges = resolveBucketEdges(query.bucketEdges, settings.agingBucketEdges);
    const groupBy = resolveChoice(query.groupBy, 'groupBy', AGING_GROUP_BYS, 'none');
    resolvePageSize(query.limit);
    const customerId = query.customerId
      ? (await requireCustomer(this.dataSource, orgId, query.customerId)).id
      : undefined;
    const buckets = agingBuckets(basis, bucketEdges);

    // A past day's aging only changes when a write changes its history: it is cached at the grain
    // of a customer, from which any grouping is built (docs/adr/0015). Today's changes with every
    // write, and one customer's is cheap to compute.
    const key = { day: asOf, basis, edges: bucketEdges };
    const { bucketRows, creditRows } =
      asOf < today && customerId === undefined
        ? await this.pastDayRows(orgId, key, groupBy)
        : await runReportQueries(this.dataSource, (q) => this.liveRows(q, orgId, key, groupBy, customerId));
    const currencies = [...bucketRows.map((r) => r.currency), ...creditRows.map((r) => r.currency)];
    const converter = await this.exchangeRates.converter(orgId, settings.baseCurrency, currencies, asOf);

    const groups = new Map<string | null, GroupAccumulator>();
    const groupOf = (key: string | null): GroupAccumulator => {
      let group = groups.get(key);
      if (!group) {
        group = new GroupAccumulator(key);
        groups.set(key, group);
      }
      return group;
    };
    const totals = new AmountsAccumulator(buckets, settings.baseCurrency);
    // Each (group, currency, bucket) cell is converted once and added to both its group and the
    // total, so the groups' base figures always add up to the total's.
    for (const row of bucketRows) {
      const baseAmount = converter.convert(row.amount, row.currency);
      groupOf(row.groupKey).add(row, baseAmount);
      totals.add(row, baseAmount);
    }
    for (const row of creditRows) {
      const converted = converter.convert(row.amount, row.currency);
      if (row.kind === 'cash') groupOf(row.groupKey).unappliedCash += converted;
      else groupOf(row.groupKey).openCredits += converted;
    }
    const base = totals.base;
    const unappliedCash = this.creditsSummary(
      creditRows,
      'cash',
      [...groups.values()],
      settings.baseCurrency,
    );
    const openCreditMemos = this.creditsSummary(
      creditRows,
      'credit_memo',
      [...groups.values()],
      settings.baseCurrency,
    );

    const fingerprint = queryFingerprint({ asOf, basis, bucketEdges, groupBy, customerId });
    const page =
      groupBy === 'none'
        ? { items: [], hasMore: false, nextCursor: null }
        : await this.groupPage(
            orgId,
            groupBy,
            [...groups.values()],
            buckets,
            settings.baseCurrency,
            query,
            fingerprint,
          );

    return {
      asOf,
      basis,
      bucketEdges,
      buckets,
      baseCurrency: settings.baseCurrency,
      groupBy,
      totals: { base, byCurrency: totals.sortedByCurrency() },
      unappliedCash,
      openCreditMemos,
      netReceivable: money(
        base.total - unappliedCash.base.amount - openCreditMemos.base.amount,
        settings.baseCurrency,
      ),
      groups: page,
      exchangeRates: converter.quotes(),
    };
  }

  /**
   * A past day's rows from its cached cells (docs/adr/0015). When it is not cached, the report is
   * computed as today's is, and the cells are computed and stored afterwards, in the background:
   * at the grain of a customer they cost ~40% more, which the report does not wait for.
   */
  private async pastDayRows(
    orgId: string,
    key: AgingCellsKey,
    groupBy: AgingGroupBy,
  ): Promise<{ bucketRows: BucketRow[]; creditRows: CreditRow[] }> {
    const result = await runReportQueries(this.dataSource, async (q) => {
      const cells = await agingCellsCache.load(q, orgId, key);
      return cells ? { cells } : { rows: await this.liveRows(q, orgId, key, groupBy, undefined) };
    });
    if (result.cells) return groupCells(result.cells, groupBy, await this.customerGroupings(orgId, groupBy));
    this.fillInBackground(orgId, key);
    return result.rows;
  }

  /**
   * One day at a time per process: a user stepping through past days must not take every pooled
   * connection. A day asked for while another fills is computed again when next asked for.
   */
  private fillInBackground(orgId: string, key: AgingCellsKey): void {
    if (this.filling !== undefined) return;
    this.filling = this.fillPastDay(orgId, key)
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn(
            `The aging of organization ${orgId} on ${key.day} was not cached: ${String(error)}`,
          ),
      )
      .finally(() => (this.filling = undefined));
  }

  /** Resolves once no day is being cached in the background (shutdown waits for it; so do tests). */
  async settled(): Promise<void> {
    await this.filling;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /**
   * Computes and stores the day unless it is cached (the background fill above, and the cache
   * warmer). `claim`, if given, runs first in the report's transaction; when it declines, nothing
   * is done.
   */
  async fillPastDay(
    orgId: string,
    key: AgingCellsKey,
    claim?: (q: ReportQuery) => Promise<boolean>,
  ): Promise<'cached' | 'computed' | 'declined'> {
    const result = await runReportQueries(this.dataSource, async (q) => {
      if (claim && !(await claim(q))) return 'declined';
      if (await agingCellsCache.has(q, orgId, key)) return 'cached';
      return { cells: await this.computeCells(q, orgId, key), snapshot: await reportSnapshot(q) };
    });
    if (typeof result === 'string') return result;
    await agingCellsCache.store(this.dataSource, orgId, key, result.cells, result.snapshot);
    return 'computed';
  }

  /** Each customer's collector and subsidiary, when the grouping needs them. */
  private async customerGroupings(
    orgId: string,
    groupBy: AgingGroupBy,
  ): Promise<Map<string, CustomerGrouping>> {
    if (groupBy !== 'collector' && groupBy !== 'subsidiary') return new Map();
    const rows = await this.dataSource.query<({ id: string } & CustomerGrouping)[]>(
      `SELECT id, collector_user_id AS "collectorUserId", subsidiary_id AS "subsidiaryId"
         FROM customers WHERE org_id = $1`,
      [orgId],
    );
    return new Map(rows.map(({ id, ...grouping }) => [id, grouping]));
  }

  /**
   * Today's aging, or one customer's, grouped in SQL: at the grain of a customer, today's cells are
   * ~19,000 rows at a million invoices, and fetching them made the report 130 ms slower.
   */
  private async liveRows(
    q: ReportQuery,
    orgId: string,
    key: AgingCellsKey,
    groupBy: AgingGroupBy,
    customerId: string | undefined,
  ): Promise<{ bucketRows: BucketRow[]; creditRows: CreditRow[] }> {
    const bucketKey = {
      none: 'NULL::uuid',
      customer: 'oi.customer_id',
      collector: 'c.collector_user_id',
      subsidiary: 'COALESCE(oi.subsidiary_id, c.subsidiary_id)',
      currency: 'oi.currency',
    }[groupBy];
    const creditKey = {
      none: 'NULL::uuid',
      customer: 'x.customer_id',
      collector: 'c.collector_user_id',
      subsidiary: 'c.subsidiary_id',
      currency: 'x.currency',
    }[groupBy];
    const oneCustomer = customerId !== undefined;
    return {
      bucketRows: await q<BucketRow>(
        this.bucketCellsSql(key, { groupKey: bucketKey }, oneCustomer),
        this.bucketCellsParams(orgId, key, customerId),
      ),
      creditRows: await q<CreditRow>(
        this.creditCellsSql(creditKey, 'groupKey', oneCustomer),
        oneCustomer ? [orgId, key.day, customerId] : [orgId, key.day],
      ),
    };
  }

  /** The whole organization's aging of the day at the grain of a customer. */
  private async computeCells(q: ReportQuery, orgId: string, key: AgingCellsKey): Promise<AgingCells> {
    return {
      buckets: await q<CustomerBucketCell>(
        this.bucketCellsSql(key, { customerId: 'oi.customer_id', subsidiaryId: 'oi.subsidiary_id' }, false),
        this.bucketCellsParams(orgId, key, undefined),
      ),
      credits: await q<CustomerCreditCell>(this.creditCellsSql('x.customer_id', 'customerId', false), [
        orgId,
        key.day,
      ]),
    };
  }

  /** $1 organization, $2 the day, $3 bucket lower bounds, $4 the customer if only one. */
  private bucketCellsParams(orgId: string, key: AgingCellsKey, customerId: string | undefined): unknown[] {
    const params = [orgId, key.day, bucketLowerBounds(key.basis, key.edges)];
    return customerId === undefined ? params : [...params, customerId];
  }

  /**
   * Open invoice balances of the day summed per currency, bucket and the given keys (SQL over the
   * open invoice `oi` and its customer `c`), each key grouped by its own type (a uuid hashes faster
   * than its text) and cast to text once per cell.
   */
  private bucketCellsSql(key: AgingCellsKey, keys: Record<string, string>, oneCustomer: boolean): string {
    const placeholders = { org: '$1', asOf: '$2', customer: oneCustomer ? '$4' : undefined };
    const ageFrom = key.basis === 'due_date' ? 'oi.due_date' : 'oi.issue_date';
    const names = Object.keys(keys);
    const joinsCustomer = Object.values(keys).some((expr) => OVER_CUSTOMER.test(expr));
    return `WITH open_invoice AS (${openInvoicesAsOfSql(placeholders)})
       SELECT ${names.map((n) => `cell."${n}"::text AS "${n}"`).join(', ')},
              cell.currency, cell.bucket, cell.amount, cell."invoiceCount"
         FROM (SELECT ${names.map((n) => `${keys[n]} AS "${n}"`).join(', ')}, oi.currency,
                      width_bucket($2::date - ${ageFrom}, $3::int[]) AS bucket,
                      SUM(oi.balance)::bigint AS amount, COUNT(*)::int AS "invoiceCount"
                 FROM open_invoice oi
                 ${joinsCustomer ? 'JOIN customers c ON c.org_id = $1 AND c.id = oi.customer_id' : ''}
                GROUP BY ${names.map((_, i) => i + 1).join(', ')}, ${names.length + 1}, ${names.length + 2}) cell`;
  }

  /**
   * Unapplied cash and unused credit memos at the end of $2 ($1 organization, $3 the customer if
   * only one), summed per kind, currency and `key` (SQL over the payment or memo `x` and its
   * customer `c`) as `alias`.
   */
  private creditCellsSql(key: string, alias: string, oneCustomer: boolean): string {
    const placeholders = { org: '$1', asOf: '$2', customer: oneCustomer ? '$3' : undefined };
    const customerJoin = OVER_CUSTOMER.test(key)
      ? 'LEFT JOIN customers c ON c.org_id = $1 AND c.id = x.customer_id'
      : '';
    return `WITH cash AS (${unappliedCashAsOfSql(placeholders)}),
                 memo AS (${openCreditMemosAsOfSql(placeholders)})
       SELECT 'cash' AS kind, ${key}::text AS "${alias}", x.currency, SUM(x.amount)::bigint AS amount,
              COUNT(*)::int AS count, MIN(x.received_on)::text AS "oldestDate"
         FROM cash x ${customerJoin} GROUP BY ${key}, x.currency
       UNION ALL
       SELECT 'credit_memo', ${key}::text, x.currency, SUM(x.amount)::bigint, COUNT(*)::int, MIN(x.issued_on)::text
         FROM memo x ${customerJoin} GROUP BY ${key}, x.currency`;
  }

  private creditsSummary(
    rows: CreditRow[],
    kind: CreditRow['kind'],
    groups: GroupAccumulator[],
    baseCurrency: string,
  ): CreditsSummary {
    const byCurrency = new Map<string, CreditBalance>();
    for (const row of rows.filter((r) => r.kind === kind)) {
      const entry = byCurrency.get(row.currency) ?? {
        currency: row.currency,
        amount: 0,
        count: 0,
        oldestDate: null,
      };
      entry.amount += row.amount;
      entry.count += row.count;
      if (row.oldestDate && (entry.oldestDate === null || row.oldestDate < entry.oldestDate)) {
        entry.oldestDate = row.oldestDate;
      }
      byCurrency.set(row.currency, entry);
    }
    const list = [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
    const baseAmount = groups.reduce(
      (sum, g) => sum + (kind === 'cash' ? g.unappliedCash : g.openCredits),
      0,
    );
    return {
      base: money(baseAmount, baseCurrency),
      byCurrency: list,
      count: list.reduce((n, c) => n + c.count, 0),
    };
  }

  private async groupPage(
    orgId: string,
    groupBy: Exclude<AgingGroupBy, 'none'>,
    accumulators: GroupAccumulator[],
    buckets: AgingBucket[],
    baseCurrency: string,
    request: PageRequest,
    fingerprint: string,
  ): Promise<Page<AgingGroup>> {
    const rankOf = (g: GroupAccumulator): number => g.baseTotal;
    let page: Page<GroupAccumulator>;
    if (groupBy === 'currency') {
      // A handful of currencies at most: always returned whole, largest first.
      const items = [...accumulators].sort(
        (a, b) => rankOf(b) - rankOf(a) || ((a.key ?? '') < (b.key ?? '') ? -1 : 1),
      );
      page = { items, hasMore: false, nextCursor: null };
    } else {
      page = pageByRankDesc(accumulators, rankOf, (g) => g.key ?? NO_KEY, request, fingerprint);
    }
    const ids = page.items.map((g) => g.key).filter((k): k is string => k !== null);
    const labels =
      groupBy === 'customer'
        ? await customerNames(this.dataSource, orgId, ids)
        : groupBy === 'subsidiary'
          ? await subsidiaryNames(this.dataSource, orgId, ids)
          : groupBy === 'collector'
            ? new Map([...(await memberNames(this.dataSource, orgId, ids))].map(([id, m]) => [id, m.name]))
            : new Map(ids.map((id) => [id, id]));
    const unlabelled = {
      customer: 'Unidentified cash (no customer)',
      collector: 'No collector assigned',
      subsidiary: 'No subsidiary',
      currency: 'No currency',
    }[groupBy];
    return {
      ...page,
      items: page.items.map((g) => {
        const amounts = g.amounts(buckets, baseCurrency);
        return {
          key: g.key,
          label: g.key === null ? unlabelled : (labels.get(g.key) ?? g.key),
          base: amounts.base,
          byCurrency: amounts.sortedByCurrency(),
          unappliedCash: money(g.unappliedCash, baseCurrency),
          openCredits: money(g.openCredits, baseCurrency),
        };
      }),
    };
  }
}
