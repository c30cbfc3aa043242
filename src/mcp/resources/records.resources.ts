import { Ctx, Payload } from '@nestjs/microservices';
import { ResourceTemplate } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { ForbiddenError } from '../../common/errors/app-error';
import { CustomerQueries } from '../../receivables/customers/customer.queries';
import { InvoiceQueries } from '../../receivables/invoices/invoice.queries';
import { principalOf } from '../principal';
import { ArTools } from '../tools/shared/ar-tools.decorator';

interface ReadResult {
  contents: { uri: string; mimeType: string; text: string }[];
}

/**
 * A customer account and an invoice as resources, so a client can attach them to a conversation
 * by URI. The same org-scoped queries as get_customer / get_invoice; another organization's id is
 * simply not found.
 */
@ArTools()
export class RecordResources {
  constructor(
    private readonly customers: CustomerQueries,
    private readonly invoices: InvoiceQueries,
  ) {}

  @ResourceTemplate({
    uriTemplate: 'tesorio://customers/{customerId}',
    name: 'customer',
    description: 'A customer account: balances, aging, contacts, open invoices, disputes, promises, tasks.',
    mimeType: 'application/json',
  })
  async customer(
    @Payload() params: { uri: string; customerId: string },
    @Ctx() context: McpContext,
  ): Promise<ReadResult> {
    const orgId = this.readableOrg(context);
    const detail = await this.customers.getCustomer(orgId, params.customerId);
    return { contents: [{ uri: params.uri, mimeType: 'application/json', text: JSON.stringify(detail) }] };
  }

  @ResourceTemplate({
    uriTemplate: 'tesorio://invoices/{invoiceId}',
    name: 'invoice',
    description: 'An invoice with its lines, payments and credits applied, disputes, promises and activity.',
    mimeType: 'application/json',
  })
  async invoice(
    @Payload() params: { uri: string; invoiceId: string },
    @Ctx() context: McpContext,
  ): Promise<ReadResult> {
    const orgId = this.readableOrg(context);
    const detail = await this.invoices.getInvoice(orgId, params.invoiceId);
    return { contents: [{ uri: params.uri, mimeType: 'application/json', text: JSON.stringify(detail) }] };
  }

  /** Resources are not filtered by @ToolScopes, so the read scope is checked here. */
  private readableOrg(context: McpContext): string {
    const principal = principalOf(context);
    if (!principal.scopes.includes('ar:read'))
      throw new ForbiddenError('This connection may not read receivables.');
    return principal.orgId;
  }
}
