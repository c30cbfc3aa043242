import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../common/errors/app-error';

export const DEFAULT_ADMIN_PAGE_SIZE = 50;
export const MAX_ADMIN_PAGE_SIZE = 200;

/** One page of a newest-first admin list; pass `nextCursor` back as `cursor` for the next one. */
export interface AdminPage<T> {
  items: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

/**
 * Where a page ends: the row's sort timestamp as PostgreSQL prints it (microseconds, so no row is
 * skipped or repeated the way a JavaScript Date's milliseconds would) and its id.
 */
export interface KeysetPosition {
  at: string;
  id: string;
}

/** SQL printing a timestamptz with microseconds in UTC, for KeysetPosition.at. */
export const keysetTimestamp = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The filters a cursor was made under: a cursor from another query is refused, not misapplied. */
function fingerprint(filters: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 12);
}

export function encodeCursor(position: KeysetPosition, filters: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify([position.at, position.id, fingerprint(filters)])).toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  filters: Record<string, unknown>,
  isValidId: (id: string) => boolean = () => true,
): KeysetPosition | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 3 ||
    typeof decoded[0] !== 'string' ||
    !AT.test(decoded[0]) ||
    typeof decoded[1] !== 'string' ||
    !isValidId(decoded[1]) ||
    decoded[2] !== fingerprint(filters)
  ) {
    throw new InvalidArgumentError(
      'cursor is not valid for this query: pass back the nextCursor of the previous page with the same filters, or omit it to start over.',
      { field: 'cursor' },
    );
  }
  return { at: decoded[0], id: decoded[1] };
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says whether there is more.
 * `position` reads the keyset of a row.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  filters: Record<string, unknown>,
  position: (row: R) => KeysetPosition,
  view: (row: R) => T,
): AdminPage<T> {
  const hasMore = rows.length > limit;
  const shown = hasMore ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return {
    items: shown.map(view),
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(position(last), filters) : null,
  };
}
