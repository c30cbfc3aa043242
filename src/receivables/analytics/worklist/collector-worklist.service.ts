import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExchangeRatesService } from '../../currency/exchange-rates.service';
import { ACTIVE_DISPUTE_STATUSES } from '../../disputes/dispute.entity';
import { addDays, daysBetween, todayIn } from '../../shared/calendar';
import { OrgSettingsReader } from '../../shared/org-settings';
import { queryFingerprint, resolvePageSize } from '../../shared/pagination';
import type { Page, PageRequest } from '../../shared/pagination';
import { resolveAsOf } from '../shared/analytics-input';
import { openInvoicesAsOfSql } from '../shared/as-of-balances.sql';
import { pageByRankDesc } from '../shared/in-memory-page';
import { memberNames, requireMember } from '../shared/lookups';
import { money } from '../shared/money';
import { runReportQueries } from '../shared/report-queries';
import { SqlParams } from '../shared/sql-params';
import { WORKLIST_SCORING, scoreAccount } from './worklist-score';
import type { AccountSignals, WorklistReason } from './worklist-score';

export interface WorklistQuery extends PageRequest {
  /** Only accounts this member collects; default every account. */
  collectorUserId?: string;
  /** Default today in the organization's time zone. */
  asOf?: string;
}

export interface WorklistEntry extends AccountSignals {
  customerId: string;
  customerName: string;
  collector: { userId: string; name: string } | null;
  score: number;
  /** Why the account is on the list, largest part of the score first. */
  reasons: WorklistReason[];
}

export interface Worklist extends Page<WorklistEntry> {
  asOf: string;
  baseCurrency: string;
  collectorUserId: string | null;
  /** How the score is made. */
  scoring: readonly string[];
}

/** Broken promises older than this no longer raise an account's priority. */
export const BROKEN_PROMISE_LOOKBACK_DAYS = 90;

interface CustomerRow {
  id: string;
  name: string;
  collectorUserId: string | null;
}

interface OverdueRow {
  customerId: string;
  currency: string;
  amount: number;
  invoiceCount: number;
  oldestDue: string;
}

interface PromiseRow {
  customerId: string;
  broken: number;
  dueTodayCurrency: string | null;
  dueToday: number;
}

interface CountRow {
  customerId: string;
  count: number;
  late: number;
}

/**
 * Prioritized accounts for a collector (or everyone): a score from past-due money and age, broken
 * promises, promises due today, open disputes and tasks due, with the reason for each part.
 */
@Injectable()
export class CollectorWorklistService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orgSettings: OrgSettingsReader,
    private readonly exchangeRates: ExchangeRatesService,
  ) {}

  async worklist(orgId: string, query: WorklistQuery = {}): Promise<Worklist> {
    const settings = await this.orgSettings.load(orgId);
    const asOf = resolveAsOf(query.asOf, todayIn(settings.timeZone));
    resolvePageSize(query.limit);
    const collectorUserId =
      query.collectorUserId === undefined
        ? null
        : await requireMember(this.dataSource, orgId, query.collectorUserId, 'collectorUserId');
    const base = settings.baseCurrency;

    // Only the collector's accounts when one is named; the filter is left out otherwise (an
    // "$n IS NULL OR ..." filter made the planner scan every open invoice twice as slowly).
    const scoped = (params: unknown[]): string => {
      if (collectorUserId === null) return '';
      params.push(collectorUserId);
      return `AND customer_id IN (SELECT id FROM customers WHERE org_id = $1 AND collector_user_id = $${params.length}::uuid)`;
    };
    const { overdue, promises, disputes, tasks } = await runReportQueries(this.dataSource, async (q) => {
      const p = new SqlParams();
      const placeholders = { org: p.add(orgId), asOf: p.add(asOf) };
      const overdueSql = `WITH open_invoice AS (${openInvoicesAsOfSql(placeholders)})
           SELECT customer_id AS "customerId", currency, SUM(balance)::bigint AS amount,
                  COUNT(*)::int AS "invoiceCount", MIN(due_date)::text AS "oldestDue"
             FROM open_invoice
            WHERE due_date < ${placeholders.asOf}::date ${scoped(p.values)}
            GROUP BY 1, 2`;
      const promiseParams: unknown[] = [orgId, asOf, addDays(asOf, -BROKEN_PROMISE_LOOKBACK_DAYS)];
      const disputeParams: unknown[] = [orgId, ACTIVE_DISPUTE_STATUSES, asOf];
      const taskParams: unknown[] = [orgId, asOf];
      return {
        overdue: await q<OverdueRow>(overdueSql, p.values),
        promises: await q<PromiseRow>(
          // A pending promise whose day has passed is as broken as one marked so.
          `SELECT customer_id AS "customerId",
                  (COUNT(*) FILTER (WHERE (status = 'broken' AND promised_on >= $3::date)
                                       OR (status = 'pending' AND promised_on < $2::date)))::int AS broken,
                  currency::text AS "dueTodayCurrency",
                  COALESCE(SUM(amount) FILTER (WHERE status = 'pending' AND promised_on = $2::date), 0)::bigint AS "dueToday"
             FROM promises_to_pay
            WHERE org_id = $1 ${scoped(promiseParams)}
              AND ((status = 'broken' AND promised_on >= $3::date AND promised_on <= $2::date)
                   OR (status = 'pending' AND promised_on <= $2::date))
            GROUP BY customer_id, currency`,
          promiseParams,
        ),
        disputes: await q<CountRow>(
          `SELECT customer_id AS "customerId", COUNT(*)::int AS count, 0 AS late
             FROM disputes
            WHERE org_id = $1 AND status::text = ANY($2::text[]) AND opened_on <= $3::date ${scoped(disputeParams)}
            GROUP BY 1`,
          disputeParams,
        ),
        tasks: await q<CountRow>(
          `SELECT customer_id AS "customerId", COUNT(*)::int AS count,
                  (COUNT(*) FILTER (WHERE due_on < $2::date))::int AS late
             FROM tasks
            WHERE org_id = $1 AND status = 'open' AND customer_id IS NOT NULL AND due_on <= $2::date
              ${scoped(taskParams)}
            GROUP BY 1`,
          taskParams,
        ),
      };
    });

    const converter = await this.exchangeRates.converter(
      orgId,
      base,
      [
        ...overdue.map((r) => r.currency),
        ...promises.flatMap((r) => (r.dueToday > 0 && r.dueTodayCurrency ? [r.dueTodayCurrency] : [])),
      ],
      asOf,
    );
    const signals = new Map<string, AccountSignals>();
    const signalsOf = (customerId: string): AccountSignals => {
      let s = signals.get(customerId);
      if (!s) {
        s = {
          overdue: money(0, base),
          overdueInvoiceCount: 0,
          oldestDaysPastDue: null,
          brokenPromises: 0,
          promiseDueToday: null,
          openDisputes: 0,
          tasksDue: 0,
          tasksOverdue: 0,
        };
        signals.set(customerId, s);
      }
      return s;
    };
    for (const row of overdue) {
      const s = signalsOf(row.customerId);
      s.overdue = money(s.overdue.amount + converter.convert(row.amount, row.currency), base);
      s.overdueInvoiceCount += row.invoiceCount;
      s.oldestDaysPastDue = Math.max(s.oldestDaysPastDue ?? 0, daysBetween(row.oldestDue, asOf));
    }
    for (const row of promises) {
      const s = signalsOf(row.customerId);
      s.brokenPromises += row.broken;
      if (row.dueToday > 0 && row.dueTodayCurrency) {
        const amount = converter.convert(row.dueToday, row.dueTodayCurrency);
        s.promiseDueToday = money((s.promiseDueToday?.amount ?? 0) + amount, base);
      }
    }
    for (const row of disputes) signalsOf(row.customerId).openDisputes += row.count;
    for (const row of tasks) {
      const s = signalsOf(row.customerId);
      s.tasksDue += row.count;
      s.tasksOverdue += row.late;
    }

    const entries = [...signals.entries()]
      .map(([customerId, s]) => ({ customerId, signals: s, ...scoreAccount(s) }))
      .filter((e) => e.score > 0);
    const page = pageByRankDesc(
      entries,
      (e) => e.score,
      (e) => e.customerId,
      query,
      queryFingerprint({ kind: 'worklist', asOf, collectorUserId }),
    );
    const customers = await this.dataSource.query<CustomerRow[]>(
      `SELECT id, name, collector_user_id AS "collectorUserId" FROM customers WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, page.items.map((e) => e.customerId)],
    );
    const byId = new Map(customers.map((c) => [c.id, c]));
    const collectors = await memberNames(
      this.dataSource,
      orgId,
      page.items.map((e) => byId.get(e.customerId)?.collectorUserId).filter((u): u is string => !!u),
    );
    return {
      asOf,
      baseCurrency: base,
      collectorUserId,
      scoring: WORKLIST_SCORING,
      hasMore: page.hasMore,
      nextCursor: page.nextCursor,
      items: page.items.map((e): WorklistEntry => {
        const customer = byId.get(e.customerId) as CustomerRow;
        const collector = customer.collectorUserId ? collectors.get(customer.collectorUserId) : undefined;
        return {
          customerId: e.customerId,
          customerName: customer.name,
          collector: collector ? { userId: collector.userId, name: collector.name } : null,
          score: e.score,
          reasons: e.reasons,
          ...e.signals,
        };
      }),
    };
  }
}
