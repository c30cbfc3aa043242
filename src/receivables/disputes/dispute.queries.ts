import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  containsPattern,
  parseAmountRange,
  parseBoolean,
  parseCurrency,
  parseDateRange,
  parseDirection,
  parseEnumList,
  parseSort,
  parseText,
  parseUuidList,
  readFilter,
} from '../shared/filters';
import type { DateRange, NumberRange } from '../shared/filters';
import type { SortDirection } from '../shared/keyset';
import { isoDate, selectColumns, whereDateRange, whereNumberRange } from '../shared/keyset-search';
import type { SortSpec } from '../shared/keyset-search';
import { OrgSettingsReader } from '../shared/org-settings';
import type { ReadScope } from '../shared/read-scope';
import { SearchQueries } from '../shared/search.queries';
import type { SearchDefinition, SearchQuery } from '../shared/search.queries';
import { ACTIVE_DISPUTE_STATUSES, DISPUTE_REASONS, DISPUTE_STATUSES } from './dispute.entity';
import type { DisputeReason, DisputeStatus } from './dispute.entity';

export const DISPUTE_SORTS = ['opened_on', 'amount'] as const;
export type DisputeSort = (typeof DISPUTE_SORTS)[number];

export interface DisputeFilter {
  status?: readonly DisputeStatus[];
  /** Only disputes still being worked (open or in review). */
  openOnly?: boolean;
  reason?: readonly DisputeReason[];
  customerIds?: readonly string[];
  invoiceIds?: readonly string[];
  ownerUserIds?: readonly string[];
  openedOn?: DateRange;
  amount?: NumberRange;
  currency?: string;
  /** Case-insensitive part of the invoice number, customer name or description. */
  text?: string;
  sort?: DisputeSort;
  direction?: SortDirection;
}

export interface DisputeRow {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  customerId: string;
  customerName: string;
  amount: number;
  currency: string;
  reason: DisputeReason;
  status: DisputeStatus;
  description: string | null;
  ownerUserId: string | null;
  ownerName: string | null;
  openedOn: string;
  resolvedOn: string | null;
  resolution: string | null;
  creditMemoId: string | null;
}

const FILTER_FIELDS = [
  'status',
  'openOnly',
  'reason',
  'customerIds',
  'invoiceIds',
  'ownerUserIds',
  'openedOn',
  'amount',
  'currency',
  'text',
  'sort',
  'direction',
] as const satisfies readonly (keyof DisputeFilter)[];

const SORTS: Record<DisputeSort, SortSpec> = {
  opened_on: { expression: 'd.opened_on', kind: 'date', cursorExpression: isoDate('d.opened_on') },
  amount: { expression: 'd.amount', kind: 'integer' },
};

const COLUMNS: Record<string, string> = {
  id: 'd.id',
  invoiceId: 'd.invoice_id',
  invoiceNumber: 'inv.number',
  customerId: 'd.customer_id',
  customerName: 'c.name',
  amount: 'd.amount',
  currency: 'd.currency',
  reason: 'd.reason',
  status: 'd.status',
  description: 'd.description',
  ownerUserId: 'd.owner_user_id',
  ownerName: 'u.name',
  openedOn: isoDate('d.opened_on'),
  resolvedOn: isoDate('d.resolved_on'),
  resolution: 'd.resolution',
  creditMemoId: 'd.credit_memo_id',
};

type ParsedDisputeFilter = ReturnType<typeof parseFilter>;

function parseFilter(input: unknown) {
  const f = readFilter(input, FILTER_FIELDS, 'dispute filter');
  return {
    status: parseEnumList(f.status, DISPUTE_STATUSES, 'status'),
    openOnly: parseBoolean(f.openOnly, 'openOnly'),
    reason: parseEnumList(f.reason, DISPUTE_REASONS, 'reason'),
    customerIds: parseUuidList(f.customerIds, 'customerIds'),
    invoiceIds: parseUuidList(f.invoiceIds, 'invoiceIds'),
    ownerUserIds: parseUuidList(f.ownerUserIds, 'ownerUserIds'),
    openedOn: parseDateRange(f.openedOn, 'openedOn'),
    amount: parseAmountRange(f.amount, 'amount'),
    currency: parseCurrency(f.currency, 'currency'),
    text: parseText(f.text, 'text'),
    sort: parseSort(f.sort, DISPUTE_SORTS, 'opened_on'),
    direction: parseDirection(f.direction, 'asc'),
  };
}

function filtered(scope: ReadScope, f: ParsedDisputeFilter): SearchQuery {
  const qb = scope.manager
    .createQueryBuilder()
    .from('disputes', 'd')
    .innerJoin('invoices', 'inv', 'inv.org_id = d.org_id AND inv.id = d.invoice_id')
    .innerJoin('customers', 'c', 'c.org_id = d.org_id AND c.id = d.customer_id')
    .leftJoin('users', 'u', 'u.id = d.owner_user_id')
    .where('d.org_id = :orgId', { orgId: scope.orgId });
  if (f.status) qb.andWhere('d.status = ANY(:status)', { status: f.status });
  if (f.openOnly) qb.andWhere('d.status = ANY(:activeStatuses)', { activeStatuses: ACTIVE_DISPUTE_STATUSES });
  if (f.reason) qb.andWhere('d.reason = ANY(:reason)', { reason: f.reason });
  if (f.customerIds) qb.andWhere('d.customer_id = ANY(:customerIds)', { customerIds: f.customerIds });
  if (f.invoiceIds) qb.andWhere('d.invoice_id = ANY(:invoiceIds)', { invoiceIds: f.invoiceIds });
  if (f.ownerUserIds) qb.andWhere('d.owner_user_id = ANY(:ownerUserIds)', { ownerUserIds: f.ownerUserIds });
  whereDateRange(qb, 'd.opened_on', 'openedOn', f.openedOn);
  whereNumberRange(qb, 'd.amount', 'amount', f.amount);
  if (f.currency) qb.andWhere('d.currency = :currency', { currency: f.currency });
  if (f.text) {
    qb.andWhere('(inv.number ILIKE :text OR c.name ILIKE :text OR d.description ILIKE :text)', {
      text: containsPattern(f.text),
    });
  }
  return qb;
}

const DISPUTE_SEARCH: SearchDefinition<ParsedDisputeFilter, DisputeRow> = {
  name: 'disputes',
  parse: parseFilter,
  sorts: SORTS,
  idColumn: 'd.id',
  references: (f) => [
    ['customer', f.customerIds],
    ['invoice', f.invoiceIds],
    ['user', f.ownerUserIds],
  ],
  filtered,
  select: (qb) => selectColumns(qb, COLUMNS),
  toRow: (raw) => raw as unknown as DisputeRow,
};

@Injectable()
export class DisputeQueries extends SearchQueries<DisputeFilter, ParsedDisputeFilter, DisputeRow> {
  constructor(dataSource: DataSource, settings: OrgSettingsReader) {
    super(dataSource, settings, DISPUTE_SEARCH);
  }

  getDispute(orgId: string, id: string): Promise<DisputeRow> {
    return this.getRow(orgId, 'dispute', id);
  }
}
