import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { PAYMENT_METHODS, PAYMENT_STATUSES } from '../../receivables/payments/payment.entity';
import { PAYMENT_SORTS, PaymentQueries } from '../../receivables/payments/payment.queries';
import type { PaymentDetail, PaymentRow } from '../../receivables/payments/payment.queries';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { amountRange, currency, direction, id, money, view } from './shared/common-schemas';
import { dateRange, idList } from './shared/filter-schemas';
import { pageArguments, pageFooter, pageOutput } from './shared/paging';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const SearchPaymentsInput = z
  .object({
    text: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Part of the payment number or the bank reference (check number, wire reference)'),
    status: z.array(z.enum(PAYMENT_STATUSES)).min(1).optional().describe('Only payments in these statuses'),
    method: z.array(z.enum(PAYMENT_METHODS)).min(1).optional().describe('Only payments made this way'),
    customerIds: idList('customer').optional(),
    unidentified: z
      .boolean()
      .optional()
      .describe('true: only cash not yet matched to any customer; false: only identified cash'),
    unappliedOnly: z
      .boolean()
      .optional()
      .describe('Only payments with money not yet applied to invoices (void payments never)'),
    receivedOn: dateRange('Day the payment was received').optional(),
    amount: amountRange('Payment amount range').optional(),
    unappliedAmount: amountRange('Unapplied amount range').optional(),
    currency: currency.optional().describe("The payment's currency"),
    sort: z.enum(PAYMENT_SORTS).optional().describe('Sort key (default received_on)'),
    direction: direction.describe('Sort direction (default desc: newest or largest first)'),
    view,
    ...pageArguments,
  })
  .strict();

const PaymentSummary = z.object({
  id: z.string(),
  number: z.string(),
  customerId: z.string().nullable().describe('Null for unidentified cash'),
  customerName: z.string().nullable(),
  receivedOn: z.string(),
  currency: z.string(),
  amount: money,
  unappliedAmount: money,
  status: z.enum(PAYMENT_STATUSES),
});

const PaymentFull = PaymentSummary.extend({
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable().describe('Check number, wire reference or remittance id'),
  memo: z.string().nullable(),
  appliedAmount: money,
});

const SearchPaymentsOutput = z.object(pageOutput(z.union([PaymentSummary, PaymentFull])));

function summarize(row: PaymentRow): z.infer<typeof PaymentSummary> {
  return {
    id: row.id,
    number: row.number,
    customerId: row.customerId,
    customerName: row.customerName,
    receivedOn: row.receivedOn,
    currency: row.currency,
    amount: row.amount,
    unappliedAmount: row.unappliedAmount,
    status: row.status,
  };
}

function full(row: PaymentRow): z.infer<typeof PaymentFull> {
  return {
    ...summarize(row),
    method: row.method,
    reference: row.reference,
    memo: row.memo,
    appliedAmount: row.appliedAmount,
  };
}

/** Payments received: find cash by customer, date, amount, reference, or what is still unapplied. */
@ArTools()
export class PaymentTools {
  constructor(private readonly payments: PaymentQueries) {}

  @Tool({
    name: 'search_payments',
    description:
      'Find customer payments (cash received) by customer, received date, amount, method, status, currency or reference text. unappliedOnly: true lists cash still waiting to be applied to invoices; unidentified: true lists cash no customer is matched to yet. Which invoices a payment paid is shown on each invoice (get_invoice, paymentApplications). Newest first by default. Paged: follow nextCursor while hasMore.',
    parameters: SearchPaymentsInput,
    outputSchema: SearchPaymentsOutput,
    annotations: readOnly('Search payments'),
  })
  @ToolScopes(['ar:read'])
  async searchPayments(
    @Payload() input: z.infer<typeof SearchPaymentsInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof SearchPaymentsOutput>>> {
    const { limit, cursor, view: shape, ...filter } = input;
    const page = await this.payments.search(principalOf(context).orgId, filter, { limit, cursor });
    const lines = page.items.map(
      (p) =>
        `- ${p.number} (${p.id}) ${p.customerName ?? 'unidentified'}: ${formatMoney(p.amount, p.currency)} by ${p.method} received ${p.receivedOn}, ${p.status}` +
        (p.unappliedAmount > 0 ? `, ${formatMoney(p.unappliedAmount, p.currency)} unapplied` : '') +
        (p.reference ? `, ref ${p.reference}` : ''),
    );
    return toolResult(
      {
        items: page.items.map(shape === 'full' ? full : summarize),
        hasMore: page.hasMore,
        nextCursor: page.nextCursor,
      },
      ['Payments:', ...lines, pageFooter(page, 'payments')].join('\n'),
    );
  }

  @Tool({
    name: 'get_payment',
    description:
      'One payment in full and where its money went: every application to an invoice (number, amount, date), including applications taken back (unappliedOn set). Use before apply_payment or unapply_payment to see what is left.',
    parameters: z.object({ paymentId: id('payment') }).strict(),
    outputSchema: z.object({
      payment: PaymentFull.extend({
        applications: z.array(
          z.object({
            id: z.string(),
            invoiceId: z.string(),
            invoiceNumber: z.string(),
            amount: money,
            appliedOn: z.string(),
            unappliedOn: z.string().nullable().describe('Set when this application was taken back'),
          }),
        ),
      }),
    }),
    annotations: readOnly('Get payment'),
  })
  @ToolScopes(['ar:read'])
  async getPayment(
    @Payload() input: { paymentId: string },
    @Ctx() context: McpContext,
  ): Promise<ToolResult<{ payment: PaymentDetail }>> {
    const payment = await this.payments.getPayment(principalOf(context).orgId, input.paymentId);
    const lines = payment.applications.map(
      (a) =>
        `- ${formatMoney(a.amount, payment.currency)} to invoice ${a.invoiceNumber} on ${a.appliedOn}` +
        (a.unappliedOn ? ` (taken back ${a.unappliedOn})` : ''),
    );
    return toolResult(
      { payment },
      [
        `${payment.number} (${payment.id}) from ${payment.customerName ?? 'an unidentified payer'}: ${formatMoney(payment.amount, payment.currency)} received ${payment.receivedOn}, ${formatMoney(payment.unappliedAmount, payment.currency)} unapplied, ${payment.status}`,
        ...(lines.length > 0 ? lines : ['Not applied to any invoice yet.']),
      ].join('\n'),
    );
  }
}
