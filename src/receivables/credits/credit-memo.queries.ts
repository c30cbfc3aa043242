import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  idsContainingText,
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
import { readConsistently } from '../shared/read-scope';
import { rowById, SearchQueries } from '../shared/search.queries';
import type { SearchDefinition, SearchQuery } from '../shared/search.queries';
import { CREDIT_MEMO_STATUSES } from './credit-memo.entity';
import type { CreditMemoStatus } from './credit-memo.entity';

export const CREDIT_MEMO_SORTS = ['issued_on', 'amount', 'remaining_amount', 'number'] as const;
export type CreditMemoSort = (typeof CREDIT_MEMO_SORTS)[number];

export interface CreditMemoFilter {
  status?: readonly CreditMemoStatus[];
  /** Only credit with something left to apply (never void memos). */
  openOnly?: boolean;
  customerIds?: readonly string[];
  issuedOn?: DateRange;
  amount?: NumberRange;
  remainingAmount?: NumberRange;
  currency?: string;
  /** Case-insensitive part of the memo number, its reason or the customer name. */
  text?: string;
  sort?: CreditMemoSort;
  /** Newest first unless asked otherwise. */
  direction?: SortDirection;
}

export interface CreditMemoRow {
  id: string;
  number: string;
  customerId: string;
  customerName: string;
  issuedOn: string;
  currency: string;
  amount: number;
  /** Not yet applied to any invoice. */
  remainingAmount: number;
  status: CreditMemoStatus;
  reason: string | null;
}

const FILTER_FIELDS = [
  'status',
  'openOnly',
  'customerIds',
  'issuedOn',
  'amount',
  'remainingAmount',
  'currency',
  'text',
  'sort',
  'direction',
] as const satisfies readonly (keyof CreditMemoFilter)[];

const SORTS: Record<CreditMemoSort, SortSpec> = {
  issued_on: { expression: 'm.issued_on', kind: 'date', cursorExpression: isoDate('m.issued_on') },
  amount: { expression: 'm.amount', kind: 'integer' },
  remaining_amount: { expression: 'm.remaining_amount', kind: 'integer' },
  number: { expression: 'm.number', kind: 'text' },
};

const COLUMNS: Record<string, string> = {
  id: 'm.id',
  number: 'm.number',
  customerId: 'm.customer_id',
  customerName: 'c.name',
  issuedOn: isoDate('m.issued_on'),
  currency: 'm.currency',
  amount: 'm.amount',
  remainingAmount: 'm.remaining_amount',
  status: 'm.status',
  reason: 'm.reason',
};

type ParsedCreditMemoFilter = ReturnType<typeof parseFilter>;

function parseFilter(input: unknown) {
  const f = readFilter(input, FILTER_FIELDS, 'credit memo filter');
  return {
    status: parseEnumList(f.status, CREDIT_MEMO_STATUSES, 'status'),
    openOnly: parseBoolean(f.openOnly, 'openOnly'),
    customerIds: parseUuidList(f.customerIds, 'customerIds'),
    issuedOn: parseDateRange(f.issuedOn, 'issuedOn'),
    amount: parseAmountRange(f.amount, 'amount'),
    remainingAmount: parseAmountRange(f.remainingAmount, 'remainingAmount'),
    currency: parseCurrency(f.currency, 'currency'),
    text: parseText(f.text, 'text'),
    sort: parseSort(f.sort, CREDIT_MEMO_SORTS, 'issued_on'),
    direction: parseDirection(f.direction, 'desc'),
  };
}

function filtered(scope: ReadScope, f: ParsedCreditMemoFilter): SearchQuery {
  const qb = scope.manager
    .createQueryBuilder()
    .from('credit_memos', 'm')
    .innerJoin('customers', 'c', 'c.org_id = m.org_id AND c.id = m.customer_id')
    .where('m.org_id = :orgId', { orgId: scope.orgId });
  if (f.status) qb.andWhere('m.status = ANY(:status)', { status: f.status });
  if (f.openOnly) qb.andWhere("m.remaining_amount > 0 AND m.status <> 'void'");
  if (f.customerIds) qb.andWhere('m.customer_id = ANY(:customerIds)', { customerIds: f.customerIds });
  whereDateRange(qb, 'm.issued_on', 'issuedOn', f.issuedOn);
  whereNumberRange(qb, 'm.amount', 'amount', f.amount);
  whereNumberRange(qb, 'm.remaining_amount', 'remainingAmount', f.remainingAmount);
  if (f.currency) qb.andWhere('m.currency = :currency', { currency: f.currency });
  if (f.text) {
    const matching = idsContainingText(f.text, {
      table: 'credit_memos',
      idColumn: 'm.id',
      columns: ['number', 'reason'],
      customerColumn: 'customer_id',
    });
    qb.andWhere(matching.sql, matching.parameters);
  }
  return qb;
}

const CREDIT_MEMO_SEARCH: SearchDefinition<ParsedCreditMemoFilter, CreditMemoRow> = {
  name: 'credit_memos',
  parse: parseFilter,
  sorts: SORTS,
  idColumn: 'm.id',
  references: (f) => [['customer', f.customerIds]],
  filtered,
  select: (qb) => selectColumns(qb, COLUMNS),
  toRow: (raw) => raw as unknown as CreditMemoRow,
};

export interface CreditApplicationRow {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  amount: number;
  appliedOn: string;
}

export interface CreditMemoDetail extends CreditMemoRow {
  /** Every application of the memo's credit to an invoice, newest first. */
  applications: CreditApplicationRow[];
}

@Injectable()
export class CreditMemoQueries extends SearchQueries<
  CreditMemoFilter,
  ParsedCreditMemoFilter,
  CreditMemoRow
> {
  constructor(dataSource: DataSource, settings: OrgSettingsReader) {
    super(dataSource, settings, CREDIT_MEMO_SEARCH);
  }

  /** One credit memo and the invoices its credit went to, read from one snapshot. */
  async getCreditMemo(orgId: string, id: string): Promise<CreditMemoDetail> {
    return readConsistently(this.dataSource, this.settings, orgId, async (scope) => {
      const memo = await rowById(CREDIT_MEMO_SEARCH, scope, 'credit memo', id);
      const applications = await scope.manager.query<CreditApplicationRow[]>(
        `SELECT a.id, a.invoice_id AS "invoiceId", i.number AS "invoiceNumber", a.amount,
                to_char(a.applied_on, 'YYYY-MM-DD') AS "appliedOn"
           FROM credit_applications a JOIN invoices i ON i.org_id = a.org_id AND i.id = a.invoice_id
          WHERE a.org_id = $1 AND a.credit_memo_id = $2
          ORDER BY a.applied_on DESC, a.created_at DESC, a.id`,
        [scope.orgId, memo.id],
      );
      return { ...memo, applications };
    });
  }
}
