import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageByRankDesc } from './in-memory-page';

interface Item {
  id: string;
  rank: number;
}

const rankOf = (item: Item): number => item.rank;
const idOf = (item: Item): string => item.id;

/** Every page in turn, following nextCursor. */
function allPages(items: Item[], limit: number): Item[][] {
  const pages: Item[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = pageByRankDesc(items, rankOf, idOf, { limit, cursor }, 'fp');
    pages.push(page.items);
    if (!page.hasMore) return pages;
    assert.ok(page.nextCursor, 'a page with more after it names where to continue');
    cursor = page.nextCursor;
  }
}

describe('ranking in memory, a page at a time', () => {
  // Many ties on rank, ids in no particular order: the order must still be total.
  const items: Item[] = Array.from({ length: 257 }, (_, n) => ({
    id: `00000000-0000-4000-8000-${String((n * 7919) % 1000).padStart(12, '0')}`,
    rank: (n * 31) % 17,
  }));
  const expected = [...items].sort((a, b) => b.rank - a.rank || (a.id < b.id ? -1 : 1));

  for (const limit of [1, 5, 50, 256, 257, 500]) {
    it(`returns every row once, largest rank first then by id, in pages of ${limit}`, () => {
      const pages = allPages(items, limit);
      assert.ok(pages.slice(0, -1).every((p) => p.length === limit));
      assert.deepEqual(pages.flat(), expected);
    });
  }

  it('refuses a cursor from another list', () => {
    const first = pageByRankDesc(items, rankOf, idOf, { limit: 5 }, 'fp');
    assert.throws(() =>
      pageByRankDesc(items, rankOf, idOf, { limit: 5, cursor: first.nextCursor! }, 'other'),
    );
  });
});
