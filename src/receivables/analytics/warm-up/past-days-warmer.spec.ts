import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agingDaysToWarm, kpiDaysToWarm } from './past-days-warmer';

describe('the days the warmer keeps cached', () => {
  const batches = kpiDaysToWarm('2026-11-26');
  const days = batches.flat();

  it('KPI totals: every one of the last 92 days before today, newest first, and never today', () => {
    assert.deepEqual(days.slice(0, 3), ['2026-11-25', '2026-11-24', '2026-11-23']);
    assert.equal(days[91], '2026-08-26');
    assert.ok(!days.includes('2026-11-26'));
    assert.equal(new Set(days).size, days.length, 'no day twice');
  });

  it('KPI totals: then the month ends of the two years before, for monthly, quarterly and yearly periods', () => {
    const older = days.slice(92);
    assert.deepEqual(older.slice(0, 3), ['2026-07-31', '2026-06-30', '2026-05-31']);
    assert.equal(older[older.length - 1], '2024-10-31', 'the 25th month end back');
    assert.ok(older.includes('2025-02-28') && older.includes('2024-12-31'));
  });

  it('KPI totals: at most a month of days per statement', () => {
    assert.ok(batches.every((b) => b.length > 0 && b.length <= 31));
    assert.deepEqual(
      batches.map((b) => b.length),
      [31, 31, 30, 22],
    );
  });

  it('aging: the last 13 month ends, newest first', () => {
    const aging = agingDaysToWarm('2026-11-26');
    assert.equal(aging.length, 13);
    assert.deepEqual(aging.slice(0, 2), ['2026-10-31', '2026-09-30']);
    assert.equal(aging[12], '2025-10-31', 'the same month a year before');
  });
});
