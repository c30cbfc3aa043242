import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { NotFoundError } from '../../common/errors/app-error';
import { countRows, fetchPage, preparePage } from './keyset-search';
import type { SortSpec } from './keyset-search';
import type { SortDirection } from './keyset';
import type { OrgSettingsReader } from './org-settings';
import { queryFingerprint } from './pagination';
import type { Page, PageRequest } from './pagination';
import { parseUuid } from './filters';
import { openReadScope } from './read-scope';
import type { ReadScope } from './read-scope';

/**
 * The one way every receivables search runs, so the order that makes it safe is written once:
 * parse the filter, check the page and cursor (a bad cursor fails before any query), then fetch
 * n+1 rows after the cursor, checking the ids the filter names in the same statement and refusing
 * the answer if one is unknown. A *.queries.ts file describes its
 * entity in a SearchDefinition; the SQL, columns and sorts stay there.
 */

/** FROM, joins and WHERE of a search, before its select list (or a count's 1) is added. */
export type SearchQuery = SelectQueryBuilder<Record<string, unknown>>;

export interface SortedFilter {
  sort: string;
  direction: SortDirection;
}

// ---------------------------------------------------------------------------------------------
// Referenced ids. An id in a filter that is not in the caller's organization is reported, not
// silently matched to nothing: "no invoices for this customer" would be a wrong answer for a typo.

const REFERENCES = {
  customer: { table: 'customers', column: 'id' },
  invoice: { table: 'invoices', column: 'id' },
  // Collectors, owners, assignees and authors are members of the organization.
  user: { table: 'memberships', column: 'user_id' },
} as const;
export type ReferenceKind = keyof typeof REFERENCES;

/** Ids a filter names, by kind, in the order they are checked (the first unknown one is reported). */
export type ReferencedIds = readonly (readonly [ReferenceKind, readonly string[] | undefined])[];

async function assertReferencesExist(
  manager: EntityManager,
  orgId: string,
  kind: ReferenceKind,
  ids: readonly string[] | undefined,
): Promise<void> {
  if (!ids || ids.length === 0) return;
  const { table, column } = REFERENCES[kind];
  const rows = await manager.query<{ id: string }[]>(
    `SELECT ${column} AS id FROM ${table} WHERE org_id = $1 AND ${column} = ANY($2::uuid[])`,
    [orgId, ids],
  );
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing) throw new NotFoundError(kind, missing);
}

// ---------------------------------------------------------------------------------------------
// The skeleton.

/** What is particular to one entity's search. `Result` is the page plus any fields it adds. */
export interface SearchDefinition<Parsed extends SortedFilter, Row, Result extends Page<Row> = Page<Row>> {
  /** Goes into the cursor fingerprint, so a cursor from one search is refused by another. */
  name: string;
  /** Checks the caller's filter; throws InvalidArgumentError, never touches the database. */
  parse(input: unknown, scope: ReadScope): Parsed;
  /**
   * What the cursor fingerprint covers besides the name; the parsed filter when omitted. A value
   * that only some filters use (the as-of day) is left out otherwise, so cursors survive midnight.
   */
  cursorShape?(f: Parsed, scope: ReadScope): object;
  sorts: Record<Parsed['sort'], SortSpec>;
  /** SQL of the unique tie-breaker, selected as "id". */
  idColumn: string;
  references(f: Parsed): ReferencedIds;
  filtered(scope: ReadScope, f: Parsed): SearchQuery;
  /** Adds the page's select list to the filtered query. */
  select(qb: SearchQuery, scope: ReadScope): SearchQuery;
  toRow(raw: Record<string, unknown>, f: Parsed, scope: ReadScope): Row;
  /** Completes a fetched page: lookups for the page's rows only, fields the result adds. */
  finish?(scope: ReadScope, f: Parsed, page: Page<Row>): Promise<Result>;
}

async function checkReferences<Parsed extends SortedFilter>(
  definition: SearchDefinition<Parsed, unknown>,
  scope: ReadScope,
  f: Parsed,
): Promise<void> {
  // One at a time and in order, so the error always names the same id: the first unknown one listed.
  for (const [kind, ids] of definition.references(f)) {
    await assertReferencesExist(scope.manager, scope.orgId, kind, ids);
  }
}

/**
 * The same check inside the page's statement: for each kind, the listed ids that exist, as an
 * array named ref<n>. Read back by assertReferencesFound.
 */
function referenceScalars(
  references: ReferencedIds,
  org: () => string,
  param: (value: unknown) => string,
): Record<string, string> {
  const scalars: Record<string, string> = {};
  references.forEach(([kind, ids], n) => {
    if (!ids || ids.length === 0) return;
    const { table, column } = REFERENCES[kind];
    scalars[`ref${n}`] =
      `ARRAY(SELECT ${column} FROM ${table} WHERE org_id = ${org()} AND ${column} = ANY(${param(ids)}::uuid[]))`;
  });
  return scalars;
}

function assertReferencesFound(references: ReferencedIds, scalars: Record<string, unknown>): void {
  // In order, so the error always names the same id: the first unknown one listed.
  references.forEach(([kind, ids], n) => {
    if (!ids || ids.length === 0) return;
    const found = new Set(scalars[`ref${n}`] as string[]);
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw new NotFoundError(kind, missing);
  });
}

export async function searchPage<Parsed extends SortedFilter, Row, Result extends Page<Row>>(
  definition: SearchDefinition<Parsed, Row, Result>,
  scope: ReadScope,
  filter: unknown,
  page: unknown,
): Promise<Result> {
  const f = definition.parse(filter, scope);
  const shape = { search: definition.name, ...(definition.cursorShape?.(f, scope) ?? f) };
  // f.sort is one of Parsed's sorts; TypeScript widens it to the constraint's string.
  const sort = definition.sorts[f.sort as Parsed['sort']];
  const search = preparePage(page, sort, f.direction, definition.idColumn, queryFingerprint(shape));
  const references = definition.references(f);
  const qb = definition.select(definition.filtered(scope, f), scope);
  // The ids the filter names are checked in the page's own statement: one round trip.
  const { page: result, scalars } = await fetchPage(
    scope.manager,
    qb,
    search,
    (raw) => definition.toRow(raw, f, scope),
    (param) => {
      // PostgreSQL refuses a parameter the statement does not use: the org id only when needed.
      let org: string | undefined;
      const orgParam = (): string => (org ??= param(scope.orgId));
      return referenceScalars(references, orgParam, param);
    },
  );
  assertReferencesFound(references, scalars);
  // Without finish, Result is its default: the page itself.
  return definition.finish ? definition.finish(scope, f, result) : (result as Result);
}

/**
 * One row by id, exactly as the search shows it (its columns, its `finish`), or NotFoundError when
 * the organization has no such `entity` (in words: "credit memo"): the get_* view of records whose search row is complete.
 */
export async function rowById<Parsed extends SortedFilter, Row, Result extends Page<Row>>(
  definition: SearchDefinition<Parsed, Row, Result>,
  scope: ReadScope,
  entity: string,
  id: string,
): Promise<Row> {
  // The argument the id came in: "credit memo" → creditMemoId.
  const rowId = parseUuid(id, `${entity.replace(/ (\w)/g, (_, c: string) => c.toUpperCase())}Id`);
  const f = definition.parse({}, scope);
  const sort = definition.sorts[f.sort as Parsed['sort']];
  const search = preparePage({ limit: 1 }, sort, f.direction, definition.idColumn, definition.name);
  const qb = definition.select(
    definition.filtered(scope, f).andWhere(`${definition.idColumn} = :rowId`, { rowId }),
    scope,
  );
  const { page } = await fetchPage(scope.manager, qb, search, (raw) => definition.toRow(raw, f, scope));
  const [row] = definition.finish ? (await definition.finish(scope, f, page)).items : page.items;
  if (row === undefined) throw new NotFoundError(entity, rowId);
  return row;
}

/** Counts what the search would return over all its pages, in the same read scope. */
export async function countMatches<Parsed extends SortedFilter>(
  definition: SearchDefinition<Parsed, unknown>,
  scope: ReadScope,
  filter: unknown,
): Promise<number> {
  const f = definition.parse(filter, scope);
  await checkReferences(definition, scope, f);
  return countRows(scope.manager, definition.filtered(scope, f).select('1'));
}

/**
 * Base of the *Queries services: search (in its own read scope), searchWithin and countWithin (in
 * a caller's scope, as detail views use them to read several lists from one snapshot).
 */
export abstract class SearchQueries<
  Filter extends object,
  Parsed extends SortedFilter,
  Row,
  Result extends Page<Row> = Page<Row>,
> {
  protected constructor(
    protected readonly dataSource: DataSource,
    protected readonly settings: OrgSettingsReader,
    private readonly definition: SearchDefinition<Parsed, Row, Result>,
  ) {}

  // Every filter field is optional, so {} is the filter that matches everything.
  async search(orgId: string, filter: Filter = {} as Filter, page: PageRequest = {}): Promise<Result> {
    const scope = await openReadScope(this.dataSource.manager, this.settings, orgId);
    return this.searchWithin(scope, filter, page);
  }

  /** One row by id as the search shows it; NotFoundError naming `entity` when there is none. */
  protected async getRow(orgId: string, entity: string, id: string): Promise<Row> {
    const scope = await openReadScope(this.dataSource.manager, this.settings, orgId);
    return rowById(this.definition, scope, entity, id);
  }

  async searchWithin(scope: ReadScope, filter: Filter, page: PageRequest): Promise<Result> {
    return searchPage(this.definition, scope, filter, page);
  }

  async countWithin(scope: ReadScope, filter: Filter): Promise<number> {
    return countMatches(this.definition, scope, filter);
  }
}
