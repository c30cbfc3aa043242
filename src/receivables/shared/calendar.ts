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
 * Per time zone: one formatter (building an Intl.DateTimeFormat costs far more than formatting with
 * it) and the last day it gave. Every read pays for "today" (bench/README.md, MCP).
 */
interface ZoneDay {
  format: Intl.DateTimeFormat;
  /** The UTC minute (ms since the epoch / 60,000) `day` was formatted for. */
  minute: number;
  day: string;
}
const zoneDays = new Map<string, ZoneDay>();

/** Today's date in an IANA time zone: what "today" means to the organization's AR team. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  let zone = zoneDays.get(timeZone);
  if (!zone) {
    // en-CA formats as YYYY-MM-DD. An unknown zone throws here, as before, and is not remembered.
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    zone = { format, minute: Number.NaN, day: '' };
    if (zoneDays.size < 1000) zoneDays.set(timeZone, zone);
  }
  // Since 1970 every zone's offset from UTC is a whole number of minutes, so its date can only
  // change on a UTC minute: format once per minute. Earlier local mean times had odd seconds.
  const time = now.getTime();
  if (time < 0) return zone.format.format(now);
  const minute = Math.floor(time / 60_000);
  if (minute !== zone.minute) {
    zone.day = zone.format.format(now);
    zone.minute = minute;
  }
  return zone.day;
}
