import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAppProcess } from '../../support/app-process';
import type { AppProcess } from '../../support/app-process';
import { destroyPostgresServer, startPostgresServer } from '../../support/postgres-server';
import type { PostgresServer } from '../../support/postgres-server';
import { adminQuery } from '../../support/test-database';

async function status(url: string): Promise<{ code: number; ms: number }> {
  const started = Date.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  await response.arrayBuffer();
  return { code: response.status, ms: Date.now() - started };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}

describe('when PostgreSQL goes away and comes back', () => {
  // A server of its own: this test stops it, which must not disturb the other test files.
  let pg: PostgresServer;
  let app: AppProcess;

  before(async () => {
    pg = await startPostgresServer();
    await adminQuery('CREATE DATABASE app', pg.url);
    const url = pg.url.replace(/\/postgres$/, '/app');
    app = await startAppProcess({
      DATABASE_URL: url,
      MIGRATIONS_RUN: 'true',
      SEED_DEMO_DATA: 'false',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
    });
  });

  after(async () => {
    await app?.kill();
    if (pg) destroyPostgresServer(pg);
  });

  it('is ready while the database is up', async () => {
    assert.equal((await status(`${app.baseUrl}/health/ready`)).code, 200);
  });

  it('answers readiness 503 within a few seconds, stays live, and keeps running', async () => {
    pg.stop();
    const ready = await status(`${app.baseUrl}/health/ready`);
    assert.equal(ready.code, 503);
    assert.ok(ready.ms < 4000, `readiness took ${ready.ms} ms`);
    assert.equal((await status(`${app.baseUrl}/health/live`)).code, 200);
    assert.equal(app.child.exitCode, null, 'the process must survive a database outage');
  });

  it('becomes ready again when the database returns, without a restart', async () => {
    pg.start();
    await waitFor(async () => (await status(`${app.baseUrl}/health/ready`)).code === 200, 15_000);
    assert.equal(app.child.exitCode, null);
  });
});
