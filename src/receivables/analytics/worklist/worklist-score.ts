import { minorUnitDigits } from '../../currency/exchange-rates.service';
import { formatMoney, roundTo } from '../shared/money';
import type { Money } from '../shared/money';

/** What the worklist knows about one account on the as-of date. */
export interface AccountSignals {
  /** Past-due balance in the base currency. */
  overdue: Money;
  overdueInvoiceCount: number;
  /** Days past due of the oldest past-due invoice; null when nothing is past due. */
  oldestDaysPastDue: number | null;
  /** Promises marked broken in the last 90 days, plus pending ones whose day has passed. */
  brokenPromises: number;
  /** Pending promises falling due on the as-of date (base currency), or null. */
  promiseDueToday: Money | null;
  /** Disputes open or in review. */
  openDisputes: number;
  /** Open tasks on the account due on or before the as-of date, and how many of them are late. */
  tasksDue: number;
  tasksOverdue: number;
}

export type WorklistReasonCode =
  'overdue_amount' | 'days_past_due' | 'broken_promise' | 'promise_due_today' | 'open_dispute' | 'task_due';

export interface WorklistReason {
  code: WorklistReasonCode;
  points: number;
  detail: string;
}

/**
 * How the score is made, in words the collector sees (each entry lists the parts that applied).
 * Money grows logarithmically so one huge account does not bury everything else; lateness, broken
 * promises, disputes and tasks are capped for the same reason.
 */
export const WORKLIST_SCORING: readonly string[] = [
  'overdue amount: 10 × log10(1 + past-due balance in major units of the base currency) (1,000 → 30, 100,000 → 50)',
  'days past due: oldest past-due invoice days ÷ 4, at most 30 (120 days or more)',
  'broken promises: 15 each, at most 30',
  'promise due today: 25',
  'open disputes: 8 each, at most 24',
  'tasks due: 10 each, at most 30',
];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Score and reasons for one account; an account with nothing to act on scores 0 with no reasons. */
export function scoreAccount(s: AccountSignals): { score: number; reasons: WorklistReason[] } {
  const reasons: WorklistReason[] = [];
  if (s.overdue.amount > 0) {
    const major = s.overdue.amount / 10 ** minorUnitDigits(s.overdue.currency);
    reasons.push({
      code: 'overdue_amount',
      points: roundTo(10 * Math.log10(1 + major), 1) as number,
      detail: `${formatMoney(s.overdue.amount, s.overdue.currency)} past due on ${plural(s.overdueInvoiceCount, 'invoice')}`,
    });
  }
  if (s.oldestDaysPastDue !== null && s.oldestDaysPastDue > 0) {
    reasons.push({
      code: 'days_past_due',
      points: roundTo(Math.min(s.oldestDaysPastDue, 120) / 4, 1) as number,
      detail: `oldest past-due invoice is ${plural(s.oldestDaysPastDue, 'day')} late`,
    });
  }
  if (s.brokenPromises > 0) {
    reasons.push({
      code: 'broken_promise',
      points: 15 * Math.min(s.brokenPromises, 2),
      detail: `${plural(s.brokenPromises, 'broken promise')} to pay`,
    });
  }
  if (s.promiseDueToday && s.promiseDueToday.amount > 0) {
    reasons.push({
      code: 'promise_due_today',
      points: 25,
      detail: `promised ${formatMoney(s.promiseDueToday.amount, s.promiseDueToday.currency)} for today: check it arrived`,
    });
  }
  if (s.openDisputes > 0) {
    reasons.push({
      code: 'open_dispute',
      points: 8 * Math.min(s.openDisputes, 3),
      detail: `${plural(s.openDisputes, 'open dispute')} to resolve`,
    });
  }
  if (s.tasksDue > 0) {
    reasons.push({
      code: 'task_due',
      points: 10 * Math.min(s.tasksDue, 3),
      detail: `${plural(s.tasksDue, 'task')} due${s.tasksOverdue > 0 ? ` (${s.tasksOverdue} overdue)` : ''}`,
    });
  }
  const score = roundTo(
    reasons.reduce((sum, r) => sum + r.points, 0),
    1,
  ) as number;
  return { score, reasons: reasons.sort((a, b) => b.points - a.points) };
}
