import { MigrationExecutor } from 'typeorm';
import type { DataSource } from 'typeorm';

/** Any constant shared by every replica; "tesorio-mcp migrations" folded into a bigint. */
const MIGRATION_LOCK_KEY = 7_342_619_001;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so several replicas or Helm
 * hook retries starting at once apply each migration exactly once: the others wait, then find
 * nothing pending. Lock and migrations share one connection (the embedded database has only one).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((m) => m.name);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await queryRunner.release();
  }
}

export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      await executor.undoLastMigration();
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await queryRunner.release();
  }
}

export async function hasPendingMigrations(dataSource: DataSource): Promise<boolean> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    const executor = new MigrationExecutor(dataSource, queryRunner);
    const pending = await executor.getPendingMigrations();
    return pending.length > 0;
  } finally {
    await queryRunner.release();
  }
}
