import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, SSEClientTransport } from '@modelcontextprotocol/client';
import type { EventStream } from '../../support/event-stream';
import { assertOAuthError, obtainTokens, registerClient } from '../../support/oauth-flows';
import type { RegisteredClient, Tokens } from '../../support/oauth-flows';
import { TEST_PASSWORD } from '../../support/oauth-test-app';
import { startRedisServer } from '../../support/redis-server';
import type { RedisServer } from '../../support/redis-server';
import { startReplicaProxy } from '../../support/replica-proxy';
import { startReplicaSet } from '../../support/replica-set';
import type { Replica, ReplicaSet } from '../../support/replica-set';
import {
  callTool,
  isRateLimited,
  mcpRequest,
  openLegacyStream,
  postLegacyMessage,
  registerFrom,
  signInAttempt,
} from './replica-helpers';

const GENERIC_LOGIN_FAILURE = /The email or password is not right/;
const UNKNOWN_SESSION = 'Unknown or closed SSE session; open a new stream with GET /v1/sse.';

interface ContextResult {
  user: { email: string };
  organization: { id: string };
}

/** The JSON-RPC message of the next "message" event on `stream`. */
async function nextMessage(stream: EventStream): Promise<{ id?: number; result?: Record<string, unknown> }> {
  const event = await stream.next();
  assert.equal(event.event, 'message', `expected a message event, got ${event.event}: ${event.data}`);
  return JSON.parse(event.data) as { id?: number; result?: Record<string, unknown> };
}

const LIMITS = {
  OAUTH_REGISTRATIONS_PER_HOUR: '3',
  MCP_TOOL_CALLS_PER_MINUTE: '4',
  LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
  // Registrations and sign-ins come "from" documentation addresses through one trusted hop.
  TRUST_PROXY_HOPS: '1',
};

describe('two replicas sharing PostgreSQL and Redis', () => {
  let redis: RedisServer;
  let set: ReplicaSet;
  let a: Replica;
  let b: Replica;
  let orgId: string;
  /** Registered once from 127.0.0.1 and reused: the registration limit is 3 per address. */
  let client: RegisteredClient;

  /** A connection (grant) of its own for `email`, so each test counts its own tool calls. */
  async function connectionFor(email: string): Promise<Tokens> {
    await set.createUser(email, [{ orgId, role: 'viewer' }]);
    return obtainTokens(a, { email }, { client });
  }

  before(async () => {
    redis = await startRedisServer();
    set = await startReplicaSet({ ...LIMITS, REDIS_URL: redis.url });
    [a, b] = set.replicas;
    orgId = await set.createOrganization('Replicated Receivables');
    client = await registerClient(a);
  });
  after(async () => {
    await set?.stop();
    await redis?.destroy();
  });

  it('counts client registrations from one address on both replicas against one hourly limit', async () => {
    const flooder = '203.0.113.10';
    for (const replica of [a, b, a]) assert.equal((await registerFrom(replica, flooder)).status, 201);
    await assertOAuthError(await registerFrom(b, flooder), 429, 'too_many_requests');
    await assertOAuthError(await registerFrom(a, flooder), 429, 'too_many_requests');
    assert.equal((await registerFrom(b, '203.0.113.11')).status, 201, 'another address still registers');
  });

  it('counts one connection’s tool calls on both replicas against one per-minute limit', async () => {
    const tokens = await connectionFor('busy@replicas.example');
    for (const replica of [a, b, a, b]) {
      const answer = await callTool(replica, tokens.access_token);
      assert.notEqual(answer.isError, true, JSON.stringify(answer));
    }
    assert.ok(isRateLimited(await callTool(a, tokens.access_token)), 'the fifth call, on A, is refused');
    assert.ok(isRateLimited(await callTool(b, tokens.access_token)), 'and the sixth, on B');
    // Another connection has a budget of its own.
    const other = await connectionFor('calm@replicas.example');
    assert.notEqual((await callTool(b, other.access_token)).isError, true);
  });

  it('counts failed sign-ins on both replicas against one account limit (kept in PostgreSQL)', async () => {
    const victim = 'guessed@replicas.example';
    await set.createUser(victim, [{ orgId, role: 'viewer' }]);
    await set.createUser('bystander@replicas.example', [{ orgId, role: 'viewer' }]);
    let address = 0;
    const from = (): string => `198.51.100.${++address}`;
    for (const replica of [a, b, a]) {
      const failed = await signInAttempt(replica, victim, 'not the password', from());
      assert.notEqual(failed.status, 303);
    }
    // The right password, on the replica that saw one failure only, is refused like a wrong one.
    const locked = await signInAttempt(b, victim, TEST_PASSWORD, from());
    assert.equal(locked.status, 200, 'the locked account is not signed in');
    assert.match(locked.body, GENERIC_LOGIN_FAILURE);
    assert.equal((await signInAttempt(b, 'bystander@replicas.example', TEST_PASSWORD, from())).status, 303);
  });

  describe('legacy SSE with the stream on A and the messages posted to B', () => {
    it('answers initialize, tools/list and tools/call on A’s stream', async () => {
      const tokens = await connectionFor('sse@replicas.example');
      const { stream, messagesPath } = await openLegacyStream(a, tokens.access_token);
      try {
        const post = (message: Record<string, unknown>): Promise<Response> =>
          postLegacyMessage(b, messagesPath, tokens.access_token, message);

        const initialize = await post({
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2024-11-05',
            capabilities: {},
            clientInfo: { name: 'replica-test', version: '1.0.0' },
          },
        });
        assert.equal(initialize.status, 202, await initialize.text());
        const initialized = await nextMessage(stream);
        assert.equal(initialized.id, 1);
        assert.ok(initialized.result?.serverInfo, JSON.stringify(initialized));

        assert.equal((await post({ method: 'notifications/initialized' })).status, 202);

        assert.equal((await post({ id: 2, method: 'tools/list', params: {} })).status, 202);
        const listed = await nextMessage(stream);
        assert.equal(listed.id, 2);
        const tools = (listed.result?.tools ?? []) as { name: string }[];
        assert.ok(tools.some((t) => t.name === 'get_context'));

        const called = await post({
          id: 3,
          method: 'tools/call',
          params: { name: 'get_context', arguments: {} },
        });
        assert.equal(called.status, 202);
        const context = await nextMessage(stream);
        assert.equal(context.id, 3);
        const result = context.result as { isError?: boolean; structuredContent: ContextResult };
        assert.notEqual(result.isError, true);
        assert.equal(result.structuredContent.user.email, 'sse@replicas.example');
        assert.equal(result.structuredContent.organization.id, orgId);
        assert.equal(stream.pending, 0, 'one answer per request, nothing for the notification');
      } finally {
        stream.close();
      }
    });

    it('refuses with 404 a POST on B naming A’s session with another grant’s token', async () => {
      const owner = await connectionFor('owner@replicas.example');
      const intruder = await connectionFor('intruder@replicas.example');
      const { stream, messagesPath } = await openLegacyStream(a, owner.access_token);
      try {
        const hijack = await postLegacyMessage(b, messagesPath, intruder.access_token, {
          id: 7,
          method: 'tools/list',
        });
        assert.equal(hijack.status, 404);
        assert.equal(((await hijack.json()) as { message: string }).message, UNKNOWN_SESSION);
        // The owner's own POST still goes through, and is the only answer on the stream.
        assert.equal(
          (await postLegacyMessage(b, messagesPath, owner.access_token, { id: 8, method: 'tools/list' }))
            .status,
          202,
        );
        assert.equal((await nextMessage(stream)).id, 8);
      } finally {
        stream.close();
      }
    });

    it('answers 404 for a session no replica holds, and for a stream once it has closed', async () => {
      const tokens = await connectionFor('closer@replicas.example');
      const unknown = await postLegacyMessage(
        b,
        '/v1/sse/messages?sessionId=nobody-has-this',
        tokens.access_token,
        {
          id: 1,
          method: 'tools/list',
        },
      );
      assert.equal(unknown.status, 404);

      const { stream, messagesPath } = await openLegacyStream(a, tokens.access_token);
      stream.close();
      // A notices the hang-up and deletes the record; B then no longer finds the session.
      let status = 0;
      for (let attempt = 0; attempt < 40 && status !== 404; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (
          await postLegacyMessage(b, messagesPath, tokens.access_token, {
            method: 'notifications/initialized',
          })
        ).status;
      }
      assert.equal(status, 404, 'a closed stream is unknown on every replica within 2 s');
    });

    it('serves the MCP SDK’s SSE client behind a load balancer that sends every POST to the other replica', async () => {
      const tokens = await connectionFor('sdk@replicas.example');
      const proxy = await startReplicaProxy((request) => (request.method === 'GET' ? a.baseUrl : b.baseUrl));
      const sdk = new Client({ name: 'replica-sdk-test', version: '1.0.0' });
      try {
        await sdk.connect(
          new SSEClientTransport(new URL('/v1/sse', proxy.origin), {
            authProvider: { token: () => Promise.resolve(tokens.access_token) },
          }),
        );
        const { tools } = await sdk.listTools();
        assert.ok(tools.some((t) => t.name === 'get_context'));
        const result = await sdk.callTool({ name: 'get_context', arguments: {} });
        assert.notEqual(result.isError, true);
        assert.equal((result.structuredContent as ContextResult).user.email, 'sdk@replicas.example');
        assert.ok(
          proxy.log.some(
            (line) => line.startsWith('GET /v1/sse') && line.endsWith(new URL(a.baseUrl).origin),
          ),
        );
        assert.ok(
          proxy.log.some(
            (line) => line.startsWith('POST /v1/sse/messages') && line.endsWith(new URL(b.baseUrl).origin),
          ),
        );
      } finally {
        await sdk.close();
        await proxy.close();
      }
    });
  });
});

describe('two replicas without Redis', () => {
  let set: ReplicaSet;
  let a: Replica;
  let b: Replica;
  let tokens: Tokens;

  before(async () => {
    set = await startReplicaSet({ MCP_TOOL_CALLS_PER_MINUTE: '4' });
    [a, b] = set.replicas;
    const orgId = await set.createOrganization('Unshared Receivables');
    await set.createUser('solo@replicas.example', [{ orgId, role: 'viewer' }]);
    tokens = await obtainTokens(a, { email: 'solo@replicas.example' });
  });
  after(async () => set?.stop());

  it('answers a POST on B for a stream held by A with 404 and the clear message', async () => {
    const { stream, messagesPath } = await openLegacyStream(a, tokens.access_token);
    try {
      const elsewhere = await postLegacyMessage(b, messagesPath, tokens.access_token, {
        id: 1,
        method: 'tools/list',
      });
      assert.equal(elsewhere.status, 404);
      assert.equal(((await elsewhere.json()) as { message: string }).message, UNKNOWN_SESSION);
      // The replica holding the stream answers on it as before.
      assert.equal(
        (await postLegacyMessage(a, messagesPath, tokens.access_token, { id: 2, method: 'tools/list' }))
          .status,
        202,
      );
      assert.equal((await nextMessage(stream)).id, 2);
    } finally {
      stream.close();
    }
  });

  it('still serves a single replica fully: SSE through the SDK, tool calls and the per-replica limit', async () => {
    const sdk = new Client({ name: 'single-replica-test', version: '1.0.0' });
    await sdk.connect(
      new SSEClientTransport(new URL('/v1/sse', a.baseUrl), {
        authProvider: { token: () => Promise.resolve(tokens.access_token) },
      }),
    );
    try {
      const result = await sdk.callTool({ name: 'get_context', arguments: {} });
      assert.notEqual(result.isError, true);
    } finally {
      await sdk.close();
    }
    // One call spent above; three more are allowed on A, the fifth is refused.
    for (let i = 0; i < 3; i++) assert.notEqual((await callTool(a, tokens.access_token)).isError, true);
    assert.ok(isRateLimited(await callTool(a, tokens.access_token)));
    // Without Redis each replica counts on its own (documented in ADR 0011).
    assert.notEqual((await callTool(b, tokens.access_token)).isError, true);
    assert.equal((await mcpRequest(b, tokens.access_token, 'tools/list')).status, 200);
  });
});
