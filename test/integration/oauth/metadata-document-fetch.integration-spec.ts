import assert from 'node:assert/strict';
import dns from 'node:dns';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it, mock } from 'node:test';
import { MetadataDocumentCache } from '../../../src/oauth/clients/metadata-document/metadata-document.cache';
import { UnsafeFetchError, fetchPublicJson } from '../../../src/oauth/clients/metadata-document/safe-fetch';
import type { FetchPolicy } from '../../../src/oauth/clients/metadata-document/safe-fetch';

/**
 * The CIMD fetcher against real HTTP servers on loopback (security.md F7). Loopback is only
 * reachable with the test-only `allowInsecureLoopback`; the last group proves that without it the
 * same server never even sees a connection.
 */

const TEST_POLICY: FetchPolicy = { timeoutMs: 2000, maxBytes: 5 * 1024, allowInsecureLoopback: true };
const PRODUCTION_POLICY: FetchPolicy = { ...TEST_POLICY, allowInsecureLoopback: false };
/** A missing deadline or byte cap must fail these tests, not hang the run. */
const SLOW_TEST = { timeout: 5000 };

interface MetadataServer {
  port: number;
  url(path: string): string;
  requests: IncomingMessage[];
  connections: number;
  openConnections: number;
  reset(): void;
  close(): Promise<void>;
}

function documentFor(request: IncomingMessage) {
  return {
    client_id: `http://${request.headers.host}${request.url}`,
    client_name: 'Loopback Test Client',
    redirect_uris: ['http://127.0.0.1/callback'],
    token_endpoint_auth_method: 'none',
  };
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

/** Writes 1 KiB every few milliseconds until the client hangs up. */
function streamForever(response: ServerResponse, chunk: string): void {
  const timer = setInterval(() => response.write(chunk), 2);
  response.on('close', () => clearInterval(timer));
}

const ROUTES: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/client.json': (request, response) =>
    sendJson(response, 200, documentFor(request), { 'cache-control': 'public, max-age=120' }),
  '/redirect': (_request, response) => {
    response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    response.end();
  },
  '/huge-streamed': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"padding":"');
    streamForever(response, 'x'.repeat(1024));
  },
  '/huge-declared': (_request, response) => {
    const body = JSON.stringify({ padding: 'x'.repeat(10 * 1024) });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  },
  '/never-ends': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"client_id":');
  },
  '/never-answers': () => undefined,
  '/html': (request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(JSON.stringify(documentFor(request)));
  },
  '/not-json': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('<html>not json</html>');
  },
  '/missing': (_request, response) => sendJson(response, 404, { error: 'not_found' }),
  '/broken': (_request, response) => sendJson(response, 500, { error: 'oops' }),
};

async function startMetadataServer(): Promise<MetadataServer> {
  const server = createServer((request, response) => {
    state.requests.push(request);
    const route = ROUTES[new URL(request.url ?? '/', 'http://x').pathname];
    if (route) route(request, response);
    else sendJson(response, 404, {});
  });
  const state: MetadataServer = {
    port: 0,
    url: (path) => `http://127.0.0.1:${state.port}${path}`,
    requests: [],
    connections: 0,
    openConnections: 0,
    reset() {
      state.requests = [];
      state.connections = 0;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', (socket) => {
    state.connections += 1;
    state.openConnections += 1;
    socket.on('close', () => (state.openConnections -= 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

async function refusal(url: string, policy: FetchPolicy): Promise<UnsafeFetchError> {
  let caught: unknown;
  await assert.rejects(fetchPublicJson(url, policy), (error) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof UnsafeFetchError, `expected an UnsafeFetchError, got ${String(caught)}`);
  return caught;
}

async function eventually(condition: () => boolean, what: string, withinMs = 1000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('fetching a client metadata document from a real server', () => {
  let server: MetadataServer;
  before(async () => {
    server = await startMetadataServer();
  });
  beforeEach(() => server.reset());
  after(() => server.close());

  it('fetches a valid document with the expected headers and cache lifetime', async () => {
    const fetched = await fetchPublicJson(server.url('/client.json'), TEST_POLICY);
    assert.deepEqual(fetched, {
      body: {
        client_id: server.url('/client.json'),
        client_name: 'Loopback Test Client',
        redirect_uris: ['http://127.0.0.1/callback'],
        token_endpoint_auth_method: 'none',
      },
      maxAgeSeconds: 120,
    });
    const [request] = server.requests;
    assert.equal(request.headers.accept, 'application/json');
    assert.equal(request.headers['user-agent'], 'tesorio-mcp (client metadata fetch)');
    assert.equal(request.headers.cookie, undefined);
    assert.equal(request.headers.authorization, undefined);
  });

  it('goes through the cache: parsed once, served from memory the second time', async () => {
    const cache = new MetadataDocumentCache({
      policy: TEST_POLICY,
      minTtlSeconds: 60,
      maxTtlSeconds: 3600,
      defaultTtlSeconds: 300,
      maxEntries: 10,
    });
    const url = server.url('/client.json');
    const [first, second] = [await cache.get(url), await cache.get(url)];
    assert.equal(first.clientId, url);
    assert.equal(second.clientName, 'Loopback Test Client');
    assert.equal(server.requests.length, 1);
  });

  it('refuses a redirect and does not follow it', async () => {
    const error = await refusal(server.url('/redirect'), TEST_POLICY);
    assert.equal(error.reason, 'the metadata document URL redirected; redirects are not followed');
    assert.equal(server.requests.length, 1);
  });

  it('cuts off a body that streams past maxBytes', SLOW_TEST, async () => {
    const error = await refusal(server.url('/huge-streamed'), TEST_POLICY);
    assert.match(error.reason, /larger than 5120 bytes/);
    await eventually(() => server.openConnections === 0, 'the server saw the connection closed');
  });

  it('refuses a body whose declared length is past maxBytes', async () => {
    const error = await refusal(server.url('/huge-declared'), TEST_POLICY);
    assert.match(error.reason, /larger than 5120 bytes/);
  });

  it('gives up on a body that never ends within the timeout and closes the socket', SLOW_TEST, async () => {
    const policy = { ...TEST_POLICY, timeoutMs: 300 };
    const started = Date.now();
    const error = await refusal(server.url('/never-ends'), policy);
    assert.ok(Date.now() - started < policy.timeoutMs + 500, `took ${Date.now() - started} ms`);
    assert.match(error.reason, /did not answer within 300 ms/);
    await eventually(() => server.openConnections === 0, 'the server saw the connection closed');
  });

  it('gives up on a server that never answers within the timeout', SLOW_TEST, async () => {
    const policy = { ...TEST_POLICY, timeoutMs: 300 };
    const started = Date.now();
    const error = await refusal(server.url('/never-answers'), policy);
    assert.ok(Date.now() - started < policy.timeoutMs + 500, `took ${Date.now() - started} ms`);
    assert.match(error.reason, /did not answer within 300 ms/);
    await eventually(() => server.openConnections === 0, 'the server saw the connection closed');
  });

  it('refuses a document not served as application/json', async () => {
    const error = await refusal(server.url('/html'), TEST_POLICY);
    assert.match(error.reason, /must be served as application\/json/);
  });

  it('refuses a body that is not JSON', async () => {
    const error = await refusal(server.url('/not-json'), TEST_POLICY);
    assert.match(error.reason, /not valid JSON/);
  });

  it('refuses statuses other than 200', async () => {
    assert.match(
      (await refusal(server.url('/missing'), TEST_POLICY)).reason,
      /answered HTTP 404; expected 200/,
    );
    assert.match(
      (await refusal(server.url('/broken'), TEST_POLICY)).reason,
      /answered HTTP 500; expected 200/,
    );
  });

  it('reports a refused connection without naming the address', async () => {
    const closed = await startMetadataServer();
    await closed.close();
    const error = await refusal(closed.url('/client.json'), TEST_POLICY);
    assert.match(error.reason, /connection failed/);
    assert.doesNotMatch(error.reason, /127\.0\.0\.1|ECONNREFUSED/);
  });

  describe('DNS pinning', () => {
    after(() => mock.restoreAll());

    it('connects to the address it vetted, keeping the host name for the Host header', async () => {
      // The name does not exist: if the socket resolved it again instead of using the vetted
      // address, this request would fail with ENOTFOUND (or, in a rebinding attack, go elsewhere).
      const lookup = mock.method(dns.promises, 'lookup', (() =>
        Promise.resolve([{ address: '127.0.0.1', family: 4 }])) as unknown as typeof dns.promises.lookup);
      const url = `http://cimd-pinning.invalid:${server.port}/client.json`;
      const fetched = await fetchPublicJson(url, TEST_POLICY);
      assert.equal((fetched.body as { client_id: string }).client_id, url);
      assert.equal(server.requests[0].headers.host, `cimd-pinning.invalid:${server.port}`);
      assert.equal(lookup.mock.callCount(), 1);
    });
  });
});

describe('without the test-only loopback allowance', () => {
  let server: MetadataServer;
  before(async () => {
    server = await startMetadataServer();
  });
  beforeEach(() => server.reset());
  after(() => server.close());

  function assertUntouched(): void {
    assert.equal(server.connections, 0, 'the server saw no connection');
    assert.equal(server.requests.length, 0, 'the server saw no request');
  }

  it('refuses the same loopback URL and never connects', async () => {
    const error = await refusal(server.url('/client.json'), PRODUCTION_POLICY);
    assert.match(error.reason, /must use https/);
    assertUntouched();
  });

  it('refuses https to a loopback address and never connects', async () => {
    const error = await refusal(`https://127.0.0.1:${server.port}/client.json`, PRODUCTION_POLICY);
    assert.match(error.reason, /non-public network address/);
    assertUntouched();
  });

  it('refuses a host name that resolves to loopback ("localhost") and never connects', async () => {
    const error = await refusal(`https://localhost:${server.port}/client.json`, PRODUCTION_POLICY);
    assert.match(error.reason, /non-public network address/);
    assertUntouched();
  });

  it('refuses odd spellings of the loopback address and never connects', async () => {
    for (const host of ['0x7f.1', '2130706433', '017700000001', '[::ffff:127.0.0.1]', '127.1']) {
      const error = await refusal(`https://${host}:${server.port}/client.json`, PRODUCTION_POLICY);
      assert.match(error.reason, /non-public network address/, host);
    }
    assertUntouched();
  });
});
