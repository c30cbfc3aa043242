import { minorUnitDigits } from '../../currency/exchange-rates.service';

/** An amount in integer minor units (cents) of an ISO-4217 currency (STYLE.md, Money). */
export interface Money {
  amount: number;
  currency: string;
}

export function money(amount: number, currency: string): Money {
  return { amount, currency };
}

/** Rounds a ratio or a number of days for display (half away from zero); null stays null. */
export function roundTo(value: number | null, decimals: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** decimals;
  // The tiny nudge keeps 73.75 from becoming 73.7 through binary representation error.
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-9)) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** Sums amounts per currency into a stable, currency-sorted list. */
export function sumByCurrency(rows: Iterable<{ currency: string; amount: number }>): Money[] {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.currency, (totals.get(row.currency) ?? 0) + row.amount);
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, amount]) => ({ currency, amount }));
}

// One formatter per number of decimals: building one costs far more than using it.
const formatters = new Map<number, Intl.NumberFormat>();

/** "USD 12,345.67" — for sentences that explain a figure; data fields stay in minor units. */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  let formatter = formatters.get(digits);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(digits, formatter);
  }
  return `${currency} ${formatter.format(amount / 10 ** digits)}`;
}
