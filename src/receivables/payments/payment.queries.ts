import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors/app-error';
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
  parseUuid,
  parseUuidList,
  readFilter,
} from '../shared/filters';
import type { DateRange, NumberRange } from '../shared/filters';
import type { SortDirection } from '../shared/keyset';
import { isoDate, selectColumns, whereDateRange, whereNumberRange } from '../shared/keyset-search';
import type { SortSpec } from '../shared/keyset-search';
import { OrgSettingsReader } from '../shared/org-settings';
import { readConsistently } from '../shared/read-scope';
import type { ReadScope } from '../shared/read-scope';
import { SearchQueries } from '../shared/search.queries';
import type { SearchDefinition, SearchQuery } from '../shared/search.queries';
import { PAYMENT_METHODS, PAYMENT_STATUSES } from './payment.entity';
import type { PaymentMethod, PaymentStatus } from './payment.entity';

export const PAYMENT_SORTS = ['received_on', 'amount', 'unapplied_amount', 'number'] as const;
export type PaymentSort = (typeof PAYMENT_SORTS)[number];

export interface PaymentFilter {
  status?: readonly PaymentStatus[];
  method?: readonly PaymentMethod[];
  customerIds?: readonly string[];
  /** Only cash nobody has matched to a customer yet (true), or only identified cash (false). */
  unidentified?: boolean;
  /** Only payments with money left to apply (never void ones). */
  unappliedOnly?: boolean;
  receivedOn?: DateRange;
  amount?: NumberRange;
  unappliedAmount?: NumberRange;
  currency?: string;
  /** Case-insensitive part of the payment number or the bank reference. */
  text?: string;
  sort?: PaymentSort;
  /** Newest first unless asked otherwise. */
  direction?: SortDirection;
}

export interface PaymentRow {
  id: string;
  number: string;
  customerId: string | null;
  customerName: string | null;
  receivedOn: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  reference: string | null;
  memo: string | null;
  appliedAmount: number;
  unappliedAmount: number;
  status: PaymentStatus;
}

const FILTER_FIELDS = [
  'status',
  'method',
  'customerIds',
  'unidentified',
  'unappliedOnly',
  'receivedOn',
  'amount',
  'unappliedAmount',
  'currency',
  'text',
  'sort',
  'direction',
] as const satisfies readonly (keyof PaymentFilter)[];

const SORTS: Record<PaymentSort, SortSpec> = {
  received_on: { expression: 'p.received_on', kind: 'date', cursorExpression: isoDate('p.received_on') },
  amount: { expression: 'p.amount', kind: 'integer' },
  unapplied_amount: { expression: 'p.unapplied_amount', kind: 'integer' },
  number: { expression: 'p.number', kind: 'text' },
};

const COLUMNS: Record<string, string> = {
  id: 'p.id',
  number: 'p.number',
  customerId: 'p.customer_id',
  customerName: 'c.name',
  receivedOn: isoDate('p.received_on'),
  amount: 'p.amount',
  currency: 'p.currency',
  method: 'p.method',
  reference: 'p.reference',
  memo: 'p.memo',
  appliedAmount: 'p.applied_amount',
  unappliedAmount: 'p.unapplied_amount',
  status: 'p.status',
};

type ParsedPaymentFilter = ReturnType<typeof parseFilter>;

function parseFilter(input: unknown) {
  const f = readFilter(input, FILTER_FIELDS, 'payment filter');
  return {
    status: parseEnumList(f.status, PAYMENT_STATUSES, 'status'),
    method: parseEnumList(f.method, PAYMENT_METHODS, 'method'),
    customerIds: parseUuidList(f.customerIds, 'customerIds'),
    unidentified: parseBoolean(f.unidentified, 'unidentified'),
    unappliedOnly: parseBoolean(f.unappliedOnly, 'unappliedOnly'),
    receivedOn: parseDateRange(f.receivedOn, 'receivedOn'),
    amount: parseAmountRange(f.amount, 'amount'),
    unappliedAmount: parseAmountRange(f.unappliedAmount, 'unappliedAmount'),
    currency: parseCurrency(f.currency, 'currency'),
    text: parseText(f.text, 'text'),
    sort: parseSort(f.sort, PAYMENT_SORTS, 'received_on'),
    direction: parseDirection(f.direction, 'desc'),
  };
}

function filtered(scope: ReadScope, f: ParsedPaymentFilter): SearchQuery {
  const qb = scope.manager
    .createQueryBuilder()
    .from('payments', 'p')
    .leftJoin('customers', 'c', 'c.org_id = p.org_id AND c.id = p.customer_id')
    .where('p.org_id = :orgId', { orgId: scope.orgId });
  if (f.status) qb.andWhere('p.status = ANY(:status)', { status: f.status });
  if (f.method) qb.andWhere('p.method = ANY(:method)', { method: f.method });
  if (f.customerIds) qb.andWhere('p.customer_id = ANY(:customerIds)', { customerIds: f.customerIds });
  if (f.unidentified !== undefined) {
    qb.andWhere(f.unidentified ? 'p.customer_id IS NULL' : 'p.customer_id IS NOT NULL');
  }
  // unapplied_amount > 0 is the partial index IDX_payments_unapplied's predicate; a voided
  // payment keeps its amount but there is nothing left to apply.
  if (f.unappliedOnly) qb.andWhere("p.unapplied_amount > 0 AND p.status <> 'void'");
  whereDateRange(qb, 'p.received_on', 'receivedOn', f.receivedOn);
  whereNumberRange(qb, 'p.amount', 'amount', f.amount);
  whereNumberRange(qb, 'p.unapplied_amount', 'unappliedAmount', f.unappliedAmount);
  if (f.currency) qb.andWhere('p.currency = :currency', { currency: f.currency });
  if (f.text) {
    const matching = idsContainingText(f.text, {
      table: 'payments',
      idColumn: 'p.id',
      columns: ['number', 'reference'],
    });
    qb.andWhere(matching.sql, matching.parameters);
  }
  return qb;
}

const PAYMENT_SEARCH: SearchDefinition<ParsedPaymentFilter, PaymentRow> = {
  name: 'payments',
  parse: parseFilter,
  sorts: SORTS,
  idColumn: 'p.id',
  references: (f) => [['customer', f.customerIds]],
  filtered,
  select: (qb) => selectColumns(qb, COLUMNS),
  toRow: (raw) => raw as unknown as PaymentRow,
};

/** One application of a payment to an invoice; a taken-back one has unappliedOn set. */
export interface PaymentApplicationRow {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  amount: number;
  appliedOn: string;
  unappliedOn: string | null;
}

export interface PaymentDetail extends PaymentRow {
  /** Every application, newest first, including those taken back (their unappliedOn is set). */
  applications: PaymentApplicationRow[];
}

@Injectable()
export class PaymentQueries extends SearchQueries<PaymentFilter, ParsedPaymentFilter, PaymentRow> {
  constructor(dataSource: DataSource, settings: OrgSettingsReader) {
    super(dataSource, settings, PAYMENT_SEARCH);
  }

  /** One payment and where its money went, read from one snapshot. */
  async getPayment(orgId: string, id: string): Promise<PaymentDetail> {
    const paymentId = parseUuid(id, 'paymentId');
    return readConsistently(this.dataSource, this.settings, orgId, async (scope) => {
      const raw = await selectColumns(filtered(scope, parseFilter({})), COLUMNS)
        .andWhere('p.id = :paymentId', { paymentId })
        .getRawOne<PaymentRow>();
      if (!raw) throw new NotFoundError('payment', paymentId);
      const applications = await scope.manager.query<PaymentApplicationRow[]>(
        `SELECT a.id, a.invoice_id AS "invoiceId", i.number AS "invoiceNumber", a.amount,
                to_char(a.applied_on, 'YYYY-MM-DD') AS "appliedOn", to_char(a.unapplied_on, 'YYYY-MM-DD') AS "unappliedOn"
           FROM payment_applications a JOIN invoices i ON i.org_id = a.org_id AND i.id = a.invoice_id
          WHERE a.org_id = $1 AND a.payment_id = $2
          ORDER BY a.applied_on DESC, a.created_at DESC, a.id`,
        [scope.orgId, paymentId],
      );
      return { ...raw, applications };
    });
  }
}
