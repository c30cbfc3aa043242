import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { CONTACT_SORTS, CustomerQueries } from '../../receivables/customers/customer.queries';
import type { ContactRow } from '../../receivables/customers/customer.queries';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { direction, id } from './shared/common-schemas';
import { idList } from './shared/filter-schemas';
import { pageArguments, pageFooter, pageOutput } from './shared/paging';
import { toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const SearchContactsInput = z
  .object({
    text: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Part of the contact name, email or job title, case-insensitive'),
    customerIds: idList('customer').optional(),
    isPrimary: z.boolean().optional().describe("true: only each customer's primary contacts"),
    isBilling: z.boolean().optional().describe('true: only billing (accounts payable) contacts'),
    optedOut: z
      .boolean()
      .optional()
      .describe('true: only contacts who opted out of collection emails; false: only reachable ones'),
    sort: z.enum(CONTACT_SORTS).optional().describe('Sort key (default name)'),
    direction,
    ...pageArguments,
  })
  .strict();

const Contact = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string().nullable(),
  isPrimary: z.boolean(),
  isBilling: z.boolean(),
  optedOut: z.boolean().describe('Opted out of collection emails: do not email'),
});

const SearchContactsOutput = z.object(pageOutput(Contact));

function contactItem(c: ContactRow): z.infer<typeof Contact> {
  return {
    id: c.id,
    customerId: c.customerId,
    customerName: c.customerName,
    name: c.name,
    email: c.email,
    phone: c.phone,
    title: c.title,
    isPrimary: c.isPrimary,
    isBilling: c.isBilling,
    optedOut: c.optedOut,
  };
}

/** "primary, billing, opted out", as far as they apply; '' when none does. */
export function contactRoles(c: { isPrimary: boolean; isBilling: boolean; optedOut: boolean }): string {
  return [c.isPrimary ? 'primary' : '', c.isBilling ? 'billing' : '', c.optedOut ? 'opted out' : '']
    .filter(Boolean)
    .join(', ');
}

function contactLine(c: ContactRow): string {
  const roles = contactRoles(c);
  return (
    `${c.name} (${c.id}) at ${c.customerName}` +
    (c.title ? `, ${c.title}` : '') +
    (c.email ? `, ${c.email}` : '') +
    (c.phone ? `, ${c.phone}` : '') +
    (roles ? ` [${roles}]` : '')
  );
}

/** Customer contacts: who to call or email about an account. */
@ArTools()
export class ContactTools {
  constructor(private readonly customers: CustomerQueries) {}

  @Tool({
    name: 'search_contacts',
    description:
      "Find customer contacts by customer, name/email/title text, primary or billing role, or email opt-out. E.g. who to email about an overdue invoice → customerIds [the invoice's customerId] + isBilling true + optedOut false. get_customer shows a customer's first contacts; this tool pages through all of them. Paged: follow nextCursor while hasMore.",
    parameters: SearchContactsInput,
    outputSchema: SearchContactsOutput,
    annotations: readOnly('Search contacts'),
  })
  @ToolScopes(['ar:read'])
  async searchContacts(
    @Payload() input: z.infer<typeof SearchContactsInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof SearchContactsOutput>>> {
    const { limit, cursor, ...filter } = input;
    const page = await this.customers.searchContacts(principalOf(context).orgId, filter, { limit, cursor });
    return toolResult(
      { items: page.items.map(contactItem), hasMore: page.hasMore, nextCursor: page.nextCursor },
      ['Contacts:', ...page.items.map((c) => `- ${contactLine(c)}`), pageFooter(page, 'contacts')].join('\n'),
    );
  }

  @Tool({
    name: 'get_contact',
    description:
      'One customer contact: name, title, email, phone, whether they are the primary or billing contact, and whether they opted out of collection emails. Use before update_contact or draft_collection_email.',
    parameters: z.object({ contactId: id('contact') }).strict(),
    outputSchema: z.object({ contact: Contact }),
    annotations: readOnly('Get contact'),
  })
  @ToolScopes(['ar:read'])
  async getContact(
    @Payload() input: { contactId: string },
    @Ctx() context: McpContext,
  ): Promise<ToolResult<{ contact: z.infer<typeof Contact> }>> {
    const contact = await this.customers.getContact(principalOf(context).orgId, input.contactId);
    return toolResult({ contact: contactItem(contact) }, contactLine(contact));
  }
}
