import { getInvoiceResult, searchInvoicesResult } from '../../src/mcp/tools/invoices.tools';
import type { InvoiceDetail, InvoicePage } from '../../src/receivables/invoices/invoice.queries';

/** What the servers that answer from memory answer, fetched beforehand through the whole stack. */
export interface Fixtures {
  /** get_invoice's detail by invoice id, as the whole stack answered it. */
  invoices: Record<string, InvoiceDetail>;
  /** search_invoices' first page (view "full") by customer id, as the whole stack answered it. */
  pages: Record<string, InvoicePage>;
}

function notFound(what: string) {
  return {
    content: [{ type: 'text' as const, text: `${what} was not fetched for the bench.` }],
    isError: true,
  };
}

/** get_invoice from memory, rendered by the whole stack's own result builder. */
export function fixtureInvoice(fixtures: Fixtures, input: { invoiceId?: string }) {
  const detail = input.invoiceId === undefined ? undefined : fixtures.invoices[input.invoiceId];
  return detail ? { ...getInvoiceResult(detail) } : notFound(`Invoice ${input.invoiceId}`);
}

/** search_invoices (one customer's first page) from memory, rendered as the whole stack does. */
export function fixtureSearch(
  fixtures: Fixtures,
  input: { customerIds?: string[]; view?: Parameters<typeof searchInvoicesResult>[1] },
) {
  const page = fixtures.pages[input.customerIds?.[0] ?? ''];
  return page ? { ...searchInvoicesResult(page, input.view) } : notFound('That customer');
}
