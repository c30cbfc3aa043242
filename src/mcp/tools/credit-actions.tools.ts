import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { CREDIT_MEMO_STATUSES } from '../../receivables/credits/credit-memo.entity';
import { CreditCommands } from '../../receivables/credits/credit.commands';
import { commandContextOf } from '../principal';
import { write } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id, money } from './shared/common-schemas';
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

const ApplyCreditMemoInput = z
  .object({
    creditMemoId: id('credit memo').describe(
      'The credit memo with unused credit (e.g. from search_credit_memos)',
    ),
    applications: applicationLines(
      "Open invoices of the memo's customer to settle, totalling at most the memo's remaining credit",
      1,
    ),
    idempotencyKey,
  })
  .strict();

const ApplyCreditMemoOutput = z.object({
  creditMemoId: z.string(),
  creditMemoNumber: z.string(),
  customerId: z.string(),
  currency: z.string(),
  amount: money.describe("The memo's full amount"),
  remainingAmount: money.describe('Credit still unused after this call'),
  status: z.enum(CREDIT_MEMO_STATUSES),
  applications: z.array(Application),
});
type ApplyCreditMemoOutput = z.infer<typeof ApplyCreditMemoOutput>;

/** Credit memo application (scope payments:write). A second identical call applies more credit. */
@ArTools()
export class CreditActionTools {
  constructor(private readonly credits: CreditCommands) {}

  @Tool({
    name: 'apply_credit_memo',
    description: `Applies a credit memo's unused credit to open invoices of the same customer and currency, lowering their balances. ${CONFIRM_MONEY}`,
    parameters: ApplyCreditMemoInput,
    outputSchema: ApplyCreditMemoOutput,
    annotations: write('Apply credit memo', { destructive: false, idempotent: false }),
  })
  @ToolScopes(['payments:write'])
  async applyCreditMemo(
    @Payload() input: z.infer<typeof ApplyCreditMemoInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<ApplyCreditMemoOutput>> {
    const r = await this.credits.applyCreditMemo(
      commandContextOf(context, input.idempotencyKey),
      input.creditMemoId,
      input.applications,
    );
    const applications = r.applications.map(applicationOutput);
    const applied = applications.reduce((sum, a) => sum + a.amount, 0);
    return toolResult(
      {
        creditMemoId: r.creditMemoId,
        creditMemoNumber: r.creditMemoNumber,
        customerId: r.customerId,
        currency: r.currency,
        amount: r.amount,
        remainingAmount: r.remainingAmount,
        status: r.status,
        applications,
      },
      [
        `Applied ${formatMoney(applied, r.currency)} of credit memo ${r.creditMemoNumber} (${r.creditMemoId}):`,
        ...applicationLinesText(applications, r.currency),
        `Credit memo now ${r.status}: ${formatMoney(r.remainingAmount, r.currency)} of ${formatMoney(r.amount, r.currency)} left.`,
      ].join('\n'),
    );
  }
}
