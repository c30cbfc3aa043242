import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoreAccount } from './worklist-score';
import type { AccountSignals } from './worklist-score';

const quiet: AccountSignals = {
  overdue: { amount: 0, currency: 'USD' },
  overdueInvoiceCount: 0,
  oldestDaysPastDue: null,
  brokenPromises: 0,
  promiseDueToday: null,
  openDisputes: 0,
  tasksDue: 0,
  tasksOverdue: 0,
};

describe('worklist score', () => {
  it('scores an account with nothing to do as 0 with no reasons', () => {
    assert.deepEqual(scoreAccount(quiet), { score: 0, reasons: [] });
  });

  it('adds up every reason and explains each, largest first', () => {
    const { score, reasons } = scoreAccount({
      ...quiet,
      // $999.00 past due: 10 × log10(1 + 999) = 30
      overdue: { amount: 99_900, currency: 'USD' },
      overdueInvoiceCount: 2,
      // 60 days ÷ 4 = 15
      oldestDaysPastDue: 60,
      // 3 broken promises, capped at 2 × 15 = 30
      brokenPromises: 3,
      promiseDueToday: { amount: 50_000, currency: 'USD' },
      openDisputes: 1,
      tasksDue: 2,
      tasksOverdue: 1,
    });
    // 30 + 15 + 30 + 25 + 8 + 20
    assert.equal(score, 128);
    assert.deepEqual(
      reasons.map((r) => [r.code, r.points]),
      [
        ['overdue_amount', 30],
        ['broken_promise', 30],
        ['promise_due_today', 25],
        ['task_due', 20],
        ['days_past_due', 15],
        ['open_dispute', 8],
      ],
    );
    assert.equal(reasons[0].detail, 'USD 999.00 past due on 2 invoices');
    assert.equal(reasons[3].detail, '2 tasks due (1 overdue)');
    assert.equal(reasons[2].detail, 'promised USD 500.00 for today: check it arrived');
  });

  it('caps lateness and counts money in major units of the currency', () => {
    assert.equal(scoreAccount({ ...quiet, oldestDaysPastDue: 400 }).score, 30);
    // ¥999 has no minor unit: 10 × log10(1000) = 30, same as $999.00.
    assert.equal(
      scoreAccount({ ...quiet, overdue: { amount: 999, currency: 'JPY' }, overdueInvoiceCount: 1 }).score,
      30,
    );
  });
});
