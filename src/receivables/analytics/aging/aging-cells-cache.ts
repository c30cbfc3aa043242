import type { DataSource } from 'typeorm';
import { storeUnchanged, unchangedSinceSnapshotSql } from '../shared/history-cache';
import type { ReportQuery } from '../shared/report-queries';
import type { AgingBasis } from './aging-buckets';
import type { AgingCells, CustomerCreditCell } from './aging-cells';

/** Which aging: the day, and the bucket scheme (basis and edges) the cells are spread over. */
export interface AgingCellsKey {
  day: string;
  basis: AgingBasis;
  edges: number[];
}

/**
 * Stored as arrays, not objects, in a json (not jsonb) column: at a million invoices a day holds
 * about 19,000 bucket cells and 7,500 credit cells (1.3 MB), and json is returned as stored, where
 * jsonb is rebuilt as text on every read (measured 30 against 65 ms).
 */
interface StoredCells {
  buckets: [string, string | null, string, number, number, number][];
  credits: [CustomerCreditCell['kind'], string | null, string, number, number, string | null][];
}

/**
 * Aging cells of past days, cached in aging_day_cells (docs/adr/0015) and dropped by the history
 * triggers of ADR 0013 whenever a write changes what a day's aging is made of.
 */
export const agingCellsCache = {
  /** The cached cells, read in the report's snapshot (see receivableTotalsCache.load). */
  async load(q: ReportQuery, orgId: string, key: AgingCellsKey): Promise<AgingCells | undefined> {
    const [row] = await q<{ cells: StoredCells }>(
      `SELECT cells FROM aging_day_cells
        WHERE org_id = $1 AND day = $2 AND basis = $3 AND bucket_edges = $4::int[]`,
      [orgId, key.day, key.basis, key.edges],
    );
    if (!row) return undefined;
    return {
      buckets: row.cells.buckets.map(
        ([customerId, subsidiaryId, currency, bucket, amount, invoiceCount]) => ({
          customerId,
          subsidiaryId,
          currency,
          bucket,
          amount,
          invoiceCount,
        }),
      ),
      credits: row.cells.credits.map(([kind, customerId, currency, amount, count, oldestDate]) => ({
        kind,
        customerId,
        currency,
        amount,
        count,
        oldestDate,
      })),
    };
  },

  /** Whether the day is cached, without reading its cells. */
  async has(q: ReportQuery, orgId: string, key: AgingCellsKey): Promise<boolean> {
    const rows = await q<unknown>(
      `SELECT 1 FROM aging_day_cells
        WHERE org_id = $1 AND day = $2 AND basis = $3 AND bucket_edges = $4::int[]`,
      [orgId, key.day, key.basis, key.edges],
    );
    return rows.length > 0;
  },

  /** Stores cells computed in `snapshot`, unless a write has changed the day since. */
  async store(
    ds: DataSource,
    orgId: string,
    key: AgingCellsKey,
    cells: AgingCells,
    snapshot: string,
  ): Promise<void> {
    const stored: StoredCells = {
      buckets: cells.buckets.map((c) => [
        c.customerId,
        c.subsidiaryId,
        c.currency,
        c.bucket,
        Number(c.amount),
        c.invoiceCount,
      ]),
      credits: cells.credits.map((c) => [
        c.kind,
        c.customerId,
        c.currency,
        Number(c.amount),
        c.count,
        c.oldestDate,
      ]),
    };
    await storeUnchanged(ds, orgId, (manager) =>
      manager.query(
        `INSERT INTO aging_day_cells (org_id, day, basis, bucket_edges, cells)
         SELECT $1, $2::date, $3, $4::int[], $5::json
          WHERE ${unchangedSinceSnapshotSql('$1', '$2::date', '$6')}
         ON CONFLICT (org_id, day, basis, bucket_edges) DO NOTHING`,
        [orgId, key.day, key.basis, key.edges, JSON.stringify(stored), snapshot],
      ),
    );
  },
};
