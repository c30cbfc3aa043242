import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { DISPUTE_REASONS, DISPUTE_STATUSES } from '../../receivables/disputes/dispute.entity';
import { DISPUTE_SORTS, DisputeQueries } from '../../receivables/disputes/dispute.queries';
import type { DisputeRow } from '../../receivables/disputes/dispute.queries';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { amountRange, currency, direction, id, money, view } from './shared/common-schemas';
import { dateRange, idList } from './shared/filter-schemas';
import { pageArguments, pageFooter, pageOutput } from './shared/paging';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const SearchDisputesInput = z
  .object({
    text: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Part of the invoice number, customer name or dispute description, case-insensitive'),
    status: z.array(z.enum(DISPUTE_STATUSES)).min(1).optional().describe('Only disputes in these statuses'),
    openOnly: z
      .boolean()
      .optional()
      .describe('Only disputes still being worked (open or in_review); they hold collections on the invoice'),
    reason: z.array(z.enum(DISPUTE_REASONS)).min(1).optional().describe('Only disputes with these reasons'),
    customerIds: idList('customer').optional(),
    invoiceIds: idList('invoice').optional(),
    ownerUserIds: idList('owner (user)').optional(),
    openedOn: dateRange('Day the dispute was opened').optional(),
    amount: amountRange('Disputed amount range').optional(),
    currency: currency.optional().describe("The disputed amount's currency"),
    sort: z.enum(DISPUTE_SORTS).optional().describe('Sort key (default opened_on)'),
    direction: direction.describe('Sort direction (default asc: oldest first)'),
    view,
    ...pageArguments,
  })
  .strict();

const DisputeSummary = z.object({
  id: z.string(),
  invoiceId: z.string(),
  invoiceNumber: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  currency: z.string(),
  amount: money,
  reason: z.enum(DISPUTE_REASONS),
  status: z.enum(DISPUTE_STATUSES),
  openedOn: z.string(),
});

const DisputeFull = DisputeSummary.extend({
  description: z.string().nullable(),
  ownerUserId: z.string().nullable(),
  ownerName: z.string().nullable(),
  resolvedOn: z.string().nullable(),
  resolution: z.string().nullable(),
  creditMemoId: z.string().nullable().describe('Credit memo issued to settle it, if any'),
});

const SearchDisputesOutput = z.object(pageOutput(z.union([DisputeSummary, DisputeFull])));

function summarize(row: DisputeRow): z.infer<typeof DisputeSummary> {
  return {
    id: row.id,
    invoiceId: row.invoiceId,
    invoiceNumber: row.invoiceNumber,
    customerId: row.customerId,
    customerName: row.customerName,
    currency: row.currency,
    amount: row.amount,
    reason: row.reason,
    status: row.status,
    openedOn: row.openedOn,
  };
}

function full(row: DisputeRow): z.infer<typeof DisputeFull> {
  return {
    ...summarize(row),
    description: row.description,
    ownerUserId: row.ownerUserId,
    ownerName: row.ownerName,
    resolvedOn: row.resolvedOn,
    resolution: row.resolution,
    creditMemoId: row.creditMemoId,
  };
}

function disputeLine(d: DisputeRow): string {
  return (
    `${d.invoiceNumber} ${d.customerName} (dispute ${d.id}): ${formatMoney(d.amount, d.currency)} ${d.reason}, ${d.status}, opened ${d.openedOn}` +
    (d.resolvedOn ? `, resolved ${d.resolvedOn}` : '') +
    (d.ownerName ? `, owner ${d.ownerName}` : '')
  );
}

/** Invoice disputes (customer inquiries that hold collections), open or settled. */
@ArTools()
export class DisputeTools {
  constructor(private readonly disputes: DisputeQueries) {}

  @Tool({
    name: 'search_disputes',
    description:
      "Find invoice disputes by status, reason, customer, invoice, owner, opened date, amount, currency or text. openOnly: true lists the disputes still holding collections (open or in review). Oldest first by default, so the longest-running come first. Invoice rows in search_invoices carry a disputed flag; get_invoice lists an invoice's disputes. Paged: follow nextCursor while hasMore.",
    parameters: SearchDisputesInput,
    outputSchema: SearchDisputesOutput,
    annotations: readOnly('Search disputes'),
  })
  @ToolScopes(['ar:read'])
  async searchDisputes(
    @Payload() input: z.infer<typeof SearchDisputesInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof SearchDisputesOutput>>> {
    const { limit, cursor, view: shape, ...filter } = input;
    const page = await this.disputes.search(principalOf(context).orgId, filter, { limit, cursor });
    const lines = page.items.map((d) => `- ${disputeLine(d)}`);
    return toolResult(
      {
        items: page.items.map(shape === 'full' ? full : summarize),
        hasMore: page.hasMore,
        nextCursor: page.nextCursor,
      },
      ['Disputes:', ...lines, pageFooter(page, 'disputes')].join('\n'),
    );
  }

  @Tool({
    name: 'get_dispute',
    description:
      'One dispute in full: its invoice and customer, amount, reason, status, owner, description, and how it was settled (resolvedOn, resolution, creditMemoId). Use before update_dispute or resolve_dispute.',
    parameters: z.object({ disputeId: id('dispute') }).strict(),
    outputSchema: z.object({ dispute: DisputeFull }),
    annotations: readOnly('Get dispute'),
  })
  @ToolScopes(['ar:read'])
  async getDispute(
    @Payload() input: { disputeId: string },
    @Ctx() context: McpContext,
  ): Promise<ToolResult<{ dispute: z.infer<typeof DisputeFull> }>> {
    const dispute = await this.disputes.getDispute(principalOf(context).orgId, input.disputeId);
    return toolResult(
      { dispute: full(dispute) },
      [
        disputeLine(dispute),
        ...(dispute.description ? [`Description: ${dispute.description}`] : []),
        ...(dispute.resolution ? [`Resolution: ${dispute.resolution}`] : []),
      ].join('\n'),
    );
  }
}
