import type { DataSource } from 'typeorm';

/** Runs one SQL statement of a report; rows come back as the caller's row type. */
export type ReportQuery = <Row>(sql: string, params: unknown[]) => Promise<Row[]>;

/**
 * Runs the SQL of one report in a single read-only REPEATABLE READ transaction, so every figure
 * of the report comes from the same snapshot (aging buckets and unapplied cash never disagree
 * because a payment was applied between two queries).
 *
 * Planner settings, for this transaction only:
 * - jit off: the history-wide estimates of an as-of query cross the JIT threshold, and compiling
 *   costs more than the query (measured 2.2 s of JIT on a 1.4 s query at 1M invoices);
 * - work_mem 64MB: per-invoice changes since a past date are grouped in memory, not on disk;
 * - no parallel workers: each worker rebuilt the same hash table (measured 2× slower);
 * - no merge joins: with history-wide row estimates the planner sorted ~100k open invoices by id
 *   to merge them with the changes since a date, where hashing the changes is ~20% faster.
 *
 * Only SQL runs inside: services read settings and exchange rates before or after, on their own
 * connection (the embedded database has a single connection, so nesting would deadlock).
 */
export async function runReportQueries<T>(
  ds: DataSource,
  work: (query: ReportQuery) => Promise<T>,
): Promise<T> {
  const runner = ds.createQueryRunner();
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query(
      `SELECT set_config('transaction_read_only', 'on', true), set_config('jit', 'off', true),
              set_config('work_mem', '64MB', true), set_config('max_parallel_workers_per_gather', '0', true),
              set_config('enable_mergejoin', 'off', true)`,
    );
    const result = await work(
      <Row>(sql: string, params: unknown[]) => runner.query(sql, params) as Promise<Row[]>,
    );
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}
