import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { todayIn } from './calendar';

describe('todayIn', () => {
  it('turns the day at local midnight, also in a zone 5 h 45 min ahead of UTC', () => {
    // Kathmandu is UTC+05:45: local midnight of 2 March 2026 is 18:15 UTC on 1 March.
    assert.equal(todayIn('Asia/Kathmandu', new Date('2026-03-01T18:14:00Z')), '2026-03-01');
    assert.equal(todayIn('Asia/Kathmandu', new Date('2026-03-01T18:14:59.999Z')), '2026-03-01');
    assert.equal(todayIn('Asia/Kathmandu', new Date('2026-03-01T18:15:00Z')), '2026-03-02');
    // Back in an earlier minute: the remembered day is not reused for another minute.
    assert.equal(todayIn('Asia/Kathmandu', new Date('2026-03-01T18:14:30Z')), '2026-03-01');
  });

  it('keeps zones apart within the same minute', () => {
    const now = new Date('2026-11-26T23:30:00Z');
    assert.equal(todayIn('America/Los_Angeles', now), '2026-11-26');
    assert.equal(todayIn('Europe/Paris', now), '2026-11-27');
    assert.equal(todayIn('Pacific/Kiritimati', now), '2026-11-27');
    assert.equal(todayIn('Pacific/Pago_Pago', now), '2026-11-26');
    assert.equal(todayIn('America/Los_Angeles', now), '2026-11-26');
  });

  it('follows daylight-saving time', () => {
    // New York: UTC-4 in summer, UTC-5 in winter.
    assert.equal(todayIn('America/New_York', new Date('2026-07-02T03:59:00Z')), '2026-07-01');
    assert.equal(todayIn('America/New_York', new Date('2026-07-02T04:00:00Z')), '2026-07-02');
    assert.equal(todayIn('America/New_York', new Date('2026-12-02T04:59:00Z')), '2026-12-01');
    assert.equal(todayIn('America/New_York', new Date('2026-12-02T05:00:00Z')), '2026-12-02');
  });

  it('gives dates before 1970 too', () => {
    assert.equal(todayIn('UTC', new Date('1969-12-31T23:59:59Z')), '1969-12-31');
  });

  it('refuses an unknown time zone', () => {
    assert.throws(() => todayIn('Mars/Olympus_Mons'), RangeError);
  });
});
