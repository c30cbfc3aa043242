import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { ActivityCommands, LOGGABLE_ACTIVITY_TYPES } from '../../receivables/activities/activity.commands';
import type { ActivityResult } from '../../receivables/activities/activity.commands';
import { ACTIVITY_TYPES } from '../../receivables/activities/activity.entity';
import { commandContextOf } from '../principal';
import { write } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id } from './shared/common-schemas';
import { toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';
import { idempotencyKey } from './shared/write-schemas';

const subjectIds = {
  customerId: id('customer')
    .optional()
    .describe("The customer it is about; may be omitted when invoiceId is given (the invoice's customer)"),
  invoiceId: id('invoice').optional().describe('The invoice it is about, if any'),
};

const AddNoteInput = z
  .object({
    ...subjectIds,
    body: z.string().min(1).max(10_000).describe('The note, plain text'),
    subject: z.string().min(1).max(200).optional().describe('Optional one-line subject'),
    idempotencyKey,
  })
  .strict();

const LogActivityInput = z
  .object({
    ...subjectIds,
    type: z
      .enum(LOGGABLE_ACTIVITY_TYPES)
      .describe('What happened: a call, a meeting, an email sent (email_out) or received (email_in)'),
    summary: z.string().min(1).max(10_000).describe('What was said or agreed, in a few sentences'),
    subject: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('One-line subject (default "<Type> with <contact>" when contactId is given)'),
    occurredAt: z
      .string()
      .max(40)
      .optional()
      .describe(
        'When it happened, ISO-8601 with a zone, e.g. 2026-05-04T15:30:00Z (default now; not in the future)',
      ),
    contactId: id('contact').optional().describe("The customer's contact spoken to or written to"),
    idempotencyKey,
  })
  .strict();

const ActivityOutput = z.object({
  id: z.string(),
  customerId: z.string(),
  invoiceId: z.string().nullable(),
  type: z.enum(ACTIVITY_TYPES),
  subject: z.string().nullable(),
  body: z.string(),
  authorUserId: z.string().nullable(),
  occurredAt: z.string().describe('ISO-8601 UTC'),
  contactId: z.string().nullable(),
});
type ActivityOutput = z.infer<typeof ActivityOutput>;

function toOutput(a: ActivityResult): ActivityOutput {
  return {
    id: a.id,
    customerId: a.customerId,
    invoiceId: a.invoiceId,
    type: a.type,
    subject: a.subject,
    body: a.body,
    authorUserId: a.authorUserId,
    occurredAt: a.occurredAt,
    contactId: a.contactId,
  };
}

function about(a: ActivityResult): string {
  return a.invoiceId ? `customer ${a.customerId}, invoice ${a.invoiceId}` : `customer ${a.customerId}`;
}

/** Notes and logged calls, meetings and emails on an account's timeline (scope ar:write). */
@ArTools()
export class ActivityActionTools {
  constructor(private readonly activities: ActivityCommands) {}

  @Tool({
    name: 'add_note',
    description:
      "Adds a note to a customer's or an invoice's timeline, authored by the signed-in user. Use it to record what the user wants remembered; for a call, meeting or email use log_activity.",
    parameters: AddNoteInput,
    outputSchema: ActivityOutput,
    annotations: write('Add note', { destructive: false, idempotent: false }),
  })
  @ToolScopes(['ar:write'])
  async addNote(
    @Payload() input: z.infer<typeof AddNoteInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<ActivityOutput>> {
    const { idempotencyKey: key, ...note } = input;
    const result = await this.activities.addNote(commandContextOf(context, key), note);
    return toolResult(toOutput(result), `Added note ${result.id} on ${about(result)}.`);
  }

  @Tool({
    name: 'log_activity',
    description:
      'Records a call, meeting or email that already happened with a customer (optionally about one invoice and with one of its contacts) on the timeline. To plan one, use create_task.',
    parameters: LogActivityInput,
    outputSchema: ActivityOutput,
    annotations: write('Log activity', { destructive: false, idempotent: false }),
  })
  @ToolScopes(['ar:write'])
  async logActivity(
    @Payload() input: z.infer<typeof LogActivityInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<ActivityOutput>> {
    const { idempotencyKey: key, ...entry } = input;
    const result = await this.activities.logActivity(commandContextOf(context, key), entry);
    return toolResult(
      toOutput(result),
      `Logged ${result.type} ${result.id} on ${about(result)} at ${result.occurredAt}${result.subject ? `: "${result.subject}"` : ''}.`,
    );
  }
}
