import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { PROMISE_SOURCES, PROMISE_STATUSES } from '../../receivables/promises/promise-to-pay.entity';
import { PROMISE_SORTS, PromiseQueries } from '../../receivables/promises/promise.queries';
import type { PromiseRow } from '../../receivables/promises/promise.queries';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { amountRange, currency, direction, id, money, view } from './shared/common-schemas';
import { dateRange, idList } from './shared/filter-schemas';
import { pageArguments, pageFooter, pageOutput } from './shared/paging';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const SearchPromisesInput = z
  .object({
    text: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Part of the customer name or the promise note, case-insensitive'),
    status: z
      .array(z.enum(PROMISE_STATUSES))
      .min(1)
      .optional()
      .describe('Only promises in these statuses, e.g. ["pending"] or ["broken", "partially_kept"]'),
    source: z.array(z.enum(PROMISE_SOURCES)).min(1).optional().describe('Only promises made this way'),
    customerIds: idList('customer').optional(),
    invoiceIds: idList('invoice').optional().describe('Only promises covering any of these invoices'),
    createdByUserIds: idList('user who recorded the promise').optional(),
    promisedOn: dateRange('Day the customer promised to pay').optional(),
    amount: amountRange('Promised amount range').optional(),
    currency: currency.optional().describe("The promised amount's currency"),
    sort: z.enum(PROMISE_SORTS).optional().describe('Sort key (default promised_on)'),
    direction: direction.describe('Sort direction (default asc: earliest promised day first)'),
    view,
    ...pageArguments,
  })
  .strict();

const PromiseInvoice = z.object({
  invoiceId: z.string(),
  invoiceNumber: z.string(),
  amount: money.describe('Part of the promise meant for this invoice, in minor units'),
});

const PromiseSummary = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  currency: z.string(),
  amount: money,
  promisedOn: z.string(),
  status: z.enum(PROMISE_STATUSES),
  invoices: z.array(PromiseInvoice).describe('Invoices the promise covers'),
});

const PromiseFull = PromiseSummary.extend({
  source: z.enum(PROMISE_SOURCES),
  contactId: z.string().nullable(),
  contactName: z.string().nullable(),
  note: z.string().nullable(),
  createdByUserId: z.string().nullable(),
  createdAt: z.string().describe('ISO-8601 UTC timestamp'),
});

const SearchPromisesOutput = z.object(pageOutput(z.union([PromiseSummary, PromiseFull])));

function summarize(row: PromiseRow): z.infer<typeof PromiseSummary> {
  return {
    id: row.id,
    customerId: row.customerId,
    customerName: row.customerName,
    currency: row.currency,
    amount: row.amount,
    promisedOn: row.promisedOn,
    status: row.status,
    invoices: row.invoices.map((i) => ({
      invoiceId: i.invoiceId,
      invoiceNumber: i.invoiceNumber,
      amount: i.amount,
    })),
  };
}

function full(row: PromiseRow): z.infer<typeof PromiseFull> {
  return {
    ...summarize(row),
    source: row.source,
    contactId: row.contactId,
    contactName: row.contactName,
    note: row.note,
    createdByUserId: row.createdByUserId,
    createdAt: row.createdAt,
  };
}

function promiseLine(p: PromiseRow): string {
  return (
    `${p.customerName} (promise ${p.id}): ${formatMoney(p.amount, p.currency)} on ${p.promisedOn}, ${p.status}` +
    (p.invoices.length > 0 ? ` for ${p.invoices.map((i) => i.invoiceNumber).join(', ')}` : '')
  );
}

/** Promises to pay: what customers said they would pay, when, and whether they did. */
@ArTools()
export class PromiseTools {
  constructor(private readonly promises: PromiseQueries) {}

  @Tool({
    name: 'search_promises',
    description:
      'Find promises to pay by status (pending, kept, partially_kept, broken, cancelled), customer, invoice, promised day, amount, source, who recorded it, or text. E.g. "promises due this week" → status ["pending"] + promisedOn; "broken promises" → status ["broken"]. Each row lists the invoices it covers. Invoice rows in search_invoices carry a hasPromise flag. Paged: follow nextCursor while hasMore.',
    parameters: SearchPromisesInput,
    outputSchema: SearchPromisesOutput,
    annotations: readOnly('Search promises to pay'),
  })
  @ToolScopes(['ar:read'])
  async searchPromises(
    @Payload() input: z.infer<typeof SearchPromisesInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof SearchPromisesOutput>>> {
    const { limit, cursor, view: shape, ...filter } = input;
    const page = await this.promises.search(principalOf(context).orgId, filter, { limit, cursor });
    const lines = page.items.map((p) => `- ${promiseLine(p)}`);
    return toolResult(
      {
        items: page.items.map(shape === 'full' ? full : summarize),
        hasMore: page.hasMore,
        nextCursor: page.nextCursor,
      },
      ['Promises to pay:', ...lines, pageFooter(page, 'promises')].join('\n'),
    );
  }

  @Tool({
    name: 'get_promise',
    description:
      'One promise to pay in full: amount and day promised, the invoices it covers, its status (pending, kept, partially_kept, broken, cancelled; kept or broken is judged from the payments received), who recorded it and from what source. Use before cancel_promise.',
    parameters: z.object({ promiseId: id('promise to pay') }).strict(),
    outputSchema: z.object({ promise: PromiseFull }),
    annotations: readOnly('Get promise to pay'),
  })
  @ToolScopes(['ar:read'])
  async getPromise(
    @Payload() input: { promiseId: string },
    @Ctx() context: McpContext,
  ): Promise<ToolResult<{ promise: z.infer<typeof PromiseFull> }>> {
    const promise = await this.promises.getPromise(principalOf(context).orgId, input.promiseId);
    return toolResult({ promise: full(promise) }, promiseLine(promise));
  }
}
