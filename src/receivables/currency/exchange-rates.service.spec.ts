import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertMinorUnits, minorUnitDigits, parseRate } from './exchange-rates.service';

describe('currency conversion arithmetic', () => {
  it('knows each currency’s minor unit', () => {
    assert.deepEqual(['USD', 'EUR', 'JPY', 'BHD'].map(minorUnitDigits), [2, 2, 0, 3]);
  });

  it('reads stored rates exactly', () => {
    assert.deepEqual(parseRate('1.0850000000'), { numerator: 108_500_000_00n, denominator: 10_000_000_000n });
    assert.deepEqual(parseRate('150'), { numerator: 150n, denominator: 1n });
  });

  it('converts minor units across different minor-unit digits', () => {
    // €1,000.00 × 1.10 = $1,100.00
    assert.equal(convertMinorUnits(100_000, 2, 2, parseRate('1.10')), 110_000);
    // ¥50,000 ÷ 150 = $333.333… → 33,333 cents
    assert.equal(convertMinorUnits(50_000, 0, 2, { numerator: 1n, denominator: 150n }), 33_333);
    // 1.000 BHD (1,000 fils) × 2.65 = $2.65
    assert.equal(convertMinorUnits(1_000, 3, 2, parseRate('2.65')), 265);
    // $10.00 × 150 = ¥1,500
    assert.equal(convertMinorUnits(1_000, 2, 0, parseRate('150')), 1_500);
  });

  it('rounds half away from zero, the same way for credits', () => {
    // 5 cents × 1.5 = 7.5 → 8; −7.5 → −8; 1 cent × 1.49 = 1.49 → 1
    assert.equal(convertMinorUnits(5, 2, 2, parseRate('1.5')), 8);
    assert.equal(convertMinorUnits(-5, 2, 2, parseRate('1.5')), -8);
    assert.equal(convertMinorUnits(1, 2, 2, parseRate('1.49')), 1);
  });
});
