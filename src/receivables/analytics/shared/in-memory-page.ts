import { InvalidArgumentError } from '../../../common/errors/app-error';
import { decodeCursor, resolvePageSize, toPage } from '../../shared/pagination';
import type { Page, PageRequest } from '../../shared/pagination';

/**
 * Keyset pages over a ranking computed in memory (a few thousand rows at most: one per customer,
 * collector or subsidiary). Order: `rank` descending, then `id` ascending; the cursor holds the
 * last row's (rank, id), so a page never repeats or skips a row when earlier rows move.
 */
export function pageByRankDesc<T>(
  items: readonly T[],
  rankOf: (item: T) => number,
  idOf: (item: T) => string,
  request: PageRequest,
  fingerprint: string,
): Page<T> {
  const pageSize = resolvePageSize(request.limit);
  let after: { rank: number; id: string } | undefined;
  if (request.cursor !== undefined) {
    const position = decodeCursor(request.cursor, fingerprint);
    if (typeof position.value !== 'number') {
      throw new InvalidArgumentError(
        'cursor is not valid: pass back exactly the nextCursor of the previous page.',
        {
          field: 'cursor',
        },
      );
    }
    after = { rank: position.value, id: position.id };
  }
  // Only the page and one more row are needed: keep the best pageSize + 1 rows seen so far, in
  // order, instead of sorting every row (thousands of customers for a page of 50).
  const wanted = pageSize + 1;
  const best: Ranked<T>[] = [];
  for (const item of items) {
    const row: Ranked<T> = { item, rank: rankOf(item), id: idOf(item) };
    if (after && !comesAfter(row, after)) continue;
    if (best.length === wanted && !comesAfter(best[wanted - 1], row)) continue;
    let at = best.length;
    while (at > 0 && comesAfter(best[at - 1], row)) at--;
    best.splice(at, 0, row);
    if (best.length > wanted) best.pop();
  }
  return toPage(
    best.map((r) => r.item),
    pageSize,
    (item) => ({ value: rankOf(item), id: idOf(item) }),
    fingerprint,
  );
}

interface Ranked<T> {
  item: T;
  rank: number;
  id: string;
}

/** Whether `b` comes after `a`: rank descending, then id ascending. */
function comesAfter(b: { rank: number; id: string }, a: { rank: number; id: string }): boolean {
  return b.rank < a.rank || (b.rank === a.rank && b.id > a.id);
}
