import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExchangeRatesService } from '../../currency/exchange-rates.service';
import type { ExchangeRateQuote } from '../../currency/exchange-rates.service';
import { ACTIVE_DISPUTE_STATUSES } from '../../disputes/dispute.entity';
import { addDays } from '../../shared/calendar';
import { OrgSettingsReader } from '../../shared/org-settings';
import { resolveChoice } from '../shared/analytics-input';
import { openInvoicesAsOfSql } from '../shared/as-of-balances.sql';
import { money, sumByCurrency } from '../shared/money';
import type { Money } from '../shared/money';
import { runReportQueries } from '../shared/report-queries';
import { SqlParams } from '../shared/sql-params';
import { PaymentBehaviourService } from '../payment-behaviour/payment-behaviour.service';

export type ForecastMethod = 'due_date' | 'behaviour';
export const FORECAST_METHODS: readonly ForecastMethod[] = ['due_date', 'behaviour'];

export interface CashForecastQuery {
  /** First day of week 1; default today in the organization's time zone. */
  asOf?: string;
  /** Default 'behaviour'. */
  method?: ForecastMethod;
  /** Count invoices under an open dispute in the weeks (flagged); by default they are left out. */
  includeDisputed?: boolean;
  /** Window for customers' average days beyond terms (behaviour method), default 365 days. */
  lookbackDays?: number;
}

export interface ForecastWeek {
  /** 1 to 13; week 1 starts on the as-of date. */
  week: number;
  from: string;
  to: string;
  /** Expected receipts, in the base currency. */
  expected: Money;
  /** Invoices expected (wholly or partly) this week. */
  invoiceCount: number;
  /** Part of `expected` that customers promised to pay (pending promises). */
  promised: Money;
  /** Part of `expected` on invoices under an open dispute (only with includeDisputed). */
  disputed: Money;
  byCurrency: Money[];
}

export interface CashForecast {
  asOf: string;
  method: ForecastMethod;
  baseCurrency: string;
  weeks: ForecastWeek[];
  /** Expected after the thirteenth week. */
  later: { expected: Money; invoiceCount: number; byCurrency: Money[] };
  /** Weeks plus later: the open receivables forecast. */
  total: Money;
  /** Left out because an open dispute holds them (null when includeDisputed). */
  excludedDisputed: { amount: Money; invoiceCount: number; byCurrency: Money[] } | null;
  /** Customers' average days beyond terms came from paid invoices in this window. */
  behaviourWindow: { from: string; to: string } | null;
  assumptions: string[];
  exchangeRates: ExchangeRateQuote[];
}

interface FlowRow {
  week: number;
  currency: string;
  amount: number;
  promised: number;
  disputed: number;
  invoiceCount: number;
}

const WEEKS = 13;
/** Week index of flows after the horizon, and of left-out disputed invoices. */
const LATER = WEEKS;
const EXCLUDED = -1;

/**
 * Thirteen-week cash forecast from open receivables (domain.md §4.9). Each open invoice is
 * expected on its due date (due-date method) or on its due date plus its customer's average days
 * beyond terms (behaviour method); anything whose expected day has passed is expected tomorrow; a
 * pending promise to pay moves the promised part of its invoices to the promised day.
 */
@Injectable()
export class CashForecastService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orgSettings: OrgSettingsReader,
    private readonly exchangeRates: ExchangeRatesService,
    private readonly paymentBehaviour: PaymentBehaviourService,
  ) {}

  async forecast(orgId: string, query: CashForecastQuery = {}): Promise<CashForecast> {
    const settings = await this.orgSettings.load(orgId);
    const method = resolveChoice(query.method, 'method', FORECAST_METHODS, 'behaviour');
    // The behaviour window validates asOf and lookbackDays for both methods.
    const window = this.paymentBehaviour.window(settings, query);
    const asOf = window.to;
    const includeDisputed = query.includeDisputed ?? false;
    const lateness =
      method === 'behaviour'
        ? await this.paymentBehaviour.averageDaysBeyondTermsByCustomer(orgId, settings, window)
        : new Map<string, number>();

    const rows = await runReportQueries(this.dataSource, (q) => {
      const p = new SqlParams();
      const placeholders = { org: p.add(orgId), asOf: p.add(asOf) };
      const tomorrow = p.add(addDays(asOf, 1));
      const customers = p.add([...lateness.keys()]);
      const days = p.add([...lateness.values()].map((d) => Math.round(d)));
      const activeDisputes = p.add(ACTIVE_DISPUTE_STATUSES);
      const include = p.add(includeDisputed);
      return q<FlowRow>(
        `WITH open_invoice AS (${openInvoicesAsOfSql(placeholders)}),
              lateness AS (SELECT unnest(${customers}::uuid[]) AS customer_id, unnest(${days}::int[]) AS days),
              -- The newest pending promise on an invoice replaces older ones.
              promise AS (
                SELECT DISTINCT ON (pi.invoice_id) pi.invoice_id, pr.promised_on, pi.amount
                  FROM promise_invoices pi
                  JOIN promises_to_pay pr ON pr.org_id = pi.org_id AND pr.id = pi.promise_id
                 WHERE pi.org_id = ${placeholders.org} AND pr.status = 'pending'
                 ORDER BY pi.invoice_id, pr.created_at DESC, pr.id),
              disputed AS (
                SELECT DISTINCT invoice_id FROM disputes
                 WHERE org_id = ${placeholders.org} AND status::text = ANY(${activeDisputes}::text[])),
              invoice AS (
                SELECT oi.id, oi.currency, oi.balance, d.invoice_id IS NOT NULL AS disputed,
                       LEAST(COALESCE(pr.amount, 0), oi.balance) AS promised_amount, pr.promised_on,
                       oi.due_date + ${method === 'behaviour' ? 'COALESCE(l.days, 0)' : '0'} AS expected_on
                  FROM open_invoice oi
                  LEFT JOIN promise pr ON pr.invoice_id = oi.id
                  LEFT JOIN disputed d ON d.invoice_id = oi.id
                  LEFT JOIN lateness l ON l.customer_id = oi.customer_id),
              flow AS (
                SELECT id, currency, disputed, promised_amount AS amount, true AS promised,
                       GREATEST(promised_on, ${placeholders.asOf}::date) AS expected_on,
                       promised_on < ${placeholders.asOf}::date AS late
                  FROM invoice WHERE promised_amount > 0
                UNION ALL
                SELECT id, currency, disputed, balance - promised_amount, false,
                       expected_on, expected_on < ${placeholders.asOf}::date
                  FROM invoice WHERE balance > promised_amount)
         SELECT CASE WHEN disputed AND NOT ${include}::boolean THEN ${EXCLUDED}
                     ELSE LEAST((CASE WHEN late THEN ${tomorrow}::date ELSE expected_on END - ${placeholders.asOf}::date) / 7, ${LATER})
                END AS week,
                currency,
                SUM(amount)::bigint AS amount,
                COALESCE(SUM(amount) FILTER (WHERE promised), 0)::bigint AS promised,
                COALESCE(SUM(amount) FILTER (WHERE disputed), 0)::bigint AS disputed,
                COUNT(DISTINCT id)::int AS "invoiceCount"
           FROM flow
          GROUP BY 1, 2`,
        p.values,
      );
    });

    const converter = await this.exchangeRates.converter(
      orgId,
      settings.baseCurrency,
      rows.map((r) => r.currency),
      asOf,
    );
    const base = settings.baseCurrency;
    const inWeek = (week: number) => rows.filter((r) => r.week === week);
    const toBase = (list: FlowRow[], pick: (r: FlowRow) => number) =>
      list.reduce((s, r) => s + converter.convert(pick(r), r.currency), 0);
    const count = (list: FlowRow[]) => list.reduce((s, r) => s + r.invoiceCount, 0);
    const byCurrency = (list: FlowRow[]) =>
      sumByCurrency(list.map((r) => ({ currency: r.currency, amount: r.amount })));

    const weeks: ForecastWeek[] = Array.from({ length: WEEKS }, (_, k) => {
      const list = inWeek(k);
      return {
        week: k + 1,
        from: addDays(asOf, 7 * k),
        to: addDays(asOf, 7 * k + 6),
        expected: money(
          toBase(list, (r) => r.amount),
          base,
        ),
        invoiceCount: count(list),
        promised: money(
          toBase(list, (r) => r.promised),
          base,
        ),
        disputed: money(
          toBase(list, (r) => r.disputed),
          base,
        ),
        byCurrency: byCurrency(list),
      };
    });
    const later = inWeek(LATER);
    const excluded = inWeek(EXCLUDED);
    const laterAmount = toBase(later, (r) => r.amount);
    const assumptions = [
      method === 'behaviour'
        ? `Each invoice is expected on its due date plus its customer's average days beyond terms (whole days; paid invoices ${window.from} to ${window.to}); customers without paid invoices then, on the due date.`
        : 'Each invoice is expected on its due date.',
      `An invoice whose expected day is before ${asOf} is expected tomorrow (${addDays(asOf, 1)}).`,
      'A pending promise to pay moves the promised part of its invoices to the promised day (tomorrow if that day has passed); the newest promise on an invoice wins.',
      includeDisputed
        ? 'Invoices under an open dispute are included and their amounts shown as disputed.'
        : 'Invoices under an open dispute are left out and totalled separately.',
      `Amounts in ${base} at the latest rates on or before ${asOf}.`,
    ];
    return {
      asOf,
      method,
      baseCurrency: base,
      weeks,
      later: {
        expected: money(laterAmount, base),
        invoiceCount: count(later),
        byCurrency: byCurrency(later),
      },
      total: money(weeks.reduce((s, w) => s + w.expected.amount, 0) + laterAmount, base),
      excludedDisputed: includeDisputed
        ? null
        : {
            amount: money(
              toBase(excluded, (r) => r.amount),
              base,
            ),
            invoiceCount: count(excluded),
            byCurrency: byCurrency(excluded),
          },
      behaviourWindow: method === 'behaviour' ? window : null,
      assumptions,
      exchangeRates: converter.quotes(),
    };
  }
}
