import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, SSEClientTransport } from '@modelcontextprotocol/client';
import { startAppProcess } from '../../support/app-process';
import type { AppProcess } from '../../support/app-process';
import type { EventStream } from '../../support/event-stream';
import { newPkce, OAuthBrowser, signInAndApprove } from '../../support/oauth-browser';
import {
  assertOAuthError,
  authorizeUrl,
  exchangeCode,
  obtainTokens,
  postJson,
  principalOf,
  publicClientMetadata,
  refresh,
  registerClient,
  runCli,
  tokenSet,
} from '../../support/oauth-flows';
import type { RegisteredClient, ServiceUnderTest, Tokens } from '../../support/oauth-flows';
import { TEST_PASSWORD } from '../../support/oauth-test-app';
import { freePort } from '../../support/postgres-server';
import { startRedisServer } from '../../support/redis-server';
import type { RedisServer } from '../../support/redis-server';
import { startRoundRobinProxy } from '../../support/round-robin-proxy';
import type { RoundRobinProxy, ServedRequest } from '../../support/round-robin-proxy';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';
import { isRateLimited, openLegacyStream, postLegacyMessage } from './replica-helpers';
import type { ToolAnswer } from './replica-helpers';

/**
 * Issue 5, "How it is checked": two real service processes (`node dist/src/main.js`) on one
 * PostgreSQL database and one Redis, behind a round-robin load balancer without sticky sessions
 * that both advertise as PUBLIC_URL. Unlike several-replicas.e2e-spec.ts nothing is shared in
 * memory: each process has its own Passport registry, caches, timers and SSE streams.
 *
 * The tests run in order and share one registered client (scenario 1 registers it), so the
 * registration count of scenario 3 includes scenario 1's registration.
 */

const LIMITS = { OAUTH_REGISTRATIONS_PER_HOUR: 4, MCP_TOOL_CALLS_PER_MINUTE: 4 };
const EMAIL = 'ops@two-processes.example';
const BACKEND = ['A', 'B'];

interface ContextResult {
  user: { email: string };
  organization: { id: string };
}

interface Replica {
  process: AppProcess;
  /** The public listener, reached directly (bypassing the load balancer). */
  direct: ServiceUnderTest;
  adminUrl: string;
}

let rpcId = 0;

/** One JSON-RPC POST to /v1/mcp as a 2025-11-25 client sends it (stateless, JSON answer). */
async function mcpPost(
  baseUrl: string,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/v1/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
  });
}

/** tools/call get_context; asserts the HTTP and JSON-RPC layers went through, returns the result. */
async function getContext(baseUrl: string, token: string): Promise<ToolAnswer> {
  const response = await mcpPost(baseUrl, token, 'tools/call', { name: 'get_context', arguments: {} });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  const body = JSON.parse(text) as { result?: ToolAnswer };
  assert.ok(body.result, `expected a tool result, got ${text}`);
  return body.result;
}

/** Asserts a 401 bearer challenge saying the token is no good. */
async function assertUnauthorized(response: Response, where: string): Promise<void> {
  const text = await response.text();
  assert.equal(response.status, 401, `${where}: expected 401, got ${response.status}: ${text}`);
  assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/, where);
}

/** POST /register as an MCP client does, without asserting the answer. */
async function registration(service: ServiceUnderTest): Promise<Response> {
  return postJson(`${service.baseUrl}/register`, publicClientMetadata());
}

/** `count` different free loopback ports (freePort() alone may hand out the same one twice). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** "POST /token → B" lines, for assertion messages. */
function describeServed(entries: ServedRequest[]): string {
  return entries.map((e) => `${e.method} ${e.path} → ${BACKEND[e.backend]}`).join('\n');
}

describe('two service processes behind a round-robin load balancer, sharing PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let redis: RedisServer;
  let proxy: RoundRobinProxy;
  /** The load balancer as clients see it: issuer, resource and every advertised URL. */
  let front: ServiceUnderTest;
  let a: Replica;
  let b: Replica;
  let orgId: string;
  let adminKey: string;
  /** Registered through the load balancer in scenario 1 and reused after. */
  let client: RegisteredClient;
  let registrations = 0;

  /** Which replica the load balancer's next request goes to. */
  const nextReplica = (): Replica => (proxy.nextBackend === 0 ? a : b);

  /** Every process that came up, so after() stops it even when its sibling failed to start. */
  const processes: AppProcess[] = [];

  async function startReplica(
    env: Record<string, string>,
    port: number,
    adminPort: number,
  ): Promise<Replica> {
    const started = await startAppProcess({
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
    });
    processes.push(started);
    return {
      process: started,
      direct: { baseUrl: started.baseUrl, resource: front.resource },
      adminUrl: `http://127.0.0.1:${adminPort}`,
    };
  }

  async function cli(args: string[], env: Record<string, string> = {}): Promise<string> {
    const run = await runCli(args, { DATABASE_URL: database.url, ...env });
    assert.equal(run.code, 0, `tesorio-mcp ${args.join(' ')} failed:\n${run.output}`);
    return run.output;
  }

  before(async () => {
    [database, redis, proxy] = await Promise.all([
      createTestDatabase(),
      startRedisServer(),
      startRoundRobinProxy(),
    ]);
    front = { baseUrl: proxy.origin, resource: `${proxy.origin}/v1/mcp` };
    const env = {
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redis.url,
      MIGRATIONS_RUN: 'false',
      SEED_DEMO_DATA: 'false',
      PUBLIC_URL: proxy.origin,
      OAUTH_REGISTRATIONS_PER_HOUR: String(LIMITS.OAUTH_REGISTRATIONS_PER_HOUR),
      MCP_TOOL_CALLS_PER_MINUTE: String(LIMITS.MCP_TOOL_CALLS_PER_MINUTE),
      // An open SSE stream must not hold a process's exit in after() for the default 10 s.
      SHUTDOWN_GRACE_MS: '1000',
    };
    const ports = await distinctFreePorts(4);
    const [org, keyOutput, replicaA, replicaB] = await Promise.all([
      cli(['create-org', '--name', 'Two Process Receivables', '--currency', 'USD']),
      cli(['admin-key', 'create', '--name', 'test']),
      startReplica(env, ports[0], ports[1]),
      startReplica(env, ports[2], ports[3]),
    ]);
    [a, b] = [replicaA, replicaB];
    proxy.setBackends([a.direct.baseUrl, b.direct.baseUrl]);
    orgId = /\(([0-9a-f-]{36})\)/.exec(org)?.[1] ?? assert.fail(`no organization id in:\n${org}`);
    adminKey = /\b(tmcp_ak_[A-Za-z0-9_-]+)/.exec(keyOutput)?.[1] ?? assert.fail(`no key in:\n${keyOutput}`);
    await cli(['create-user', '--email', EMAIL, '--name', 'Ops'], { TESORIO_PASSWORD: TEST_PASSWORD });
    await cli(['add-membership', '--email', EMAIL, '--org', orgId, '--role', 'viewer']);
  });

  after(async () => {
    await proxy?.close();
    await Promise.all(processes.map((p) => p.kill()));
    await redis?.destroy();
    await database?.drop();
  });

  it('runs as two separate processes that both advertise the load balancer as issuer and resource', async () => {
    assert.notEqual(a.process.child.pid, b.process.child.pid);
    assert.notEqual(a.direct.baseUrl, b.direct.baseUrl);
    const mark = proxy.served.length;
    for (let i = 0; i < 2; i++) {
      const metadata = await fetch(`${proxy.origin}/.well-known/oauth-authorization-server`);
      assert.equal(metadata.status, 200);
      assert.equal(((await metadata.json()) as { issuer: string }).issuer, proxy.origin);
      const resource = await fetch(`${proxy.origin}/.well-known/oauth-protected-resource/v1/mcp`);
      assert.equal(resource.status, 200);
      assert.equal(((await resource.json()) as { resource: string }).resource, front.resource);
    }
    assert.deepEqual(proxy.counts(mark), [2, 2]);
  });

  describe('scenario 1: a full OAuth flow whose consecutive requests alternate between the processes', () => {
    let tokens: Tokens;

    it('registers, authorizes, signs in, consents and redeems the code across both processes', async () => {
      const mark = proxy.served.length;
      client = await registerClient(front);
      registrations++;
      const browser = new OAuthBrowser(proxy.origin);
      const pkce = newPkce();
      const callback = await signInAndApprove(browser, authorizeUrl(front, client, pkce), {
        email: EMAIL,
        password: TEST_PASSWORD,
      });
      assert.equal(`${callback.origin}${callback.pathname}`, client.redirectUri);
      assert.equal(callback.searchParams.get('iss'), proxy.origin);
      const code = callback.searchParams.get('code') ?? assert.fail(`no code in ${callback.toString()}`);
      const issued = await tokenSet(await exchangeCode(front, client, code, pkce.verifier), client);
      tokens = { ...issued, browser };

      const flow = proxy.served.slice(mark);
      const trace = describeServed(flow);
      for (const step of ['POST /register', 'GET /authorize', 'POST /oauth/login', 'POST /oauth/consent'])
        assert.ok(
          flow.some((e) => `${e.method} ${e.path}` === step),
          `${step} missing from:\n${trace}`,
        );
      assert.equal(flow.at(-1)?.path, '/token', trace);
      for (let i = 1; i < flow.length; i++)
        assert.notEqual(flow[i].backend, flow[i - 1].backend, `consecutive requests alternate:\n${trace}`);
      const [onA, onB] = proxy.counts(mark);
      assert.ok(onA >= 2 && onB >= 2, `both processes served the flow:\n${trace}`);
    });

    it('answers tools/call get_context on POST /v1/mcp (2025-11-25) from either process', async () => {
      const mark = proxy.served.length;
      for (let i = 0; i < 2; i++) {
        const result = await getContext(proxy.origin, tokens.access_token);
        assert.notEqual(result.isError, true, JSON.stringify(result));
        const context = result.structuredContent as unknown as ContextResult;
        assert.equal(context.user.email, EMAIL);
        assert.equal(context.organization.id, orgId);
      }
      assert.deepEqual(proxy.counts(mark), [1, 1], describeServed(proxy.served.slice(mark)));
    });

    describe('scenario 2: revoking the session on process A’s admin port', () => {
      it('is refused on the public port (the load balancer only reaches public listeners)', async () => {
        const grantId = (await principalOf(front, tokens.access_token)).grantId;
        const response = await fetch(`${proxy.origin}/admin/v1/sessions/${grantId}/revoke`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ reason: 'should never get here' }),
        });
        assert.equal(response.status, 404);
      });

      it('ends the session on process B at its very next MCP request, and the refresh token with it', async () => {
        const { grantId } = await principalOf(front, tokens.access_token);
        // B has just validated this token (its caches, if any, are warm).
        assert.notEqual((await getContext(b.direct.baseUrl, tokens.access_token)).isError, true);

        const revoked = await fetch(`${a.adminUrl}/admin/v1/sessions/${grantId}/revoke`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ reason: 'customer asked support to disconnect this app' }),
        });
        const text = await revoked.text();
        assert.equal(revoked.status, 200, text);
        const body = JSON.parse(text) as { revoked: boolean; session: { id: string } };
        assert.equal(body.revoked, true);
        assert.equal(body.session.id, grantId);

        // The very next MCP request, straight to B (no load balancer in between).
        await assertUnauthorized(
          await mcpPost(b.direct.baseUrl, tokens.access_token, 'tools/call', {
            name: 'get_context',
            arguments: {},
          }),
          'B directly',
        );
        // Through the load balancer: whichever process is next, and then the other.
        for (let i = 0; i < 2; i++) {
          const replica = BACKEND[proxy.nextBackend];
          await assertUnauthorized(
            await mcpPost(proxy.origin, tokens.access_token, 'tools/list'),
            `${replica} via the load balancer`,
          );
        }
        await assertUnauthorized(await mcpPost(a.direct.baseUrl, tokens.access_token, 'tools/list'), 'A');
        // The refresh token is dead on both processes too.
        for (let i = 0; i < 2; i++)
          await assertOAuthError(await refresh(front, client, tokens.refresh_token), 400, 'invalid_grant');
      });
    });
  });

  describe('scenario 3: rate limits count across both processes', () => {
    it('refuses client registrations past OAUTH_REGISTRATIONS_PER_HOUR on both processes', async () => {
      const mark = proxy.served.length;
      while (registrations < LIMITS.OAUTH_REGISTRATIONS_PER_HOUR) {
        await registerClient(front);
        registrations++;
      }
      const allowed = proxy.served.slice(mark);
      assert.deepEqual(
        new Set(allowed.map((e) => e.backend)),
        new Set([0, 1]),
        `the allowed ones went to both:\n${describeServed(allowed)}`,
      );
      const refusedBy = new Set<string>();
      for (let i = 0; i < 2; i++) {
        refusedBy.add(BACKEND[proxy.nextBackend]);
        await assertOAuthError(await registration(front), 429, 'too_many_requests');
      }
      assert.deepEqual([...refusedBy].sort(), ['A', 'B']);
      for (const replica of [a, b])
        await assertOAuthError(await registration(replica.direct), 429, 'too_many_requests');
    });

    it('refuses tool calls past MCP_TOOL_CALLS_PER_MINUTE on both processes', async () => {
      const tokens = await obtainTokens(front, { email: EMAIL }, { client });
      const mark = proxy.served.length;
      for (let i = 0; i < LIMITS.MCP_TOOL_CALLS_PER_MINUTE; i++) {
        const answer = await getContext(proxy.origin, tokens.access_token);
        assert.notEqual(answer.isError, true, JSON.stringify(answer));
      }
      assert.deepEqual(proxy.counts(mark), [2, 2], 'the allowed calls were spread over both');
      const refusedBy = new Set<string>();
      for (let i = 0; i < 2; i++) {
        refusedBy.add(BACKEND[proxy.nextBackend]);
        const answer = await getContext(proxy.origin, tokens.access_token);
        assert.ok(isRateLimited(answer), `call ${i + 5} is refused: ${JSON.stringify(answer)}`);
      }
      assert.deepEqual([...refusedBy].sort(), ['A', 'B']);
      for (const replica of [a, b])
        assert.ok(isRateLimited(await getContext(replica.direct.baseUrl, tokens.access_token)));
      // Another connection of the same user has a budget of its own.
      const other = await obtainTokens(front, { email: EMAIL }, { client });
      assert.notEqual((await getContext(proxy.origin, other.access_token)).isError, true);
    });
  });

  describe('scenario 4: legacy SSE with the stream on one process and the messages on the other', () => {
    let tokens: Tokens;
    before(async () => {
      tokens = await obtainTokens(front, { email: EMAIL }, { client });
    });

    /** The JSON-RPC message of the next "message" event on `stream`. */
    async function nextMessage(
      stream: EventStream,
    ): Promise<{ id?: number; result?: Record<string, unknown> }> {
      const event = await stream.next();
      assert.equal(event.event, 'message', `expected a message event, got ${event.event}: ${event.data}`);
      return JSON.parse(event.data) as { id?: number; result?: Record<string, unknown> };
    }

    it('answers on A’s stream every request POSTed to B', async () => {
      const { stream, messagesPath } = await openLegacyStream(a.direct, tokens.access_token);
      try {
        const post = async (message: Record<string, unknown>): Promise<void> => {
          const response = await postLegacyMessage(b.direct, messagesPath, tokens.access_token, message);
          assert.equal(response.status, 202, await response.text());
        };
        await post({
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2024-11-05',
            capabilities: {},
            clientInfo: { name: 'two-process-test', version: '1.0.0' },
          },
        });
        const initialized = await nextMessage(stream);
        assert.equal(initialized.id, 1);
        assert.ok(initialized.result?.serverInfo, JSON.stringify(initialized));
        await post({ method: 'notifications/initialized' });

        await post({ id: 2, method: 'tools/list', params: {} });
        const listed = await nextMessage(stream);
        assert.equal(listed.id, 2);
        assert.ok(((listed.result?.tools ?? []) as { name: string }[]).some((t) => t.name === 'get_context'));

        await post({ id: 3, method: 'tools/call', params: { name: 'get_context', arguments: {} } });
        const called = await nextMessage(stream);
        assert.equal(called.id, 3);
        const result = called.result as { isError?: boolean; structuredContent: ContextResult };
        assert.notEqual(result.isError, true, JSON.stringify(result));
        assert.equal(result.structuredContent.user.email, EMAIL);
        assert.equal(result.structuredContent.organization.id, orgId);
        assert.equal(stream.pending, 0, 'one answer per request, nothing for the notification');
      } finally {
        stream.close();
      }
    });

    it('serves the MCP SDK’s SSE client through the round-robin load balancer', async () => {
      const mark = proxy.served.length;
      const streamOn = nextReplica() === a ? 0 : 1;
      const sdk = new Client({ name: 'two-process-sdk-test', version: '1.0.0' });
      try {
        await sdk.connect(
          new SSEClientTransport(new URL('/v1/sse', proxy.origin), {
            authProvider: { token: () => Promise.resolve(tokens.access_token) },
          }),
        );
        const { tools } = await sdk.listTools();
        assert.ok(tools.some((t) => t.name === 'get_context'));
        const result = await sdk.callTool({ name: 'get_context', arguments: {} });
        assert.notEqual(result.isError, true, JSON.stringify(result));
        assert.equal((result.structuredContent as ContextResult).user.email, EMAIL);
      } finally {
        await sdk.close();
      }
      const served = proxy.served.slice(mark);
      const trace = describeServed(served);
      assert.equal(served[0].path, '/v1/sse', trace);
      assert.equal(served[0].backend, streamOn, trace);
      assert.ok(
        served.some((e) => e.path === '/v1/sse/messages' && e.backend !== streamOn),
        `some POSTs landed on the process without the stream:\n${trace}`,
      );
    });
  });
});
