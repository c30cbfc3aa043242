import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoreBand, scoreBandLabel } from './score-band';

describe('customer score band (domain.md §4.8)', () => {
  it('puts each published boundary in the better band', () => {
    assert.deepEqual([0, 15, 15.1, 45, 45.1, 90, 90.1, 400].map(scoreBand), [
      'great',
      'great',
      'good',
      'good',
      'poor',
      'poor',
      'risk',
      'risk',
    ]);
  });

  it('has no band without history', () => {
    assert.equal(scoreBand(null), 'no_history');
    assert.match(scoreBandLabel('no_history'), /No invoice paid/);
    assert.match(scoreBandLabel('risk'), /more than 90/);
  });
});
