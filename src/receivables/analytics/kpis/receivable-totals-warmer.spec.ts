import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { daysToWarm } from './receivable-totals-warmer';

describe('daysToWarm', () => {
  const batches = daysToWarm('2026-11-26');
  const days = batches.flat();

  it('keeps every one of the last 92 days before today, newest first, and never today', () => {
    assert.deepEqual(days.slice(0, 3), ['2026-11-25', '2026-11-24', '2026-11-23']);
    assert.equal(days[91], '2026-08-26');
    assert.ok(!days.includes('2026-11-26'));
    assert.equal(new Set(days).size, days.length, 'no day twice');
  });

  it('then the month ends of the two years before, for monthly, quarterly and yearly periods', () => {
    const older = days.slice(92);
    assert.deepEqual(older.slice(0, 3), ['2026-07-31', '2026-06-30', '2026-05-31']);
    assert.equal(older[older.length - 1], '2024-10-31', 'the 25th month end back');
    assert.ok(older.includes('2025-02-28') && older.includes('2024-12-31'));
  });

  it('computes at most a month of days per statement', () => {
    assert.ok(batches.every((b) => b.length > 0 && b.length <= 31));
    assert.deepEqual(
      batches.map((b) => b.length),
      [31, 31, 30, 22],
    );
  });
});
