import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addDays } from '../shared/calendar';
import {
  containsPattern,
  parseDateRange,
  parseDirection,
  parseEnumList,
  parseSort,
  parseText,
  parseUuidList,
  readFilter,
} from '../shared/filters';
import type { DateRange } from '../shared/filters';
import type { SortDirection } from '../shared/keyset';
import { isoTimestamp, selectColumns } from '../shared/keyset-search';
import type { SortSpec } from '../shared/keyset-search';
import { OrgSettingsReader } from '../shared/org-settings';
import type { ReadScope } from '../shared/read-scope';
import { SearchQueries } from '../shared/search.queries';
import type { SearchDefinition, SearchQuery } from '../shared/search.queries';
import { ACTIVITY_TYPES } from './activity.entity';
import type { ActivityType } from './activity.entity';

export const ACTIVITY_SORTS = ['occurred_at'] as const;
export type ActivitySort = (typeof ACTIVITY_SORTS)[number];

/** Search rows carry the start of the body only; a long email body would drown a page. */
export const ACTIVITY_BODY_PREVIEW = 500;

export interface ActivityFilter {
  type?: readonly ActivityType[];
  customerIds?: readonly string[];
  invoiceIds?: readonly string[];
  authorUserIds?: readonly string[];
  /** Calendar days in the organization's time zone, inclusive. */
  occurredOn?: DateRange;
  /** Case-insensitive part of the subject or body. */
  text?: string;
  sort?: ActivitySort;
  /** Newest first unless asked otherwise. */
  direction?: SortDirection;
}

export interface ActivityRow {
  id: string;
  customerId: string;
  customerName: string;
  invoiceId: string | null;
  invoiceNumber: string | null;
  type: ActivityType;
  subject: string | null;
  /** The first ACTIVITY_BODY_PREVIEW characters of the body. */
  body: string;
  bodyTruncated: boolean;
  authorUserId: string | null;
  authorName: string | null;
  /** ISO-8601 UTC timestamp. */
  occurredAt: string;
}

const FILTER_FIELDS = [
  'type',
  'customerIds',
  'invoiceIds',
  'authorUserIds',
  'occurredOn',
  'text',
  'sort',
  'direction',
] as const satisfies readonly (keyof ActivityFilter)[];

const SORTS: Record<ActivitySort, SortSpec> = {
  occurred_at: {
    expression: 'a.occurred_at',
    kind: 'timestamp',
    cursorExpression: isoTimestamp('a.occurred_at'),
  },
};

const COLUMNS: Record<string, string> = {
  id: 'a.id',
  customerId: 'a.customer_id',
  customerName: 'c.name',
  invoiceId: 'a.invoice_id',
  invoiceNumber: 'inv.number',
  type: 'a.type',
  subject: 'a.subject',
  body: `left(a.body, ${ACTIVITY_BODY_PREVIEW})`,
  bodyTruncated: `length(a.body) > ${ACTIVITY_BODY_PREVIEW}`,
  authorUserId: 'a.author_user_id',
  authorName: 'u.name',
  occurredAt: 'a.occurred_at',
};

type ParsedActivityFilter = ReturnType<typeof parseFilter>;

function parseFilter(input: unknown) {
  const f = readFilter(input, FILTER_FIELDS, 'activity filter');
  return {
    type: parseEnumList(f.type, ACTIVITY_TYPES, 'type'),
    customerIds: parseUuidList(f.customerIds, 'customerIds'),
    invoiceIds: parseUuidList(f.invoiceIds, 'invoiceIds'),
    authorUserIds: parseUuidList(f.authorUserIds, 'authorUserIds'),
    occurredOn: parseDateRange(f.occurredOn, 'occurredOn'),
    text: parseText(f.text, 'text'),
    sort: parseSort(f.sort, ACTIVITY_SORTS, 'occurred_at'),
    direction: parseDirection(f.direction, 'desc'),
  };
}

export function toActivityRow(raw: Record<string, unknown>): ActivityRow {
  return { ...(raw as unknown as ActivityRow), occurredAt: (raw.occurredAt as Date).toISOString() };
}

function filtered(scope: ReadScope, f: ParsedActivityFilter): SearchQuery {
  const qb = scope.manager
    .createQueryBuilder()
    .from('activities', 'a')
    .innerJoin('customers', 'c', 'c.org_id = a.org_id AND c.id = a.customer_id')
    .leftJoin('invoices', 'inv', 'inv.org_id = a.org_id AND inv.id = a.invoice_id')
    .leftJoin('users', 'u', 'u.id = a.author_user_id')
    .where('a.org_id = :orgId', { orgId: scope.orgId });
  if (f.type) qb.andWhere('a.type = ANY(:type)', { type: f.type });
  if (f.customerIds) qb.andWhere('a.customer_id = ANY(:customerIds)', { customerIds: f.customerIds });
  if (f.invoiceIds) qb.andWhere('a.invoice_id = ANY(:invoiceIds)', { invoiceIds: f.invoiceIds });
  if (f.authorUserIds)
    qb.andWhere('a.author_user_id = ANY(:authorUserIds)', { authorUserIds: f.authorUserIds });
  // A day is midnight to midnight where the AR team works, not in UTC.
  if (f.occurredOn?.from) {
    qb.andWhere('a.occurred_at >= (CAST(:occurredFrom AS timestamp) AT TIME ZONE :timeZone)', {
      occurredFrom: f.occurredOn.from,
      timeZone: scope.settings.timeZone,
    });
  }
  if (f.occurredOn?.to) {
    qb.andWhere('a.occurred_at < (CAST(:occurredBefore AS timestamp) AT TIME ZONE :timeZone)', {
      occurredBefore: addDays(f.occurredOn.to, 1),
      timeZone: scope.settings.timeZone,
    });
  }
  if (f.text) qb.andWhere('(a.subject ILIKE :text OR a.body ILIKE :text)', { text: containsPattern(f.text) });
  return qb;
}

const ACTIVITY_SEARCH: SearchDefinition<ParsedActivityFilter, ActivityRow> = {
  name: 'activities',
  parse: parseFilter,
  sorts: SORTS,
  idColumn: 'a.id',
  references: (f) => [
    ['customer', f.customerIds],
    ['invoice', f.invoiceIds],
    ['user', f.authorUserIds],
  ],
  filtered,
  select: (qb) => selectColumns(qb, COLUMNS),
  toRow: toActivityRow,
};

@Injectable()
export class ActivityQueries extends SearchQueries<ActivityFilter, ParsedActivityFilter, ActivityRow> {
  constructor(dataSource: DataSource, settings: OrgSettingsReader) {
    super(dataSource, settings, ACTIVITY_SEARCH);
  }
}
