import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { MAX_BUCKET_EDGE_DAYS, MAX_BUCKET_EDGES } from '../../receivables/analytics/aging/aging-buckets';
import type { AgingBasis } from '../../receivables/analytics/aging/aging-buckets';
import { AgingService } from '../../receivables/analytics/aging/aging.service';
import type {
  AgingAmounts,
  AgingGroupBy,
  AgingReport,
} from '../../receivables/analytics/aging/aging.service';
import { CashForecastService } from '../../receivables/analytics/forecast/cash-forecast.service';
import type {
  CashForecast,
  ForecastMethod,
} from '../../receivables/analytics/forecast/cash-forecast.service';
import { KpiService, MAX_KPI_PERIOD_DAYS } from '../../receivables/analytics/kpis/kpi.service';
import type { KpiReport, KpiTrend } from '../../receivables/analytics/kpis/kpi.service';
import { OverdueCustomersService } from '../../receivables/analytics/overdue/overdue-customers.service';
import type { TopOverdueCustomers } from '../../receivables/analytics/overdue/overdue-customers.service';
import {
  DEFAULT_LOOKBACK_DAYS,
  PaymentBehaviourService,
} from '../../receivables/analytics/payment-behaviour/payment-behaviour.service';
import type { CustomerPaymentBehaviour } from '../../receivables/analytics/payment-behaviour/payment-behaviour.service';
import type { ScoreBand } from '../../receivables/analytics/payment-behaviour/score-band';
import { StatementOfAccountService } from '../../receivables/analytics/statement/statement-of-account.service';
import type { StatementOfAccount } from '../../receivables/analytics/statement/statement-of-account.service';
import { CollectorWorklistService } from '../../receivables/analytics/worklist/collector-worklist.service';
import type { Worklist } from '../../receivables/analytics/worklist/collector-worklist.service';
import type { WorklistReasonCode } from '../../receivables/analytics/worklist/worklist-score';
import { addDays, addMonths } from '../../receivables/shared/calendar';
import { OrgSettingsReader } from '../../receivables/shared/org-settings';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id, isoDate, money } from './shared/common-schemas';
import { exchangeRateQuote, moneyValue } from './shared/filter-schemas';
import { pageArguments, pageFooter, pageOutput } from './shared/paging';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

// ---------------------------------------------------------------------------------------------
// Shared pieces. The enums repeat the services' lists as tuples (zod needs literal tuples); the
// `satisfies` clauses keep them in step with the services' types.

const AGING_BASES = ['due_date', 'invoice_date'] as const satisfies readonly AgingBasis[];
const GROUP_BYS = [
  'none',
  'customer',
  'collector',
  'subsidiary',
  'currency',
] as const satisfies readonly AgingGroupBy[];
const FORECAST_METHODS = ['due_date', 'behaviour'] as const satisfies readonly ForecastMethod[];
const SCORE_BANDS = ['great', 'good', 'poor', 'risk', 'no_history'] as const satisfies readonly ScoreBand[];
const REASON_CODES = [
  'overdue_amount',
  'days_past_due',
  'broken_promise',
  'promise_due_today',
  'open_dispute',
  'task_due',
] as const satisfies readonly WorklistReasonCode[];

const days = z.number().nullable().describe('Days, one decimal; null when undefined (e.g. no credit sales)');
const percent = z.number().nullable().describe('Percent, one decimal; null when undefined');
const dateWindow = z.object({ from: z.string(), to: z.string() }).describe('Inclusive days');
const pastAsOf = (what: string) => isoDate(`${what}; today or earlier (default: today in the organization)`);

const basis = z
  .enum(AGING_BASES)
  .optional()
  .describe(
    "Age by days past the due date or days since the invoice date (default: the organization's setting)",
  );
const bucketEdges = z
  .array(z.number().int().min(1).max(MAX_BUCKET_EDGE_DAYS))
  .min(1)
  .max(MAX_BUCKET_EDGES)
  .optional()
  .describe(
    "Upper day of each past-due bucket, ascending: [30, 60, 90] gives current, 1–30, 31–60, 61–90, over 90 (default: the organization's setting)",
  );

const AgingBucket = z.object({
  key: z.string(),
  label: z.string(),
  minDays: z.number().int().nullable().describe('Inclusive; null: open-ended'),
  maxDays: z.number().int().nullable().describe('Inclusive; null: open-ended'),
});

const AgingAmountsSchema = z.object({
  currency: z.string(),
  buckets: z
    .array(z.object({ key: z.string(), amount: money, invoiceCount: z.number().int() }))
    .describe('Same order as the report buckets'),
  total: money,
  invoiceCount: z.number().int(),
});

function amountsLine(a: AgingAmounts, labels: Map<string, string>): string {
  const cells = a.buckets
    .filter((b) => b.amount !== 0)
    .map((b) => `${labels.get(b.key) ?? b.key} ${formatMoney(b.amount, a.currency)}`);
  return `${formatMoney(a.total, a.currency)} in ${a.invoiceCount} invoice(s)${cells.length > 0 ? `: ${cells.join(', ')}` : ''}`;
}

const orNa = (value: number | null, unit = ''): string => (value === null ? 'n/a' : `${value}${unit}`);

// ---------------------------------------------------------------------------------------------
// get_aging

const GetAgingInput = z
  .object({
    asOf: pastAsOf(
      'End of the day the aging describes; a past day shows the receivables as they stood then',
    ).optional(),
    basis,
    bucketEdges,
    groupBy: z
      .enum(GROUP_BYS)
      .optional()
      .describe(
        'Also split the aging by customer, collector, subsidiary or currency (default none); groups are ranked by base-currency total and paged',
      ),
    customerId: id('customer').optional().describe("Only this customer's receivables (default: everyone)"),
    ...pageArguments,
  })
  .strict();

const CreditsSummary = z.object({
  base: moneyValue.describe('Total in the base currency'),
  byCurrency: z.array(
    z.object({
      currency: z.string(),
      amount: money,
      count: z.number().int(),
      oldestDate: z.string().nullable().describe('Receipt or issue date of the oldest one still open'),
    }),
  ),
  count: z.number().int(),
});

const AgingGroup = z.object({
  key: z
    .string()
    .nullable()
    .describe('Customer, collector or subsidiary id, or currency; null: none assigned'),
  label: z.string(),
  base: AgingAmountsSchema.describe('Converted into the base currency'),
  byCurrency: z.array(AgingAmountsSchema).describe('In each original currency'),
  unappliedCash: moneyValue,
  openCredits: moneyValue,
});

const GetAgingOutput = z.object({
  asOf: z.string(),
  basis: z.enum(AGING_BASES),
  bucketEdges: z.array(z.number().int()),
  buckets: z.array(AgingBucket),
  baseCurrency: z.string(),
  groupBy: z.enum(GROUP_BYS),
  totals: z.object({
    base: AgingAmountsSchema.describe('Everything in scope, converted into the base currency'),
    byCurrency: z.array(AgingAmountsSchema).describe('Everything in scope, in each original currency'),
  }),
  unappliedCash: CreditsSummary.describe(
    'Payments not yet applied: listed beside the aging, never netted into buckets',
  ),
  openCreditMemos: CreditsSummary.describe('Unused credit memos: listed beside the aging'),
  netReceivable: moneyValue.describe('Open invoices less unapplied cash and unused credit, base currency'),
  groups: z.object(pageOutput(AgingGroup)).describe('Empty unless groupBy is set'),
  exchangeRates: z
    .array(exchangeRateQuote)
    .describe('Rates on or before asOf used for base-currency figures'),
});

function renderAging(r: AgingReport): string {
  const labels = new Map(r.buckets.map((b) => [b.key, b.label]));
  const lines = [
    `AR aging as of ${r.asOf} (${r.basis === 'due_date' ? 'days past due' : 'days since invoice'}; buckets ${r.buckets.map((b) => b.label).join(', ')}), base currency ${r.baseCurrency}:`,
    ...r.totals.base.buckets.map(
      (b) =>
        `  ${labels.get(b.key) ?? b.key}: ${formatMoney(b.amount, r.baseCurrency)} (${b.invoiceCount} invoice(s))`,
    ),
    `  Total open: ${formatMoney(r.totals.base.total, r.baseCurrency)} in ${r.totals.base.invoiceCount} invoice(s)`,
  ];
  if (r.totals.byCurrency.some((a) => a.currency !== r.baseCurrency)) {
    lines.push('  By original currency:');
    for (const a of r.totals.byCurrency) lines.push(`    ${a.currency}: ${amountsLine(a, labels)}`);
  }
  lines.push(
    `  Unapplied cash ${formatMoney(r.unappliedCash.base.amount, r.baseCurrency)} (${r.unappliedCash.count}), unused credit memos ${formatMoney(r.openCreditMemos.base.amount, r.baseCurrency)} (${r.openCreditMemos.count}); net receivable ${formatMoney(r.netReceivable.amount, r.netReceivable.currency)}`,
  );
  for (const q of r.exchangeRates.filter((x) => x.rateDate !== null)) {
    lines.push(`  Converted at ${q.fromCurrency}→${q.toCurrency} ${q.rate} (rate of ${q.rateDate})`);
  }
  if (r.groupBy !== 'none') {
    lines.push(`By ${r.groupBy}:`);
    for (const g of r.groups.items) {
      lines.push(
        `- ${g.label}${g.key && g.key !== g.label ? ` (${g.key})` : ''}: ${amountsLine(g.base, labels)}`,
      );
    }
    lines.push(pageFooter(r.groups, 'groups'));
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// get_kpis, get_kpi_trend

const KPI_PERIODS = [
  'last_month',
  'last_quarter',
  'last_3_months',
  'last_12_months',
  'month_to_date',
  'quarter_to_date',
  'year_to_date',
  'last_30_days',
  'last_90_days',
] as const;
type KpiPeriod = (typeof KPI_PERIODS)[number];

/** The dates of a named period, in the organization's calendar; months are calendar months. */
function periodDates(period: KpiPeriod, today: string): { from: string; to: string } {
  const monthStart = `${today.slice(0, 7)}-01`;
  const lastMonthEnd = addDays(monthStart, -1);
  const month = Number(today.slice(5, 7));
  const quarterStart = `${today.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
  switch (period) {
    case 'last_month':
      return { from: addMonths(monthStart, -1), to: lastMonthEnd };
    case 'last_quarter':
      return { from: addMonths(quarterStart, -3), to: addDays(quarterStart, -1) };
    case 'last_3_months':
      return { from: addMonths(monthStart, -3), to: lastMonthEnd };
    case 'last_12_months':
      return { from: addMonths(monthStart, -12), to: lastMonthEnd };
    case 'month_to_date':
      return { from: monthStart, to: today };
    case 'quarter_to_date':
      return { from: quarterStart, to: today };
    case 'year_to_date':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
    case 'last_30_days':
      return { from: addDays(today, -29), to: today };
    case 'last_90_days':
      return { from: addDays(today, -89), to: today };
  }
}

const GetKpisInput = z
  .object({
    period: z
      .enum(KPI_PERIODS)
      .optional()
      .describe(
        'A named period ending today or at the last month end (default last_month, the previous calendar month); or give from and to instead',
      ),
    from: isoDate('First day of a custom period').optional(),
    to: isoDate(
      `Last day of a custom period (included; today or earlier; at most ${MAX_KPI_PERIOD_DAYS} days)`,
    ).optional(),
  })
  .strict()
  .refine((i) => (i.from === undefined) === (i.to === undefined), {
    message: 'Give both from and to for a custom period, or neither.',
  })
  .refine((i) => i.period === undefined || i.from === undefined, {
    message: 'Give either period or from/to, not both.',
  });

const Formula = z.string().describe('How the figure is computed');

const GetKpisOutput = z.object({
  period: z.object({
    from: z.string(),
    to: z.string(),
    days: z.number().int(),
    months: z.number().describe('Length in months, two decimals'),
  }),
  baseCurrency: z.string(),
  ratesAsOf: z
    .string()
    .describe('Every amount is in the base currency at the latest rates on or before this day'),
  exchangeRates: z.array(exchangeRateQuote),
  inputs: z.object({
    creditSales: moneyValue.describe('Totals of invoices issued in the period, void ones excluded'),
    beginningAr: moneyValue
      .extend({ asOf: z.string() })
      .describe('Receivables at the end of the day before the period'),
    endingAr: moneyValue.extend({ asOf: z.string() }),
    endingCurrentAr: moneyValue.describe('Part of the ending AR not yet past due'),
    endingPastDueAr: moneyValue,
  }),
  dso: z.object({ days, formula: Formula }).describe('Standard DSO'),
  countBackDso: z.object({
    days,
    months: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        days: z.number().int(),
        creditSales: moneyValue,
        arCovered: moneyValue.describe('Part of the ending AR these sales account for'),
        daysCounted: z.number(),
      }),
    ),
    lowerBound: z.boolean().describe('True when AR outlasted the months searched: the figure is a minimum'),
    formula: Formula,
  }),
  bestPossibleDso: z.object({ days, formula: Formula }),
  averageDaysDelinquent: z.object({ days, formula: Formula }).describe('ADD = DSO − best possible DSO'),
  cei: z
    .object({
      percent,
      months: z.number(),
      monthlyCreditSales: moneyValue,
      formula: Formula,
    })
    .describe('Collection effectiveness index'),
  pastDuePercent: z.object({ percent, formula: Formula }),
  notes: z.array(z.string()).describe('Caveats about the figures'),
});

function renderKpis(r: KpiReport): string {
  const m = (x: { amount: number; currency: string }): string => formatMoney(x.amount, x.currency);
  const lines = [
    `Collection KPIs for ${r.period.from} to ${r.period.to} (${r.period.days} days), in ${r.baseCurrency}:`,
    `  DSO ${orNa(r.dso.days, ' days')}; count-back DSO ${orNa(r.countBackDso.days, ' days')}${r.countBackDso.lowerBound ? ' (at least)' : ''}`,
    `  Best possible DSO ${orNa(r.bestPossibleDso.days, ' days')}; average days delinquent ${orNa(r.averageDaysDelinquent.days, ' days')}`,
    `  CEI ${orNa(r.cei.percent, '%')}; past due ${orNa(r.pastDuePercent.percent, '%')} of AR`,
    `  Inputs: beginning AR ${m(r.inputs.beginningAr)} (${r.inputs.beginningAr.asOf}), credit sales ${m(r.inputs.creditSales)}, ending AR ${m(r.inputs.endingAr)} of which current ${m(r.inputs.endingCurrentAr)} and past due ${m(r.inputs.endingPastDueAr)}`,
    ...r.notes.map((n) => `  Note: ${n}`),
  ];
  return lines.join('\n');
}

const GetKpiTrendInput = z
  .object({
    months: z.number().int().min(1).max(24).optional().describe('How many months, 1 to 24 (default 6)'),
    through: isoDate(
      'Last day of the latest month; a month end gives calendar months (default: the end of last month)',
    ).optional(),
  })
  .strict();

const GetKpiTrendOutput = z.object({
  baseCurrency: z.string(),
  months: z
    .array(
      z.object({
        from: z.string(),
        to: z.string(),
        creditSales: moneyValue,
        endingAr: moneyValue,
        dso: days,
        countBackDso: days,
        bestPossibleDso: days,
        averageDaysDelinquent: days,
        cei: percent,
        pastDuePercent: percent,
      }),
    )
    .describe('Oldest month first; each converted at its own month-end rates'),
});

function renderTrend(t: KpiTrend): string {
  return [
    `KPI trend (${t.baseCurrency}), oldest month first:`,
    ...t.months.map(
      (p) =>
        `- ${p.from} to ${p.to}: DSO ${orNa(p.dso)}, count-back ${orNa(p.countBackDso)}, best possible ${orNa(p.bestPossibleDso)}, ADD ${orNa(p.averageDaysDelinquent)}, CEI ${orNa(p.cei, '%')}, past due ${orNa(p.pastDuePercent, '%')}; sales ${formatMoney(p.creditSales.amount, p.creditSales.currency)}, ending AR ${formatMoney(p.endingAr.amount, p.endingAr.currency)}`,
    ),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// get_top_overdue_customers

const GetTopOverdueInput = z
  .object({
    asOf: pastAsOf('Day past-due balances are measured on').optional(),
    limit: z.number().int().min(1).max(100).optional().describe('How many customers, 1 to 100 (default 10)'),
  })
  .strict();

const GetTopOverdueOutput = z.object({
  asOf: z.string(),
  baseCurrency: z.string(),
  customers: z.array(
    z.object({
      rank: z.number().int(),
      customerId: z.string(),
      customerName: z.string(),
      overdue: moneyValue.describe('Past-due balance in the base currency'),
      overdueByCurrency: z.array(moneyValue),
      overdueInvoiceCount: z.number().int(),
      oldestOverdueInvoice: z.object({
        invoiceId: z.string(),
        number: z.string(),
        dueDate: z.string(),
        daysPastDue: z.number().int(),
        balance: moneyValue,
      }),
      collector: z.object({ userId: z.string(), name: z.string() }).nullable(),
      disputed: z.boolean().describe('An open or in-review dispute on one of its invoices'),
      disputedInvoiceCount: z.number().int(),
      promise: z
        .object({ promisedOn: z.string(), amount: moneyValue })
        .nullable()
        .describe('The earliest pending promise to pay'),
    }),
  ),
  customersOverdue: z.number().int().describe('All customers with something past due, not just those listed'),
  totalOverdue: moneyValue.describe('Past due across all of them, base currency'),
  exchangeRates: z.array(exchangeRateQuote),
});

function renderTopOverdue(r: TopOverdueCustomers): string {
  return [
    `Top ${r.customers.length} of ${r.customersOverdue} customers with past-due balances as of ${r.asOf} (total past due ${formatMoney(r.totalOverdue.amount, r.totalOverdue.currency)}):`,
    ...r.customers.map((c) => {
      const o = c.oldestOverdueInvoice;
      return (
        `${c.rank}. ${c.customerName} (${c.customerId}): ${formatMoney(c.overdue.amount, c.overdue.currency)} past due in ${c.overdueInvoiceCount} invoice(s); oldest ${o.number} ${o.daysPastDue} days (${formatMoney(o.balance.amount, o.balance.currency)})` +
        (c.collector ? `; collector ${c.collector.name}` : '; no collector') +
        (c.disputed ? `; ${c.disputedInvoiceCount} disputed` : '') +
        (c.promise
          ? `; promised ${formatMoney(c.promise.amount.amount, c.promise.amount.currency)} on ${c.promise.promisedOn}`
          : '')
      );
    }),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// get_payment_behaviour

const GetPaymentBehaviourInput = z
  .object({
    customerId: id('customer')
      .optional()
      .describe(
        'One customer (its row even without history); omit to list every customer that paid, slowest first',
      ),
    asOf: pastAsOf('End of the lookback window').optional(),
    lookbackDays: z
      .number()
      .int()
      .min(1)
      .max(1095)
      .optional()
      .describe(`Days in the window of paid invoices, 1 to 1095 (default ${DEFAULT_LOOKBACK_DAYS})`),
    ...pageArguments,
  })
  .strict();

const Behaviour = z.object({
  customerId: z.string(),
  customerName: z.string(),
  window: dateWindow,
  paidInvoiceCount: z.number().int().describe('Invoices paid in full in the window'),
  paidTotals: z.array(moneyValue),
  averageDaysToPay: days.describe('Invoice date to payment, weighted by invoice total'),
  averageDaysBeyondTerms: days.describe('Due date to payment (early counts 0), weighted by invoice total'),
  onTimePercent: percent.describe('Share of paid invoices paid by their due date'),
  scoreBand: z.enum(SCORE_BANDS),
  scoreBandRule: z.string(),
});

const GetPaymentBehaviourOutput = z.object({ window: dateWindow, ...pageOutput(Behaviour) });

function behaviourLine(b: CustomerPaymentBehaviour): string {
  const who = `- ${b.customerName} (${b.customerId})`;
  if (b.paidInvoiceCount === 0) return `${who}: no invoice paid in the window (no_history)`;
  return `${who}: ${b.scoreBand}; ${b.paidInvoiceCount} paid invoice(s), average ${orNa(b.averageDaysToPay)} days to pay, ${orNa(b.averageDaysBeyondTerms)} days beyond terms, ${orNa(b.onTimePercent, '%')} on time`;
}

// ---------------------------------------------------------------------------------------------
// get_cash_forecast

const GetCashForecastInput = z
  .object({
    asOf: pastAsOf('First day of week 1').optional(),
    method: z
      .enum(FORECAST_METHODS)
      .optional()
      .describe(
        "behaviour (default): due date plus the customer's average days beyond terms; due_date: each invoice on its due date",
      ),
    includeDisputed: z
      .boolean()
      .optional()
      .describe('Count invoices under an open dispute in the weeks (flagged as disputed); default: left out'),
    lookbackDays: z
      .number()
      .int()
      .min(1)
      .max(1095)
      .optional()
      .describe(`Window of paid invoices behind customers' lateness (default ${DEFAULT_LOOKBACK_DAYS})`),
  })
  .strict();

const GetCashForecastOutput = z.object({
  asOf: z.string(),
  method: z.enum(FORECAST_METHODS),
  baseCurrency: z.string(),
  weeks: z.array(
    z.object({
      week: z.number().int().describe('1 to 13; week 1 starts on asOf'),
      from: z.string(),
      to: z.string(),
      expected: moneyValue.describe('Expected receipts, base currency'),
      invoiceCount: z.number().int(),
      promised: moneyValue.describe('Part of expected that customers promised'),
      disputed: moneyValue.describe('Part of expected under open disputes (only with includeDisputed)'),
      byCurrency: z.array(moneyValue),
    }),
  ),
  later: z.object({ expected: moneyValue, invoiceCount: z.number().int(), byCurrency: z.array(moneyValue) }),
  total: moneyValue.describe('Weeks plus later'),
  excludedDisputed: z
    .object({ amount: moneyValue, invoiceCount: z.number().int(), byCurrency: z.array(moneyValue) })
    .nullable()
    .describe('Left out because under open dispute; null with includeDisputed'),
  behaviourWindow: dateWindow.nullable(),
  assumptions: z.array(z.string()),
  exchangeRates: z.array(exchangeRateQuote),
});

function renderForecast(f: CashForecast): string {
  const m = (x: { amount: number; currency: string }): string => formatMoney(x.amount, x.currency);
  return [
    `13-week cash forecast from ${f.asOf} (${f.method} method), ${f.baseCurrency}:`,
    ...f.weeks.map(
      (w) =>
        `  Week ${w.week} (${w.from} to ${w.to}): ${m(w.expected)} from ${w.invoiceCount} invoice(s)` +
        (w.promised.amount > 0 ? `, ${m(w.promised)} promised` : '') +
        (w.disputed.amount > 0 ? `, ${m(w.disputed)} disputed` : ''),
    ),
    `  Later: ${m(f.later.expected)} from ${f.later.invoiceCount} invoice(s); total ${m(f.total)}`,
    ...(f.excludedDisputed
      ? [
          `  Left out (open disputes): ${m(f.excludedDisputed.amount)} in ${f.excludedDisputed.invoiceCount} invoice(s)`,
        ]
      : []),
    'Assumptions:',
    ...f.assumptions.map((a) => `  - ${a}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// get_statement_of_account

const GetStatementInput = z
  .object({
    customerId: id('customer'),
    from: isoDate('First day of the statement'),
    to: isoDate('Last day of the statement (included; today or earlier; at most about 3 years after from)'),
    basis,
    bucketEdges,
  })
  .strict();

const StatementLine = z.object({
  date: z.string(),
  type: z.enum(['invoice', 'payment', 'credit_memo', 'write_off']),
  documentId: z.string(),
  number: z.string(),
  description: z.string(),
  debit: money.describe('Raises what the customer owes'),
  credit: money.describe('Lowers what the customer owes'),
  balance: money.describe("What the customer owes after this line, in the section's currency"),
});

const GetStatementOutput = z.object({
  customer: z.object({ id: z.string(), name: z.string() }),
  period: z.object({ from: z.string(), to: z.string(), days: z.number().int() }),
  basis: z.enum(AGING_BASES),
  buckets: z.array(AgingBucket),
  sections: z
    .array(
      z.object({
        currency: z.string(),
        openingBalance: moneyValue.describe('Owed at the end of the day before from'),
        lines: z.array(StatementLine),
        totalDebits: moneyValue,
        totalCredits: moneyValue,
        closingBalance: moneyValue,
        closingBreakdown: z.object({
          openInvoices: moneyValue,
          unappliedCash: moneyValue,
          unusedCredit: moneyValue,
        }),
        aging: AgingAmountsSchema.describe('Aging of the invoices open at to'),
      }),
    )
    .describe('One section per currency the customer was billed or paid in'),
});

function renderStatement(s: StatementOfAccount): string {
  const labels = new Map(s.buckets.map((b) => [b.key, b.label]));
  const lines = [
    `Statement of account for ${s.customer.name} (${s.customer.id}), ${s.period.from} to ${s.period.to}:`,
  ];
  if (s.sections.length === 0) lines.push('  No documents and nothing owed in this period.');
  for (const section of s.sections) {
    const m = (amount: number): string => formatMoney(amount, section.currency);
    lines.push(`${section.currency}: opening balance ${m(section.openingBalance.amount)}`);
    for (const l of section.lines) {
      const movement = l.debit > 0 ? `+${m(l.debit)}` : `−${m(l.credit)}`;
      lines.push(`  ${l.date} ${l.type} ${l.number} ${movement} → ${m(l.balance)}`);
    }
    lines.push(
      `  Closing balance ${m(section.closingBalance.amount)} (debits ${m(section.totalDebits.amount)}, credits ${m(section.totalCredits.amount)}): open invoices ${m(section.closingBreakdown.openInvoices.amount)}, unapplied cash ${m(section.closingBreakdown.unappliedCash.amount)}, unused credit ${m(section.closingBreakdown.unusedCredit.amount)}`,
      `  Aging at ${s.period.to}: ${amountsLine(section.aging, labels)}`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// get_collector_worklist

const GetWorklistInput = z
  .object({
    collectorUserId: z
      .string()
      .uuid()
      .optional()
      .describe("Whose accounts (a member's user id); default: the signed-in user's own accounts"),
    allAccounts: z
      .boolean()
      .optional()
      .describe("true: every account in the organization, whoever collects it (managers' view)"),
    asOf: pastAsOf('Day the priorities are computed for').optional(),
    ...pageArguments,
  })
  .strict()
  .refine((i) => !(i.allAccounts === true && i.collectorUserId !== undefined), {
    message: 'Give collectorUserId or allAccounts: true, not both.',
  });

const GetWorklistOutput = z.object({
  asOf: z.string(),
  baseCurrency: z.string(),
  collectorUserId: z.string().nullable().describe('Whose accounts; null: every account'),
  scoring: z.array(z.string()).describe('How the score is made'),
  ...pageOutput(
    z.object({
      customerId: z.string(),
      customerName: z.string(),
      collector: z.object({ userId: z.string(), name: z.string() }).nullable(),
      score: z.number().describe('Priority: higher first'),
      reasons: z
        .array(z.object({ code: z.enum(REASON_CODES), points: z.number(), detail: z.string() }))
        .describe('Why the account is on the list, largest part of the score first'),
      overdue: moneyValue.describe('Past-due balance in the base currency'),
      overdueInvoiceCount: z.number().int(),
      oldestDaysPastDue: z.number().int().nullable(),
      brokenPromises: z.number().int(),
      promiseDueToday: moneyValue.nullable(),
      openDisputes: z.number().int(),
      tasksDue: z.number().int(),
      tasksOverdue: z.number().int(),
    }),
  ),
});

function renderWorklist(w: Worklist, whose: string): string {
  const lines = [`Worklist for ${whose} as of ${w.asOf}, highest priority first:`];
  w.items.forEach((e) => {
    lines.push(
      `- ${e.customerName} (${e.customerId}), score ${e.score}: ${e.reasons.map((r) => r.detail).join('; ')}`,
    );
  });
  lines.push(pageFooter(w, 'accounts'));
  if (w.items.length === 0 && w.collectorUserId !== null) {
    lines.push('Nothing needs attention on these accounts; allAccounts: true shows the whole organization.');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

/** AR analytics: server-side aggregates, so no question needs paging through every invoice. */
@ArTools()
export class AnalyticsTools {
  constructor(
    private readonly aging: AgingService,
    private readonly kpis: KpiService,
    private readonly overdue: OverdueCustomersService,
    private readonly behaviour: PaymentBehaviourService,
    private readonly forecast: CashForecastService,
    private readonly statements: StatementOfAccountService,
    private readonly worklists: CollectorWorklistService,
    private readonly orgSettings: OrgSettingsReader,
  ) {}

  @Tool({
    name: 'get_aging',
    description:
      'Accounts-receivable aging as of any day (today or in the past, rebuilt as the books stood then): open invoice balances in buckets by days past due (or days since invoice), with custom bucket edges, per original currency and converted into the base currency, unapplied cash and unused credit memos beside it, and the net receivable. Optionally one customer, and/or split by customer, collector, subsidiary or currency (groups ranked by total and paged). Use it for totals and buckets; search_invoices with agingBucket or daysPastDue lists the invoices behind a bucket.',
    parameters: GetAgingInput,
    outputSchema: GetAgingOutput,
    annotations: readOnly('AR aging'),
  })
  @ToolScopes(['ar:read'])
  async getAging(
    @Payload() input: z.infer<typeof GetAgingInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof GetAgingOutput>>> {
    const report = await this.aging.aging(principalOf(context).orgId, input);
    return toolResult(report, renderAging(report));
  }

  @Tool({
    name: 'get_kpis',
    description:
      'Collection KPIs for one period, in the base currency, each with its formula and inputs: DSO (standard and count-back), best possible DSO, average days delinquent (ADD), collection effectiveness index (CEI) and past-due %. Pick a named period (default last month) or give from and to. For how they move month by month use get_kpi_trend.',
    parameters: GetKpisInput,
    outputSchema: GetKpisOutput,
    annotations: readOnly('Collection KPIs'),
  })
  @ToolScopes(['ar:read'])
  async getKpis(
    @Payload() input: z.infer<typeof GetKpisInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof GetKpisOutput>>> {
    const { orgId } = principalOf(context);
    const period =
      input.from !== undefined && input.to !== undefined
        ? { from: input.from, to: input.to }
        : periodDates(input.period ?? 'last_month', await this.orgSettings.today(orgId));
    const report = await this.kpis.kpis(orgId, period);
    return toolResult(report, renderKpis(report));
  }

  @Tool({
    name: 'get_kpi_trend',
    description:
      'The collection KPIs (DSO, count-back DSO, best possible DSO, ADD, CEI, past-due %) for each of the last 1 to 24 months, oldest first, with credit sales and ending AR: "is DSO getting better?". For one period with formulas and inputs use get_kpis.',
    parameters: GetKpiTrendInput,
    outputSchema: GetKpiTrendOutput,
    annotations: readOnly('KPI trend'),
  })
  @ToolScopes(['ar:read'])
  async getKpiTrend(
    @Payload() input: z.infer<typeof GetKpiTrendInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof GetKpiTrendOutput>>> {
    const trend = await this.kpis.trend(principalOf(context).orgId, input);
    return toolResult(trend, renderTrend(trend));
  }

  @Tool({
    name: 'get_top_overdue_customers',
    description:
      'Customers ranked by past-due balance (base currency) as of a day, with each one\'s oldest past-due invoice, collector, disputes and earliest pending promise, plus how many customers are past due in all and the total. Use it for "who owes us the most overdue money"; search_customers with overdueOnly pages through every past-due customer.',
    parameters: GetTopOverdueInput,
    outputSchema: GetTopOverdueOutput,
    annotations: readOnly('Top overdue customers'),
  })
  @ToolScopes(['ar:read'])
  async getTopOverdueCustomers(
    @Payload() input: z.infer<typeof GetTopOverdueInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof GetTopOverdueOutput>>> {
    const result = await this.overdue.topOverdueCustomers(principalOf(context).orgId, input);
    return toolResult(result, renderTopOverdue(result));
  }

  @Tool({
    name: 'get_payment_behaviour',
    description:
      'How customers pay, from the invoices they paid in a lookback window: average days to pay, average days beyond terms, on-time %, and a score band (great ≤ 15 days beyond terms, good ≤ 45, poor ≤ 90, risk above, no_history). One customer with customerId; otherwise every customer that paid, slowest first, paged (follow nextCursor while hasMore). get_cash_forecast uses the same lateness.',
    parameters: GetPaymentBehaviourInput,
    outputSchema: GetPaymentBehaviourOutput,
    annotations: readOnly('Payment behaviour'),
  })
  @ToolScopes(['ar:read'])
  async getPaymentBehaviour(
    @Payload() input: z.infer<typeof GetPaymentBehaviourInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof GetPaymentBehaviourOutput>>> {
    const { orgId } = principalOf(context);
    const { customerId, limit, cursor, ...query } = input;
    const page =
      customerId !== undefined
        ? await this.behaviour.forCustomer(orgId, customerId, query).then((one) => ({
            window: one.window,
            items: [one],
            hasMore: false,
            nextCursor: null,
          }))
        : await this.behaviour.list(orgId, { ...query, limit, cursor });
    return toolResult(
      { window: page.window, items: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor },
      [
        `Payment behaviour, invoices paid ${page.window.from} to ${page.window.to}:`,
        ...page.items.map(behaviourLine),
        pageFooter(page, 'customers'),
      ].join('\n'),
    );
  }

  @Tool({
    name: 'get_cash_forecast',
    description:
      "Thirteen-week cash forecast from open receivables, in the base currency: expected receipts per week (and after week 13), by due date or by each customer's payment behaviour, with pending promises to pay moved to their promised day and disputed invoices left out unless asked for. The assumptions are listed in the result; say them when you quote it.",
    parameters: GetCashForecastInput,
    outputSchema: GetCashForecastOutput,
    annotations: readOnly('13-week cash forecast'),
  })
  @ToolScopes(['ar:read'])
  async getCashForecast(
    @Payload() input: z.infer<typeof GetCashForecastInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof GetCashForecastOutput>>> {
    const result = await this.forecast.forecast(principalOf(context).orgId, input);
    return toolResult(result, renderForecast(result));
  }

  @Tool({
    name: 'get_statement_of_account',
    description:
      "Statement of account of one customer for a date range: opening balance, every invoice, payment, credit memo and write-off with a running balance, closing balance (open invoices less unapplied cash and unused credit) and the aging of what is open at the end; one section per currency. What you would send the customer; get_customer is the collector's view of the account.",
    parameters: GetStatementInput,
    outputSchema: GetStatementOutput,
    annotations: readOnly('Statement of account'),
  })
  @ToolScopes(['ar:read'])
  async getStatementOfAccount(
    @Payload() input: z.infer<typeof GetStatementInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof GetStatementOutput>>> {
    const { customerId, ...query } = input;
    const statement = await this.statements.statement(principalOf(context).orgId, customerId, query);
    return toolResult(statement, renderStatement(statement));
  }

  @Tool({
    name: 'get_collector_worklist',
    description:
      "Which accounts to work today, highest priority first: a score from past-due money and age, broken promises, promises due today, open disputes and tasks due, with the reasons behind each score. Defaults to the signed-in user's accounts; collectorUserId for another collector, allAccounts: true for everyone. Paged: follow nextCursor while hasMore. search_tasks lists the individual tasks.",
    parameters: GetWorklistInput,
    outputSchema: GetWorklistOutput,
    annotations: readOnly('Collector worklist'),
  })
  @ToolScopes(['ar:read'])
  async getCollectorWorklist(
    @Payload() input: z.infer<typeof GetWorklistInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof GetWorklistOutput>>> {
    const principal = principalOf(context);
    const { allAccounts, collectorUserId, ...query } = input;
    const collector = allAccounts ? undefined : (collectorUserId ?? principal.userId);
    const worklist = await this.worklists.worklist(principal.orgId, { ...query, collectorUserId: collector });
    const whose =
      collector === undefined
        ? 'every account'
        : collector === principal.userId
          ? 'your accounts'
          : `collector ${collector}`;
    return toolResult({ ...worklist, scoring: [...worklist.scoring] }, renderWorklist(worklist, whose));
  }
}
