import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { CollectionEmailDrafts, EMAIL_TONES } from '../../receivables/collections/collection-email.service';
import type { CollectionEmailDraft } from '../../receivables/collections/collection-email.service';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id, money } from './shared/common-schemas';
import { toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const DraftEmailInput = z
  .object({
    customerId: id('customer').describe('The customer to write to'),
    tone: z
      .enum(EMAIL_TONES)
      .describe(
        'friendly (a reminder), firm (overdue, please pay now) or final (last notice before escalation)',
      ),
    invoiceIds: z
      .array(z.string().uuid())
      .min(1)
      .max(100)
      .optional()
      .describe(
        'Open invoices of that customer to ask for (up to 100); default every overdue one (a friendly reminder with nothing overdue lists the open ones)',
      ),
  })
  .strict();

const Recipient = z.object({ contactId: z.string(), name: z.string(), email: z.string() });

const DraftEmailOutput = z.object({
  customerId: z.string(),
  customerName: z.string(),
  tone: z.enum(EMAIL_TONES),
  asOf: z.string().describe('The day past due is counted on'),
  to: Recipient.nullable().describe('Primary (else billing) contact with an email who did not opt out'),
  cc: z.array(Recipient),
  subject: z.string(),
  body: z.string().describe('Plain text'),
  invoices: z.array(
    z.object({
      invoiceId: z.string(),
      number: z.string(),
      dueDate: z.string(),
      daysPastDue: z.number().int(),
      balance: money,
      currency: z.string(),
      balanceFormatted: z.string(),
    }),
  ),
  totals: z.array(z.object({ currency: z.string(), amount: money, formatted: z.string() })),
  excluded: z
    .array(
      z.object({
        invoiceId: z.string(),
        number: z.string(),
        reason: z.enum(['disputed', 'promised']),
        detail: z.string(),
      }),
    )
    .describe('Invoices left out of the demand (disputed, or covered by a promise not yet due)'),
  warnings: z.array(z.string()).describe('Check these with the user before the email is sent'),
});
type DraftEmailOutput = z.infer<typeof DraftEmailOutput>;

function toOutput(d: CollectionEmailDraft): DraftEmailOutput {
  const recipient = (r: { contactId: string; name: string; email: string }) => ({
    contactId: r.contactId,
    name: r.name,
    email: r.email,
  });
  return {
    customerId: d.customerId,
    customerName: d.customerName,
    tone: d.tone,
    asOf: d.asOf,
    to: d.to ? recipient(d.to) : null,
    cc: d.cc.map(recipient),
    subject: d.subject,
    body: d.body,
    invoices: d.invoices.map((i) => ({
      invoiceId: i.invoiceId,
      number: i.number,
      dueDate: i.dueDate,
      daysPastDue: i.daysPastDue,
      balance: i.balance,
      currency: i.currency,
      balanceFormatted: i.balanceFormatted,
    })),
    totals: d.totals.map((t) => ({ currency: t.currency, amount: t.amount, formatted: t.formatted })),
    excluded: d.excluded.map((e) => ({
      invoiceId: e.invoiceId,
      number: e.number,
      reason: e.reason,
      detail: e.detail,
    })),
    warnings: [...d.warnings],
  };
}

/**
 * draft_collection_email. Collections work, so it needs ar:write (DESIGN.md scopes table), but it
 * sends and writes nothing: readOnlyHint is true and no idempotency key is needed.
 */
@ArTools()
export class CollectionEmailTools {
  constructor(private readonly drafts: CollectionEmailDrafts) {}

  @Tool({
    name: 'draft_collection_email',
    description:
      'Drafts a collections email to a customer from its real account state: overdue invoices with days past due, totals per currency, disputed or promised invoices left out and mentioned, a recent broken promise recalled in firm and final tones. It sends nothing and changes nothing: show the draft and its warnings to the user, who sends it themselves.',
    parameters: DraftEmailInput,
    outputSchema: DraftEmailOutput,
    annotations: readOnly('Draft collection email'),
  })
  @ToolScopes(['ar:write'])
  async draftEmail(
    @Payload() input: z.infer<typeof DraftEmailInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<DraftEmailOutput>> {
    const { customerId, ...options } = input;
    const draft = await this.drafts.draft(principalOf(context).orgId, customerId, options);
    const to = draft.to ? `${draft.to.name} <${draft.to.email}>` : '(no recipient: add a contact first)';
    const text = [
      `Draft (not sent) for ${draft.customerName}, ${draft.tone} tone, as of ${draft.asOf}:`,
      `To: ${to}${draft.cc.length > 0 ? `; Cc: ${draft.cc.map((c) => c.email).join(', ')}` : ''}`,
      `Subject: ${draft.subject}`,
      '',
      draft.body,
      ...(draft.warnings.length > 0 ? ['', 'Warnings:', ...draft.warnings.map((w) => `- ${w}`)] : []),
    ].join('\n');
    return toolResult(toOutput(draft), text);
  }
}
