import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { formFields } from '../../support/oauth-browser';
import { obtainTokens } from '../../support/oauth-flows';
import type { Tokens } from '../../support/oauth-flows';
import { startOAuthTestApp } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

interface ContextResult {
  user: { email: string };
  organization: { id: string; name: string };
  role: string;
  scopes: string[];
}

async function connect(url: URL, token: string, era: 'legacy' | 'modern' | 'sse'): Promise<Client> {
  const client = new Client(
    { name: 'endpoint-test', version: '1.0.0' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  const authProvider = { token: () => Promise.resolve(token) };
  const transport =
    era === 'sse'
      ? new SSEClientTransport(new URL('/v1/sse', url), { authProvider })
      : new StreamableHTTPClientTransport(url, { authProvider });
  await client.connect(transport);
  return client;
}

async function rawPost(app: OAuthTestApp, headers: Record<string, string>, body = '{}'): Promise<Response> {
  return fetch(`${app.baseUrl}/v1/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body,
  });
}

describe('the MCP endpoint behind OAuth', () => {
  let app: OAuthTestApp;
  let orgId: string;
  let tokens: Tokens;

  before(async () => {
    app = await startOAuthTestApp();
    orgId = await app.createOrganization('Acme Receivables');
    await app.createUser('viewer@acme.example', [{ orgId, role: 'viewer' }]);
    tokens = await obtainTokens(
      app,
      { email: 'viewer@acme.example' },
      { overrides: { scope: 'ar:read ar:write' } },
    );
  });
  after(async () => app.stop());

  for (const era of ['legacy', 'modern', 'sse'] as const) {
    it(`answers get_context for the grant's user and organization (${era} transport)`, async () => {
      const client = await connect(new URL(app.resource), tokens.access_token, era);
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === 'get_context'));
        const result = await client.callTool({ name: 'get_context', arguments: {} });
        assert.notEqual(result.isError, true);
        const context = result.structuredContent as ContextResult;
        assert.equal(context.user.email, 'viewer@acme.example');
        assert.equal(context.organization.id, orgId);
        assert.equal(context.role, 'viewer');
        // A viewer asked for ar:write, but the role narrows the connection to reading.
        assert.deepEqual(context.scopes, ['ar:read', 'offline_access']);
      } finally {
        await client.close();
      }
    });
  }

  it('challenges a request without a token with the metadata URL and the minimal scope', async () => {
    const response = await rawPost(app, {});
    assert.equal(response.status, 401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.ok(
      challenge.includes(`resource_metadata="${app.baseUrl}/.well-known/oauth-protected-resource/v1/mcp"`),
    );
    assert.ok(challenge.includes('scope="ar:read"'));
    assert.doesNotMatch(challenge, /error=/);
  });

  it('refuses a foreign web Origin and an unknown Host with 403, even with a valid token', async () => {
    const auth = { authorization: `Bearer ${tokens.access_token}` };
    assert.equal((await rawPost(app, { ...auth, origin: 'https://evil.example' })).status, 403);
    assert.equal((await rawPost(app, { ...auth, origin: 'https://claude.ai' }, '[]')).status !== 403, true);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(app.resource);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { ...auth, host: 'attacker.example', 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(status, 403);
  });

  it('lists the write tools a role allows even on a read-only grant, and answers their call with a 403 step-up', async () => {
    await app.createUser('collector@acme.example', [{ orgId, role: 'collector' }]);
    const readOnly = await obtainTokens(
      app,
      { email: 'collector@acme.example' },
      { overrides: { scope: 'ar:read' } },
    );
    const client = await connect(new URL(app.resource), readOnly.access_token, 'legacy');
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      assert.ok(names.includes('add_note'), 'collections tools are visible to a collector');
      assert.ok(!names.includes('record_payment'), 'money tools are not: the role cannot use them');
    } finally {
      await client.close();
    }
    const call = await rawPost(
      app,
      { authorization: `Bearer ${readOnly.access_token}`, 'mcp-protocol-version': '2025-11-25' },
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'add_note',
          arguments: { customerId: '00000000-0000-4000-8000-000000000000', body: 'x' },
        },
      }),
    );
    assert.equal(call.status, 403);
    const challenge = call.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /error="insufficient_scope"/);
    assert.match(challenge, /scope="ar:write"/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { pad: 'x'.repeat(1_100_000) },
    });
    const response = await rawPost(app, { authorization: `Bearer ${tokens.access_token}` }, big);
    assert.equal(response.status, 413);
  });

  it('does not let another grant use an SSE session id', async () => {
    const other = await obtainTokens(app, { email: 'viewer@acme.example' });
    const client = await connect(new URL(app.resource), tokens.access_token, 'sse');
    try {
      const stream = await fetch(`${app.baseUrl}/v1/sse`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      const reader = stream.body!.getReader();
      const chunk = (await reader.read()).value as Uint8Array;
      const first = new TextDecoder().decode(chunk);
      const sessionPath = /data: (\/v1\/sse\/messages\?sessionId=[^\n]+)/.exec(first)?.[1];
      assert.ok(sessionPath, first);
      const hijack = await fetch(`${app.baseUrl}${sessionPath}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${other.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      });
      assert.equal(hijack.status, 404);
      await reader.cancel();
    } finally {
      await client.close();
    }
  });

  it('answers 401 on the next call after the user disconnects the app on the connected-apps page', async () => {
    const fresh = await obtainTokens(app, { email: 'viewer@acme.example' });
    const client = await connect(new URL(app.resource), fresh.access_token, 'legacy');
    try {
      assert.notEqual((await client.callTool({ name: 'get_context', arguments: {} })).isError, true);
      const page = await fresh.browser.get('/account/connections');
      const grant = (await (
        await fetch(`${app.baseUrl}/v1/whoami`, {
          headers: { authorization: `Bearer ${fresh.access_token}` },
        })
      ).json()) as {
        grantId: string;
      };
      const fields = formFields(page.body);
      const done = await fresh.browser.post('/account/connections/disconnect', {
        csrf_token: fields.csrf_token,
        grant_id: grant.grantId,
      });
      assert.equal(done.status, 303);
      for (const [method, params] of [
        ['tools/call', { name: 'get_context', arguments: {} }],
        ['tools/list', {}],
      ] as const) {
        const after = await rawPost(
          app,
          { authorization: `Bearer ${fresh.access_token}` },
          JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
        );
        assert.equal(after.status, 401, method);
        assert.match(after.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      }
    } finally {
      await client.close().catch(() => undefined);
    }
  });
});

describe('per-connection tool-call limit', () => {
  let app: OAuthTestApp;

  before(async () => {
    app = await startOAuthTestApp({ MCP_TOOL_CALLS_PER_MINUTE: '3' });
    const orgId = await app.createOrganization('Limited');
    await app.createUser('busy@acme.example', [{ orgId, role: 'viewer' }]);
  });
  after(async () => app.stop());

  it('refuses calls past the limit with a sentence that says to wait, and counts per connection', async () => {
    const first = await obtainTokens(app, { email: 'busy@acme.example' });
    const client = await connect(new URL(app.resource), first.access_token, 'legacy');
    try {
      for (let i = 0; i < 3; i++) {
        assert.notEqual((await client.callTool({ name: 'get_context', arguments: {} })).isError, true);
      }
      const refused = await client.callTool({ name: 'get_context', arguments: {} });
      assert.equal(refused.isError, true);
      assert.match(
        JSON.stringify(refused.content),
        /Too many tool calls on this connection.*Wait a few seconds/,
      );
    } finally {
      await client.close();
    }
    const second = await obtainTokens(app, { email: 'busy@acme.example' });
    const other = await connect(new URL(app.resource), second.access_token, 'legacy');
    try {
      assert.notEqual((await other.callTool({ name: 'get_context', arguments: {} })).isError, true);
    } finally {
      await other.close();
    }
  });
});
