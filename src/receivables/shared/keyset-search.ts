import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { readCursor, readPageRequest } from './filters';
import type { DateRange, NumberRange, SortValueKind } from './filters';
import { applyKeyset } from './keyset';
import type { SortDirection } from './keyset';
import { resolvePageSize, toPage } from './pagination';
import type { KeysetPosition, Page } from './pagination';

/**
 * The SQL side of a search, shared by every *.queries.ts: the select list, the keyset page
 * (ORDER BY key, id after the cursor's row, LIMIT n+1), range filters and the count.
 */

/** Selects SQL expressions under the given aliases (the raw row's keys). */
export function selectColumns<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: Record<string, string>,
): SelectQueryBuilder<T> {
  Object.entries(columns).forEach(([alias, expression], index) =>
    index === 0 ? qb.select(expression, alias) : qb.addSelect(expression, alias),
  );
  return qb;
}

export interface SortSpec {
  /** SQL of the sort key (never NULL). */
  expression: string;
  kind: SortValueKind;
  /** SQL that renders the key for the cursor when the driver's value would lose precision. */
  cursorExpression?: string;
  /**
   * The key's meaning runs against the column: days past due grow as the due date falls, so
   * "days past due, ascending" walks the due date descending.
   */
  reversed?: boolean;
}

/** A date column as 'YYYY-MM-DD' (the driver would make a local-midnight JS Date of it). */
export const isoDate = (column: string): string => `to_char(${column}, 'YYYY-MM-DD')`;
/** A timestamp with microseconds, for cursors: a millisecond JS Date would repeat or skip rows. */
export const isoTimestamp = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface KeysetSearch {
  sort: SortSpec;
  direction: SortDirection;
  /** SQL of the unique tie-breaker, selected as "id". */
  idExpression: string;
  fingerprint: string;
  pageSize: number;
  after?: KeysetPosition;
}

/** Validates paging input up front, so a bad cursor fails before any query runs. */
export function preparePage(
  page: unknown,
  sort: SortSpec,
  direction: SortDirection,
  idExpression: string,
  fingerprint: string,
): KeysetSearch {
  const request = readPageRequest(page);
  return {
    sort,
    direction,
    idExpression,
    fingerprint,
    pageSize: resolvePageSize(request.limit),
    after: readCursor(request.cursor, fingerprint, sort.kind),
  };
}

/** The page's rows and the scalars read with them. */
export interface FetchedPage<R> {
  page: Page<R>;
  scalars: Record<string, unknown>;
}

/**
 * Runs a search with LIMIT n+1 after the cursor's row and maps the raw rows it returns, in ONE
 * statement with its `scalars`: SQL values computed once, whatever the page holds (which of the
 * ids a filter names exist). The page is a LATERAL subquery of a single-row FROM, so the scalars
 * come back even when the page is empty. `scalars` gets `param` to add its values as parameters.
 * `manager` runs it (a caller's transaction, or the pool).
 */
export async function fetchPage<T extends ObjectLiteral, R>(
  manager: EntityManager,
  qb: SelectQueryBuilder<T>,
  search: KeysetSearch,
  map: (raw: Record<string, unknown>) => R,
  scalarsOf: (param: (value: unknown) => string) => Record<string, string> = () => ({}),
): Promise<FetchedPage<R>> {
  const { sort } = search;
  const direction: SortDirection = sort.reversed
    ? search.direction === 'asc'
      ? 'desc'
      : 'asc'
    : search.direction;
  qb.addSelect(sort.cursorExpression ?? sort.expression, 'keyset_value');
  // The key and id under names of their own, for the outer ORDER BY.
  // Parenthesized: TypeORM repeats a select of an entity column once per select of it.
  qb.addSelect(`(${sort.expression})`, 'keyset_order');
  qb.addSelect(`(${search.idExpression})`, 'keyset_id');
  applyKeyset(qb, {
    sortExpression: sort.expression,
    idExpression: search.idExpression,
    direction,
    after: search.after,
    pageSize: search.pageSize,
  });
  const [pageSql, parameters] = qb.getQueryAndParameters();
  const scalars = scalarsOf((value) => `$${parameters.push(value)}`);
  const select = [...Object.entries(scalars).map(([name, sql]) => `${sql} AS "${name}"`), 'page.*'];
  const order = direction === 'asc' ? 'ASC' : 'DESC';
  const rows = await manager.query<Record<string, unknown>[]>(
    `SELECT ${select.join(', ')}
       FROM (SELECT 1) one
       LEFT JOIN LATERAL (${pageSql}) page ON true
      ORDER BY page.keyset_order ${order}, page.keyset_id ${order}`,
    parameters,
  );
  const found = Object.fromEntries(Object.keys(scalars).map((name) => [name, rows[0][name]]));
  const raw = rows[0].keyset_id === null ? [] : rows;
  const page = toPage(
    raw,
    search.pageSize,
    (r) => ({ value: r.keyset_value as KeysetPosition['value'], id: r.id as string }),
    search.fingerprint,
  );
  const items = page.items.map((r) => {
    const row: Record<string, unknown> = {};
    for (const key in r) if (!Object.hasOwn(scalars, key) && !KEYSET_COLUMNS.has(key)) row[key] = r[key];
    return map(row);
  });
  return { page: { ...page, items }, scalars: found };
}

const KEYSET_COLUMNS = new Set(['keyset_value', 'keyset_order', 'keyset_id']);

/** Inclusive date bounds; `name` keeps parameter names unique within one query. */
export function whereDateRange<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  column: string,
  name: string,
  range: DateRange | undefined,
): void {
  if (range?.from) qb.andWhere(`${column} >= :${name}From`, { [`${name}From`]: range.from });
  if (range?.to) qb.andWhere(`${column} <= :${name}To`, { [`${name}To`]: range.to });
}

export function whereNumberRange<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  column: string,
  name: string,
  range: NumberRange | undefined,
): void {
  if (range?.min !== undefined) qb.andWhere(`${column} >= :${name}Min`, { [`${name}Min`]: range.min });
  if (range?.max !== undefined) qb.andWhere(`${column} <= :${name}Max`, { [`${name}Max`]: range.max });
}

/** Counts what a filtered (not yet paginated) search would return, in the same transaction. */
export async function countRows<T extends ObjectLiteral>(
  manager: EntityManager,
  qb: SelectQueryBuilder<T>,
): Promise<number> {
  const [sql, parameters] = qb.getQueryAndParameters();
  const [{ count }] = await manager.query<{ count: number }[]>(
    `SELECT count(*)::int AS count FROM (${sql}) counted`,
    parameters,
  );
  return count;
}
