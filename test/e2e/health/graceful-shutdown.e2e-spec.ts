import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { ClientRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startAppProcess } from '../../support/app-process';
import type { AppProcess } from '../../support/app-process';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

/** A request whose body arrives slowly, so it is still in flight when SIGTERM lands. */
function slowRequest(baseUrl: string): { req: ClientRequest; done: Promise<{ status: number; at: number }> } {
  const body = 'note=' + 'x'.repeat(45);
  const url = new URL('/health/live', baseUrl);
  let req!: ClientRequest;
  const done = new Promise<{ status: number; at: number }>((resolve, reject) => {
    req = request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, at: Date.now() }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
  });
  return { req, done: done.then((r) => r) };
}

describe('SIGTERM with requests in flight', () => {
  let db: TestDatabase;
  let app: AppProcess;

  before(async () => {
    db = await createTestDatabase();
    app = await startAppProcess({
      DATABASE_URL: db.url,
      SEED_DEMO_DATA: 'false',
      SHUTDOWN_GRACE_MS: '10000',
    });
  });
  after(async () => {
    await app?.kill('SIGKILL');
    await db?.drop();
  });

  it('answers every in-flight request, refuses new ones, then exits 0', async () => {
    const inFlight = Array.from({ length: 20 }, () => slowRequest(app.baseUrl));
    await new Promise((r) => setTimeout(r, 300)); // all 20 are connected and mid-body
    const exitCode = app.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500)); // shutdown under way

    await assert.rejects(
      fetch(`${app.baseUrl}/health/live`),
      'a new connection must be refused once stopping',
    );

    for (const { req } of inFlight) req.end('x'.repeat(40));
    const results = await Promise.all(inFlight.map((r) => r.done));
    const exitedAt = Date.now();
    assert.equal(await exitCode, 0);
    // The service's real answer to each (POST is not a route: 404), not a reset connection.
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([404]));
    assert.ok(results.every((r) => r.at <= exitedAt));
    assert.match(app.output(), /SIGTERM received/);
  });
});
