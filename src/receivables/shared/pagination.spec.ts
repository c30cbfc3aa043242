import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../common/errors/app-error';
import { decodeCursor, encodeCursor, queryFingerprint, resolvePageSize, toPage } from './pagination';

const id = '4f3c2b1a-0000-4000-8000-000000000001';

describe('pagination', () => {
  it('round-trips a cursor for the same query', () => {
    const q = queryFingerprint({ sort: 'due_date', status: ['open'] });
    assert.deepEqual(decodeCursor(encodeCursor({ value: '2026-01-31', id }, q), q), {
      value: '2026-01-31',
      id,
    });
  });

  it('refuses a cursor from a different query', () => {
    const cursor = encodeCursor({ value: 1, id }, queryFingerprint({ sort: 'a' }));
    assert.throws(() => decodeCursor(cursor, queryFingerprint({ sort: 'b' })), /different search/);
  });

  it('refuses garbage cursors with a coded error', () => {
    for (const bad of ['', 'not-base64!', Buffer.from('{"v":1}').toString('base64url'), 'e30']) {
      assert.throws(() => decodeCursor(bad, 'x'), InvalidArgumentError);
    }
  });

  it('rejects page sizes outside 1..500', () => {
    for (const bad of [0, -1, 501, 2.5]) assert.throws(() => resolvePageSize(bad), /limit must be/);
    assert.equal(resolvePageSize(undefined), 50);
  });

  it('says there is more only when the extra row came back', () => {
    const rows = [1, 2, 3].map((n) => ({ n, id }));
    const full = toPage(rows, 2, (r) => ({ value: r.n, id: r.id }), 'q');
    assert.equal(full.hasMore, true);
    assert.deepEqual(
      full.items.map((r) => r.n),
      [1, 2],
    );
    assert.ok(full.nextCursor);
    const last = toPage(rows, 3, (r) => ({ value: r.n, id: r.id }), 'q');
    assert.equal(last.hasMore, false);
    assert.equal(last.nextCursor, null);
  });
});
