import { Ctx, Payload } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { CUSTOMER_STATUSES, RISK_LEVELS } from '../../receivables/customers/customer.entity';
import { CUSTOMER_SORTS, CustomerQueries } from '../../receivables/customers/customer.queries';
import type { CustomerRow } from '../../receivables/customers/customer.queries';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';
import { amountRange, currency, direction, id, isoDate, money, view } from './shared/common-schemas';
import { pageArguments, pageFooter, pageOutput } from './shared/paging';
import { formatMoney, toolResult } from './shared/tool-result';
import type { ToolResult } from './shared/tool-result';

const SearchCustomersInput = z
  .object({
    text: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Part of the customer name or ERP id, case-insensitive'),
    status: z.array(z.enum(CUSTOMER_STATUSES)).optional().describe('Only customers in these statuses'),
    riskLevel: z.array(z.enum(RISK_LEVELS)).optional().describe('Only customers with these risk levels'),
    collectorUserIds: z
      .array(z.string().uuid())
      .max(100)
      .optional()
      .describe('Only customers assigned to these collectors'),
    hasCollector: z
      .boolean()
      .optional()
      .describe('true: only assigned customers; false: only unassigned ones'),
    tags: z.array(z.string().max(64)).max(50).optional().describe('Customers having any of these tags'),
    currency: currency.optional().describe("The customer's own currency"),
    hasOpenBalance: z.boolean().optional().describe('Only customers with at least one open invoice'),
    overdueOnly: z.boolean().optional().describe('Only customers with something past due on asOf'),
    openBalance: amountRange('Open balance range').optional(),
    overdueBalance: amountRange('Past-due balance range').optional(),
    parentId: z.string().uuid().optional().describe('Only children of this parent customer'),
    asOf: isoDate('Day the overdue figures are measured on (default: today in the organization)').optional(),
    sort: z.enum(CUSTOMER_SORTS).optional().describe('Sort key (default name)'),
    direction,
    view,
    ...pageArguments,
  })
  .strict();

const CustomerSummary = z.object({
  id: z.string(),
  name: z.string(),
  currency: z.string(),
  openBalance: money,
  overdueBalance: money,
  oldestDaysPastDue: z.number().int().nullable(),
  collector: z.string().nullable().describe('Collector email'),
  riskLevel: z.string(),
});

const CustomerFull = CustomerSummary.extend({
  externalId: z.string().nullable(),
  status: z.string(),
  paymentTermsDays: z.number().int(),
  creditLimit: money.nullable(),
  tags: z.array(z.string()),
  parentId: z.string().nullable(),
  dunningPausedUntil: z.string().nullable(),
  openInvoiceCount: z.number().int(),
  otherCurrencyBalances: z.array(
    z.object({ currency: z.string(), openBalance: money, overdueBalance: money }),
  ),
});

const SearchCustomersOutput = z.object({
  asOf: z.string(),
  ...pageOutput(z.union([CustomerSummary, CustomerFull])),
});

function summarize(row: CustomerRow): z.infer<typeof CustomerSummary> {
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    openBalance: row.openBalance,
    overdueBalance: row.overdueBalance,
    oldestDaysPastDue: row.oldestDaysPastDue,
    collector: row.collector?.email ?? null,
    riskLevel: row.riskLevel,
  };
}

function full(row: CustomerRow): z.infer<typeof CustomerFull> {
  return {
    ...summarize(row),
    externalId: row.externalId,
    status: row.status,
    paymentTermsDays: row.paymentTermsDays,
    creditLimit: row.creditLimit,
    tags: row.tags,
    parentId: row.parentId,
    dunningPausedUntil: row.dunningPausedUntil,
    openInvoiceCount: row.openInvoiceCount,
    otherCurrencyBalances: row.otherCurrencyBalances,
  };
}

/** Customers: find them by any attribute an AR team filters on, and open one account. */
@ArTools()
export class CustomerTools {
  constructor(private readonly customers: CustomerQueries) {}

  @Tool({
    name: 'search_customers',
    description:
      'Find customers by name, status, risk, collector, tags, currency or balance (e.g. "customers 60+ days past due" → overdueOnly + sort oldest_days_past_due desc). Balances are in each customer\'s own currency. Paged: follow nextCursor while hasMore.',
    parameters: SearchCustomersInput,
    outputSchema: SearchCustomersOutput,
    annotations: readOnly('Search customers'),
  })
  @ToolScopes(['ar:read'])
  async searchCustomers(
    @Payload() input: z.infer<typeof SearchCustomersInput>,
    @Ctx() context: McpContext,
  ): Promise<ToolResult<z.infer<typeof SearchCustomersOutput>>> {
    const { limit, cursor, view: shape, ...filter } = input;
    const page = await this.customers.search(principalOf(context).orgId, filter, { limit, cursor });
    const rows = page.items.map(shape === 'full' ? full : summarize);
    const lines = page.items.map(
      (c) =>
        `- ${c.name} (${c.id}): open ${formatMoney(c.openBalance, c.currency)}, past due ${formatMoney(c.overdueBalance, c.currency)}` +
        (c.oldestDaysPastDue !== null ? `, oldest ${c.oldestDaysPastDue} days past due` : ''),
    );
    return toolResult(
      { asOf: page.asOf, items: rows, hasMore: page.hasMore, nextCursor: page.nextCursor },
      [`Customers as of ${page.asOf}:`, ...lines, pageFooter(page, 'customers')].join('\n'),
    );
  }

  @Tool({
    name: 'get_customer',
    description:
      'One customer account in full: balances and aging per currency, contacts, open invoices, open disputes, pending promises, unapplied payments, open credits, recent activity and open tasks (each list bounded, with its total count).',
    parameters: z
      .object({ customerId: id('customer'), asOf: isoDate('Day to measure balances on').optional() })
      .strict(),
    outputSchema: z.object({ customer: z.record(z.string(), z.unknown()) }),
    annotations: readOnly('Get customer'),
  })
  @ToolScopes(['ar:read'])
  async getCustomer(
    @Payload() input: { customerId: string; asOf?: string },
    @Ctx() context: McpContext,
  ): Promise<ToolResult<{ customer: Record<string, unknown> }>> {
    const detail = await this.customers.getCustomer(principalOf(context).orgId, input.customerId, {
      asOf: input.asOf,
    });
    const text = [
      `${detail.name} (${detail.id}) — ${detail.status}, risk ${detail.riskLevel}, terms net ${detail.paymentTermsDays}`,
      ...detail.balances.map(
        (b) =>
          `  ${formatMoney(b.openBalance, b.currency)} open in ${b.openInvoiceCount} invoice(s), ${formatMoney(b.overdueBalance, b.currency)} past due`,
      ),
      `  Collector: ${detail.collector?.email ?? 'none'}; open disputes ${detail.openDisputes.totalCount}; pending promises ${detail.pendingPromises.totalCount}; open tasks ${detail.openTasks.totalCount}`,
    ].join('\n');
    return toolResult({ customer: detail as unknown as Record<string, unknown> }, text);
  }
}
