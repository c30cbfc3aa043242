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

/** "USD 1,234.56" from minor units, for text renderings only (never for arithmetic). */
export function formatMoney(minorUnits: number, currency: string): string {
  const digits = currencyDigits(currency);
  const value = minorUnits / 10 ** digits;
  return `${currency} ${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
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
