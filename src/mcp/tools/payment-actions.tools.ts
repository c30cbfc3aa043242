import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { PaymentCommands } from '../../receivables/payments/payment.commands';
import type {
  ApplyPaymentResult,
  RecordPaymentResult,
  UnapplyPaymentResult,
} from '../../receivables/payments/payment.commands';
import { PAYMENT_METHODS, PAYMENT_STATUSES } from '../../receivables/payments/payment.entity';
import { commandContextOf } from '../principal';
import { write } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { currency, id, isoDate, money } from './shared/common-schemas';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';
import {
  Application,
  applicationLines,
  applicationLinesText,
  applicationOutput,
  CONFIRM_MONEY,
  idempotencyKey,
} from './shared/write-schemas';

const paymentId = id('payment');

const RecordPaymentInput = z
  .object({
    customerId: id('customer').describe('The paying customer'),
    amount: money.positive().describe('Amount received in minor units (1234 = 12.34)'),
    currency: currency.describe(
      "ISO-4217 code as credited by the bank: the customer's currency or one it is invoiced in",
    ),
    receivedOn: isoDate("Day the money arrived, not after today (organization's time zone)"),
    method: z.enum(PAYMENT_METHODS).describe('How it was paid'),
    reference: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Check number, wire reference or remittance id'),
    memo: z.string().min(1).max(2_000).optional().describe('Remittance advice text or other notes'),
    applications: applicationLines(
      'Invoices to settle with it right away, totalling at most the amount; the rest stays unapplied',
      0,
    ).optional(),
    idempotencyKey,
  })
  .strict();

const ApplyPaymentInput = z
  .object({
    paymentId: paymentId.describe('The payment with unapplied cash to apply'),
    applications: applicationLines("Invoices to settle, totalling at most the payment's unapplied amount", 1),
    idempotencyKey,
  })
  .strict();

const UnapplyPaymentInput = z
  .object({
    paymentId: paymentId.describe('The payment whose application to take back'),
    invoiceId: id('invoice').describe('The invoice the payment was applied to'),
    amount: money
      .positive()
      .optional()
      .describe('Minor units to take back; default everything this payment applied to this invoice'),
    idempotencyKey,
  })
  .strict();

const paymentState = {
  appliedAmount: money,
  unappliedAmount: money.describe('Cash of this payment not yet applied to any invoice'),
  status: z.enum(PAYMENT_STATUSES),
};

const RecordPaymentOutput = z.object({
  paymentId: z.string(),
  number: z.string().describe('Receipt number PMT-YYMMDD-NNNN'),
  customerId: z.string(),
  receivedOn: z.string(),
  amount: money,
  currency: z.string(),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable(),
  ...paymentState,
  applications: z.array(Application),
});
type RecordPaymentOutput = z.infer<typeof RecordPaymentOutput>;

const ApplyPaymentOutput = z.object({
  paymentId: z.string(),
  paymentNumber: z.string(),
  customerId: z.string(),
  amount: money,
  currency: z.string(),
  ...paymentState,
  applications: z.array(Application),
});
type ApplyPaymentOutput = z.infer<typeof ApplyPaymentOutput>;

const UnapplyPaymentOutput = z.object({
  paymentId: z.string(),
  paymentNumber: z.string(),
  invoiceId: z.string(),
  invoiceNumber: z.string(),
  currency: z.string(),
  amountUnapplied: money.describe('Taken back by this call'),
  unappliedOn: z.string(),
  stillApplied: money.describe('What of this payment is still applied to this invoice'),
  payment: z.object(paymentState),
  invoice: z.object({
    balanceBefore: money,
    balance: money,
    statusBefore: z.string(),
    status: z.string(),
  }),
});
type UnapplyPaymentOutput = z.infer<typeof UnapplyPaymentOutput>;

/**
 * Cash receipts and cash application (scope payments:write: managers and admins only, the
 * scope being narrowed by role before it reaches here). No repeat of these is harmless — a second
 * receipt, a second application — so none is idempotent without the key; taking an application
 * back is destructive.
 */
@ArTools()
export class PaymentActionTools {
  constructor(private readonly payments: PaymentCommands) {}

  @Tool({
    name: 'record_payment',
    description: `Records money received from a customer (a new receipt, numbered PMT-YYMMDD-NNNN) and optionally applies part or all of it to the customer's open invoices at once; the rest stays unapplied for apply_payment. ${CONFIRM_MONEY}`,
    parameters: RecordPaymentInput,
    outputSchema: RecordPaymentOutput,
    annotations: write('Record payment', { destructive: false, idempotent: false }),
  })
  @ToolScopes(['payments:write'])
  async recordPayment(
    @Payload() input: z.infer<typeof RecordPaymentInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<RecordPaymentOutput>> {
    const { idempotencyKey: key, ...payment } = input;
    const r: RecordPaymentResult = await this.payments.recordPayment(commandContextOf(context, key), payment);
    const applications = r.applications.map(applicationOutput);
    const structured: RecordPaymentOutput = {
      paymentId: r.paymentId,
      number: r.number,
      customerId: r.customerId,
      receivedOn: r.receivedOn,
      amount: r.amount,
      currency: r.currency,
      method: r.method,
      reference: r.reference,
      appliedAmount: r.appliedAmount,
      unappliedAmount: r.unappliedAmount,
      status: r.status,
      applications,
    };
    return toolResult(
      structured,
      [
        `Recorded payment ${r.number} (${r.paymentId}) of ${formatMoney(r.amount, r.currency)} from customer ${r.customerId}, received ${r.receivedOn} by ${r.method}.`,
        ...applicationLinesText(applications, r.currency),
        `Applied ${formatMoney(r.appliedAmount, r.currency)}; unapplied ${formatMoney(r.unappliedAmount, r.currency)} (${r.status}).`,
      ].join('\n'),
    );
  }

  @Tool({
    name: 'apply_payment',
    description: `Applies a payment's unapplied cash to open invoices of its customer (same currency), lowering their balances. suggest_payment_matches proposes the lines. ${CONFIRM_MONEY}`,
    parameters: ApplyPaymentInput,
    outputSchema: ApplyPaymentOutput,
    annotations: write('Apply payment', { destructive: false, idempotent: false }),
  })
  @ToolScopes(['payments:write'])
  async applyPayment(
    @Payload() input: z.infer<typeof ApplyPaymentInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<ApplyPaymentOutput>> {
    const r: ApplyPaymentResult = await this.payments.applyPayment(
      commandContextOf(context, input.idempotencyKey),
      input.paymentId,
      input.applications,
    );
    const applications = r.applications.map(applicationOutput);
    const applied = applications.reduce((sum, a) => sum + a.amount, 0);
    return toolResult(
      {
        paymentId: r.paymentId,
        paymentNumber: r.paymentNumber,
        customerId: r.customerId,
        amount: r.amount,
        currency: r.currency,
        appliedAmount: r.appliedAmount,
        unappliedAmount: r.unappliedAmount,
        status: r.status,
        applications,
      },
      [
        `Applied ${formatMoney(applied, r.currency)} of payment ${r.paymentNumber} (${r.paymentId}):`,
        ...applicationLinesText(applications, r.currency),
        `Payment now ${r.status}: ${formatMoney(r.unappliedAmount, r.currency)} still unapplied.`,
      ].join('\n'),
    );
  }

  @Tool({
    name: 'unapply_payment',
    description: `Takes back all or part of what a payment applied to one invoice: the invoice's balance goes back up by that amount and the cash becomes unapplied again. Use it to correct a wrong application. ${CONFIRM_MONEY}`,
    parameters: UnapplyPaymentInput,
    outputSchema: UnapplyPaymentOutput,
    annotations: write('Unapply payment', { destructive: true, idempotent: false }),
  })
  @ToolScopes(['payments:write'])
  async unapplyPayment(
    @Payload() input: z.infer<typeof UnapplyPaymentInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<UnapplyPaymentOutput>> {
    const r: UnapplyPaymentResult = await this.payments.unapplyPayment(
      commandContextOf(context, input.idempotencyKey),
      input.paymentId,
      input.invoiceId,
      input.amount,
    );
    const money = (amount: number): string => formatMoney(amount, r.currency);
    return toolResult(
      {
        paymentId: r.paymentId,
        paymentNumber: r.paymentNumber,
        invoiceId: r.invoiceId,
        invoiceNumber: r.invoiceNumber,
        currency: r.currency,
        amountUnapplied: r.amountUnapplied,
        unappliedOn: r.unappliedOn,
        stillApplied: r.stillApplied,
        payment: {
          appliedAmount: r.payment.appliedAmount,
          unappliedAmount: r.payment.unappliedAmount,
          status: r.payment.status,
        },
        invoice: {
          balanceBefore: r.invoice.balanceBefore,
          balance: r.invoice.balance,
          statusBefore: r.invoice.statusBefore,
          status: r.invoice.status,
        },
      },
      [
        `Unapplied ${money(r.amountUnapplied)} of payment ${r.paymentNumber} from invoice ${r.invoiceNumber} on ${r.unappliedOn}; ${money(r.stillApplied)} of it stays applied there.`,
        `Invoice ${r.invoiceNumber} balance ${money(r.invoice.balanceBefore)} → ${money(r.invoice.balance)} (${r.invoice.status}).`,
        `Payment ${r.paymentNumber}: ${money(r.payment.unappliedAmount)} unapplied (${r.payment.status}).`,
      ].join('\n'),
    );
  }
}
