import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExpiredRecordsCleaner } from '../../../src/oauth/maintenance/expired-records.cleaner';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

async function count(db: TestDatabase, table: string): Promise<number> {
  const [row] = await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

describe('expired OAuth records are purged', () => {
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    const [org] = await ds.query<{ id: string }[]>(
      `INSERT INTO organizations (name, base_currency) VALUES ('Org', 'USD') RETURNING id`,
    );
    const [user] = await ds.query<{ id: string }[]>(
      `INSERT INTO users (email, name, password_hash) VALUES ('a@b.example', 'A', 'x') RETURNING id`,
    );
    const orgId = org.id;
    const userId = user.id;
    await ds.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'viewer')`, [
      orgId,
      userId,
    ]);
    await ds.query(
      `INSERT INTO oauth_clients (id, kind, client_name, redirect_uris, token_endpoint_auth_method, grant_types)
       VALUES ('c1', 'dynamic', 'App', '{http://localhost/cb}', 'none', '{authorization_code}')`,
    );
    const grant = async (expires: string, revoked: string | null): Promise<string> => {
      const [row] = await ds.query<{ id: string }[]>(
        `INSERT INTO oauth_grants (org_id, user_id, client_id, scopes, resource, expires_at, revoked_at)
         VALUES ($1, $2, 'c1', '{ar:read}', 'http://x/v1/mcp', now() + $3::interval, now() + $4::interval) RETURNING id`,
        [orgId, userId, expires, revoked],
      );
      return row.id;
    };
    const live = await grant('30 days', null);
    await grant('-40 days', null); // ended long ago: purged
    await grant('30 days', '-31 days'); // revoked long ago: purged
    await grant('30 days', '-1 day'); // revoked yesterday: kept for support questions
    await ds.query(
      `INSERT INTO oauth_tokens (token_hash, kind, grant_id, expires_at) VALUES
         ('live', 'access', $1, now() + interval '1 hour'), ('dead', 'access', $1, now() - interval '1 second')`,
      [live],
    );
    await ds.query(
      `INSERT INTO login_sessions (id_hash, user_id, expires_at) VALUES
         ('s-live', $1, now() + interval '1 hour'), ('s-dead', $1, now() - interval '1 second')`,
      [userId],
    );
    await ds.query(
      `INSERT INTO login_throttles (key, failures, window_started_at, locked_until) VALUES
         ('ip:old', 3, now() - interval '2 days', NULL), ('ip:locked', 50, now() - interval '2 days', now() + interval '5 minutes'),
         ('ip:recent', 3, now(), NULL)`,
    );
    await new ExpiredRecordsCleaner(ds).run();
  });
  after(async () => db.drop());

  it('keeps what can still be used and deletes what never can', async () => {
    assert.deepEqual(
      (await db.dataSource.query<{ token_hash: string }[]>(`SELECT token_hash FROM oauth_tokens`)).map(
        (r) => r.token_hash,
      ),
      ['live'],
    );
    assert.deepEqual(
      (await db.dataSource.query<{ id_hash: string }[]>(`SELECT id_hash FROM login_sessions`)).map(
        (r) => r.id_hash,
      ),
      ['s-live'],
    );
    assert.deepEqual(
      (await db.dataSource.query<{ key: string }[]>(`SELECT key FROM login_throttles ORDER BY key`)).map(
        (r) => r.key,
      ),
      ['ip:locked', 'ip:recent'],
    );
    assert.equal(await count(db, 'oauth_grants'), 2);
  });
});
