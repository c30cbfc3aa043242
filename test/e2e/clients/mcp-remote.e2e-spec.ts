import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';
import {
  assertToolsInstalled,
  childEnv,
  clientCount,
  contextThrough,
  describeRun,
  fakeBrowser,
  grantsOf,
  registeredClient,
  runTool,
  tempDir,
  TOOLS,
} from './harness';

/**
 * mcp-remote 0.15.1 (geelen/mcp-remote), the bridge Claude Desktop, Cursor and other stdio-only
 * hosts use for remote servers, against the whole service on loopback with real PostgreSQL. It
 * discovers, registers by DCR, opens the browser (our fake xdg-open signs in and approves on the
 * real pages, then follows the redirect to mcp-remote's loopback callback), redeems the code and
 * talks MCP. Nothing in the flow is ours except the server and the "user".
 */

const EMAIL = 'controller@acme.example';

/** The tools list mcp-remote-client logs after connecting ("Tools: {…}"). */
function loggedTools(output: string): string[] {
  const match = /Tools: (\{[\s\S]*?\n\})\n/.exec(output);
  assert.ok(match, `mcp-remote-client printed no tools list:\n${output.slice(-3000)}`);
  return (JSON.parse(match[1]) as { tools: { name: string }[] }).tools.map((tool) => tool.name);
}

describe('mcp-remote (real third-party client) against the service', () => {
  let app: OAuthTestApp;
  let orgId: string;
  let userId: string;
  const work = tempDir('mcp-remote-');

  before(async () => {
    assertToolsInstalled(TOOLS.mcpRemoteClient, TOOLS.mcpRemoteProxy);
    app = await startOAuthTestApp();
    orgId = await app.createOrganization('Acme Receivables');
    userId = await app.createUser(EMAIL, [{ orgId, role: 'manager' }]);
  });
  after(async () => {
    await app.stop();
    work.cleanup();
  });

  const configDir = join(work.path, 'mcp-auth-client');

  it('mcp-remote-client registers by DCR, signs in through the browser, connects and lists get_context', async () => {
    const browser = fakeBrowser(work.path, { email: EMAIL, password: TEST_PASSWORD });
    const clientsBefore = await clientCount(app);
    const result = await runTool(process.execPath, [TOOLS.mcpRemoteClient, app.resource, '--allow-http'], {
      env: childEnv({ ...browser.env, MCP_REMOTE_CONFIG_DIR: configDir }),
      timeoutMs: 45_000,
      stdin: 'open',
    });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, describeRun('mcp-remote-client', result));
    assert.match(output, /Connected successfully!/);
    const tools = loggedTools(output);
    assert.ok(tools.includes('get_context'), `tools: ${tools.join(', ')}`);

    // The browser was opened once, on our /authorize, and the redirect reached mcp-remote.
    const visits = browser.visits();
    assert.equal(visits.length, 1, JSON.stringify(visits));
    const [visit] = visits;
    assert.equal(visit.error, undefined, visit.error);
    assert.equal(visit.callbackStatus, 200);
    const authorize = new URL(visit.authorizeUrl);
    assert.equal(authorize.origin + authorize.pathname, `${app.baseUrl}/authorize`);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('resource'), app.resource);
    const redirectUri = authorize.searchParams.get('redirect_uri')!;
    assert.match(redirectUri, /^http:\/\/localhost:\d+\/oauth\/callback$/);
    const callback = new URL(visit.callbackUrl!);
    assert.equal(callback.origin + callback.pathname, redirectUri);
    assert.equal(callback.searchParams.get('iss'), app.baseUrl);

    // It registered itself by DCR, as a public client with its loopback redirect URI.
    assert.equal(await clientCount(app), clientsBefore + 1);
    const client = await registeredClient(app, authorize.searchParams.get('client_id')!);
    assert.equal(client.kind, 'dynamic');
    assert.equal(client.client_name, 'MCP CLI Client');
    assert.deepEqual(client.redirect_uris, [redirectUri]);
    assert.equal(client.token_endpoint_auth_method, 'none');
    const grants = await grantsOf(app, userId, client.id);
    assert.equal(grants.length, 1);
    assert.equal(grants[0].org_id, orgId);
    assert.equal(grants[0].resource, app.resource);
  });

  it('mcp-remote-client run again reuses its stored tokens: no browser, no new registration', async () => {
    const browser = fakeBrowser(join(work.path, 'second'), { email: EMAIL, password: TEST_PASSWORD });
    const clientsBefore = await clientCount(app);
    const result = await runTool(process.execPath, [TOOLS.mcpRemoteClient, app.resource, '--allow-http'], {
      env: childEnv({ ...browser.env, MCP_REMOTE_CONFIG_DIR: configDir }),
      timeoutMs: 30_000,
      stdin: 'open',
    });
    assert.equal(result.code, 0, describeRun('mcp-remote-client (second run)', result));
    assert.ok(loggedTools(`${result.stdout}\n${result.stderr}`).includes('get_context'));
    assert.deepEqual(browser.visits(), []);
    assert.equal(await clientCount(app), clientsBefore);
  });

  it('the mcp-remote stdio proxy, launched the way Claude Desktop launches it, serves get_context for the signed-in user', async () => {
    const dir = join(work.path, 'proxy');
    const browser = fakeBrowser(dir, { email: EMAIL, password: TEST_PASSWORD });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [TOOLS.mcpRemoteProxy, app.resource, '--allow-http'],
      env: childEnv({ ...browser.env, MCP_REMOTE_CONFIG_DIR: join(dir, 'mcp-auth') }),
      stderr: 'pipe',
    });
    let proxyLog = '';
    transport.stderr?.on('data', (chunk: Buffer) => (proxyLog += chunk.toString()));
    const client = new Client({ name: 'claude-desktop-like-host', version: '1.0.0' });
    try {
      await client.connect(transport);
      assert.equal(client.getServerVersion()?.name, 'tesorio-mcp');
      const context = await contextThrough(client);
      assert.equal(context.user.email, EMAIL);
      assert.equal(context.organization.id, orgId);
      assert.equal(context.role, 'manager');
      assert.equal(context.client, 'MCP CLI Proxy');
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- mcp-remote log ---\n${proxyLog.slice(-4000)}`, {
        cause: error,
      });
    } finally {
      await client.close();
    }
    const visits = browser.visits();
    assert.equal(visits.length, 1, 'the proxy signed in once, through the browser');
    assert.equal(visits[0].callbackStatus, 200);
  });

  it('mcp-remote-client on the legacy SSE URL (/v1/sse, the "SSE" form of client settings) completes OAuth', async () => {
    const browser = fakeBrowser(join(work.path, 'sse'), { email: EMAIL, password: TEST_PASSWORD });
    const result = await runTool(
      process.execPath,
      [TOOLS.mcpRemoteClient, `${app.baseUrl}/v1/sse`, '--allow-http', '--transport', 'sse-only'],
      {
        env: childEnv({ ...browser.env, MCP_REMOTE_CONFIG_DIR: join(work.path, 'mcp-auth-sse') }),
        timeoutMs: 30_000,
        stdin: 'open',
      },
    );
    assert.equal(result.code, 0, describeRun('mcp-remote-client (SSE)', result));
    assert.ok(loggedTools(`${result.stdout}\n${result.stderr}`).includes('get_context'));
  });
});
