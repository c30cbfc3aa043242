import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SelectQueryBuilder } from 'typeorm';
import {
  assertReferencesExist,
  containsPattern,
  countRows,
  isoDate,
  fetchPage,
  openReadScope,
  parseAmountRange,
  parseBoolean,
  parseCurrency,
  parseDateRange,
  parseDirection,
  parseEnumList,
  parseSort,
  parseText,
  parseUuidList,
  preparePage,
  readFilter,
  selectColumns,
  whereDateRange,
  whereNumberRange,
} from '../shared/filters';
import type { DateRange, NumberRange, ReadScope, SortSpec } from '../shared/filters';
import type { SortDirection } from '../shared/keyset';
import { OrgSettingsReader } from '../shared/org-settings';
import { queryFingerprint } from '../shared/pagination';
import type { Page, PageRequest } from '../shared/pagination';
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

@Injectable()
export class CreditMemoQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: OrgSettingsReader,
  ) {}

  async search(
    orgId: string,
    filter: CreditMemoFilter = {},
    page: PageRequest = {},
  ): Promise<Page<CreditMemoRow>> {
    const scope = await openReadScope(this.dataSource.manager, this.settings, orgId);
    return this.searchWithin(scope, filter, page);
  }

  async searchWithin(
    scope: ReadScope,
    filter: CreditMemoFilter,
    page: PageRequest,
  ): Promise<Page<CreditMemoRow>> {
    const f = parseFilter(filter);
    const shape = { search: 'credit_memos', ...f };
    const search = preparePage(page, SORTS[f.sort], f.direction, 'm.id', queryFingerprint(shape));
    await assertReferencesExist(scope.manager, scope.orgId, 'customer', f.customerIds);
    const qb = selectColumns(this.filtered(scope, f), COLUMNS);
    return fetchPage(qb, search, (raw) => raw as unknown as CreditMemoRow);
  }

  async countWithin(scope: ReadScope, filter: CreditMemoFilter): Promise<number> {
    const f = parseFilter(filter);
    await assertReferencesExist(scope.manager, scope.orgId, 'customer', f.customerIds);
    return countRows(scope.manager, this.filtered(scope, f).select('1'));
  }

  private filtered(scope: ReadScope, f: ParsedCreditMemoFilter): SelectQueryBuilder<Record<string, unknown>> {
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
      qb.andWhere('(m.number ILIKE :text OR m.reason ILIKE :text OR c.name ILIKE :text)', {
        text: containsPattern(f.text),
      });
    }
    return qb;
  }
}
