import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExchangeRatesService } from '../../currency/exchange-rates.service';
import type { CurrencyConverter } from '../../currency/exchange-rates.service';
import { addDays, todayIn } from '../../shared/calendar';
import { OrgSettingsReader } from '../../shared/org-settings';
import type { OrgSettings } from '../../shared/org-settings';
import { queryFingerprint, resolvePageSize } from '../../shared/pagination';
import type { Page, PageRequest } from '../../shared/pagination';
import { resolveAsOf, resolveInteger } from '../shared/analytics-input';
import { pageByRankDesc } from '../shared/in-memory-page';
import { customerNames, requireCustomer } from '../shared/lookups';
import { roundTo, sumByCurrency } from '../shared/money';
import type { Money } from '../shared/money';
import { runReportQueries } from '../shared/report-queries';
import { scoreBand, scoreBandLabel } from './score-band';
import type { ScoreBand } from './score-band';

export interface PaymentBehaviourQuery {
  /** End of the lookback window; default today in the organization's time zone. */
  asOf?: string;
  /** Days in the window, 1 to 1095; default 365. */
  lookbackDays?: number;
}

export type PaymentBehaviourListQuery = PaymentBehaviourQuery & PageRequest;

/**
 * How a customer paid the invoices it settled in the window. Days are amount-weighted by invoice
 * total: Σ(total × days) ÷ Σ(total) (domain.md §4.5, weighted days to pay).
 */
export interface CustomerPaymentBehaviour {
  customerId: string;
  customerName: string;
  window: { from: string; to: string };
  /** Invoices paid in full (balance reached zero by payment) in the window. */
  paidInvoiceCount: number;
  paidTotals: Money[];
  /** Invoice date → day the balance reached zero. */
  averageDaysToPay: number | null;
  /** Due date → day the balance reached zero; an invoice paid early counts 0, not negative. */
  averageDaysBeyondTerms: number | null;
  /** Share of the paid invoices (by count) paid on or before their due date. */
  onTimePercent: number | null;
  scoreBand: ScoreBand;
  scoreBandRule: string;
}

export interface PaymentBehaviourPage extends Page<CustomerPaymentBehaviour> {
  window: { from: string; to: string };
}

interface BehaviourRow {
  customerId: string;
  currency: string;
  count: number;
  weight: number;
  weightedDaysToPay: string;
  weightedDaysBeyondTerms: string;
  onTime: number;
}

export const DEFAULT_LOOKBACK_DAYS = 365;

/** Payment behaviour per customer: average days to pay and beyond terms, on-time %, score band. */
@Injectable()
export class PaymentBehaviourService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orgSettings: OrgSettingsReader,
    private readonly exchangeRates: ExchangeRatesService,
  ) {}

  async forCustomer(
    orgId: string,
    customerId: string,
    query: PaymentBehaviourQuery = {},
  ): Promise<CustomerPaymentBehaviour> {
    const settings = await this.orgSettings.load(orgId);
    const window = this.window(settings, query);
    const customer = await requireCustomer(this.dataSource, orgId, customerId);
    const rows = await this.rows(orgId, window, customer.id);
    const [behaviour] = await this.combine(
      orgId,
      settings,
      window,
      rows,
      new Map([[customer.id, customer.name]]),
    );
    return behaviour ?? this.noHistory(customer.id, customer.name, window);
  }

  /** Customers that paid an invoice in the window, slowest payers (most days beyond terms) first. */
  async list(orgId: string, query: PaymentBehaviourListQuery = {}): Promise<PaymentBehaviourPage> {
    const settings = await this.orgSettings.load(orgId);
    const window = this.window(settings, query);
    resolvePageSize(query.limit);
    const rows = await this.rows(orgId, window);
    const all = await this.combine(orgId, settings, window, rows, new Map());
    const page = pageByRankDesc(
      all,
      (b) => b.averageDaysBeyondTerms ?? -1,
      (b) => b.customerId,
      query,
      queryFingerprint({ kind: 'payment-behaviour', window }),
    );
    const names = await customerNames(
      this.dataSource,
      orgId,
      page.items.map((b) => b.customerId),
    );
    return {
      ...page,
      window,
      items: page.items.map((b) => ({ ...b, customerName: names.get(b.customerId) ?? '' })),
    };
  }

  /**
   * Average days beyond terms of every customer with history in the window (unrounded beyond one
   * decimal, as shown): what the behaviour-adjusted forecast shifts due dates by.
   */
  async averageDaysBeyondTermsByCustomer(
    orgId: string,
    settings: OrgSettings,
    window: { from: string; to: string },
  ): Promise<Map<string, number>> {
    const all = await this.combine(orgId, settings, window, await this.rows(orgId, window), new Map());
    return new Map(
      all
        .filter((b) => b.averageDaysBeyondTerms !== null)
        .map((b) => [b.customerId, b.averageDaysBeyondTerms as number]),
    );
  }

  window(settings: OrgSettings, query: PaymentBehaviourQuery): { from: string; to: string } {
    const asOf = resolveAsOf(query.asOf, todayIn(settings.timeZone));
    const days = resolveInteger(query.lookbackDays, 'lookbackDays', {
      min: 1,
      max: 1095,
      default: DEFAULT_LOOKBACK_DAYS,
    });
    return { from: addDays(asOf, -(days - 1)), to: asOf };
  }

  private rows(
    orgId: string,
    window: { from: string; to: string },
    customerId?: string,
  ): Promise<BehaviourRow[]> {
    // Paid invoices only: closed with a payment (not written off, not settled by credit alone).
    // closed_on is the day the balance reached zero, so it is the day the invoice was paid.
    return runReportQueries(this.dataSource, (query) =>
      query<BehaviourRow>(
        `SELECT customer_id AS "customerId", currency::text AS currency, COUNT(*)::int AS count,
                SUM(total)::bigint AS weight,
                SUM(total * (closed_on - issue_date))::text AS "weightedDaysToPay",
                SUM(total * GREATEST(closed_on - due_date, 0))::text AS "weightedDaysBeyondTerms",
                (COUNT(*) FILTER (WHERE closed_on <= due_date))::int AS "onTime"
           FROM invoices
          WHERE org_id = $1 AND closed_on BETWEEN $2::date AND $3::date
            AND status = 'paid' AND amount_paid > 0 ${customerId ? 'AND customer_id = $4' : ''}
          GROUP BY 1, 2`,
        customerId ? [orgId, window.from, window.to, customerId] : [orgId, window.from, window.to],
      ),
    );
  }

  private async combine(
    orgId: string,
    settings: OrgSettings,
    window: { from: string; to: string },
    rows: BehaviourRow[],
    names: Map<string, string>,
  ): Promise<CustomerPaymentBehaviour[]> {
    const byCustomer = new Map<string, BehaviourRow[]>();
    for (const row of rows) byCustomer.set(row.customerId, [...(byCustomer.get(row.customerId) ?? []), row]);
    // Weights in different currencies are only comparable in one currency; a customer invoicing
    // in a single currency needs no rate at all (the factor cancels out).
    const mixed = [...byCustomer.values()].filter((r) => r.length > 1).flat();
    let converter: CurrencyConverter | undefined;
    if (mixed.length > 0) {
      converter = await this.exchangeRates.converter(
        orgId,
        settings.baseCurrency,
        mixed.map((r) => r.currency),
        window.to,
      );
    }
    return [...byCustomer.entries()].map(([customerId, parts]) => {
      const factor = (currency: string): number =>
        parts.length > 1 && converter ? converter.weight(currency) : 1;
      const weight = parts.reduce((s, r) => s + r.weight * factor(r.currency), 0);
      const weighted = (pick: (r: BehaviourRow) => string): number | null =>
        weight > 0 ? parts.reduce((s, r) => s + Number(pick(r)) * factor(r.currency), 0) / weight : null;
      const count = parts.reduce((s, r) => s + r.count, 0);
      const averageDaysBeyondTerms = roundTo(
        weighted((r) => r.weightedDaysBeyondTerms),
        1,
      );
      const band = scoreBand(averageDaysBeyondTerms);
      return {
        customerId,
        customerName: names.get(customerId) ?? '',
        window,
        paidInvoiceCount: count,
        paidTotals: sumByCurrency(parts.map((r) => ({ currency: r.currency, amount: r.weight }))),
        averageDaysToPay: roundTo(
          weighted((r) => r.weightedDaysToPay),
          1,
        ),
        averageDaysBeyondTerms,
        onTimePercent: roundTo((parts.reduce((s, r) => s + r.onTime, 0) / count) * 100, 1),
        scoreBand: band,
        scoreBandRule: scoreBandLabel(band),
      };
    });
  }

  private noHistory(
    customerId: string,
    customerName: string,
    window: { from: string; to: string },
  ): CustomerPaymentBehaviour {
    return {
      customerId,
      customerName,
      window,
      paidInvoiceCount: 0,
      paidTotals: [],
      averageDaysToPay: null,
      averageDaysBeyondTerms: null,
      onTimePercent: null,
      scoreBand: 'no_history',
      scoreBandRule: scoreBandLabel('no_history'),
    };
  }
}
