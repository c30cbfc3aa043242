import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { INVOICE_STATUSES } from '../../receivables/invoices/invoice.entity';
import { INVOICE_SORTS, InvoiceQueries } from '../../receivables/invoices/invoice.queries';
import type { InvoiceDetail, InvoicePage, InvoiceRow } from '../../receivables/invoices/invoice.queries';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { amountRange, currency, direction, isoDate, money, view } from './shared/common-schemas';
import { dateRange, daysRange, idList, tagList } from './shared/filter-schemas';
import { pageArguments, pageFooter, pageOutput } from './shared/paging';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const SearchInvoicesInput = z
  .object({
    text: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Part of the invoice number, PO number or customer name, case-insensitive'),
    status: z.array(z.enum(INVOICE_STATUSES)).min(1).optional().describe('Only invoices in these statuses'),
    openOnly: z.boolean().optional().describe('Only invoices with a balance left to collect'),
    overdueOnly: z.boolean().optional().describe('Only open invoices past their due date on asOf'),
    customerIds: idList('customer').optional(),
    collectorUserIds: idList('collector (user)')
      .optional()
      .describe('Only invoices of customers these collectors own (user ids, e.g. from get_context)'),
    issueDate: dateRange('Invoice date').optional(),
    dueDate: dateRange('Due date').optional(),
    total: amountRange('Invoice total range').optional(),
    balance: amountRange('Open balance range').optional(),
    currency: currency.optional().describe("The invoice's currency"),
    daysPastDue: daysRange(
      'Open invoices whose days past due on asOf fall in this range, e.g. {min: 61} for more than 60 days late',
    ).optional(),
    agingBucket: z
      .array(z.string().min(1).max(20))
      .min(1)
      .max(20)
      .optional()
      .describe(
        'Open invoices in any of these buckets of the organization\'s aging, named as in the agingBucket column of the results: "current", "1-30", "31-60", "61-90", "90+" with the default edges',
      ),
    tags: tagList('Invoices having any of these tags').optional(),
    disputed: z
      .boolean()
      .optional()
      .describe('true: only invoices with an open or in-review dispute; false: only undisputed ones'),
    hasPromise: z
      .boolean()
      .optional()
      .describe('true: only invoices covered by a pending promise to pay; false: only uncovered ones'),
    asOf: isoDate(
      'Day days past due and aging buckets are measured on (default: today in the organization)',
    ).optional(),
    sort: z
      .enum(INVOICE_SORTS)
      .optional()
      .describe('Sort key (default due_date); days_past_due desc puts the oldest first'),
    direction,
    view,
    ...pageArguments,
  })
  .strict();

const InvoiceSummary = z.object({
  id: z.string(),
  number: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  status: z.enum(INVOICE_STATUSES),
  dueDate: z.string(),
  currency: z.string(),
  total: money,
  balance: money,
  daysPastDue: z
    .number()
    .int()
    .nullable()
    .describe('asOf − due date for invoices with a balance (negative: not yet due); null when closed'),
  agingBucket: z.string().nullable().describe('Aging bucket on asOf; null when closed'),
  disputed: z.boolean().describe('An open or in-review dispute exists'),
  hasPromise: z.boolean().describe('A pending promise to pay covers it'),
});

const InvoiceFull = InvoiceSummary.extend({
  poNumber: z.string().nullable(),
  issueDate: z.string(),
  amountPaid: money,
  amountCredited: money,
  amountWrittenOff: money,
  closedOn: z.string().nullable().describe('Day the balance reached zero or the invoice was voided'),
  tags: z.array(z.string()),
});

const SearchInvoicesOutput = z.object({
  asOf: z.string().describe('Day daysPastDue and agingBucket were measured on'),
  ...pageOutput(z.union([InvoiceSummary, InvoiceFull])),
});

function summarize(row: InvoiceRow): z.infer<typeof InvoiceSummary> {
  return {
    id: row.id,
    number: row.number,
    customerId: row.customerId,
    customerName: row.customerName,
    status: row.status,
    dueDate: row.dueDate,
    currency: row.currency,
    total: row.total,
    balance: row.balance,
    daysPastDue: row.daysPastDue,
    agingBucket: row.agingBucket,
    disputed: row.disputed,
    hasPromise: row.hasPromise,
  };
}

function full(row: InvoiceRow): z.infer<typeof InvoiceFull> {
  return {
    ...summarize(row),
    poNumber: row.poNumber,
    issueDate: row.issueDate,
    amountPaid: row.amountPaid,
    amountCredited: row.amountCredited,
    amountWrittenOff: row.amountWrittenOff,
    closedOn: row.closedOn,
    tags: row.tags,
  };
}

function invoiceLine(i: InvoiceRow): string {
  const lateness =
    i.daysPastDue === null
      ? `closed ${i.closedOn ?? ''}`.trim()
      : i.daysPastDue > 0
        ? `${i.daysPastDue} days past due`
        : i.daysPastDue === 0
          ? 'due today'
          : `due in ${-i.daysPastDue} days`;
  const flags = [i.disputed ? 'disputed' : '', i.hasPromise ? 'promised' : ''].filter(Boolean);
  return (
    `- ${i.number} (${i.id}) ${i.customerName}: ${i.status}, balance ${formatMoney(i.balance, i.currency)} of ${formatMoney(i.total, i.currency)}, due ${i.dueDate}, ${lateness}` +
    (flags.length > 0 ? ` [${flags.join(', ')}]` : '')
  );
}

const GetInvoiceInput = z
  .object({
    invoiceId: z
      .string()
      .uuid()
      .optional()
      .describe("The invoice's id (from search_invoices or another tool); give this or number"),
    number: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('The exact invoice number customers quote, e.g. "INV-1042"; give this or invoiceId'),
    asOf: isoDate('Day days past due and the aging bucket are measured on').optional(),
  })
  .strict()
  .refine((input) => (input.invoiceId === undefined) !== (input.number === undefined), {
    message: 'Give exactly one of invoiceId or number.',
  });

const GetInvoiceOutput = z.object({ invoice: z.record(z.string(), z.unknown()) });

/** The tools' definitions, shared with the bare SDK server of bench/mcp.bench.ts. */
export const SEARCH_INVOICES_TOOL = {
  name: 'search_invoices',
  description:
    'Find invoices by status, customer, collector, issue/due dates, days past due or aging bucket, total or balance, currency, dispute or promise state, tags, or text (number, PO number, customer name). E.g. "invoices over 60 days late" → daysPastDue {min: 61}, sort days_past_due desc. Each row has its balance, days past due and aging bucket as of asOf. For totals use get_aging rather than paging; for one invoice in full (lines, payments, credits, disputes, notes) use get_invoice. Paged: follow nextCursor while hasMore.',
  parameters: SearchInvoicesInput,
  outputSchema: SearchInvoicesOutput,
  annotations: readOnly('Search invoices'),
};

export const GET_INVOICE_TOOL = {
  name: 'get_invoice',
  description:
    'One invoice in full, by id or by its exact number. Keys of invoice: the search_invoices columns (balance, daysPastDue, agingBucket, disputed, hasPromise…) plus termsDays, memo, subsidiaryId, writtenOffOn, customer {id, name, currency, paymentTermsDays, collector}, lines [{position, description, quantity, unitPrice, amount}], paymentApplications [{paymentId, paymentNumber, amount, appliedOn, unappliedOn}], creditApplications [{creditMemoId, creditMemoNumber, amount, appliedOn}], disputes, promises (with amountForInvoice), activities and tasks ({items, totalCount}: the newest 20; get_timeline and search_tasks page through the rest).',
  parameters: GetInvoiceInput,
  outputSchema: GetInvoiceOutput,
  annotations: readOnly('Get invoice'),
};

/** One page of search_invoices as the tool answers it: rows in the chosen view and their text. */
export function searchInvoicesResult(
  page: InvoicePage,
  shape: 'summary' | 'full' | undefined,
): ToolResult<z.infer<typeof SearchInvoicesOutput>> {
  return toolResult(
    {
      asOf: page.asOf,
      items: page.items.map(shape === 'full' ? full : summarize),
      hasMore: page.hasMore,
      nextCursor: page.nextCursor,
    },
    [`Invoices as of ${page.asOf}:`, ...page.items.map(invoiceLine), pageFooter(page, 'invoices')].join('\n'),
  );
}

/** get_invoice's answer: the detail as structured content and its text rendering. */
export function getInvoiceResult(detail: InvoiceDetail): ToolResult<z.infer<typeof GetInvoiceOutput>> {
  return toolResult({ invoice: detail as unknown as Record<string, unknown> }, renderDetail(detail));
}

/** Invoices: the filters collectors and controllers actually use, and one invoice in full. */
@ArTools()
export class InvoiceTools {
  constructor(private readonly invoices: InvoiceQueries) {}

  @Tool(SEARCH_INVOICES_TOOL)
  @ToolScopes(['ar:read'])
  async searchInvoices(
    @Payload() input: z.infer<typeof SearchInvoicesInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof SearchInvoicesOutput>>> {
    const { limit, cursor, view: shape, ...filter } = input;
    const page = await this.invoices.search(principalOf(context).orgId, filter, { limit, cursor });
    return searchInvoicesResult(page, shape);
  }

  @Tool(GET_INVOICE_TOOL)
  @ToolScopes(['ar:read'])
  async getInvoice(
    @Payload() input: z.infer<typeof GetInvoiceInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof GetInvoiceOutput>>> {
    const { orgId } = principalOf(context);
    const options = { asOf: input.asOf };
    const detail =
      input.invoiceId !== undefined
        ? await this.invoices.getInvoice(orgId, input.invoiceId, options)
        : await this.invoices.getInvoiceByNumber(orgId, input.number ?? '', options);
    return getInvoiceResult(detail);
  }
}

function renderDetail(d: InvoiceDetail): string {
  const money = (amount: number): string => formatMoney(amount, d.currency);
  const lines = [
    `${d.number} (${d.id}) for ${d.customer.name} (${d.customer.id}) — ${d.status}`,
    `  Issued ${d.issueDate}, due ${d.dueDate} (net ${d.termsDays})${d.poNumber ? `, PO ${d.poNumber}` : ''}`,
    `  Total ${money(d.total)}; paid ${money(d.amountPaid)}, credited ${money(d.amountCredited)}, written off ${money(d.amountWrittenOff)}; balance ${money(d.balance)}`,
  ];
  if (d.daysPastDue !== null) {
    lines.push(`  As of ${d.asOf}: ${d.daysPastDue} days past due, bucket ${d.agingBucket ?? 'n/a'}`);
  }
  lines.push(`  Collector: ${d.customer.collector?.name ?? 'none'}`);
  for (const l of d.lines) {
    lines.push(
      `  Line ${l.position}: ${l.description} — ${l.quantity} × ${money(l.unitPrice)} = ${money(l.amount)}`,
    );
  }
  for (const p of d.paymentApplications) {
    lines.push(
      `  Payment ${p.paymentNumber} applied ${money(p.amount)} on ${p.appliedOn}${p.unappliedOn ? ` (unapplied ${p.unappliedOn})` : ''}`,
    );
  }
  for (const c of d.creditApplications) {
    lines.push(`  Credit memo ${c.creditMemoNumber} applied ${money(c.amount)} on ${c.appliedOn}`);
  }
  for (const x of d.disputes) {
    lines.push(
      `  Dispute (${x.status}, ${x.reason}) of ${formatMoney(x.amount, x.currency)} opened ${x.openedOn}`,
    );
  }
  for (const p of d.promises) {
    lines.push(
      `  Promise (${p.status}) to pay ${formatMoney(p.amountForInvoice, p.currency)} of it on ${p.promisedOn}`,
    );
  }
  lines.push(
    `  Activities: ${d.activities.items.length} shown of ${d.activities.totalCount}; tasks: ${d.tasks.items.length} shown of ${d.tasks.totalCount}`,
  );
  return lines.join('\n');
}
