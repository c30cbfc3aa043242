import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import {
  CustomerCommands,
  MAX_CUSTOMERS_PER_ASSIGNMENT,
  MAX_TAG_LENGTH,
  MAX_TAGS_PER_CUSTOMER,
} from '../../receivables/customers/customer.commands';
import type { CustomerTagsResult, DunningResult } from '../../receivables/customers/customer.commands';
import { commandContextOf } from '../principal';
import { write } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id, isoDate } from './shared/common-schemas';
import { toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';
import { CONFIRM_TARGET, idempotencyKey, reason } from './shared/write-schemas';

const customerId = id('customer');

const AssignCollectorInput = z
  .object({
    customerIds: z
      .array(z.string().uuid())
      .min(1)
      .max(MAX_CUSTOMERS_PER_ASSIGNMENT)
      .describe(
        `The customers to (re)assign, 1-${MAX_CUSTOMERS_PER_ASSIGNMENT} ids. All or nothing: one unknown id changes nothing.`,
      ),
    collectorUserId: id('collector (user)')
      .nullable()
      .describe(
        'A collector, manager or admin of the organization (user id), or null to remove the collector',
      ),
    idempotencyKey,
  })
  .strict();

const tags = (what: string, min: number) =>
  z
    .array(z.string().min(1).max(MAX_TAG_LENGTH))
    .min(min)
    .max(MAX_TAGS_PER_CUSTOMER)
    .describe(
      `${what}. Stored lower-case with hyphens ("Payment Plan" → payment-plan); letters, digits and - . : / only; at most ${MAX_TAGS_PER_CUSTOMER} per customer.`,
    );

const SetTagsInput = z
  .object({
    customerId,
    tags: tags('The complete new list of tags; an empty list removes them all', 0),
    idempotencyKey,
  })
  .strict();
const AddTagsInput = z
  .object({ customerId, tags: tags('Tags to add; the customer keeps its other tags', 1), idempotencyKey })
  .strict();
const RemoveTagsInput = z
  .object({
    customerId,
    tags: tags('Tags to remove; tags the customer does not have are ignored', 1),
    idempotencyKey,
  })
  .strict();

const PauseDunningInput = z
  .object({
    customerId,
    until: isoDate("Last day without reminders, today or later (organization's time zone), within a year"),
    reason: z.string().min(1).max(200).describe('Why reminders stop, e.g. "payment plan agreed"'),
    idempotencyKey,
  })
  .strict();

const ResumeDunningInput = z
  .object({
    customerId,
    reason: reason('Why reminders start again now; kept in the audit record'),
    idempotencyKey,
  })
  .strict();

const AssignCollectorOutput = z.object({
  collectorUserId: z.string().nullable(),
  changed: z.array(z.string()).describe('Customers whose collector changed'),
  unchanged: z.array(z.string()).describe('Customers that already had this collector'),
});
type AssignCollectorOutput = z.infer<typeof AssignCollectorOutput>;

const TagsOutput = z.object({
  customerId: z.string(),
  tags: z.array(z.string()).describe("The customer's tags after the change"),
  added: z.array(z.string()),
  removed: z.array(z.string()),
});
type TagsOutput = z.infer<typeof TagsOutput>;

const DunningOutput = z.object({
  customerId: z.string(),
  dunningPausedUntil: z
    .string()
    .nullable()
    .describe('Reminders are paused up to and including this day; null when dunning runs'),
  dunningPauseReason: z.string().nullable(),
});
type DunningOutput = z.infer<typeof DunningOutput>;

function tagsOutput(r: CustomerTagsResult): ToolResult<TagsOutput> {
  const list = (values: string[]): string => (values.length > 0 ? values.join(', ') : 'none');
  return toolResult(
    { customerId: r.customerId, tags: r.tags, added: r.added, removed: r.removed },
    `Customer ${r.customerId} tags are now: ${list(r.tags)} (added: ${list(r.added)}; removed: ${list(r.removed)}).`,
  );
}

function dunningOutput(r: DunningResult, text: string): ToolResult<DunningOutput> {
  return toolResult(
    {
      customerId: r.customerId,
      dunningPausedUntil: r.dunningPausedUntil,
      dunningPauseReason: r.dunningPauseReason,
    },
    text,
  );
}

/**
 * Account-level collections settings (scope ar:write): collector, tags, dunning. Each leaves the
 * account in a state fixed by its arguments, so repeating one changes nothing (idempotent). Tools
 * that can take tags away or lift a dunning hold are marked destructive.
 */
@ArTools()
export class CustomerActionTools {
  constructor(private readonly customers: CustomerCommands) {}

  @Tool({
    name: 'assign_collector',
    description: `Makes one member the collector of up to ${MAX_CUSTOMERS_PER_ASSIGNMENT} customers (or removes the collector with null). All or nothing: if any id is not a customer of the organization, nothing changes and the error lists the unknown ids. ${CONFIRM_TARGET}`,
    parameters: AssignCollectorInput,
    outputSchema: AssignCollectorOutput,
    annotations: write('Assign collector', { destructive: false, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async assignCollector(
    @Payload() input: z.infer<typeof AssignCollectorInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<AssignCollectorOutput>> {
    const { idempotencyKey: key, ...assignment } = input;
    const result = await this.customers.assignCollector(commandContextOf(context, key), assignment);
    const who = result.collectorUserId ? `collector ${result.collectorUserId}` : 'no collector';
    return toolResult(
      { collectorUserId: result.collectorUserId, changed: result.changed, unchanged: result.unchanged },
      `${result.changed.length} customer(s) now have ${who}; ${result.unchanged.length} already had it.`,
    );
  }

  @Tool({
    name: 'set_customer_tags',
    description:
      "Replaces a customer's whole tag list with the given one (tags not listed are removed). To add or remove a few tags without knowing the rest, use add_customer_tags or remove_customer_tags.",
    parameters: SetTagsInput,
    outputSchema: TagsOutput,
    annotations: write('Set customer tags', { destructive: true, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async setTags(
    @Payload() input: z.infer<typeof SetTagsInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<TagsOutput>> {
    const result = await this.customers.setTags(
      commandContextOf(context, input.idempotencyKey),
      input.customerId,
      input.tags,
    );
    return tagsOutput(result);
  }

  @Tool({
    name: 'add_customer_tags',
    description: 'Adds tags to a customer, keeping the tags it already has.',
    parameters: AddTagsInput,
    outputSchema: TagsOutput,
    annotations: write('Add customer tags', { destructive: false, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async addTags(
    @Payload() input: z.infer<typeof AddTagsInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<TagsOutput>> {
    const result = await this.customers.addTags(
      commandContextOf(context, input.idempotencyKey),
      input.customerId,
      input.tags,
    );
    return tagsOutput(result);
  }

  @Tool({
    name: 'remove_customer_tags',
    description: 'Removes tags from a customer, keeping its other tags.',
    parameters: RemoveTagsInput,
    outputSchema: TagsOutput,
    annotations: write('Remove customer tags', { destructive: true, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async removeTags(
    @Payload() input: z.infer<typeof RemoveTagsInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<TagsOutput>> {
    const result = await this.customers.removeTags(
      commandContextOf(context, input.idempotencyKey),
      input.customerId,
      input.tags,
    );
    return tagsOutput(result);
  }

  @Tool({
    name: 'pause_dunning',
    description: `Stops automatic payment reminders to a customer up to and including a day (e.g. while a payment plan or dispute is worked out). ${CONFIRM_TARGET}`,
    parameters: PauseDunningInput,
    outputSchema: DunningOutput,
    annotations: write('Pause dunning', { destructive: false, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async pauseDunning(
    @Payload() input: z.infer<typeof PauseDunningInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<DunningOutput>> {
    const { idempotencyKey: key, customerId: target, ...pause } = input;
    const result = await this.customers.pauseDunning(commandContextOf(context, key), target, pause);
    return dunningOutput(
      result,
      `Dunning paused for customer ${result.customerId} through ${result.dunningPausedUntil} (${result.dunningPauseReason}).`,
    );
  }

  @Tool({
    name: 'resume_dunning',
    description: `Lifts a customer's dunning pause now, so automatic reminders can go out again. ${CONFIRM_TARGET}`,
    parameters: ResumeDunningInput,
    outputSchema: DunningOutput,
    // Ends a hold the user put in place; a repeat is refused (nothing is paused), changing nothing.
    annotations: write('Resume dunning', { destructive: true, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async resumeDunning(
    @Payload() input: z.infer<typeof ResumeDunningInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<DunningOutput>> {
    const { idempotencyKey: key, customerId: target, ...options } = input;
    const result = await this.customers.resumeDunning(commandContextOf(context, key), target, options);
    return dunningOutput(
      result,
      `Dunning resumed for customer ${result.customerId}: reminders may go out again.`,
    );
  }
}
