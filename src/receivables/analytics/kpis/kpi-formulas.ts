import { addDays, addMonths, daysBetween } from '../../shared/calendar';

/**
 * The collection KPIs of domain.md §4, as pure functions of their inputs (amounts in one currency,
 * any unit). Each returns null when its denominator is zero: "no credit sales" has no DSO.
 */

/** §4.2 Standard DSO = ending total AR ÷ credit sales in the period × days in the period. */
export function standardDso(endingAr: number, creditSales: number, days: number): number | null {
  return creditSales > 0 ? (endingAr / creditSales) * days : null;
}

/** §4.4 Best possible DSO = current (not yet past due) AR ÷ credit sales × days. */
export function bestPossibleDso(currentAr: number, creditSales: number, days: number): number | null {
  return creditSales > 0 ? (currentAr / creditSales) * days : null;
}

/** §4.5 Average days delinquent = DSO − best possible DSO. */
export function averageDaysDelinquent(dso: number | null, bestPossible: number | null): number | null {
  return dso === null || bestPossible === null ? null : dso - bestPossible;
}

/**
 * §4.6 Collection effectiveness index, multi-month form: credit sales are divided by the number of
 * months N ("monthly credit sales"), as creditguru's definition says:
 *   (beginning AR + sales/N − ending total AR) ÷ (beginning AR + sales/N − ending current AR) × 100.
 */
export function collectionEffectivenessIndex(input: {
  beginningAr: number;
  creditSales: number;
  months: number;
  endingAr: number;
  endingCurrentAr: number;
}): number | null {
  if (input.months <= 0) return null;
  const monthlySales = input.creditSales / input.months;
  const available = input.beginningAr + monthlySales - input.endingCurrentAr;
  if (available === 0) return null;
  return ((input.beginningAr + monthlySales - input.endingAr) / available) * 100;
}

/** §4.7 Past-due % = overdue AR ÷ total AR × 100. */
export function pastDuePercent(pastDueAr: number, totalAr: number): number | null {
  return totalAr > 0 ? (pastDueAr / totalAr) * 100 : null;
}

export interface SalesMonth {
  /** First and last day of the month, both included. */
  from: string;
  to: string;
  days: number;
  creditSales: number;
}

export interface CountBackStep extends SalesMonth {
  /** Part of the ending AR this month's sales account for. */
  arCovered: number;
  /** Days this month adds to the DSO: all of them, or the covered fraction of the last month. */
  daysCounted: number;
}

export interface CountBackResult {
  /** The DSO: 0 when there is no AR. */
  days: number;
  steps: CountBackStep[];
  /** AR left over after every month given: the figure is then a lower bound. */
  arRemaining: number;
}

/**
 * §4.3 Count-back (exhaustion) DSO: from the period-end AR, take away the latest month's credit
 * sales and count its days; repeat backwards while AR remains at least that month's sales; for the
 * month that exhausts it count (remaining AR ÷ that month's sales) × its days. Months are given
 * newest first with their actual calendar days.
 */
export function countBackDso(endingAr: number, monthsNewestFirst: readonly SalesMonth[]): CountBackResult {
  let remaining = endingAr;
  let days = 0;
  const steps: CountBackStep[] = [];
  for (const month of monthsNewestFirst) {
    if (remaining <= 0) break;
    if (remaining >= month.creditSales) {
      steps.push({ ...month, arCovered: month.creditSales, daysCounted: month.days });
      days += month.days;
      remaining -= month.creditSales;
    } else {
      const daysCounted = (remaining / month.creditSales) * month.days;
      steps.push({ ...month, arCovered: remaining, daysCounted });
      days += daysCounted;
      remaining = 0;
    }
  }
  return { days, steps, arRemaining: remaining };
}

function lastDayOfMonth(date: string): string {
  return addDays(addMonths(`${date.slice(0, 7)}-01`, 1), -1);
}

/**
 * Ends of the month-long steps back from `to`: [to, one month earlier, ...] (count + 1 dates).
 * When `to` is a month end every step ends on a month end, so the months are calendar months
 * (31 March, 28 February, 31 January); otherwise they end on the same day of the month.
 */
export function monthEndsBack(to: string, count: number): string[] {
  const monthEnd = to === lastDayOfMonth(to);
  return Array.from({ length: count + 1 }, (_, k) =>
    monthEnd ? lastDayOfMonth(addMonths(`${to.slice(0, 7)}-01`, -k)) : addMonths(to, -k),
  );
}

/** The month-long step k back from `to` (k = 0 is the latest): (end of step k+1, end of step k]. */
export function monthStep(ends: readonly string[], k: number): { from: string; to: string; days: number } {
  const from = addDays(ends[k + 1], 1);
  return { from, to: ends[k], days: daysBetween(ends[k + 1], ends[k]) };
}

/**
 * Number of months N in [from, to] for the "sales ÷ N" of CEI: whole month-long steps back from
 * `to`, plus the covered fraction of the step that contains `from` (Jan 1 – Mar 31 is exactly 3).
 */
export function monthsInPeriod(from: string, to: string): number {
  let months = 0;
  for (let k = 0; ; k++) {
    const ends = monthEndsBack(to, k + 1);
    const step = monthStep(ends, k);
    if (step.from <= from) {
      return months + (daysBetween(from, step.to) + 1) / step.days;
    }
    months += 1;
  }
}
