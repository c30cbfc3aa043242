import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, SSEClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import type { OAuthClientProvider } from '@modelcontextprotocol/client';
import { HeadlessOAuthProvider } from '../../support/headless-oauth-provider';
import { OAuthBrowser } from '../../support/oauth-browser';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';
import { clientCount, contextThrough, grantsOf, registeredClient } from './harness';
import type { ContextResult } from './harness';

/**
 * A client on the legacy HTTP+SSE transport (MCP 2024-11-05: GET /v1/sse opens the stream, the
 * first event names the POST URL) doing everything itself: the SDK v2 SSEClientTransport meets
 * the 401, discovers, registers by DCR, sends the user to sign in (OAuthBrowser on the real
 * pages), redeems the code through finishAuth, reconnects, lists and calls tools, and later
 * refreshes its token on its own. endpoint.e2e-spec.ts covers the transport with a static token.
 */

const REDIRECT_URL = 'http://127.0.0.1:43871/oauth/callback';
const EMAIL = 'collector@globex.example';

/** The shared headless provider; each authorization in a new browser (no session kept). */
class SseOAuthProvider extends HeadlessOAuthProvider {
  constructor(baseUrl: string, person: { email: string; password: string }) {
    super(() => new OAuthBrowser(baseUrl), person, {
      clientName: 'Legacy SSE e2e client',
      redirectUrl: REDIRECT_URL,
    });
  }
}

/**
 * The same client, recording the resource it validates. The SDK calls
 * validateResourceURL(<url it connects to>, <resource in the metadata>) and uses the answer as the
 * RFC 8707 resource; this one accepts a same-origin resource and records the pair, so the test can
 * check that /v1/sse's metadata names /v1/sse itself (the stock provider needs exactly that).
 */
class SseOAuthProviderAcceptingAdvertisedResource extends SseOAuthProvider {
  readonly validatedResources: string[] = [];

  validateResourceURL(serverUrl: string | URL, resource?: string): Promise<URL | undefined> {
    const requested = new URL(serverUrl);
    if (!resource) return Promise.resolve(undefined);
    const advertised = new URL(resource);
    assert.equal(advertised.origin, requested.origin, 'a resource on another origin is never accepted');
    this.validatedResources.push(`${requested.href} -> ${advertised.href}`);
    return Promise.resolve(advertised);
  }
}

async function connect(url: URL, provider: OAuthClientProvider): Promise<Client> {
  const client = new Client({ name: 'legacy-sse-e2e', version: '1.0.0' });
  await client.connect(new SSEClientTransport(url, { authProvider: provider }));
  return client;
}

/** First connect: 401 → discovery, DCR, authorization (UnauthorizedError); then finishAuth. */
async function authorizeOverSse(url: URL, provider: SseOAuthProvider): Promise<URL> {
  const transport = new SSEClientTransport(url, { authProvider: provider });
  const client = new Client({ name: 'legacy-sse-e2e', version: '1.0.0' });
  await assert.rejects(client.connect(transport), UnauthorizedError);
  const callback = provider.takeCallback();
  await transport.finishAuth(callback.searchParams);
  await client.close();
  return callback;
}

describe('a client on the legacy HTTP+SSE transport, OAuth end to end', () => {
  let app: OAuthTestApp;
  let orgId: string;
  let userId: string;
  let sseUrl: URL;
  /** One client across the tests below, as an app keeps its registration and tokens. */
  let provider: SseOAuthProviderAcceptingAdvertisedResource;

  before(async () => {
    app = await startOAuthTestApp();
    orgId = await app.createOrganization('Globex Receivables');
    userId = await app.createUser(EMAIL, [{ orgId, role: 'manager' }]);
    sseUrl = new URL(`${app.baseUrl}/v1/sse`);
    provider = new SseOAuthProviderAcceptingAdvertisedResource(app.baseUrl, {
      email: EMAIL,
      password: TEST_PASSWORD,
    });
  });
  after(async () => app.stop());

  it('a stock SDK OAuthClientProvider completes OAuth on /v1/sse', async () => {
    const stock = new SseOAuthProvider(app.baseUrl, { email: EMAIL, password: TEST_PASSWORD });
    await authorizeOverSse(sseUrl, stock);
    const client = await connect(sseUrl, stock);
    await client.close();
  });

  it('registers by DCR, signs in and redeems the code through SSEClientTransport.finishAuth', async () => {
    const clientsBefore = await clientCount(app);
    const callback = await authorizeOverSse(sseUrl, provider);

    // Asked at authorization and again at the code exchange; always the same answer.
    assert.deepEqual([...new Set(provider.validatedResources)], [`${sseUrl.href} -> ${sseUrl.href}`]);
    const [authorizationUrl] = provider.authorizationUrls;
    assert.equal(authorizationUrl.origin + authorizationUrl.pathname, `${app.baseUrl}/authorize`);
    assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizationUrl.searchParams.get('resource'), sseUrl.href);
    assert.equal(callback.searchParams.get('iss'), app.baseUrl);

    const information = provider.clientInformation()!;
    assert.equal(await clientCount(app), clientsBefore + 1);
    const registered = await registeredClient(app, information.client_id);
    assert.equal(registered.kind, 'dynamic');
    assert.deepEqual(registered.redirect_uris, [REDIRECT_URL]);
    const tokens = provider.tokens()!;
    assert.ok(tokens.access_token.startsWith('tmcp_at_'));
    assert.ok(tokens.refresh_token?.startsWith('tmcp_rt_'));
    const grants = await grantsOf(app, userId, information.client_id);
    assert.equal(grants.length, 1);
    assert.equal(grants[0].org_id, orgId);
  });

  it('reconnects over SSE with the tokens, lists tools and calls get_context for the signed-in user', async () => {
    const client = await connect(sseUrl, provider);
    try {
      const context = await contextThrough(client);
      assert.equal(context.user.id, userId);
      assert.equal(context.user.email, EMAIL);
      assert.equal(context.organization.id, orgId);
      assert.equal(context.role, 'manager');
      assert.equal(context.client, 'Legacy SSE e2e client');
      // The SDK asks for the scope of the 401 challenge (the minimal one) plus offline_access.
      assert.deepEqual(context.scopes, ['ar:read', 'offline_access']);
    } finally {
      await client.close();
    }
    assert.equal(provider.authorizationUrls.length, 1, 'no second sign-in');
  });

  it('when the access token stops working, the transport refreshes on its own and carries on', async () => {
    const before = provider.tokens()!;
    provider.saveTokens({ ...before, access_token: 'tmcp_at_no-longer-valid' });
    const client = await connect(sseUrl, provider);
    try {
      const result = await client.callTool({ name: 'get_context', arguments: {} });
      assert.equal((result.structuredContent as ContextResult).user.email, EMAIL);
    } finally {
      await client.close();
    }
    const after = provider.tokens()!;
    assert.notEqual(after.access_token, 'tmcp_at_no-longer-valid');
    assert.notEqual(after.refresh_token, before.refresh_token, 'the refresh token rotated');
    assert.equal(provider.authorizationUrls.length, 1, 'a refresh, not a new sign-in');
  });
});
