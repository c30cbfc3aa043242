import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { MAX_INVOICES_PER_PROMISE, PromiseCommands } from '../../receivables/promises/promise.commands';
import type { PromiseResult } from '../../receivables/promises/promise.commands';
import { PROMISE_SOURCES, PROMISE_STATUSES } from '../../receivables/promises/promise-to-pay.entity';
import { commandContextOf } from '../principal';
import { write } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { currency, id, isoDate, money } from './shared/common-schemas';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';
import { CONFIRM_TARGET, idempotencyKey, reason } from './shared/write-schemas';

const RecordPromiseInput = z
  .object({
    customerId: id('customer').describe('The customer who promised to pay'),
    invoiceIds: z
      .array(z.string().uuid())
      .min(1)
      .max(MAX_INVOICES_PER_PROMISE)
      .describe(
        `Open invoices of that customer the promise covers, all in the promise's currency (1-${MAX_INVOICES_PER_PROMISE} ids)`,
      ),
    amount: money
      .positive()
      .describe('Promised amount in minor units (1234 = 12.34); at most the open balance of those invoices'),
    currency: currency.describe("ISO-4217 code of the amount; must be the invoices' currency"),
    promisedOn: isoDate(
      "Day the customer will pay, today or later (organization's time zone), within a year",
    ),
    contactId: id('contact')
      .optional()
      .describe("Who at the customer promised; one of the customer's contacts"),
    source: z.enum(PROMISE_SOURCES).optional().describe('How the promise was made (default call)'),
    note: z.string().min(1).max(10_000).optional().describe('Anything else the customer said'),
    idempotencyKey,
  })
  .strict();

const CancelPromiseInput = z
  .object({
    promiseId: id('promise to pay'),
    reason: reason('Why: the customer withdrew it, or it was recorded by mistake; kept in the audit record'),
    idempotencyKey,
  })
  .strict();

const PromiseOutput = z.object({
  id: z.string(),
  customerId: z.string(),
  contactId: z.string().nullable(),
  amount: money,
  currency: z.string(),
  promisedOn: z.string(),
  status: z.enum(PROMISE_STATUSES),
  source: z.enum(PROMISE_SOURCES),
  note: z.string().nullable(),
  createdByUserId: z.string().nullable(),
  createdAt: z.string(),
  invoices: z
    .array(
      z.object({
        invoiceId: z.string(),
        invoiceNumber: z.string(),
        amount: money.describe('Part of the promise meant for this invoice (oldest due first)'),
      }),
    )
    .describe('How the promised amount splits over the covered invoices'),
});
type PromiseOutput = z.infer<typeof PromiseOutput>;

function toOutput(p: PromiseResult): PromiseOutput {
  return {
    id: p.id,
    customerId: p.customerId,
    contactId: p.contactId,
    amount: p.amount,
    currency: p.currency,
    promisedOn: p.promisedOn,
    status: p.status,
    source: p.source,
    note: p.note,
    createdByUserId: p.createdByUserId,
    createdAt: p.createdAt,
    invoices: p.invoices.map((i) => ({
      invoiceId: i.invoiceId,
      invoiceNumber: i.invoiceNumber,
      amount: i.amount,
    })),
  };
}

function split(p: PromiseResult): string {
  return p.invoices.map((i) => `${i.invoiceNumber} ${formatMoney(i.amount, p.currency)}`).join(', ');
}

/** Promises to pay (scope ar:write): record one against open invoices, or cancel it. */
@ArTools()
export class PromiseActionTools {
  constructor(private readonly promises: PromiseCommands) {}

  @Tool({
    name: 'record_promise_to_pay',
    description: `Records a customer's promise to pay an amount by a day, covering some of its open invoices (the amount is split over them oldest due first). Kept or broken is decided later from the payments that arrive. ${CONFIRM_TARGET}`,
    parameters: RecordPromiseInput,
    outputSchema: PromiseOutput,
    annotations: write('Record promise to pay', { destructive: false, idempotent: false }),
  })
  @ToolScopes(['ar:write'])
  async recordPromise(
    @Payload() input: z.infer<typeof RecordPromiseInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<PromiseOutput>> {
    const { idempotencyKey: key, ...promise } = input;
    const result = await this.promises.recordPromise(commandContextOf(context, key), promise);
    return toolResult(
      toOutput(result),
      `Recorded promise ${result.id}: ${formatMoney(result.amount, result.currency)} by ${result.promisedOn} (${result.source}), covering ${split(result)}.`,
    );
  }

  @Tool({
    name: 'cancel_promise_to_pay',
    description:
      'Cancels a pending promise to pay (the customer withdrew it, or it was recorded by mistake). It then no longer counts in forecasts or worklists and cannot be reinstated: confirm with the user first.',
    parameters: CancelPromiseInput,
    outputSchema: PromiseOutput,
    annotations: write('Cancel promise to pay', { destructive: true, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async cancelPromise(
    @Payload() input: z.infer<typeof CancelPromiseInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<PromiseOutput>> {
    const { idempotencyKey: key, promiseId, ...options } = input;
    const result = await this.promises.cancelPromise(commandContextOf(context, key), promiseId, options);
    return toolResult(
      toOutput(result),
      `Cancelled promise ${result.id} to pay ${formatMoney(result.amount, result.currency)} by ${result.promisedOn}; it is now ${result.status}.`,
    );
  }
}
