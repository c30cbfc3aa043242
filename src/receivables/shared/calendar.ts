import { InvalidArgumentError } from '../../common/errors/app-error';

/** Calendar arithmetic on 'YYYY-MM-DD' dates, in UTC so no daylight-saving day is ever 23 hours. */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

/** Validates a caller-supplied date and names the field when it is wrong. */
export function parseIsoDate(value: string, field: string): string {
  if (!isIsoDate(value)) {
    throw new InvalidArgumentError(`${field} must be a calendar date written YYYY-MM-DD; got "${value}".`, {
      field,
    });
  }
  return value;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d.toISOString().slice(0, 10);
}

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs far more than formatting with
 * it, and every read pays for "today" (bench/README.md, MCP).
 */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Today's date in an IANA time zone: what "today" means to the organization's AR team. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD. An unknown zone throws here, as before, and is not remembered.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    if (dayFormats.size < 1000) dayFormats.set(timeZone, format);
  }
  return format.format(now);
}
