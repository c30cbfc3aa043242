import { InvalidArgumentError } from '../../common/errors/app-error';
import { addDays, isIsoDate } from './calendar';
import type { SortDirection } from './keyset';
import type { OrgSettings } from './org-settings';
import { decodeCursor } from './pagination';
import type { KeysetPosition, PageRequest } from './pagination';

/**
 * Validation of search input shared by every *.queries.ts: each value a caller (an MCP tool, a
 * model) sends is checked here before it can reach PostgreSQL, so bad input always becomes an
 * InvalidArgumentError that names the field and says what to send instead, never a raw SQL error.
 */

export const MAX_IDS_PER_FILTER = 100;
export const MAX_TAGS_PER_FILTER = 20;
export const MAX_TEXT_LENGTH = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURRENCY = /^[A-Za-z]{3}$/;
// Days past due beyond this are input mistakes (and would overflow date arithmetic).
const MAX_DAYS = 36_500;

function invalid(field: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`${field} ${message}`, { field });
}

/** The offending value, shortened, for an error message. */
function quote(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An input object whose keys are all known, undefined fields dropped: a misspelled field must
 * fail loudly rather than be ignored (a filter would silently match everything; a command would
 * silently not set what the caller thinks it set).
 */
export function readKnownFields(
  value: unknown,
  allowed: readonly string[],
  subject: string,
  shape: string,
): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw invalid(subject, shape);
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `${subject} has no field "${unknown[0]}"; the fields it accepts are: ${allowed.join(', ')}.`,
      { field: unknown[0] },
    );
  }
  // Undefined fields are as good as absent, so they do not change the cursor fingerprint either.
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

export function readFilter(
  value: unknown,
  allowed: readonly string[],
  subject: string,
): Record<string, unknown> {
  return readKnownFields(value, allowed, subject, 'must be an object of filter fields.');
}

export function readPageRequest(value: unknown): PageRequest {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw invalid('page', 'must be an object with optional limit and cursor.');
  const { limit, cursor, ...rest } = value;
  const extra = Object.keys(rest)[0];
  if (extra) throw invalid(extra, 'is not a paging option; use limit (1 to 500) and cursor.');
  return { limit: limit as number | undefined, cursor: cursor as string | undefined };
}

function checkText(value: string, field: string, maxLength: number): string {
  if (value.includes('\u0000')) throw invalid(field, 'must not contain NUL characters.');
  if (value.length > maxLength) throw invalid(field, `must be at most ${maxLength} characters long.`);
  return value;
}

export function parseUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw invalid(field, `must be an id in UUID form (8-4-4-4-12 hex digits); got ${quote(value)}.`);
  }
  return value.toLowerCase();
}

/** Accepts one value or a list (models often send a bare value), never an empty one. */
function readList(value: unknown, field: string, max: number): unknown[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw invalid(field, 'must list at least one value (omit the field to match all).');
  if (list.length > max) throw invalid(field, `may list at most ${max} values; got ${list.length}.`);
  return list;
}

/** Equal filters written differently (order, repeats) fingerprint alike, so their cursors carry over. */
function uniqueSorted<T extends string>(values: T[]): T[] {
  return [...new Set(values)].sort();
}

export function parseUuidList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  return uniqueSorted(readList(value, field, MAX_IDS_PER_FILTER).map((v) => parseUuid(v, field)));
}

export function parseEnum<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalid(field, `must be one of ${allowed.join(', ')}; got ${quote(value)}.`);
  }
  return value as T;
}

export function parseEnumList<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
): T[] | undefined {
  if (value === undefined) return undefined;
  return uniqueSorted(readList(value, field, MAX_IDS_PER_FILTER).map((v) => parseEnum(v, allowed, field)));
}

export function parseBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(field, `must be true or false; got ${quote(value)}.`);
  return value;
}

export function parseDate(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw invalid(field, `must be a calendar date written YYYY-MM-DD; got ${quote(value)}.`);
  }
  return value;
}

export interface DateRange {
  /** Inclusive. */
  from?: string;
  /** Inclusive. */
  to?: string;
}

export function parseDateRange(value: unknown, field: string): DateRange | undefined {
  if (value === undefined) return undefined;
  const { from, to, ...rest } = isPlainObject(value) ? value : { bad: value };
  if (Object.keys(rest).length > 0 || (from === undefined && to === undefined)) {
    throw invalid(field, 'must be an object with from and/or to, each a date written YYYY-MM-DD.');
  }
  const range = { from: parseDate(from, `${field}.from`), to: parseDate(to, `${field}.to`) };
  if (range.from && range.to && range.from > range.to) {
    throw invalid(field, `is empty: from (${range.from}) is after to (${range.to}).`);
  }
  return range;
}

export interface NumberRange {
  /** Inclusive. */
  min?: number;
  /** Inclusive. */
  max?: number;
}

function parseRange(
  value: unknown,
  field: string,
  unit: string,
  lowest: number,
  highest: number,
): NumberRange {
  const { min, max, ...rest } = isPlainObject(value) ? value : { bad: value };
  if (Object.keys(rest).length > 0 || (min === undefined && max === undefined)) {
    throw invalid(field, `must be an object with min and/or max, each ${unit}.`);
  }
  const bound = (v: unknown, name: string): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lowest || v > highest) {
      throw invalid(`${field}.${name}`, `must be ${unit}; got ${quote(v)}.`);
    }
    return v;
  };
  const range = { min: bound(min, 'min'), max: bound(max, 'max') };
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
    throw invalid(field, `is empty: min (${range.min}) is greater than max (${range.max}).`);
  }
  return range;
}

/** Money range in integer minor units (cents), as every amount in the API. */
export function parseAmountRange(value: unknown, field: string): NumberRange | undefined {
  if (value === undefined) return undefined;
  return parseRange(
    value,
    field,
    'a whole, non-negative amount in minor units (1234 means 12.34)',
    0,
    Number.MAX_SAFE_INTEGER,
  );
}

/** Days past due may be negative: -7 means due in 7 days. */
export function parseDaysRange(value: unknown, field: string): NumberRange | undefined {
  if (value === undefined) return undefined;
  return parseRange(
    value,
    field,
    `a whole number of days from -${MAX_DAYS} to ${MAX_DAYS}`,
    -MAX_DAYS,
    MAX_DAYS,
  );
}

export function parseText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(field, `must be text; got ${quote(value)}.`);
  const trimmed = checkText(value.trim(), field, MAX_TEXT_LENGTH);
  if (trimmed.length === 0) throw invalid(field, 'must not be blank (omit it to match everything).');
  return trimmed;
}

/** Like parseText, for a value the caller must send. */
export function requireText(value: unknown, field: string): string {
  const text = parseText(value, field);
  if (text === undefined) throw invalid(field, 'is required.');
  return text;
}

/** A case-insensitive "contains" pattern for ILIKE; the text's own % and _ match literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * What a trigram index should look up for "contains `text`" when the whole text would be slow, as a
 * LIKE pattern: the runs of letters and digits that hold a digit and are 3 or more long, in order
 * ("PMT-260417-1207" → %260417%1207%), or without such runs the longest run of 3 or more
 * ("Sierra Printing Corp." → %Printing%). A short code beside them ("IT", "PMT") has trigrams that
 * nearly every number shares, and looking those up read ~700 index pages (20 ms at a million
 * invoices) where the runs alone read a few. The pattern is a necessary condition only: the rows
 * it finds must still contain the whole text. Undefined when the whole text is the best probe.
 */
export function trigramProbe(text: string): string | undefined {
  const runs = (text.match(/[\p{L}\p{N}]+/gu) ?? []).filter((run) => run.length >= 3);
  const numbered = runs.filter((run) => /\p{N}/u.test(run));
  const longest = runs.reduce((best, run) => (run.length > best.length ? run : best), '');
  const chosen = numbered.length > 0 ? numbered : longest ? [longest] : [];
  if (chosen.length === 0) return undefined;
  const pattern = `%${chosen.map((run) => containsPattern(run).slice(1, -1)).join('%')}%`;
  return pattern === containsPattern(text) ? undefined : pattern;
}

/**
 * "`column` contains `text`" (any case) as SQL a trigram index answers quickly: through the
 * `trigramProbe` when there is one, then the whole text checked on the rows found.
 */
function containsText(text: string): { sql: (column: string) => string; parameters: Record<string, string> } {
  const probe = trigramProbe(text);
  if (probe === undefined) {
    return { sql: (column) => `${column} ILIKE :text`, parameters: { text: containsPattern(text) } };
  }
  return {
    sql: (column) => `(${column} ILIKE :textProbe AND strpos(lower(${column}), lower(:textExact)) > 0)`,
    parameters: { textProbe: probe, textExact: text },
  };
}

/**
 * SQL for "the id is one of the rows of `table` whose text columns (or whose customer's name)
 * contain the text", with its parameters. The ids are collected first, each column through its
 * trigram index, and the caller's search then pages them in its sort order: written as one OR in
 * the search, the planner walks the sort index and tests ILIKE on every row (seconds at a million
 * invoices; bench/README.md). The caller's query must bind :orgId.
 */
export function idsContainingText(
  text: string,
  target: { table: string; idColumn: string; columns: string[]; customerColumn?: string },
): { sql: string; parameters: Record<string, string> } {
  const contains = containsText(text);
  const rows = (condition: string): string =>
    `SELECT tx.id FROM ${target.table} tx WHERE tx.org_id = :orgId AND ${condition}`;
  const branches = target.columns.map((column) => rows(contains.sql(`tx.${column}`)));
  if (target.customerColumn) {
    branches.push(
      rows(`tx.${target.customerColumn} = ANY(ARRAY(
         SELECT tc.id FROM customers tc WHERE tc.org_id = :orgId AND ${contains.sql('tc.name')}))`),
    );
  }
  return {
    sql: `${target.idColumn} = ANY(ARRAY(${branches.join(' UNION ')}))`,
    parameters: contains.parameters,
  };
}

export function parseCurrency(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !CURRENCY.test(value)) {
    throw invalid(field, `must be an ISO-4217 currency code such as USD or EUR; got ${quote(value)}.`);
  }
  return value.toUpperCase();
}

export function parseTags(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  return uniqueSorted(
    readList(value, field, MAX_TAGS_PER_FILTER).map((tag) => {
      if (typeof tag !== 'string' || tag.trim().length === 0) {
        throw invalid(field, `must list non-blank tags; got ${quote(tag)}.`);
      }
      return checkText(tag.trim(), field, 100);
    }),
  );
}

export function parseSort<K extends string>(value: unknown, allowed: readonly K[], fallback: K): K {
  return value === undefined ? fallback : parseEnum(value, allowed, 'sort');
}

export function parseDirection(value: unknown, fallback: SortDirection): SortDirection {
  return value === undefined ? fallback : parseEnum(value, ['asc', 'desc'] as const, 'direction');
}

// ---------------------------------------------------------------------------------------------
// Aging buckets. Names come from the organization's edges: [30, 60, 90] gives current, 1-30,
// 31-60, 61-90 and 90+. "Age" is days past the due date, or days since the issue date when the
// organization ages by invoice date; age 0 or less is "current".

export function agingBucketNames(edges: readonly number[]): string[] {
  const names = ['current'];
  let lower = 1;
  for (const edge of edges) {
    names.push(`${lower}-${edge}`);
    lower = edge + 1;
  }
  names.push(`${lower - 1}+`);
  return names;
}

export function agingBucketOf(age: number, edges: readonly number[]): string {
  const names = agingBucketNames(edges);
  if (age <= 0) return names[0];
  const index = edges.findIndex((edge) => age <= edge);
  return index === -1 ? names[names.length - 1] : names[index + 1];
}

/** Inclusive age bounds of a bucket; undefined means unbounded on that side. */
export function agingBucketAges(name: string, edges: readonly number[]): NumberRange {
  const index = agingBucketNames(edges).indexOf(name);
  if (index === 0) return { max: 0 };
  if (index === edges.length + 1) return { min: (edges.at(-1) ?? 0) + 1 };
  return { min: index === 1 ? 1 : edges[index - 2] + 1, max: edges[index - 1] };
}

export function parseAgingBuckets(
  value: unknown,
  settings: OrgSettings,
  field = 'agingBucket',
): string[] | undefined {
  return parseEnumList(value, agingBucketNames(settings.agingBucketEdges), field);
}

/** The date whose age (asOf − date) is `age` days. */
export function dateAtAge(asOf: string, age: number): string {
  return addDays(asOf, -age);
}

// ---------------------------------------------------------------------------------------------
// Cursors come back from callers too, so they are checked like any other input.

/** How a sort key's cursor value is checked before it is sent back to PostgreSQL. */
export type SortValueKind = 'date' | 'integer' | 'text' | 'timestamp' | readonly string[];

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function cursorValueIsValid(value: KeysetPosition['value'], kind: SortValueKind): boolean {
  if (Array.isArray(kind)) return typeof value === 'string' && kind.includes(value);
  switch (kind) {
    case 'date':
      return typeof value === 'string' && isIsoDate(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'text':
      return typeof value === 'string' && value.length <= 10_000 && !value.includes('\u0000');
    case 'timestamp':
      return typeof value === 'string' && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
    default:
      return false;
  }
}

/** Decodes a cursor and checks its sort value, which a caller could have edited, before SQL sees it. */
export function readCursor(
  cursor: unknown,
  fingerprint: string,
  kind: SortValueKind,
): KeysetPosition | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const malformed = new InvalidArgumentError(
    'cursor is not valid: pass back exactly the nextCursor of the previous page, or omit it to start over.',
    { field: 'cursor' },
  );
  if (typeof cursor !== 'string' || cursor.length > 4096) throw malformed;
  const position = decodeCursor(cursor, fingerprint);
  if (!cursorValueIsValid(position.value, kind)) throw malformed;
  return position;
}
