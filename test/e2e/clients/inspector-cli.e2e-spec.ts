import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';
import {
  assertToolsInstalled,
  childEnv,
  clientCount,
  describeRun,
  fakeBrowser,
  grantsOf,
  registeredClient,
  runTool,
  tempDir,
  TOOLS,
} from './harness';
import type { ContextResult, FakeBrowser, ToolResult } from './harness';

/**
 * The MCP Inspector 2.12 CLI (`mcp-inspector --cli`) on its own Node 22 binary
 * (tools/node22), headless: with no TTY, MCP_AUTO_OPEN_ENABLED=true makes it open the
 * authorization URL, and the fake xdg-open signs in and approves (mcp-auth.md §3.4). Its OAuth
 * state lives under HOME (a temp dir here), with secrets in a file so a second invocation can
 * reuse the tokens the way a CI job with `--use-stored-auth` would.
 */

const EMAIL = 'analyst@initech.example';

interface InspectorJson<T> {
  result?: T;
  error?: { code: string; message: string };
}

describe('MCP Inspector CLI (real third-party client, Node 22) against the service', () => {
  let app: OAuthTestApp;
  let orgId: string;
  let userId: string;
  const work = tempDir('inspector-');
  let browser: FakeBrowser;

  before(async () => {
    assertToolsInstalled(TOOLS.node22, TOOLS.inspector);
    app = await startOAuthTestApp();
    orgId = await app.createOrganization('Initech Receivables');
    userId = await app.createUser(EMAIL, [{ orgId, role: 'viewer' }]);
    // The Inspector's own Node 22 directory goes on PATH too (as `npx --prefix tools/node22`
    // would put it): the fake opener must work whichever `node` it is started with.
    browser = fakeBrowser(
      work.path,
      { email: EMAIL, password: TEST_PASSWORD },
      { pathPrefix: [TOOLS.node22Bin] },
    );
  });
  after(async () => {
    await app.stop();
    work.cleanup();
  });

  async function inspector(url: string, transport: 'http' | 'sse', method: string[]): Promise<ToolResult> {
    return runTool(
      TOOLS.node22,
      [TOOLS.inspector, '--cli', url, '--transport', transport, ...method, '--format', 'json'],
      {
        env: childEnv({
          ...browser.env,
          HOME: join(work.path, `home-${transport}`),
          MCP_AUTO_OPEN_ENABLED: 'true',
          MCP_INSPECTOR_SECRET_STORE: 'file',
          NO_COLOR: '1',
        }),
        timeoutMs: 45_000,
      },
    );
  }

  function parse<T>(result: ToolResult): T {
    assert.equal(result.code, 0, describeRun('mcp-inspector --cli', result));
    const body = JSON.parse(result.stdout) as InspectorJson<T>;
    assert.equal(body.error, undefined, JSON.stringify(body.error));
    assert.ok(body.result, result.stdout);
    return body.result;
  }

  it('tools/list: registers by DCR, signs in through the browser and lists get_context', async () => {
    const clientsBefore = await clientCount(app);
    const result = await inspector(app.resource, 'http', ['--method', 'tools/list']);
    const { tools } = parse<{ tools: { name: string }[] }>(result);
    assert.ok(
      tools.some((tool) => tool.name === 'get_context'),
      tools.map((t) => t.name).join(', '),
    );
    assert.match(result.stderr, /Please navigate to: http:\/\/127\.0\.0\.1:\d+\/authorize\?/);

    const visits = browser.visits();
    assert.equal(visits.length, 1, JSON.stringify(visits));
    const [visit] = visits;
    assert.equal(visit.error, undefined, visit.error);
    assert.equal(visit.callbackStatus, 200);
    const authorize = new URL(visit.authorizeUrl);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('resource'), app.resource);
    const redirectUri = authorize.searchParams.get('redirect_uri')!;
    assert.match(redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);

    assert.equal(await clientCount(app), clientsBefore + 1);
    const client = await registeredClient(app, authorize.searchParams.get('client_id')!);
    assert.equal(client.kind, 'dynamic');
    assert.equal(client.client_name, 'MCP Inspector');
    assert.deepEqual(client.redirect_uris, [redirectUri]);
    assert.equal(client.token_endpoint_auth_method, 'none');
    const grants = await grantsOf(app, userId, client.id);
    assert.equal(grants.length, 1);
    assert.equal(grants[0].org_id, orgId);
  });

  it('tools/call get_context: answers with the signed-in user and organization, reusing the stored tokens', async () => {
    const result = await inspector(app.resource, 'http', [
      '--method',
      'tools/call',
      '--tool-name',
      'get_context',
    ]);
    const call = parse<{ structuredContent: ContextResult; isError?: boolean }>(result);
    assert.notEqual(call.isError, true);
    const context = call.structuredContent;
    assert.equal(context.user.id, userId);
    assert.equal(context.user.email, EMAIL);
    assert.equal(context.organization.id, orgId);
    assert.equal(context.organization.name, 'Initech Receivables');
    assert.equal(context.role, 'viewer');
    assert.equal(context.client, 'MCP Inspector');
    assert.ok(context.scopes.includes('ar:read'), context.scopes.join(' '));
    assert.ok(!context.scopes.includes('ar:write'), 'a viewer connection never writes');
    assert.equal(browser.visits().length, 1, 'the stored tokens were used: no second sign-in');
  });

  it('tools/list over the legacy SSE transport (--transport sse on /v1/sse) completes OAuth', async () => {
    const result = await inspector(`${app.baseUrl}/v1/sse`, 'sse', ['--method', 'tools/list']);
    const { tools } = parse<{ tools: { name: string }[] }>(result);
    assert.ok(tools.some((tool) => tool.name === 'get_context'));
  });
});
