/**
 * Days as integers (days since 1970-01-01, UTC) inside the generator: a million invoices mean
 * tens of millions of date comparisons and additions, which on numbers cost nothing. They become
 * 'YYYY-MM-DD' strings only when a row is written.
 */
export type Day = number;

const DAY_MS = 86_400_000;
const isoCache = new Map<Day, string>();
const stampCache = new Map<string, Map<number, string>>();

export function toDay(iso: string): Day {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

export function isoOf(day: Day): string {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoCache.set(day, iso);
  }
  return iso;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Moves a weekend day to the nearest business day that is not after `latest`. */
export function businessDay(day: Day, latest: Day): Day {
  const wd = weekday(day);
  if (wd === 6) return day - 1;
  if (wd === 0) return day + 1 <= latest ? day + 1 : day - 2;
  return day;
}

/** 'YYMMDD', the date part of payment and credit memo numbers. */
export function compactDate(day: Day): string {
  const iso = isoOf(day);
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

/**
 * A local wall-clock time on `day` in `timeZone`, as PostgreSQL timestamptz input. PostgreSQL
 * resolves the zone name itself, daylight-saving time included.
 */
export function stamp(day: Day, minuteOfDay: number, timeZone: string): string {
  let zone = stampCache.get(timeZone);
  if (zone === undefined) stampCache.set(timeZone, (zone = new Map<number, string>()));
  const key = day * 1440 + minuteOfDay;
  let text = zone.get(key);
  if (text === undefined) {
    const hh = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
    const mm = String(minuteOfDay % 60).padStart(2, '0');
    text = `${isoOf(day)} ${hh}:${mm}:00 ${timeZone}`;
    // Bounded: a few hundred days times the handful of minutes the generator uses.
    if (zone.size < 200_000) zone.set(key, text);
  }
  return text;
}
