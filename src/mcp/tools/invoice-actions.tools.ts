import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { INVOICE_STATUSES } from '../../receivables/invoices/invoice.entity';
import { InvoiceCommands } from '../../receivables/invoices/invoice.commands';
import { commandContextOf } from '../principal';
import { write } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id, money } from './shared/common-schemas';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';
import { CONFIRM_MONEY, idempotencyKey } from './shared/write-schemas';

const WriteOffInput = z
  .object({
    invoiceId: id('invoice').describe('The invoice with an open balance to write off'),
    amount: money
      .positive()
      .optional()
      .describe(
        'Minor units to write off; default the whole open balance (which closes the invoice as written_off)',
      ),
    reason: z
      .string()
      .min(1)
      .max(500)
      .describe(
        'Why the money will not be collected (bankruptcy, small balance, settlement...); kept in the audit log',
      ),
    idempotencyKey,
  })
  .strict();

const WriteOffOutput = z.object({
  invoiceId: z.string(),
  invoiceNumber: z.string(),
  customerId: z.string(),
  currency: z.string(),
  amount: money.describe('Written off by this call'),
  writtenOffOn: z.string(),
  amountWrittenOff: money.describe('Everything written off on this invoice so far'),
  balanceBefore: money,
  balance: money,
  statusBefore: z.enum(INVOICE_STATUSES),
  status: z.enum(INVOICE_STATUSES),
});
type WriteOffOutput = z.infer<typeof WriteOffOutput>;

/**
 * Write-offs (scope payments:write): money given up for good, so destructive; a second identical
 * call writes off more (or is refused once nothing is left), so not idempotent.
 */
@ArTools()
export class InvoiceActionTools {
  constructor(private readonly invoices: InvoiceCommands) {}

  @Tool({
    name: 'write_off_invoice',
    description: `Writes off all or part of an invoice's open balance as uncollectable (bad debt, small balance, settlement). There is no tool to undo it. ${CONFIRM_MONEY}`,
    parameters: WriteOffInput,
    outputSchema: WriteOffOutput,
    annotations: write('Write off invoice', { destructive: true, idempotent: false }),
  })
  @ToolScopes(['payments:write'])
  async writeOff(
    @Payload() input: z.infer<typeof WriteOffInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<WriteOffOutput>> {
    const { idempotencyKey: key, invoiceId, ...writeOff } = input;
    const r = await this.invoices.writeOff(commandContextOf(context, key), invoiceId, writeOff);
    const money = (amount: number): string => formatMoney(amount, r.currency);
    return toolResult(
      {
        invoiceId: r.invoiceId,
        invoiceNumber: r.invoiceNumber,
        customerId: r.customerId,
        currency: r.currency,
        amount: r.amount,
        writtenOffOn: r.writtenOffOn,
        amountWrittenOff: r.amountWrittenOff,
        balanceBefore: r.balanceBefore,
        balance: r.balance,
        statusBefore: r.statusBefore,
        status: r.status,
      },
      `Wrote off ${money(r.amount)} of invoice ${r.invoiceNumber} (${r.invoiceId}) on ${r.writtenOffOn}: balance ${money(r.balanceBefore)} → ${money(r.balance)}, status ${r.statusBefore} → ${r.status}; ${money(r.amountWrittenOff)} written off in total.`,
    );
  }
}
