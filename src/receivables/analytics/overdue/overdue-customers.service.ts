import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExchangeRatesService } from '../../currency/exchange-rates.service';
import type { ExchangeRateQuote } from '../../currency/exchange-rates.service';
import { ACTIVE_DISPUTE_STATUSES } from '../../disputes/dispute.entity';
import { daysBetween, todayIn } from '../../shared/calendar';
import { OrgSettingsReader } from '../../shared/org-settings';
import { resolveAsOf, resolveInteger } from '../shared/analytics-input';
import { openInvoicesAsOfSql } from '../shared/as-of-balances.sql';
import { customerNames, memberNames } from '../shared/lookups';
import { money, sumByCurrency } from '../shared/money';
import type { Money } from '../shared/money';
import { runReportQueries } from '../shared/report-queries';
import type { ReportQuery } from '../shared/report-queries';
import { SqlParams } from '../shared/sql-params';

export interface TopOverdueQuery {
  /** Default today in the organization's time zone. */
  asOf?: string;
  /** 1 to 100, default 10. */
  limit?: number;
}

export interface OverdueCustomer {
  rank: number;
  customerId: string;
  customerName: string;
  /** Past-due balance in the base currency. */
  overdue: Money;
  overdueByCurrency: Money[];
  overdueInvoiceCount: number;
  oldestOverdueInvoice: {
    invoiceId: string;
    number: string;
    dueDate: string;
    daysPastDue: number;
    balance: Money;
  };
  collector: { userId: string; name: string } | null;
  /** An open or in-review dispute on one of the customer's invoices on the as-of date. */
  disputed: boolean;
  disputedInvoiceCount: number;
  /** The earliest pending promise to pay, if any. */
  promise: { promisedOn: string; amount: Money } | null;
}

export interface TopOverdueCustomers {
  asOf: string;
  baseCurrency: string;
  customers: OverdueCustomer[];
  /** All customers with something past due, not just the ones listed. */
  customersOverdue: number;
  totalOverdue: Money;
  exchangeRates: ExchangeRateQuote[];
}

interface OverdueRow {
  customerId: string;
  currency: string;
  amount: number;
  invoiceCount: number;
}

interface OldestRow {
  customerId: string;
  invoiceId: string;
  number: string;
  dueDate: string;
  currency: string;
  balance: number;
}

interface FlagRow {
  customerId: string;
  disputedInvoices: number;
  promisedOn: string | null;
  promiseAmount: number | null;
  promiseCurrency: string | null;
  collectorUserId: string | null;
}

/** Customers ranked by past-due balance in the base currency (domain.md §4.8). */
@Injectable()
export class OverdueCustomersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orgSettings: OrgSettingsReader,
    private readonly exchangeRates: ExchangeRatesService,
  ) {}

  async topOverdueCustomers(orgId: string, query: TopOverdueQuery = {}): Promise<TopOverdueCustomers> {
    const settings = await this.orgSettings.load(orgId);
    const asOf = resolveAsOf(query.asOf, todayIn(settings.timeZone));
    const limit = resolveInteger(query.limit, 'limit', { min: 1, max: 100, default: 10 });
    const base = settings.baseCurrency;

    const overdueRows = await runReportQueries(this.dataSource, (q) => {
      const p = new SqlParams();
      const placeholders = { org: p.add(orgId), asOf: p.add(asOf) };
      return q<OverdueRow>(
        `WITH open_invoice AS (${openInvoicesAsOfSql(placeholders)})
         SELECT customer_id AS "customerId", currency, SUM(balance)::bigint AS amount, COUNT(*)::int AS "invoiceCount"
           FROM open_invoice WHERE due_date < ${placeholders.asOf}::date
          GROUP BY 1, 2`,
        p.values,
      );
    });
    const converter = await this.exchangeRates.converter(
      orgId,
      base,
      overdueRows.map((r) => r.currency),
      asOf,
    );
    const byCustomer = new Map<string, { amount: number; invoiceCount: number; rows: OverdueRow[] }>();
    for (const row of overdueRows) {
      const entry = byCustomer.get(row.customerId) ?? { amount: 0, invoiceCount: 0, rows: [] };
      entry.amount += converter.convert(row.amount, row.currency);
      entry.invoiceCount += row.invoiceCount;
      entry.rows.push(row);
      byCustomer.set(row.customerId, entry);
    }
    const ranked = [...byCustomer.entries()]
      .sort(([ia, a], [ib, b]) => b.amount - a.amount || (ia < ib ? -1 : 1))
      .slice(0, limit);
    const ids = ranked.map(([id]) => id);

    const [oldest, flags] = await runReportQueries(this.dataSource, async (q) => [
      await this.oldestOverdue(q, orgId, asOf, ids),
      await this.flags(q, orgId, asOf, ids),
    ]);
    const names = await customerNames(this.dataSource, orgId, ids);
    const collectors = await memberNames(
      this.dataSource,
      orgId,
      flags.map((f) => f.collectorUserId).filter((u): u is string => u !== null),
    );

    const customers: OverdueCustomer[] = ranked.map(([customerId, entry], i) => {
      const first = oldest.find((o) => o.customerId === customerId) as OldestRow;
      const flag = flags.find((f) => f.customerId === customerId);
      const collector = flag?.collectorUserId ? collectors.get(flag.collectorUserId) : undefined;
      return {
        rank: i + 1,
        customerId,
        customerName: names.get(customerId) ?? '',
        overdue: money(entry.amount, base),
        overdueByCurrency: sumByCurrency(entry.rows),
        overdueInvoiceCount: entry.invoiceCount,
        oldestOverdueInvoice: {
          invoiceId: first.invoiceId,
          number: first.number,
          dueDate: first.dueDate,
          daysPastDue: daysBetween(first.dueDate, asOf),
          balance: money(first.balance, first.currency),
        },
        collector: collector ? { userId: collector.userId, name: collector.name } : null,
        disputed: (flag?.disputedInvoices ?? 0) > 0,
        disputedInvoiceCount: flag?.disputedInvoices ?? 0,
        promise:
          flag?.promisedOn && flag.promiseCurrency
            ? { promisedOn: flag.promisedOn, amount: money(flag.promiseAmount ?? 0, flag.promiseCurrency) }
            : null,
      };
    });
    return {
      asOf,
      baseCurrency: base,
      customers,
      customersOverdue: byCustomer.size,
      totalOverdue: money(
        [...byCustomer.values()].reduce((s, e) => s + e.amount, 0),
        base,
      ),
      exchangeRates: converter.quotes(),
    };
  }

  private oldestOverdue(
    q: ReportQuery,
    orgId: string,
    asOf: string,
    customerIds: string[],
  ): Promise<OldestRow[]> {
    if (customerIds.length === 0) return Promise.resolve([]);
    const p = new SqlParams();
    const placeholders = { org: p.add(orgId), asOf: p.add(asOf), customers: p.add(customerIds) };
    return q<OldestRow>(
      `WITH open_invoice AS (${openInvoicesAsOfSql(placeholders)})
       SELECT DISTINCT ON (oi.customer_id) oi.customer_id AS "customerId", oi.id AS "invoiceId", i.number,
              oi.due_date::text AS "dueDate", oi.currency, oi.balance
         FROM open_invoice oi
         JOIN invoices i ON i.org_id = ${placeholders.org} AND i.id = oi.id
        WHERE oi.due_date < ${placeholders.asOf}::date
        ORDER BY oi.customer_id, oi.due_date, i.number`,
      p.values,
    );
  }

  /**
   * Disputes open on the as-of date (opened by then and not settled before it), the earliest
   * pending promise, and the collector, per customer.
   */
  private flags(q: ReportQuery, orgId: string, asOf: string, customerIds: string[]): Promise<FlagRow[]> {
    if (customerIds.length === 0) return Promise.resolve([]);
    return q<FlagRow>(
      `SELECT c.id AS "customerId", c.collector_user_id AS "collectorUserId",
              (SELECT COUNT(DISTINCT d.invoice_id)::int FROM disputes d
                WHERE d.org_id = c.org_id AND d.customer_id = c.id AND d.opened_on <= $3::date
                  AND (d.status::text = ANY($4::text[]) OR d.resolved_on > $3::date)) AS "disputedInvoices",
              pr.promised_on::text AS "promisedOn", pr.amount AS "promiseAmount", pr.currency::text AS "promiseCurrency"
         FROM customers c
         LEFT JOIN LATERAL (SELECT promised_on, amount, currency FROM promises_to_pay
                             WHERE org_id = c.org_id AND customer_id = c.id AND status = 'pending'
                             ORDER BY promised_on, id LIMIT 1) pr ON true
        WHERE c.org_id = $1 AND c.id = ANY($2::uuid[])`,
      [orgId, customerIds, asOf, ACTIVE_DISPUTE_STATUSES],
    );
  }
}
