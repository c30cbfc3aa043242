import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  containsPattern,
  parseAmountRange,
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
import { PROMISE_SOURCES, PROMISE_STATUSES } from './promise-to-pay.entity';
import type { PromiseSource, PromiseStatus } from './promise-to-pay.entity';

export const PROMISE_SORTS = ['promised_on', 'amount'] as const;
export type PromiseSort = (typeof PROMISE_SORTS)[number];

export interface PromiseFilter {
  /** e.g. ['kept'], ['broken', 'partially_kept'], ['pending']. */
  status?: readonly PromiseStatus[];
  source?: readonly PromiseSource[];
  customerIds?: readonly string[];
  /** Promises covering any of these invoices. */
  invoiceIds?: readonly string[];
  createdByUserIds?: readonly string[];
  promisedOn?: DateRange;
  amount?: NumberRange;
  currency?: string;
  /** Case-insensitive part of the customer name or the note. */
  text?: string;
  sort?: PromiseSort;
  direction?: SortDirection;
}

export interface PromiseInvoiceRow {
  invoiceId: string;
  invoiceNumber: string;
  /** Part of the promise meant for this invoice. */
  amount: number;
}

export interface PromiseRow {
  id: string;
  customerId: string;
  customerName: string;
  contactId: string | null;
  contactName: string | null;
  amount: number;
  currency: string;
  promisedOn: string;
  status: PromiseStatus;
  source: PromiseSource;
  note: string | null;
  createdByUserId: string | null;
  createdAt: string;
  invoices: PromiseInvoiceRow[];
}

const FILTER_FIELDS = [
  'status',
  'source',
  'customerIds',
  'invoiceIds',
  'createdByUserIds',
  'promisedOn',
  'amount',
  'currency',
  'text',
  'sort',
  'direction',
] as const satisfies readonly (keyof PromiseFilter)[];

const SORTS: Record<PromiseSort, SortSpec> = {
  promised_on: { expression: 'p.promised_on', kind: 'date', cursorExpression: isoDate('p.promised_on') },
  amount: { expression: 'p.amount', kind: 'integer' },
};

const COLUMNS: Record<string, string> = {
  id: 'p.id',
  customerId: 'p.customer_id',
  customerName: 'c.name',
  contactId: 'p.contact_id',
  contactName: 'ct.name',
  amount: 'p.amount',
  currency: 'p.currency',
  promisedOn: isoDate('p.promised_on'),
  status: 'p.status',
  source: 'p.source',
  note: 'p.note',
  createdByUserId: 'p.created_by_user_id',
  createdAt: 'p.created_at',
};

type ParsedPromiseFilter = ReturnType<typeof parseFilter>;

function parseFilter(input: unknown) {
  const f = readFilter(input, FILTER_FIELDS, 'promise filter');
  return {
    status: parseEnumList(f.status, PROMISE_STATUSES, 'status'),
    source: parseEnumList(f.source, PROMISE_SOURCES, 'source'),
    customerIds: parseUuidList(f.customerIds, 'customerIds'),
    invoiceIds: parseUuidList(f.invoiceIds, 'invoiceIds'),
    createdByUserIds: parseUuidList(f.createdByUserIds, 'createdByUserIds'),
    promisedOn: parseDateRange(f.promisedOn, 'promisedOn'),
    amount: parseAmountRange(f.amount, 'amount'),
    currency: parseCurrency(f.currency, 'currency'),
    text: parseText(f.text, 'text'),
    sort: parseSort(f.sort, PROMISE_SORTS, 'promised_on'),
    direction: parseDirection(f.direction, 'asc'),
  };
}

function filtered(scope: ReadScope, f: ParsedPromiseFilter): SearchQuery {
  const qb = scope.manager
    .createQueryBuilder()
    .from('promises_to_pay', 'p')
    .innerJoin('customers', 'c', 'c.org_id = p.org_id AND c.id = p.customer_id')
    .leftJoin('contacts', 'ct', 'ct.org_id = p.org_id AND ct.id = p.contact_id')
    .where('p.org_id = :orgId', { orgId: scope.orgId });
  if (f.status) qb.andWhere('p.status = ANY(:status)', { status: f.status });
  if (f.source) qb.andWhere('p.source = ANY(:source)', { source: f.source });
  if (f.customerIds) qb.andWhere('p.customer_id = ANY(:customerIds)', { customerIds: f.customerIds });
  if (f.invoiceIds) {
    qb.andWhere(
      'EXISTS (SELECT 1 FROM promise_invoices pi WHERE pi.org_id = p.org_id AND pi.promise_id = p.id AND pi.invoice_id = ANY(:invoiceIds))',
      { invoiceIds: f.invoiceIds },
    );
  }
  if (f.createdByUserIds) {
    qb.andWhere('p.created_by_user_id = ANY(:createdByUserIds)', { createdByUserIds: f.createdByUserIds });
  }
  whereDateRange(qb, 'p.promised_on', 'promisedOn', f.promisedOn);
  whereNumberRange(qb, 'p.amount', 'amount', f.amount);
  if (f.currency) qb.andWhere('p.currency = :currency', { currency: f.currency });
  if (f.text) qb.andWhere('(c.name ILIKE :text OR p.note ILIKE :text)', { text: containsPattern(f.text) });
  return qb;
}

/** One query for the whole page rather than one per promise. */
async function attachInvoices(scope: ReadScope, rows: PromiseRow[]): Promise<void> {
  if (rows.length === 0) return;
  const covered = await scope.manager.query<(PromiseInvoiceRow & { promiseId: string })[]>(
    `SELECT pi.promise_id AS "promiseId", pi.invoice_id AS "invoiceId", inv.number AS "invoiceNumber", pi.amount
       FROM promise_invoices pi
       JOIN invoices inv ON inv.org_id = pi.org_id AND inv.id = pi.invoice_id
      WHERE pi.org_id = $1 AND pi.promise_id = ANY($2::uuid[])
      ORDER BY inv.number`,
    [scope.orgId, rows.map((r) => r.id)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const { promiseId, ...invoice } of covered) byId.get(promiseId)?.invoices.push(invoice);
}

const PROMISE_SEARCH: SearchDefinition<ParsedPromiseFilter, PromiseRow> = {
  name: 'promises',
  parse: parseFilter,
  sorts: SORTS,
  idColumn: 'p.id',
  references: (f) => [
    ['customer', f.customerIds],
    ['invoice', f.invoiceIds],
    ['user', f.createdByUserIds],
  ],
  filtered,
  select: (qb) => selectColumns(qb, COLUMNS),
  toRow: (raw) => ({
    ...(raw as unknown as PromiseRow),
    createdAt: (raw.createdAt as Date).toISOString(),
    invoices: [] as PromiseInvoiceRow[],
  }),
  finish: async (scope, _f, page) => {
    await attachInvoices(scope, page.items);
    return page;
  },
};

@Injectable()
export class PromiseQueries extends SearchQueries<PromiseFilter, ParsedPromiseFilter, PromiseRow> {
  constructor(dataSource: DataSource, settings: OrgSettingsReader) {
    super(dataSource, settings, PROMISE_SEARCH);
  }

  getPromise(orgId: string, id: string): Promise<PromiseRow> {
    return this.getRow(orgId, 'promise', id);
  }
}
