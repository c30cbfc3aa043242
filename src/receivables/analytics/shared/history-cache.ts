import type { DataSource, EntityManager } from 'typeorm';
import type { ReportQuery } from './report-queries';

/**
 * What the caches of past days (KPI totals, aging cells: docs/adr/0013, 0015) share. Triggers log
 * every change of receivable history in receivable_history_changes, from the earliest day it
 * changed, under a shared advisory lock of this class per organization, and delete the cached days
 * from then on.
 */
const LOCK_CLASS = 4201;

/** The report transaction's snapshot, to store what was computed in it with `storeUnchanged`. */
export async function reportSnapshot(q: ReportQuery): Promise<string> {
  const [{ snapshot }] = await q<{ snapshot: string }>('SELECT pg_current_snapshot()::text AS snapshot', []);
  return snapshot;
}

/**
 * SQL condition: no change of the organization's history that reaches `day` is missing from
 * `snapshot` (committed after it was taken, or still running). Placeholders, already bound.
 */
export function unchangedSinceSnapshotSql(org: string, day: string, snapshot: string): string {
  return `NOT EXISTS (SELECT 1 FROM receivable_history_changes c
                       WHERE c.org_id = ${org} AND c.from_day <= ${day}
                         AND NOT pg_visible_in_snapshot(c.xid::text::xid8, ${snapshot}::pg_snapshot))`;
}

/**
 * Runs `insert` (which must check `unchangedSinceSnapshotSql` for every day it stores) holding the
 * organization's history lock exclusively: writes in flight are waited for, so their log entries
 * are there to be seen, and new ones wait the few milliseconds of the insert.
 */
export async function storeUnchanged(
  ds: DataSource,
  orgId: string,
  insert: (manager: EntityManager) => Promise<unknown>,
): Promise<void> {
  await ds.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2::text))', [LOCK_CLASS, orgId]);
    await insert(manager);
  });
}
