import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventStream } from '../../support/event-stream';
import { assertOAuthError, obtainTokens, registerClient } from '../../support/oauth-flows';
import type { RegisteredClient, Tokens } from '../../support/oauth-flows';
import { startRedisServer } from '../../support/redis-server';
import type { RedisServer } from '../../support/redis-server';
import { startReplica, startReplicaSet } from '../../support/replica-set';
import type { Replica, ReplicaSet } from '../../support/replica-set';
import {
  callTool,
  isRateLimited,
  openLegacyStream,
  postLegacyMessage,
  registerFrom,
  within,
} from './replica-helpers';

/** ADR 0011: nothing waits on a dead Redis for longer than this. */
const NO_HANG_MS = 2000;

const ENV = {
  OAUTH_REGISTRATIONS_PER_HOUR: '20',
  MCP_TOOL_CALLS_PER_MINUTE: '3',
  TRUST_PROXY_HOPS: '1',
};

async function nextMessageId(stream: EventStream): Promise<number | undefined> {
  const event = await stream.next();
  assert.equal(event.event, 'message', event.data);
  return (JSON.parse(event.data) as { id?: number }).id;
}

async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Redis holds the shared counters and the legacy-SSE routing. When it dies mid-run the replicas keep
 * serving: client registration fails closed (503 temporarily_unavailable), tool calls fail open to
 * each replica's own count, a legacy-SSE POST that needs another replica gets 503 — none of it
 * crashes or hangs, and all of it comes back with Redis.
 */
describe('replicas when Redis goes down mid-run, and comes back', () => {
  let redis: RedisServer;
  let set: ReplicaSet;
  let a: Replica;
  let b: Replica;
  let client: RegisteredClient;
  let busy: Tokens;
  let streamer: Tokens;
  let held: { stream: EventStream; messagesPath: string };
  /**
   * A third replica started during the outage. It runs until the end: it registered passport's
   * process-wide "bearer" strategy last, so every replica here validates tokens through its pool.
   */
  let c: Replica | undefined;

  before(async () => {
    redis = await startRedisServer();
    set = await startReplicaSet({ ...ENV, REDIS_URL: redis.url });
    [a, b] = set.replicas;
    const orgId = await set.createOrganization('Outage Receivables');
    await set.createUser('busy@outage.example', [{ orgId, role: 'viewer' }]);
    await set.createUser('streamer@outage.example', [{ orgId, role: 'viewer' }]);
    // Everything that needs a registration happens while Redis is up.
    client = await registerClient(a);
    busy = await obtainTokens(a, { email: 'busy@outage.example' }, { client });
    streamer = await obtainTokens(a, { email: 'streamer@outage.example' }, { client });
    held = await openLegacyStream(a, streamer.access_token);
  });
  after(async () => {
    held?.stream.close();
    await c?.server.stop();
    await set?.stop();
    await redis?.destroy();
  });

  it('relays a legacy SSE message from B to A’s stream while Redis is up', async () => {
    const posted = await postLegacyMessage(b, held.messagesPath, streamer.access_token, {
      id: 1,
      method: 'tools/list',
    });
    assert.equal(posted.status, 202);
    assert.equal(await nextMessageId(held.stream), 1);
  });

  describe('with Redis stopped', () => {
    before(async () => redis.stop());

    it('refuses client registration with 503 temporarily_unavailable on every replica, quickly', async () => {
      for (const replica of [a, b]) {
        const response = await within(NO_HANG_MS, 'a registration', () =>
          registerFrom(replica, '203.0.113.50'),
        );
        assert.ok(response.headers.get('retry-after'), 'a Retry-After header');
        await assertOAuthError(response, 503, 'temporarily_unavailable');
      }
    });

    it('keeps answering tool calls, each replica counting the connection on its own', async () => {
      for (let i = 0; i < 3; i++) {
        const answer = await within(NO_HANG_MS, 'a tool call', () => callTool(a, busy.access_token));
        assert.notEqual(answer.isError, true, JSON.stringify(answer));
      }
      assert.ok(isRateLimited(await callTool(a, busy.access_token)), 'A still enforces the limit itself');
      const elsewhere = await within(NO_HANG_MS, 'a tool call', () => callTool(b, busy.access_token));
      assert.notEqual(elsewhere.isError, true, 'B has counted none of A’s calls');
    });

    it('answers 503 to a POST on B for A’s stream, while A itself still answers on it', async () => {
      const lost = await within(NO_HANG_MS, 'a cross-replica POST', () =>
        postLegacyMessage(b, held.messagesPath, streamer.access_token, { id: 2, method: 'tools/list' }),
      );
      assert.equal(lost.status, 503);
      assert.match(((await lost.json()) as { message: string }).message, /retry in a few seconds/);
      const local = await postLegacyMessage(a, held.messagesPath, streamer.access_token, {
        id: 3,
        method: 'tools/list',
      });
      assert.equal(local.status, 202);
      assert.equal(await nextMessageId(held.stream), 3);
    });

    it('opens new legacy SSE streams without waiting for Redis', async () => {
      const opened = await within(NO_HANG_MS, 'opening a stream', () =>
        openLegacyStream(b, streamer.access_token),
      );
      try {
        const posted = await postLegacyMessage(b, opened.messagesPath, streamer.access_token, {
          id: 4,
          method: 'tools/list',
        });
        assert.equal(posted.status, 202);
        assert.equal(await nextMessageId(opened.stream), 4);
      } finally {
        opened.stream.close();
      }
    });

    it('starts another replica and reports it ready: start-up does not depend on Redis', async () => {
      c = await within(10_000, 'starting a replica', () =>
        startReplica({
          databaseUrl: set.database.url,
          publicUrl: a.config.publicUrl,
          env: { ...ENV, REDIS_URL: redis.url },
        }),
      );
      assert.equal((await fetch(`${c.baseUrl}/health/ready`)).status, 200);
      assert.notEqual((await callTool(c, busy.access_token)).isError, true);
    });
  });

  describe('once Redis is back', () => {
    before(async () => redis.start());

    it('accepts registrations again', async () => {
      await eventually('a registration', async () => {
        const response = await registerFrom(b, '203.0.113.60');
        return response.status === 201 ? true : undefined;
      });
    });

    it('relays B’s answers to the stream A kept open through the outage', async () => {
      // A puts its stream's record back when its connection is ready again; B then finds it.
      const status = await eventually('a relayed POST', async () => {
        const posted = await postLegacyMessage(b, held.messagesPath, streamer.access_token, {
          id: 5,
          method: 'tools/list',
        });
        return posted.status === 202 ? posted.status : undefined;
      });
      assert.equal(status, 202);
      assert.equal(await nextMessageId(held.stream), 5);
    });

    it('shares the tool-call count across replicas again', async () => {
      const fresh = await obtainTokens(
        a,
        { email: 'busy@outage.example' },
        { client: await registerClient(b) },
      );
      for (const replica of [a, b, a])
        assert.notEqual((await callTool(replica, fresh.access_token)).isError, true);
      assert.ok(isRateLimited(await callTool(b, fresh.access_token)), 'the fourth call, on B, is refused');
    });
  });
});
