import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../common/errors/app-error';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** One page of a keyset-paginated list. `hasMore` is never silently false when rows remain. */
export interface Page<T> {
  items: T[];
  hasMore: boolean;
  /** Pass back as `cursor` to get the next page; null when there is none. */
  nextCursor: string | null;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/** Position after the last row of a page: its sort value and id (the tie-breaker). */
export interface KeysetPosition {
  value: string | number | null;
  id: string;
}

interface CursorPayload {
  v: string | number | null;
  i: string;
  /** Fingerprint of the query the cursor belongs to: sort, direction and filters. */
  q: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function resolvePageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}; got ${limit}.`, {
      field: 'limit',
    });
  }
  return limit;
}

/** A stable fingerprint of everything that shapes the result order and membership. */
export function queryFingerprint(shape: unknown): string {
  return createHash('sha256').update(JSON.stringify(shape)).digest('base64url').slice(0, 16);
}

export function encodeCursor(position: KeysetPosition, fingerprint: string): string {
  const payload: CursorPayload = { v: position.value, i: position.id, q: fingerprint };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string): KeysetPosition {
  const malformed = (): InvalidArgumentError =>
    new InvalidArgumentError(
      'cursor is not valid: pass back exactly the nextCursor of the previous page, or omit it to start over.',
      { field: 'cursor' },
    );
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  if (typeof payload !== 'object' || payload === null) throw malformed();
  const { v, i, q } = payload as Partial<CursorPayload>;
  if (typeof i !== 'string' || !UUID.test(i) || typeof q !== 'string') throw malformed();
  if (!(v === null || typeof v === 'string' || typeof v === 'number')) throw malformed();
  if (q !== fingerprint) {
    throw new InvalidArgumentError(
      'cursor belongs to a different search (filters or sort changed): repeat the search without a cursor.',
      { field: 'cursor' },
    );
  }
  return { value: v, id: i };
}

/**
 * Builds a page from rows fetched with LIMIT pageSize + 1: the extra row only proves there is more.
 */
export function toPage<T>(
  rows: T[],
  pageSize: number,
  positionOf: (row: T) => KeysetPosition,
  fingerprint: string,
): Page<T> {
  const hasMore = rows.length > pageSize;
  const items = hasMore ? rows.slice(0, pageSize) : rows;
  const last = items.at(-1);
  return {
    items,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(positionOf(last), fingerprint) : null,
  };
}
