import { Ctx, Payload, RpcException } from '@nestjs/microservices';
import { ResourceTemplate } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { AppError, ForbiddenError } from '../../common/errors/app-error';
import { CustomerQueries } from '../../receivables/customers/customer.queries';
import { InvoiceQueries } from '../../receivables/invoices/invoice.queries';
import { principalOf } from '../principal';
import { ArTools } from '../tools/shared/ar-tools.decorator';

interface ReadResult {
  contents: { uri: string; mimeType: string; text: string }[];
}

/**
 * A resource that does not exist (or a malformed id in its URI) is a JSON-RPC -32602 with the URI
 * in error.data (MCP 2026-07-28, SEP-2164), not an internal error.
 */
async function notFoundAsInvalidParams<T>(uri: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AppError && (error.code === 'not_found' || error.code === 'invalid_argument')) {
      throw new RpcException(new ProtocolError(ProtocolErrorCode.InvalidParams, error.message, { uri }));
    }
    throw error;
  }
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
    const detail = await notFoundAsInvalidParams(params.uri, () =>
      this.customers.getCustomer(orgId, params.customerId),
    );
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
    const detail = await notFoundAsInvalidParams(params.uri, () =>
      this.invoices.getInvoice(orgId, params.invoiceId),
    );
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
