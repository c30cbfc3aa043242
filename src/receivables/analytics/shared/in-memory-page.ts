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
  const compare = (a: T, b: T): number => {
    const byRank = rankOf(b) - rankOf(a);
    if (byRank !== 0) return byRank;
    const ia = idOf(a);
    const ib = idOf(b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
  let rows = [...items].sort(compare);
  if (request.cursor !== undefined) {
    const after = decodeCursor(request.cursor, fingerprint);
    if (typeof after.value !== 'number') {
      throw new InvalidArgumentError(
        'cursor is not valid: pass back exactly the nextCursor of the previous page.',
        {
          field: 'cursor',
        },
      );
    }
    const rank = after.value;
    rows = rows.filter((r) => rankOf(r) < rank || (rankOf(r) === rank && idOf(r) > after.id));
  }
  return toPage(
    rows.slice(0, pageSize + 1),
    pageSize,
    (r) => ({ value: rankOf(r), id: idOf(r) }),
    fingerprint,
  );
}
