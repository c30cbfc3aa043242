import { ForbiddenError } from '../../common/errors/app-error';
import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { DISPUTE_OUTCOMES, DisputeCommands } from '../../receivables/disputes/dispute.commands';
import type { DisputeResult, ResolveDisputeResult } from '../../receivables/disputes/dispute.commands';
import { DISPUTE_REASONS, DISPUTE_STATUSES } from '../../receivables/disputes/dispute.entity';
import { commandContextOf, principalOf } from '../principal';
import { write } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id, money } from './shared/common-schemas';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';
import { CONFIRM_MONEY, CONFIRM_TARGET, idempotencyKey } from './shared/write-schemas';

const disputeId = id('dispute');
const ownerUserId = id('owner (user)').describe(
  'The member working the dispute: a collector, manager or admin of the organization (user id)',
);

const OpenDisputeInput = z
  .object({
    invoiceId: id('invoice').describe('The open invoice the customer disputes'),
    reason: z.enum(DISPUTE_REASONS).describe('What the customer disputes'),
    amount: money
      .positive()
      .optional()
      .describe("Disputed part in minor units; default the invoice's whole open balance, never more"),
    description: z.string().min(1).max(10_000).optional().describe('What the customer says, plain text'),
    ownerUserId: ownerUserId.optional(),
    idempotencyKey,
  })
  .strict();

const UpdateDisputeInput = z
  .object({
    disputeId,
    description: z
      .string()
      .min(1)
      .max(10_000)
      .nullable()
      .optional()
      .describe('New description; null clears it'),
    amount: money
      .positive()
      .optional()
      .describe("New disputed amount in minor units, at most the invoice's open balance"),
    ownerUserId: ownerUserId.nullable().optional().describe('New owner (user id); null leaves it unowned'),
    status: z.enum(['in_review']).optional().describe('"in_review": someone is now investigating'),
    idempotencyKey,
  })
  .strict();

const ResolveDisputeInput = z
  .object({
    disputeId,
    outcome: z
      .enum(DISPUTE_OUTCOMES)
      .describe('resolved: the customer was right (fully or partly); rejected: the invoice stands as billed'),
    resolution: z.string().min(1).max(200).describe('How it was settled, one line; kept on the dispute'),
    creditMemo: z
      .object({
        amount: money
          .positive()
          .optional()
          .describe(
            'Credit in minor units; default the disputed amount, never more than it or the invoice balance',
          ),
        number: z
          .string()
          .min(1)
          .max(64)
          .optional()
          .describe('Credit memo number (default CM-<invoice number>-<n>)'),
      })
      .strict()
      .optional()
      .describe(
        "Only with outcome resolved: issue a credit memo in the invoice's currency and apply it to the invoice at once, lowering its balance",
      ),
    idempotencyKey,
  })
  .strict();

const DisputeOutput = z.object({
  id: z.string(),
  invoiceId: z.string(),
  customerId: z.string(),
  amount: money,
  currency: z.string(),
  reason: z.enum(DISPUTE_REASONS),
  description: z.string().nullable(),
  status: z.enum(DISPUTE_STATUSES),
  ownerUserId: z.string().nullable(),
  openedOn: z.string(),
  resolvedOn: z.string().nullable(),
  resolution: z.string().nullable(),
  creditMemoId: z.string().nullable(),
});
type DisputeOutput = z.infer<typeof DisputeOutput>;

const ResolveDisputeOutput = z.object({
  dispute: DisputeOutput,
  creditMemo: z
    .object({ id: z.string(), number: z.string(), amount: money, currency: z.string(), issuedOn: z.string() })
    .nullable()
    .describe('The credit memo issued and applied, when one was asked for'),
  invoice: z
    .object({
      id: z.string(),
      number: z.string(),
      status: z.string(),
      currency: z.string(),
      total: money,
      amountCredited: money,
      balance: money,
      closedOn: z.string().nullable(),
    })
    .describe('The disputed invoice after the resolution'),
});
type ResolveDisputeOutput = z.infer<typeof ResolveDisputeOutput>;

function toOutput(d: DisputeResult): DisputeOutput {
  return {
    id: d.id,
    invoiceId: d.invoiceId,
    customerId: d.customerId,
    amount: d.amount,
    currency: d.currency,
    reason: d.reason,
    description: d.description,
    status: d.status,
    ownerUserId: d.ownerUserId,
    openedOn: d.openedOn,
    resolvedOn: d.resolvedOn,
    resolution: d.resolution,
    creditMemoId: d.creditMemoId,
  };
}

function toResolveOutput(r: ResolveDisputeResult): ResolveDisputeOutput {
  const { invoice: i, creditMemo: m } = r;
  return {
    dispute: toOutput(r.dispute),
    creditMemo: m
      ? { id: m.id, number: m.number, amount: m.amount, currency: m.currency, issuedOn: m.issuedOn }
      : null,
    invoice: {
      id: i.id,
      number: i.number,
      status: i.status,
      currency: i.currency,
      total: i.total,
      amountCredited: i.amountCredited,
      balance: i.balance,
      closedOn: i.closedOn,
    },
  };
}

function describeDispute(d: DisputeResult): string {
  return `dispute ${d.id} on invoice ${d.invoiceId}: ${d.status}, ${d.reason.replace('_', ' ')}, ${formatMoney(d.amount, d.currency)}, owner ${d.ownerUserId ?? 'none'}`;
}

/** Customer disputes of invoices (scope ar:write): open, work and resolve them. */
@ArTools()
export class DisputeActionTools {
  constructor(private readonly disputes: DisputeCommands) {}

  @Tool({
    name: 'open_dispute',
    description: `Opens a dispute on an open invoice (pricing, quantity, damaged goods...), for all or part of its balance. An invoice has at most one open or in-review dispute; disputed invoices are left out of reminder emails. ${CONFIRM_TARGET}`,
    parameters: OpenDisputeInput,
    outputSchema: DisputeOutput,
    // A repeat is refused while the first dispute is active, so it cannot open a second one.
    annotations: write('Open dispute', { destructive: false, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async openDispute(
    @Payload() input: z.infer<typeof OpenDisputeInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<DisputeOutput>> {
    const { idempotencyKey: key, ...dispute } = input;
    const result = await this.disputes.openDispute(commandContextOf(context, key), dispute);
    return toolResult(toOutput(result), `Opened ${describeDispute(result)}.`);
  }

  @Tool({
    name: 'update_dispute',
    description:
      'Changes an open or in-review dispute: its description, disputed amount or owner, or moves it to in_review. Fields you omit stay as they are. To close it use resolve_dispute.',
    parameters: UpdateDisputeInput,
    outputSchema: DisputeOutput,
    annotations: write('Update dispute', { destructive: false, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async updateDispute(
    @Payload() input: z.infer<typeof UpdateDisputeInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<DisputeOutput>> {
    const { idempotencyKey: key, disputeId: target, ...changes } = input;
    const result = await this.disputes.updateDispute(commandContextOf(context, key), target, changes);
    return toolResult(
      toOutput(result),
      `Updated ${describeDispute(result)} (changed: ${Object.keys(changes).join(', ')}).`,
    );
  }

  @Tool({
    name: 'resolve_dispute',
    description: `Closes an open or in-review dispute for good: resolved (the customer was right) or rejected (the invoice stands). With creditMemo on a resolved dispute, a credit memo is issued and applied to the invoice, lowering what the customer owes. ${CONFIRM_MONEY}`,
    parameters: ResolveDisputeInput,
    outputSchema: ResolveDisputeOutput,
    annotations: write('Resolve dispute', { destructive: true, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async resolveDispute(
    @Payload() input: z.infer<typeof ResolveDisputeInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<ResolveDisputeOutput>> {
    const { idempotencyKey: key, disputeId: target, ...resolution } = input;
    // A credit memo lowers what the customer owes: a money movement, so it needs payments:write
    // like apply_credit_memo, whatever ar:write allows (DESIGN.md, Scopes and roles).
    if (resolution.creditMemo && !principalOf(context).scopes.includes('payments:write')) {
      throw new ForbiddenError(
        'Resolving a dispute with a credit memo moves money and needs the payments:write permission; resolve it without creditMemo, or ask a manager.',
      );
    }
    const result = await this.disputes.resolveDispute(commandContextOf(context, key), target, resolution);
    const { invoice, creditMemo } = result;
    const lines = [
      `Dispute ${result.dispute.id} ${result.dispute.status} on ${result.dispute.resolvedOn}: ${result.dispute.resolution}.`,
    ];
    if (creditMemo) {
      lines.push(
        `Issued credit memo ${creditMemo.number} (${creditMemo.id}) for ${formatMoney(creditMemo.amount, creditMemo.currency)} and applied it to invoice ${invoice.number}.`,
      );
    }
    lines.push(
      `Invoice ${invoice.number} (${invoice.id}): ${invoice.status}, balance ${formatMoney(invoice.balance, invoice.currency)} of ${formatMoney(invoice.total, invoice.currency)}.`,
    );
    return toolResult(toResolveOutput(result), lines.join('\n'));
  }
}
