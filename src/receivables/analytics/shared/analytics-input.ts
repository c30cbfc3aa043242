import { InvalidArgumentError } from '../../../common/errors/app-error';
import { daysBetween, parseIsoDate } from '../../shared/calendar';

/**
 * Checks of caller input shared by the analytics services. Each failure is an InvalidArgumentError
 * naming the field and saying what would be accepted, never a database error.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireUuid(value: string, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new InvalidArgumentError(
      `${field} must be an id such as "4f3c2b1a-0000-4000-8000-000000000001"; got "${value}".`,
      {
        field,
      },
    );
  }
  return value.toLowerCase();
}

/** An as-of date: defaults to today in the organization's time zone; never after today. */
export function resolveAsOf(asOf: string | undefined, today: string, field = 'asOf'): string {
  if (asOf === undefined) return today;
  parseIsoDate(asOf, field);
  if (asOf > today) {
    throw new InvalidArgumentError(
      `${field} ${asOf} is in the future (today is ${today} in the organization's time zone): ask for today or an earlier date.`,
      { field },
    );
  }
  return asOf;
}

export interface Period {
  from: string;
  to: string;
  /** Calendar days in [from, to], both ends included. */
  days: number;
}

/** A closed period [from, to] that has ended by today and spans at most `maxDays` days. */
export function resolvePeriod(from: string, to: string, today: string, maxDays: number): Period {
  parseIsoDate(from, 'from');
  parseIsoDate(to, 'to');
  if (from > to) {
    throw new InvalidArgumentError(
      `from (${from}) is after to (${to}): give a period whose start is on or before its end.`,
      {
        field: 'from',
      },
    );
  }
  if (to > today) {
    throw new InvalidArgumentError(
      `to (${to}) is in the future (today is ${today} in the organization's time zone): end the period today or earlier.`,
      { field: 'to' },
    );
  }
  const days = daysBetween(from, to) + 1;
  if (days > maxDays) {
    throw new InvalidArgumentError(`The period spans ${days} days; ask for at most ${maxDays} days.`, {
      field: 'from',
    });
  }
  return { from, to, days };
}

export function resolveInteger(
  value: number | undefined,
  field: string,
  range: { min: number; max: number; default: number },
): number {
  if (value === undefined) return range.default;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new InvalidArgumentError(
      `${field} must be a whole number from ${range.min} to ${range.max}; got ${value}.`,
      {
        field,
      },
    );
  }
  return value;
}

export function resolveChoice<T extends string>(
  value: string | undefined,
  field: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`${field} must be one of ${allowed.join(', ')}; got "${value}".`, {
      field,
    });
  }
  return value as T;
}
