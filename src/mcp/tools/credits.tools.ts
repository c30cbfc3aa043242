import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { CREDIT_MEMO_STATUSES } from '../../receivables/credits/credit-memo.entity';
import { CREDIT_MEMO_SORTS, CreditMemoQueries } from '../../receivables/credits/credit-memo.queries';
import type { CreditMemoDetail, CreditMemoRow } from '../../receivables/credits/credit-memo.queries';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { amountRange, currency, direction, id, money } from './shared/common-schemas';
import { dateRange, idList } from './shared/filter-schemas';
import { pageArguments, pageFooter, pageOutput } from './shared/paging';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const SearchCreditMemosInput = z
  .object({
    text: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Part of the memo number, its reason or the customer name, case-insensitive'),
    status: z
      .array(z.enum(CREDIT_MEMO_STATUSES))
      .min(1)
      .optional()
      .describe('Only credit memos in these statuses'),
    openOnly: z
      .boolean()
      .optional()
      .describe('Only memos with credit left to apply to invoices (void memos never)'),
    customerIds: idList('customer').optional(),
    issuedOn: dateRange('Day the memo was issued').optional(),
    amount: amountRange('Memo amount range').optional(),
    remainingAmount: amountRange('Range of the credit not yet applied').optional(),
    currency: currency.optional().describe("The memo's currency"),
    sort: z.enum(CREDIT_MEMO_SORTS).optional().describe('Sort key (default issued_on)'),
    direction: direction.describe('Sort direction (default desc: newest or largest first)'),
    ...pageArguments,
  })
  .strict();

const CreditMemo = z.object({
  id: z.string(),
  number: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  issuedOn: z.string(),
  currency: z.string(),
  amount: money,
  remainingAmount: money.describe('Credit not yet applied to any invoice, in minor units'),
  status: z.enum(CREDIT_MEMO_STATUSES),
  reason: z.string().nullable(),
});

const SearchCreditMemosOutput = z.object(pageOutput(CreditMemo));

function memoItem(m: CreditMemoRow): z.infer<typeof CreditMemo> {
  return {
    id: m.id,
    number: m.number,
    customerId: m.customerId,
    customerName: m.customerName,
    issuedOn: m.issuedOn,
    currency: m.currency,
    amount: m.amount,
    remainingAmount: m.remainingAmount,
    status: m.status,
    reason: m.reason,
  };
}

function memoLine(m: CreditMemoRow): string {
  return (
    `${m.number} (${m.id}) ${m.customerName}: ${formatMoney(m.amount, m.currency)} issued ${m.issuedOn}, ${m.status}, ${formatMoney(m.remainingAmount, m.currency)} left to apply` +
    (m.reason ? ` — ${m.reason}` : '')
  );
}

/** Credit memos: credit issued to customers, and the invoices it went to. */
@ArTools()
export class CreditMemoTools {
  constructor(private readonly credits: CreditMemoQueries) {}

  @Tool({
    name: 'search_credit_memos',
    description:
      'Find credit memos by customer, status, issue date, amount, remaining (unapplied) credit, currency or text (number, reason, customer name). openOnly: true lists credit still available to apply. Which invoices a memo was applied to: get_credit_memo (applications), or on each invoice (get_invoice, creditApplications). Newest first by default. Paged: follow nextCursor while hasMore.',
    parameters: SearchCreditMemosInput,
    outputSchema: SearchCreditMemosOutput,
    annotations: readOnly('Search credit memos'),
  })
  @ToolScopes(['ar:read'])
  async searchCreditMemos(
    @Payload() input: z.infer<typeof SearchCreditMemosInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof SearchCreditMemosOutput>>> {
    const { limit, cursor, ...filter } = input;
    const page = await this.credits.search(principalOf(context).orgId, filter, { limit, cursor });
    return toolResult(
      { items: page.items.map(memoItem), hasMore: page.hasMore, nextCursor: page.nextCursor },
      ['Credit memos:', ...page.items.map((m) => `- ${memoLine(m)}`), pageFooter(page, 'credit memos')].join(
        '\n',
      ),
    );
  }

  @Tool({
    name: 'get_credit_memo',
    description:
      'One credit memo in full and where its credit went: every application to an invoice (number, amount, date), and the credit left to apply. Use before apply_credit_memo.',
    parameters: z.object({ creditMemoId: id('credit memo') }).strict(),
    outputSchema: z.object({
      creditMemo: CreditMemo.extend({
        applications: z.array(
          z.object({
            id: z.string(),
            invoiceId: z.string(),
            invoiceNumber: z.string(),
            amount: money,
            appliedOn: z.string(),
          }),
        ),
      }),
    }),
    annotations: readOnly('Get credit memo'),
  })
  @ToolScopes(['ar:read'])
  async getCreditMemo(
    @Payload() input: { creditMemoId: string },
    @Ctx() context: McpContext,
  ): Promise<
    ToolResult<{ creditMemo: z.infer<typeof CreditMemo> & Pick<CreditMemoDetail, 'applications'> }>
  > {
    const memo = await this.credits.getCreditMemo(principalOf(context).orgId, input.creditMemoId);
    const lines = memo.applications.map(
      (a) => `- ${formatMoney(a.amount, memo.currency)} to invoice ${a.invoiceNumber} on ${a.appliedOn}`,
    );
    return toolResult(
      { creditMemo: { ...memoItem(memo), applications: memo.applications } },
      [memoLine(memo), ...(lines.length > 0 ? lines : ['Not applied to any invoice yet.'])].join('\n'),
    );
  }
}
