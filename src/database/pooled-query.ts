import { createHash } from 'node:crypto';
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

/** Set when a named statement failed (a pooler without support for them, a changed schema). */
let preparedStatementsRefused = false;

/** Statement name by text: a handful of fixed statements. */
const statementNames = new Map<string, string>();

/**
 * SQLSTATEs of a named statement the server does not have or already has under that name (behind
 * PgBouncer < 1.21 in transaction mode, or with max_prepared_statements = 0), and of a cached plan
 * whose result type a migration changed under a running replica.
 */
const PREPARED_STATEMENT_FAILURES = new Set(['26000', '42P05', '0A000']);

/**
 * pooledQuery for a fixed statement (the same text every call) run on every request: prepared
 * once per connection under a name derived from its text, so PostgreSQL parses and plans it once
 * per connection instead of on every call. On this project's hot statements parsing and planning
 * were most of the database's CPU (bench/README.md, MCP): the bearer-token check 1.3 → 0.14 ms,
 * the invoice detail 10 → 0.7 ms. Only for statements whose generic plan is as good as a custom
 * one (lookups by key), never for searches whose best plan depends on the values. If a named
 * statement fails that way, the call is repeated unnamed and the process stops naming statements.
 */
export async function preparedQuery<T>(
  dataSource: DataSource,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  if (preparedStatementsRefused) return pooledQuery<T>(dataSource, sql, parameters);
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  let name = statementNames.get(sql);
  if (!name) {
    name = `q_${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  try {
    const result = await pool.query({ name, text: sql, values: parameters });
    return result.rows as T[];
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !PREPARED_STATEMENT_FAILURES.has(code)) throw error;
    preparedStatementsRefused = true;
    return pooledQuery<T>(dataSource, sql, parameters);
  }
}
