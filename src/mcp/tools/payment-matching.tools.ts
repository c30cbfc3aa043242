import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import {
  DEFAULT_MATCH_LIMIT,
  MATCH_REASON_CODES,
  MAX_MATCH_LIMIT,
  PaymentMatching,
} from '../../receivables/payments/payment-matching.service';
import type { PaymentMatchResult } from '../../receivables/payments/payment-matching.service';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id, money } from './shared/common-schemas';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const SuggestMatchesInput = z
  .object({
    paymentId: id('payment').describe('A payment with unapplied cash (e.g. from search_payments)'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_MATCH_LIMIT)
      .optional()
      .describe(`Most suggestions to return, 1-${MAX_MATCH_LIMIT} (default ${DEFAULT_MATCH_LIMIT})`),
  })
  .strict();

const SuggestMatchesOutput = z.object({
  paymentId: z.string(),
  paymentNumber: z.string(),
  customerId: z.string().nullable().describe('null for unidentified cash'),
  currency: z.string(),
  unappliedAmount: money,
  invoicesConsidered: z.number().int().describe('Open invoices looked at (bounded)'),
  suggestions: z.array(
    z.object({
      rank: z.number().int(),
      score: z.number().int().describe('0-100; higher is a better match'),
      reasons: z.array(z.object({ code: z.enum(MATCH_REASON_CODES), detail: z.string() })),
      customerId: z.string(),
      applications: z
        .array(
          z.object({
            invoiceId: z.string(),
            invoiceNumber: z.string(),
            poNumber: z.string().nullable(),
            dueDate: z.string(),
            balance: money,
            amount: money.describe('What to apply to it'),
          }),
        )
        .describe('Pass as apply_payment applications [{invoiceId, amount}] once the user agrees'),
      totalAmount: money,
      leavesUnapplied: money,
    }),
  ),
});
type SuggestMatchesOutput = z.infer<typeof SuggestMatchesOutput>;

function toOutput(r: PaymentMatchResult): SuggestMatchesOutput {
  return {
    paymentId: r.paymentId,
    paymentNumber: r.paymentNumber,
    customerId: r.customerId,
    currency: r.currency,
    unappliedAmount: r.unappliedAmount,
    invoicesConsidered: r.invoicesConsidered,
    suggestions: r.suggestions.map((s) => ({
      rank: s.rank,
      score: s.score,
      reasons: s.reasons.map((x) => ({ code: x.code, detail: x.detail })),
      customerId: s.customerId,
      applications: s.applications.map((a) => ({
        invoiceId: a.invoiceId,
        invoiceNumber: a.invoiceNumber,
        poNumber: a.poNumber,
        dueDate: a.dueDate,
        balance: a.balance,
        amount: a.amount,
      })),
      totalAmount: s.totalAmount,
      leavesUnapplied: s.leavesUnapplied,
    })),
  };
}

/** Cash-application suggestions (scope ar:read): reads only; apply_payment does the applying. */
@ArTools()
export class PaymentMatchingTools {
  constructor(private readonly matching: PaymentMatching) {}

  @Tool({
    name: 'suggest_payment_matches',
    description:
      "Proposes which open invoices a payment's unapplied cash should go to, ranked with a score and the reasons (reference names the invoice, exact amount, balances that add up, oldest first). Changes nothing; to apply a suggestion, show it to the user and call apply_payment with its applications.",
    parameters: SuggestMatchesInput,
    outputSchema: SuggestMatchesOutput,
    annotations: readOnly('Suggest payment matches'),
  })
  @ToolScopes(['ar:read'])
  async suggest(
    @Payload() input: z.infer<typeof SuggestMatchesInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<SuggestMatchesOutput>> {
    const r = await this.matching.suggest(principalOf(context).orgId, input.paymentId, input.limit);
    const money = (amount: number): string => formatMoney(amount, r.currency);
    const lines = r.suggestions.map(
      (s) =>
        `${s.rank}. score ${s.score}: ${s.applications.map((a) => `${money(a.amount)} to ${a.invoiceNumber}`).join(', ')}` +
        ` (leaves ${money(s.leavesUnapplied)} unapplied) — ${s.reasons.map((x) => x.detail).join(' ')}`,
    );
    return toolResult(
      toOutput(r),
      [
        `Payment ${r.paymentNumber} (${r.paymentId}) has ${money(r.unappliedAmount)} unapplied; ${r.invoicesConsidered} open invoice(s) considered.`,
        ...(lines.length > 0 ? lines : ['No invoice matches; ask the user where the cash should go.']),
      ].join('\n'),
    );
  }
}
