import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidArgumentError } from '../../../common/errors/app-error';
import { ExchangeRatesService } from '../../currency/exchange-rates.service';
import type { CurrencyConverter, ExchangeRateQuote } from '../../currency/exchange-rates.service';
import { addDays, parseIsoDate, todayIn } from '../../shared/calendar';
import { OrgSettingsReader } from '../../shared/org-settings';
import type { OrgSettings } from '../../shared/org-settings';
import { resolveInteger, resolvePeriod } from '../shared/analytics-input';
import type { Period } from '../shared/analytics-input';
import { money, roundTo } from '../shared/money';
import type { Money } from '../shared/money';
import { runReportQueries } from '../shared/report-queries';
import {
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectivenessIndex,
  countBackDso,
  monthEndsBack,
  monthStep,
  monthsInPeriod,
  pastDuePercent,
  standardDso,
} from './kpi-formulas';
import type { SalesMonth } from './kpi-formulas';
import { receivableTotalsCache } from './receivable-totals-cache';
import type { DayTotal } from './receivable-totals-cache';

export interface KpiQuery {
  /** First day of the period, YYYY-MM-DD. */
  from: string;
  /** Last day of the period (included), today or earlier. */
  to: string;
}

export interface KpiTrendQuery {
  /** How many months, 1 to 24; default 6. */
  months?: number;
  /** End of the latest month; default the last day of last month. */
  through?: string;
}

export interface CountBackMonth {
  from: string;
  to: string;
  days: number;
  creditSales: Money;
  /** Part of the ending AR these sales account for. */
  arCovered: Money;
  daysCounted: number;
}

/** A figure, its inputs, and how it was obtained, so a finance user can redo the arithmetic. */
export interface KpiReport {
  period: Period & { months: number };
  baseCurrency: string;
  /** Every amount is in the base currency at the latest rates on or before this day. */
  ratesAsOf: string;
  exchangeRates: ExchangeRateQuote[];
  inputs: {
    /** Totals of invoices issued in the period, void ones excluded. */
    creditSales: Money;
    /** Receivables at the end of the day before the period. */
    beginningAr: Money & { asOf: string };
    endingAr: Money & { asOf: string };
    /** Part of the ending AR not yet past due (due on or after the period end). */
    endingCurrentAr: Money;
    endingPastDueAr: Money;
  };
  dso: { days: number | null; formula: string };
  countBackDso: { days: number | null; months: CountBackMonth[]; lowerBound: boolean; formula: string };
  bestPossibleDso: { days: number | null; formula: string };
  averageDaysDelinquent: { days: number | null; formula: string };
  cei: { percent: number | null; months: number; monthlyCreditSales: Money; formula: string };
  pastDuePercent: { percent: number | null; formula: string };
  notes: string[];
}

export interface KpiTrendPoint {
  from: string;
  to: string;
  creditSales: Money;
  endingAr: Money;
  dso: number | null;
  countBackDso: number | null;
  bestPossibleDso: number | null;
  averageDaysDelinquent: number | null;
  cei: number | null;
  pastDuePercent: number | null;
}

export interface KpiTrend {
  baseCurrency: string;
  /** Oldest month first; each month converted at its own month-end rates. */
  months: KpiTrendPoint[];
}

/** A period of at most a year: KPI definitions (domain.md §4) are for a month to a year. */
export const MAX_KPI_PERIOD_DAYS = 366;
/** How far back count-back DSO may walk from the period end before it gives a lower bound. */
export const MAX_COUNT_BACK_MONTHS = 24;

const FORMULAS = {
  dso: 'ending AR ÷ credit sales × days in the period (domain.md §4.2)',
  countBack:
    'credit sales of the latest months taken from ending AR until it is used up: a whole month counts its calendar days, the last one the covered fraction of them (§4.3)',
  bestPossible: 'current (not yet past due) AR ÷ credit sales × days in the period (§4.4)',
  add: 'DSO − best possible DSO (§4.5)',
  cei: '(beginning AR + credit sales ÷ N − ending AR) ÷ (beginning AR + credit sales ÷ N − ending current AR) × 100, N = months in the period (§4.6, monthly form)',
  pastDue: 'past-due AR ÷ ending AR × 100 (§4.7)',
};

interface SalesRow {
  day: string;
  currency: string;
  sales: number;
}

/** Credit sales by issue day and currency over a growing window (count-back may need older months). */
class SalesHistory {
  private readonly byDay = new Map<string, Map<string, number>>();
  /** First day loaded; nothing before it is known yet. */
  loadedFrom: string | null = null;

  add(rows: SalesRow[], from: string): void {
    for (const row of rows) {
      const day = this.byDay.get(row.day) ?? new Map<string, number>();
      day.set(row.currency, (day.get(row.currency) ?? 0) + row.sales);
      this.byDay.set(row.day, day);
    }
    this.loadedFrom = this.loadedFrom === null || from < this.loadedFrom ? from : this.loadedFrom;
  }

  /** Sales per currency of invoices issued in [from, to]. */
  between(from: string, to: string): Map<string, number> {
    const totals = new Map<string, number>();
    for (const [day, currencies] of this.byDay) {
      if (day < from || day > to) continue;
      for (const [currency, amount] of currencies) totals.set(currency, (totals.get(currency) ?? 0) + amount);
    }
    return totals;
  }

  currencies(): Set<string> {
    return new Set([...this.byDay.values()].flatMap((m) => [...m.keys()]));
  }
}

function convertAll(amounts: Map<string, number>, converter: CurrencyConverter): number {
  let total = 0;
  for (const [currency, amount] of amounts) total += converter.convert(amount, currency);
  return total;
}

/**
 * Collection KPIs of domain.md §4 for a period: DSO (standard and count-back), best possible DSO,
 * average days delinquent, CEI and past-due %, with the inputs used; and a monthly trend of them.
 */
@Injectable()
export class KpiService {
  private readonly logger = new Logger('Kpis');

  constructor(
    private readonly dataSource: DataSource,
    private readonly orgSettings: OrgSettingsReader,
    private readonly exchangeRates: ExchangeRatesService,
  ) {}

  async kpis(orgId: string, query: KpiQuery): Promise<KpiReport> {
    const settings = await this.orgSettings.load(orgId);
    const period = resolvePeriod(query.from, query.to, todayIn(settings.timeZone), MAX_KPI_PERIOD_DAYS);
    const [report] = await this.reports(orgId, settings, [period]);
    return report;
  }

  /** The same KPIs for each of the last N months (calendar months when `through` is a month end). */
  async trend(orgId: string, query: KpiTrendQuery = {}): Promise<KpiTrend> {
    const settings = await this.orgSettings.load(orgId);
    const today = todayIn(settings.timeZone);
    const months = resolveInteger(query.months, 'months', { min: 1, max: 24, default: 6 });
    const through =
      query.through === undefined
        ? addDays(`${today.slice(0, 7)}-01`, -1)
        : parseIsoDate(query.through, 'through');
    if (through > today) {
      throw new InvalidArgumentError(
        `through (${through}) is in the future (today is ${today} in the organization's time zone): end the trend today or earlier.`,
        { field: 'through' },
      );
    }
    const ends = monthEndsBack(through, months);
    const periods: Period[] = [];
    for (let k = months - 1; k >= 0; k--) periods.push(monthStep(ends, k));
    const reports = await this.reports(orgId, settings, periods);
    return {
      baseCurrency: settings.baseCurrency,
      months: reports.map((r) => ({
        from: r.period.from,
        to: r.period.to,
        creditSales: r.inputs.creditSales,
        endingAr: { amount: r.inputs.endingAr.amount, currency: r.inputs.endingAr.currency },
        dso: r.dso.days,
        countBackDso: r.countBackDso.days,
        bestPossibleDso: r.bestPossibleDso.days,
        averageDaysDelinquent: r.averageDaysDelinquent.days,
        cei: r.cei.percent,
        pastDuePercent: r.pastDuePercent.percent,
      })),
    };
  }

  private async reports(orgId: string, settings: OrgSettings, periods: Period[]): Promise<KpiReport[]> {
    const snapshotDates = [...new Set(periods.flatMap((p) => [addDays(p.from, -1), p.to]))].sort();
    // Count-back usually needs a few months before the period end: load at least three, and the
    // whole period, now; older months only if a period's AR outlasts them.
    const firstSalesDay = periods
      .flatMap((p) => {
        const ends = monthEndsBack(p.to, Math.max(3, Math.ceil(monthsInPeriod(p.from, p.to))));
        return [p.from, addDays(ends[ends.length - 1], 1)];
      })
      .sort()[0];
    const lastDay = snapshotDates[snapshotDates.length - 1];

    const sales = new SalesHistory();
    const { totals, computed } = await runReportQueries(this.dataSource, async (q) => {
      const days = await receivableTotalsCache.totals(q, orgId, snapshotDates);
      sales.add(await q<SalesRow>(SALES_SQL, [orgId, firstSalesDay, lastDay]), firstSalesDay);
      return days;
    });
    if (computed) {
      await receivableTotalsCache
        .store(this.dataSource, orgId, computed)
        // The report stands without the cache; the next one computes those days again.
        .catch((error: unknown) =>
          this.logger.warn(`KPI totals of organization ${orgId} were not cached: ${String(error)}`),
        );
    }

    const reports: KpiReport[] = [];
    for (const period of periods) {
      reports.push(await this.report(orgId, settings, period, totals, sales));
    }
    return reports;
  }

  private async report(
    orgId: string,
    settings: OrgSettings,
    period: Period,
    totals: DayTotal[],
    sales: SalesHistory,
  ): Promise<KpiReport> {
    const base = settings.baseCurrency;
    const beginningDate = addDays(period.from, -1);
    const at = (date: string) => totals.filter((t) => t.date === date);
    const arCurrencies = totals
      .filter((t) => t.date === beginningDate || t.date === period.to)
      .map((t) => t.currency);
    const converterFor = (currencies: Iterable<string>) =>
      this.exchangeRates.converter(orgId, base, new Set([...arCurrencies, ...currencies]), period.to);
    const countBack = await this.countBack(orgId, period, totals, sales, converterFor);
    const converter = countBack.converter;
    const sum = (rows: DayTotal[], pick: (t: DayTotal) => number): number =>
      rows.reduce((s, t) => s + converter.convert(pick(t), t.currency), 0);

    const creditSales = convertAll(sales.between(period.from, period.to), converter);
    const beginningAr = sum(at(beginningDate), (t) => t.total);
    const endingAr = sum(at(period.to), (t) => t.total);
    const endingCurrentAr = sum(at(period.to), (t) => t.current);
    const months = monthsInPeriod(period.from, period.to);

    const dso = standardDso(endingAr, creditSales, period.days);
    const best = bestPossibleDso(endingCurrentAr, creditSales, period.days);
    const notes: string[] = [];
    if (creditSales === 0) {
      notes.push(
        'No credit sales in the period: DSO, best possible DSO and average days delinquent are undefined.',
      );
    }
    if (countBack.lowerBound) {
      notes.push(
        `Ending AR is more than the credit sales of the ${MAX_COUNT_BACK_MONTHS} months before the period end: count-back DSO is a lower bound.`,
      );
    }
    return {
      period: { ...period, months: roundTo(months, 2) as number },
      baseCurrency: base,
      ratesAsOf: period.to,
      exchangeRates: converter.quotes(),
      inputs: {
        creditSales: money(creditSales, base),
        beginningAr: { ...money(beginningAr, base), asOf: beginningDate },
        endingAr: { ...money(endingAr, base), asOf: period.to },
        endingCurrentAr: money(endingCurrentAr, base),
        endingPastDueAr: money(endingAr - endingCurrentAr, base),
      },
      dso: { days: roundTo(dso, 1), formula: FORMULAS.dso },
      countBackDso: {
        days: endingAr === 0 || countBack.months.length > 0 ? roundTo(countBack.days, 1) : null,
        months: countBack.months,
        lowerBound: countBack.lowerBound,
        formula: FORMULAS.countBack,
      },
      bestPossibleDso: { days: roundTo(best, 1), formula: FORMULAS.bestPossible },
      averageDaysDelinquent: { days: roundTo(averageDaysDelinquent(dso, best), 1), formula: FORMULAS.add },
      cei: {
        percent: roundTo(
          collectionEffectivenessIndex({ beginningAr, creditSales, months, endingAr, endingCurrentAr }),
          1,
        ),
        months: roundTo(months, 2) as number,
        monthlyCreditSales: money(Math.round(creditSales / months), base),
        formula: FORMULAS.cei,
      },
      pastDuePercent: {
        percent: roundTo(pastDuePercent(endingAr - endingCurrentAr, endingAr), 1),
        formula: FORMULAS.pastDue,
      },
      notes,
    };
  }

  /**
   * Count-back DSO from the period end, loading older months of sales while AR remains. Returns
   * the converter it ended with: it covers every currency of the sales loaded and of the AR.
   */
  private async countBack(
    orgId: string,
    period: Period,
    totals: DayTotal[],
    sales: SalesHistory,
    converterFor: (currencies: Iterable<string>) => Promise<CurrencyConverter>,
  ): Promise<{ days: number; months: CountBackMonth[]; lowerBound: boolean; converter: CurrencyConverter }> {
    let converter = await converterFor(sales.currencies());
    const endingAr = totals
      .filter((t) => t.date === period.to)
      .reduce((sum, t) => sum + converter.convert(t.total, t.currency), 0);
    const ends = monthEndsBack(period.to, MAX_COUNT_BACK_MONTHS);
    const monthsBack = (count: number): SalesMonth[] =>
      Array.from({ length: count }, (_, k) => {
        const step = monthStep(ends, k);
        return { ...step, creditSales: convertAll(sales.between(step.from, step.to), converter) };
      });
    let available = 0;
    while (
      available < MAX_COUNT_BACK_MONTHS &&
      monthStep(ends, available).from >= (sales.loadedFrom as string)
    ) {
      available++;
    }
    let result = countBackDso(endingAr, monthsBack(available));
    while (result.arRemaining > 0 && available < MAX_COUNT_BACK_MONTHS) {
      // AR outlasted the months loaded: fetch six more months (or up to the limit) and redo.
      const more = Math.min(available + 6, MAX_COUNT_BACK_MONTHS);
      const from = monthStep(ends, more - 1).from;
      const to = addDays(sales.loadedFrom as string, -1);
      if (from <= to) {
        const rows = await runReportQueries(this.dataSource, (q) =>
          q<SalesRow>(SALES_SQL, [orgId, from, to]),
        );
        sales.add(rows, from);
        if ([...sales.currencies()].some((c) => !converter.covers(c)))
          converter = await converterFor(sales.currencies());
      }
      available = more;
      result = countBackDso(endingAr, monthsBack(available));
    }
    const base = converter.toCurrency;
    return {
      converter,
      days: result.days,
      lowerBound: result.arRemaining > 0,
      months: result.steps.map((s) => ({
        from: s.from,
        to: s.to,
        days: s.days,
        creditSales: money(s.creditSales, base),
        arCovered: money(s.arCovered, base),
        daysCounted: roundTo(s.daysCounted, 2) as number,
      })),
    };
  }
}

/** Credit sales (invoice totals, void excluded) by issue day and currency in [$2, $3]. */
const SALES_SQL = `SELECT issue_date::text AS day, currency::text AS currency, SUM(total)::bigint AS sales
                     FROM invoices
                    WHERE org_id = $1 AND issue_date BETWEEN $2::date AND $3::date AND status <> 'void'
                    GROUP BY 1, 2`;
