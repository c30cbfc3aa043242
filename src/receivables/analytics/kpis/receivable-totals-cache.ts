import type { DataSource } from 'typeorm';
import { receivableTotalsAsOfSql } from '../shared/as-of-balances.sql';
import { reportSnapshot, storeUnchanged, unchangedSinceSnapshotSql } from '../shared/history-cache';
import type { ReportQuery } from '../shared/report-queries';
import { SqlParams } from '../shared/sql-params';

/** Receivables of one currency at the end of a day (as-of-balances.sql.ts, receivableTotalsAsOfSql). */
export interface DayTotal {
  date: string;
  currency: string;
  total: number;
  current: number;
}

/** Days a report computed because they were not cached, and the snapshot it computed them in. */
export interface ComputedDays {
  dates: string[];
  rows: DayTotal[];
  snapshot: string;
}

/**
 * Receivable totals per day (up to today), cached in receivable_day_totals (docs/adr/0013). A
 * day's totals depend only on rows dated by that day; triggers on the tables receivables are made
 * of (invoices, payment and credit applications, and since ADR 0015 payments and credit memos)
 * delete the cached days a write changes, whatever its date, so a cached day is always what
 * recomputing it would give.
 */
export const receivableTotalsCache = {
  /**
   * The cached days among `dates`, read in the report's own snapshot: an entry visible there was
   * stored before it, and a change that invalidated it before it would have deleted it.
   */
  async load(q: ReportQuery, orgId: string, dates: string[]): Promise<Map<string, DayTotal[]>> {
    const rows = await q<{ date: string; totals: Omit<DayTotal, 'date'>[] }>(
      `SELECT day::text AS date, totals FROM receivable_day_totals WHERE org_id = $1 AND day = ANY($2::date[])`,
      [orgId, dates],
    );
    return new Map(rows.map((r) => [r.date, r.totals.map((t) => ({ date: r.date, ...t }))]));
  },

  /**
   * The totals at the end of each of `dates`, in the report's snapshot: cached days read, the
   * others computed in one pass. Hand `computed` to `store` once the report's transaction is over.
   */
  async totals(
    q: ReportQuery,
    orgId: string,
    dates: string[],
  ): Promise<{ totals: DayTotal[]; computed?: ComputedDays }> {
    const cached = await this.load(q, orgId, dates);
    const missing = [...new Set(dates.filter((d) => !cached.has(d)))].sort();
    const fromCache = [...cached.values()].flat();
    if (missing.length === 0) return { totals: fromCache };
    const p = new SqlParams();
    const placeholders = {
      org: p.add(orgId),
      dates: p.add(missing),
      first: p.add(missing[0]),
      last: p.add(missing[missing.length - 1]),
    };
    const rows = await q<DayTotal>(receivableTotalsAsOfSql(placeholders), p.values);
    return {
      totals: [...fromCache, ...rows],
      computed: { dates: missing, rows, snapshot: await reportSnapshot(q) },
    };
  },

  /**
   * Stores days computed in `snapshot`, except those a write has changed since: one that committed
   * after the snapshot was taken, or is still running (the exclusive lock waits for those, and
   * holds back new ones for the few milliseconds of the insert).
   */
  async store(ds: DataSource, orgId: string, { snapshot, dates, rows }: ComputedDays): Promise<void> {
    const entries = dates.map((date) => ({
      day: date,
      totals: rows
        .filter((t) => t.date === date)
        .map(({ currency, total, current }) => ({
          currency,
          total: Number(total),
          current: Number(current),
        })),
    }));
    await storeUnchanged(ds, orgId, (manager) =>
      manager.query(
        `INSERT INTO receivable_day_totals (org_id, day, totals)
         SELECT $1, entry.day, entry.totals
           FROM jsonb_to_recordset($2::jsonb) AS entry(day date, totals jsonb)
          WHERE ${unchangedSinceSnapshotSql('$1', 'entry.day', '$3')}
         ON CONFLICT (org_id, day) DO NOTHING`,
        [orgId, JSON.stringify(entries), snapshot],
      ),
    );
  },
};
