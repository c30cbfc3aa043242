import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MigrationExecutor } from 'typeorm';
import { hasPendingMigrations, revertLastMigration, runMigrations } from '../../../src/database/migrator';
import { diffSchemaAgainstEntities } from '../../../src/database/tools/schema-diff';
import { createDataSource } from '../../../src/database/data-source';
import { createTestDatabase, testConfig } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

describe('migrations on PostgreSQL', () => {
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  after(async () => db.drop());

  it('apply to an empty database and leave nothing pending', async () => {
    const applied = await runMigrations(db.dataSource);
    assert.ok(applied.length > 0, 'expected at least the initial migration');
    assert.equal(await hasPendingMigrations(db.dataSource), false);
  });

  it('produce exactly the schema the entities describe (no drift)', async () => {
    const diff = await diffSchemaAgainstEntities(db.dataSource);
    assert.deepEqual(diff.up, [], `entities and migrations disagree:\n${diff.up.join('\n')}`);
  });

  it('revert completely with down() and apply again', async () => {
    const total = (await new MigrationExecutor(db.dataSource).getExecutedMigrations()).length;
    for (let i = 0; i < total; i++) await revertLastMigration(db.dataSource);
    const [{ count }] = await db.dataSource.query<{ count: number }[]>(
      "SELECT count(*)::int AS count FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
    );
    assert.equal(count, 0, 'down() left tables behind');
    await runMigrations(db.dataSource);
    assert.deepEqual((await diffSchemaAgainstEntities(db.dataSource)).up, []);
  });

  it('apply each migration once when several processes migrate at the same time', async () => {
    const fresh = await createTestDatabase({ migrated: false });
    const runners = Array.from({ length: 3 }, () =>
      createDataSource(testConfig({ DATABASE_URL: fresh.url }), fresh.url),
    );
    try {
      await Promise.all(runners.map((r) => r.initialize()));
      const results = await Promise.all(runners.map((r) => runMigrations(r)));
      const appliedCounts = results.map((r) => r.length).sort();
      assert.equal(appliedCounts.filter((n) => n > 0).length, 1, 'exactly one runner applies the history');
      const rows = await fresh.dataSource.query<{ name: string }[]>('SELECT name FROM migrations');
      assert.equal(new Set(rows.map((r) => r.name)).size, rows.length, 'a migration was recorded twice');
    } finally {
      await Promise.all(runners.filter((r) => r.isInitialized).map((r) => r.destroy()));
      await fresh.drop();
    }
  });
});
