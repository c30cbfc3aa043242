import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from './random';

const draw = (rng: Random, n = 8): number[] => Array.from({ length: n }, () => rng.uint32());

describe('Random', () => {
  it('repeats the same sequence for the same seed and differs for another seed', () => {
    assert.deepEqual(draw(Random.seeded(42)), draw(Random.seeded(42)));
    assert.notDeepEqual(draw(Random.seeded(42)), draw(Random.seeded(43)));
  });

  it('forks named streams that do not depend on how much the parent has drawn', () => {
    const fresh = Random.seeded(1);
    const used = Random.seeded(1);
    draw(used, 100);
    assert.deepEqual(draw(fresh.fork('customer', 3)), draw(used.fork('customer', 3)));
    assert.notDeepEqual(draw(fresh.fork('customer', 3)), draw(fresh.fork('customer', 4)));
    assert.notDeepEqual(draw(fresh.fork('a', 'b')), draw(fresh.fork('a').fork('c')));
  });

  it('keeps int() within its inclusive bounds and reaches both ends', () => {
    const rng = Random.seeded(5);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const n = rng.int(-2, 3);
      assert.ok(n >= -2 && n <= 3, `${n}`);
      seen.add(n);
    }
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [-2, -1, 0, 1, 2, 3],
    );
  });

  it('picks by weight and never picks a zero weight', () => {
    const rng = Random.seeded(9);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[rng.weighted({ a: 3, b: 1, never: 0 })]++;
    assert.equal(counts.never, 0);
    assert.ok(counts.a > 2.5 * counts.b && counts.a < 3.5 * counts.b, JSON.stringify(counts));
  });

  it('makes version-4 UUIDs that are reproducible and distinct', () => {
    const a = Random.seeded(11);
    const b = Random.seeded(11);
    const ids = Array.from({ length: 1_000 }, () => a.uuid());
    assert.deepEqual(
      ids,
      Array.from({ length: 1_000 }, () => b.uuid()),
    );
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids)
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses a seed that is not an integer', () => {
    assert.throws(() => Random.seeded(1.5), /integer/);
  });
});
