import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../common/errors/app-error';
import { agingBuckets, bucketIndex, bucketLowerBounds, validateBucketEdges } from './aging-buckets';

describe('aging buckets', () => {
  it('on the due-date basis start with Current and end with an open bucket', () => {
    assert.deepEqual(
      agingBuckets('due_date', [30, 60, 90]).map((b) => [b.key, b.minDays, b.maxDays]),
      [
        ['current', null, 0],
        ['1-30', 1, 30],
        ['31-60', 31, 60],
        ['61-90', 61, 90],
        ['over_90', 91, null],
      ],
    );
  });

  it('on the invoice-date basis start at day 0 and have no Current bucket', () => {
    assert.deepEqual(
      agingBuckets('invoice_date', [30, 60]).map((b) => b.label),
      ['0–30', '31–60', 'Over 60'],
    );
  });

  it('put each boundary day in the bucket that ends on it', () => {
    const edges = [30, 60, 90];
    // Due basis: 0 days past due is current, day 1 the first past-due bucket, day 30 still in it.
    assert.deepEqual(
      [-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map((d) => bucketIndex('due_date', edges, d)),
      [0, 0, 1, 1, 2, 2, 3, 3, 4, 4],
    );
    assert.deepEqual(
      [0, 30, 31, 90, 91].map((d) => bucketIndex('invoice_date', edges, d)),
      [0, 0, 1, 2, 3],
    );
    assert.deepEqual(bucketLowerBounds('due_date', edges), [1, 31, 61, 91]);
  });

  it('refuse edges that are not strictly ascending whole days', () => {
    for (const bad of [
      [],
      [60, 30],
      [30, 30],
      [0, 30],
      [15.5],
      [-1],
      [30, 4000],
      Array.from({ length: 11 }, (_, i) => i + 1),
    ]) {
      assert.throws(() => validateBucketEdges(bad), InvalidArgumentError, JSON.stringify(bad));
    }
    assert.throws(() => validateBucketEdges([60, 30]), /not strictly ascending \(60 then 30\)/);
    assert.deepEqual(validateBucketEdges([15, 45]), [15, 45]);
  });
});
