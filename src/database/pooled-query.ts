import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * One statement straight on the pg pool, for the few queries every request pays (bearer-token
 * validation, refresh rotation). TypeORM's dataSource.query builds and releases a QueryRunner per
 * call; on these paths that bookkeeping showed up as main-thread CPU (bench/README.md, OAuth).
 * Never inside a transaction: use the transaction's manager there.
 */
export async function pooledQuery<T>(
  dataSource: DataSource,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const result = await pool.query(sql, parameters);
  return result.rows as T[];
}
