/**
 * A tool result with both forms: structuredContent for programs (validated against the tool's
 * outputSchema by the client) and a readable text rendering for the model and the user.
 */
export interface ToolResult<T> {
  content: { type: 'text'; text: string }[];
  structuredContent: T;
}

export function toolResult<T>(structured: T, text: string): ToolResult<T> {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * Formatters by currency. Building an Intl.NumberFormat (and `toLocaleString`, which builds one per
 * call) cost more than the rest of a detail's rendering; a currency's formatter never changes.
 */
const formatters = new Map<string, { digits: number; format: Intl.NumberFormat }>();

function formatterFor(currency: string): { digits: number; format: Intl.NumberFormat } {
  let formatter = formatters.get(currency);
  if (!formatter) {
    const digits = currencyDigits(currency);
    formatter = {
      digits,
      format: new Intl.NumberFormat('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }),
    };
    // Currency codes come from the database (ISO 4217): a handful per organization.
    if (formatters.size < 1000) formatters.set(currency, formatter);
  }
  return formatter;
}

/** "USD 1,234.56" from minor units, for text renderings only (never for arithmetic). */
export function formatMoney(minorUnits: number, currency: string): string {
  const { digits, format } = formatterFor(currency);
  return `${currency} ${format.format(minorUnits / 10 ** digits)}`;
}

function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}
