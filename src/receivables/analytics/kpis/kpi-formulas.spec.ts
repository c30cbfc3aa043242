import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roundTo } from '../shared/money';
import {
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectivenessIndex,
  countBackDso,
  monthEndsBack,
  monthStep,
  monthsInPeriod,
  pastDuePercent,
  standardDso,
} from './kpi-formulas';

const month = (label: string, creditSales: number, days = 30) => ({
  from: label,
  to: label,
  days,
  creditSales,
});

describe('KPI formulas (domain.md §4)', () => {
  it('count-back DSO gives 73.7 days on the §4.3 example', () => {
    // AR 212,000; M3 100,000, M2 80,000, M1 70,000 (30-day months):
    // 212,000 − 100,000 = 112,000 → 30 days; 112,000 − 80,000 = 32,000 → 30 days;
    // 32,000 < 70,000 → 32,000 / 70,000 × 30 = 13.714 days. Total 73.714 → 73.7.
    const result = countBackDso(212_000, [month('M3', 100_000), month('M2', 80_000), month('M1', 70_000)]);
    assert.equal(roundTo(result.days, 1), 73.7);
    assert.deepEqual(
      result.steps.map((s) => [s.from, s.arCovered, roundTo(s.daysCounted, 3)]),
      [
        ['M3', 100_000, 30],
        ['M2', 80_000, 30],
        ['M1', 32_000, 13.714],
      ],
    );
    assert.equal(result.arRemaining, 0);
  });

  it('count-back DSO uses each month’s own number of days', () => {
    // AR 50; March (31 days) sales 40 → 31 days, 10 left; February (28 days) sales 20 → 10/20 × 28 = 14.
    const result = countBackDso(50, [month('Mar', 40, 31), month('Feb', 20, 28)]);
    assert.equal(result.days, 45);
  });

  it('count-back DSO is 0 without AR and reports AR left when the months run out', () => {
    assert.equal(countBackDso(0, [month('M', 0)]).days, 0);
    const short = countBackDso(300, [month('M2', 100), month('M1', 100)]);
    assert.equal(short.days, 60);
    assert.equal(short.arRemaining, 100);
  });

  it('standard DSO, best possible DSO and ADD give 45, 12 and 33 on the §4.5 example', () => {
    // AR 15,000, current 4,000, 30-day credit sales 10,000:
    // DSO = 15,000 / 10,000 × 30 = 45; BPDSO = 4,000 / 10,000 × 30 = 12; ADD = 45 − 12 = 33.
    const dso = standardDso(15_000, 10_000, 30);
    const best = bestPossibleDso(4_000, 10_000, 30);
    assert.equal(dso, 45);
    assert.equal(best, 12);
    assert.equal(averageDaysDelinquent(dso, best), 33);
  });

  it('CEI gives 55.9% with sales ÷ N on the §4.6 example (79.63% would be full sales)', () => {
    // Beginning AR 6,200; Jan–Mar sales 10,890, N = 3 → 3,630 a month; ending AR 6,340, current 3,590.
    // (6,200 + 3,630 − 6,340) / (6,200 + 3,630 − 3,590) = 3,490 / 6,240 = 55.93%.
    const cei = collectionEffectivenessIndex({
      beginningAr: 6_200,
      creditSales: 10_890,
      months: 3,
      endingAr: 6_340,
      endingCurrentAr: 3_590,
    });
    assert.equal(roundTo(cei, 1), 55.9);
    // The same data with N = 1 is the full-sales form: 10,750 / 13,500 = 79.63%.
    const fullSales = collectionEffectivenessIndex({
      beginningAr: 6_200,
      creditSales: 10_890,
      months: 1,
      endingAr: 6_340,
      endingCurrentAr: 3_590,
    });
    assert.equal(roundTo(fullSales, 2), 79.63);
  });

  it('past-due % is overdue AR over total AR', () => {
    assert.equal(pastDuePercent(2_750, 6_340)?.toFixed(2), '43.38');
    assert.equal(pastDuePercent(0, 0), null);
  });

  it('ratios without a denominator are null, not Infinity', () => {
    assert.equal(standardDso(100, 0, 30), null);
    assert.equal(bestPossibleDso(100, 0, 30), null);
    assert.equal(averageDaysDelinquent(null, 3), null);
    assert.equal(
      collectionEffectivenessIndex({
        beginningAr: 0,
        creditSales: 0,
        months: 1,
        endingAr: 0,
        endingCurrentAr: 0,
      }),
      null,
    );
  });

  it('steps back through calendar months from a month end, and same-day months otherwise', () => {
    assert.deepEqual(monthEndsBack('2026-03-31', 3), [
      '2026-03-31',
      '2026-02-28',
      '2026-01-31',
      '2025-12-31',
    ]);
    assert.deepEqual(monthEndsBack('2026-04-30', 1), ['2026-04-30', '2026-03-31']);
    assert.deepEqual(monthEndsBack('2026-03-15', 2), ['2026-03-15', '2026-02-15', '2026-01-15']);
    assert.deepEqual(monthStep(monthEndsBack('2026-03-31', 2), 1), {
      from: '2026-02-01',
      to: '2026-02-28',
      days: 28,
    });
  });

  it('counts months in a period, partial months as fractions', () => {
    assert.equal(monthsInPeriod('2026-01-01', '2026-03-31'), 3);
    assert.equal(monthsInPeriod('2026-04-01', '2026-04-30'), 1);
    // Jan 1 – Mar 15: two whole steps (Feb 16 – Mar 15, Jan 16 – Feb 15) and Jan 1–15 of the
    // step Dec 16 – Jan 15 (31 days): 2 + 15/31.
    assert.equal(monthsInPeriod('2026-01-01', '2026-03-15'), 2 + 15 / 31);
  });
});
