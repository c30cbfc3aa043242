import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createDataSource } from '../../../src/database/data-source';
import { pooledQuery, preparedQuery } from '../../../src/database/pooled-query';
import { createTestDatabase, testConfig } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

const STATEMENT = 'SELECT $1::int + 1 AS answer';

/** Named statements prepared on the server right now, over every connection of the pool. */
async function preparedOnServer(dataSource: DataSource): Promise<string[]> {
  const rows = await pooledQuery<{ name: string }>(dataSource, 'SELECT name FROM pg_prepared_statements', []);
  return rows.map((r) => r.name);
}

/**
 * preparedQuery against a real PostgreSQL: the statement is prepared once per connection, and when
 * the server no longer has it (as behind a pooler that moves sessions: PgBouncer < 1.21 in
 * transaction mode) the call still answers, and the process stops naming statements.
 */
describe('prepared statements on the hot paths', () => {
  let db: TestDatabase;
  let single: DataSource;

  before(async () => {
    db = await createTestDatabase();
    // One connection, so the test sees the very session the statement was prepared on.
    single = createDataSource(testConfig({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: '1' }), db.url);
    await single.initialize();
  });
  after(async () => {
    await single?.destroy();
    await db?.drop();
  });

  it('prepares the statement once on the connection and reuses it', async () => {
    assert.deepEqual(await preparedQuery(single, STATEMENT, [41]), [{ answer: 42 }]);
    assert.deepEqual(await preparedQuery(single, STATEMENT, [1]), [{ answer: 2 }]);
    const names = await preparedOnServer(single);
    assert.equal(names.filter((n) => n.startsWith('q_')).length, 1, names.join(', '));
  });

  it('answers when the server lost the statement, and names no statement afterwards', async () => {
    const pool = (single.driver as PostgresDriver).master as Pool;
    await pool.query('DEALLOCATE ALL'); // the client still believes the statement is prepared
    assert.deepEqual(await preparedQuery(single, STATEMENT, [9]), [{ answer: 10 }]);
    assert.deepEqual(await preparedQuery(single, 'SELECT $1::text AS echoed', ['x']), [{ echoed: 'x' }]);
    assert.deepEqual(await preparedOnServer(single), [], 'nothing prepared again');
  });

  it('still raises errors that are not about the statement name', async () => {
    await assert.rejects(preparedQuery(single, 'SELECT $1::int / 0', [1]), /division by zero/);
  });
});
