import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { ContactCommands } from '../../receivables/customers/contact.commands';
import type { ContactResult } from '../../receivables/customers/contact.commands';
import { commandContextOf } from '../principal';
import { write } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { id } from './shared/common-schemas';
import { toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';
import { idempotencyKey } from './shared/write-schemas';
import { contactRoles } from './contacts.tools';

const email = z.string().min(3).max(254).describe('Email address, e.g. ap@customer.com; unique per customer');
const phone = z
  .string()
  .min(3)
  .max(40)
  .describe('Phone number: digits with optional +, spaces, dashes, brackets');
const jobTitle = z.string().min(1).max(200).describe('Job title or role at the customer, e.g. "AP Manager"');
const flags = {
  isPrimary: z
    .boolean()
    .optional()
    .describe(
      "The customer's main contact; making one primary makes the previous primary an ordinary contact",
    ),
  isBilling: z.boolean().optional().describe('Receives invoices, statements and reminder emails'),
  optedOut: z.boolean().optional().describe('Asked not to be contacted by collections'),
};

const CreateContactInput = z
  .object({
    customerId: id('customer').describe('The customer the person works for'),
    name: z.string().min(1).max(200).describe('Full name'),
    email: email.optional(),
    phone: phone.optional(),
    title: jobTitle.optional(),
    ...flags,
    idempotencyKey,
  })
  .strict();

const UpdateContactInput = z
  .object({
    contactId: id('contact'),
    name: z.string().min(1).max(200).optional().describe('New full name'),
    email: email.nullable().optional().describe('New email address (unique per customer); null clears it'),
    phone: phone.nullable().optional().describe('New phone number; null clears it'),
    title: jobTitle.nullable().optional().describe('New job title; null clears it'),
    ...flags,
    idempotencyKey,
  })
  .strict();

const ContactOutput = z.object({
  id: z.string(),
  customerId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string().nullable(),
  isPrimary: z.boolean(),
  isBilling: z.boolean(),
  optedOut: z.boolean(),
  createdAt: z.string(),
  demotedContactIds: z.array(z.string()).describe('Contacts that stopped being primary because of this call'),
});
type ContactOutput = z.infer<typeof ContactOutput>;

function toOutput(c: ContactResult): ContactOutput {
  return {
    id: c.id,
    customerId: c.customerId,
    name: c.name,
    email: c.email,
    phone: c.phone,
    title: c.title,
    isPrimary: c.isPrimary,
    isBilling: c.isBilling,
    optedOut: c.optedOut,
    createdAt: c.createdAt,
    demotedContactIds: c.demotedContactIds,
  };
}

function describeContact(c: ContactResult): string {
  const roles = contactRoles(c);
  const demoted =
    c.demotedContactIds.length > 0 ? ` ${c.demotedContactIds.join(', ')} is no longer primary.` : '';
  return `${c.name} (${c.id}) at customer ${c.customerId}: ${c.email ?? 'no email'}, ${c.phone ?? 'no phone'}${roles ? ` [${roles}]` : ''}.${demoted}`;
}

/** The people at a customer collections talks to (scope ar:write). */
@ArTools()
export class ContactActionTools {
  constructor(private readonly contacts: ContactCommands) {}

  @Tool({
    name: 'create_contact',
    description:
      'Adds a person at a customer (name, email, phone, job title; primary, billing or opted-out flags). Look for the person with search_contacts first: an email address may appear only once per customer.',
    parameters: CreateContactInput,
    outputSchema: ContactOutput,
    annotations: write('Create contact', { destructive: false, idempotent: false }),
  })
  @ToolScopes(['ar:write'])
  async createContact(
    @Payload() input: z.infer<typeof CreateContactInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<ContactOutput>> {
    const { idempotencyKey: key, ...contact } = input;
    const result = await this.contacts.createContact(commandContextOf(context, key), contact);
    return toolResult(toOutput(result), `Created contact ${describeContact(result)}`);
  }

  @Tool({
    name: 'update_contact',
    description:
      "Changes a contact's name, email, phone, job title or flags; fields you omit stay as they are. Set optedOut when the person asks collections to stop contacting them.",
    parameters: UpdateContactInput,
    outputSchema: ContactOutput,
    annotations: write('Update contact', { destructive: false, idempotent: true }),
  })
  @ToolScopes(['ar:write'])
  async updateContact(
    @Payload() input: z.infer<typeof UpdateContactInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<ContactOutput>> {
    const { idempotencyKey: key, contactId, ...changes } = input;
    const result = await this.contacts.updateContact(commandContextOf(context, key), contactId, changes);
    return toolResult(
      toOutput(result),
      `Updated contact ${describeContact(result)} Changed: ${Object.keys(changes).join(', ')}.`,
    );
  }
}
