import { InvalidArgumentError } from '../../common/errors/app-error';
import { formatMoney } from '../analytics/shared/money';
import { requireAmount } from './command-input';
import { parseUuid } from '../shared/filters';

/**
 * Input shared by the money commands (payment and credit applications): the list of invoices to
 * settle and the amounts for each. Checked before a transaction starts, so a malformed list is an
 * InvalidArgumentError naming the line and field, never a SQL error.
 */

/** One invoice and the part of a payment or credit memo to put against it. */
export interface ApplicationLine {
  invoiceId: string;
  /** Integer minor units (cents), greater than 0. */
  amount: number;
}

/** Invoices per command: enough for a long remittance advice, few enough to lock in one go. */
export const MAX_APPLICATION_LINES = 100;

function invalid(field: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`${field} ${message}`, { field });
}

/** "50000 (USD 500.00)": the minor units a caller sends, and what they mean. */
export function describeAmount(amount: number, currency: string): string {
  return `${amount} (${formatMoney(amount, currency)})`;
}

/**
 * The [{ invoiceId, amount }] list of an application. Each invoice may appear once: a list naming
 * one twice is almost always a mistake, and which line was meant would be a guess.
 */
export function parseApplicationLines(
  value: unknown,
  field: string,
  options: { allowEmpty: boolean },
): ApplicationLine[] {
  if (value === undefined || value === null) {
    if (options.allowEmpty) return [];
    throw invalid(field, 'is required: list the invoices to apply to, as [{ invoiceId, amount }].');
  }
  if (!Array.isArray(value)) throw invalid(field, 'must be a list of { invoiceId, amount } objects.');
  if (value.length === 0 && !options.allowEmpty) {
    throw invalid(field, 'must list at least one { invoiceId, amount }.');
  }
  if (value.length > MAX_APPLICATION_LINES) {
    throw invalid(
      field,
      `may list at most ${MAX_APPLICATION_LINES} invoices at a time; got ${value.length}. Split the work into several calls.`,
    );
  }
  const seen = new Set<string>();
  return value.map((raw: unknown, n) => {
    const at = `${field}[${n}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw invalid(at, 'must be an object { invoiceId, amount }.');
    }
    const { invoiceId, amount, ...rest } = raw as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw invalid(at, `has no field "${extra}"; send only invoiceId and amount.`);
    const line = {
      invoiceId: parseUuid(invoiceId, `${at}.invoiceId`),
      amount: requireAmount(amount, `${at}.amount`),
    };
    if (seen.has(line.invoiceId)) {
      throw invalid(
        at,
        `names invoice ${line.invoiceId} a second time; send one line per invoice with the whole amount for it.`,
      );
    }
    seen.add(line.invoiceId);
    return line;
  });
}

export function sumAmounts(lines: readonly { amount: number }[]): number {
  return lines.reduce((sum, line) => sum + line.amount, 0);
}
