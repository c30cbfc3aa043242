import { auth, IssuerMismatchError } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { HeadlessOAuthProvider } from '../../support/headless-oauth-provider';
import { OAuthBrowser } from '../../support/oauth-browser';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

/**
 * The official MCP SDK v2 client (`@modelcontextprotocol/client`) obtaining tokens from our
 * authorization server with its own `auth()` orchestration: discovery (RFC 9728 path-inserted PRM,
 * RFC 8414), DCR or a Client ID Metadata Document, PKCE S256, the RFC 9207 `iss` check, the code
 * exchange, refresh and recovery after a revoke. The "user" is OAuthBrowser filling in our real
 * login and consent pages (mcp-auth.md §3.3).
 */

/** Nothing listens here: the browser stops at the redirect and the provider reads the code from it. */
const REDIRECT_URL = 'http://127.0.0.1:43917/oauth/callback';

interface Person {
  email: string;
  password: string;
  orgId: string;
}

/** The shared headless provider, recording what the SDK asks it to forget. */
class HeadlessProvider extends HeadlessOAuthProvider {
  /** What the SDK asked to forget, in order (invalidateCredentials). */
  readonly invalidated: string[] = [];

  constructor(browser: OAuthBrowser, person: Person, options: { clientMetadataUrl?: string } = {}) {
    super(() => browser, person, { clientName: 'SDK e2e client', redirectUrl: REDIRECT_URL, ...options });
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    this.invalidated.push(scope);
    if (scope === 'all' || scope === 'client') this.client = undefined;
    if (scope === 'all' || scope === 'tokens') this.stored = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }
}

/** Both legs of auth(): it sends the user to sign in (REDIRECT), then redeems the code (AUTHORIZED). */
async function authorize(provider: HeadlessProvider, serverUrl: string): Promise<URL> {
  assert.equal(await auth(provider, { serverUrl }), 'REDIRECT');
  const callback = provider.takeCallback();
  const result = await auth(provider, {
    serverUrl,
    authorizationCode: callback.searchParams.get('code') ?? undefined,
    iss: callback.searchParams.get('iss') ?? undefined,
  });
  assert.equal(result, 'AUTHORIZED');
  return callback;
}

async function whoami(app: OAuthTestApp, accessToken: string): Promise<Response> {
  return fetch(`${app.baseUrl}/v1/whoami`, { headers: { authorization: `Bearer ${accessToken}` } });
}

async function clientKinds(app: OAuthTestApp): Promise<Record<string, number>> {
  const rows = await app.dataSource.query<{ kind: string; n: number }[]>(
    'SELECT kind, count(*)::int AS n FROM oauth_clients GROUP BY kind',
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

describe('the MCP SDK v2 client auth() registering through DCR', () => {
  let app: OAuthTestApp;
  let person: Person;
  let userId: string;

  before(async () => {
    app = await startOAuthTestApp();
    const orgId = await app.createOrganization('Acme Receivables');
    userId = await app.createUser('manager@acme.example', [{ orgId, role: 'manager' }]);
    person = { email: 'manager@acme.example', password: TEST_PASSWORD, orgId };
  });
  after(async () => app.stop());

  it('discovers, registers, signs in and gets tokens that /v1/whoami accepts for the right user and organization', async () => {
    const dynamicBefore = (await clientKinds(app)).dynamic ?? 0;
    const provider = new HeadlessProvider(new OAuthBrowser(app.baseUrl), person);
    const callback = await authorize(provider, app.resource);

    const client = provider.clientInformation()!;
    assert.ok(!client.client_id.startsWith('http'), 'a DCR client_id is ours, not a URL');
    assert.equal((await clientKinds(app)).dynamic, dynamicBefore + 1);
    const [authorizationUrl] = provider.authorizationUrls;
    assert.equal(authorizationUrl.origin + authorizationUrl.pathname, `${app.baseUrl}/authorize`);
    assert.equal(authorizationUrl.searchParams.get('client_id'), client.client_id);
    assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizationUrl.searchParams.get('resource'), app.resource);
    assert.equal(
      authorizationUrl.searchParams.get('scope'),
      'ar:read ar:write payments:write offline_access',
    );
    assert.equal(callback.searchParams.get('iss'), app.baseUrl);

    const tokens = provider.tokens()!;
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.access_token.startsWith('tmcp_at_'));
    assert.ok(tokens.refresh_token?.startsWith('tmcp_rt_'));
    assert.equal(tokens.issuer, app.baseUrl);

    const response = await whoami(app, tokens.access_token);
    assert.equal(response.status, 200);
    const principal = (await response.json()) as Record<string, unknown>;
    assert.equal(principal.userId, userId);
    assert.equal(principal.orgId, person.orgId);
    assert.equal(principal.role, 'manager');
    assert.equal(principal.clientId, client.client_id);
    assert.deepEqual(principal.scopes, ['ar:read', 'ar:write', 'payments:write', 'offline_access']);
  });

  it('refuses a callback whose iss is not our issuer (RFC 9207) before redeeming the code, then accepts ours', async () => {
    const provider = new HeadlessProvider(new OAuthBrowser(app.baseUrl), person);
    assert.equal(await auth(provider, { serverUrl: app.resource }), 'REDIRECT');
    const callback = provider.takeCallback();
    const code = callback.searchParams.get('code')!;

    await assert.rejects(
      auth(provider, { serverUrl: app.resource, authorizationCode: code, iss: 'https://evil.example' }),
      (error: unknown) => error instanceof IssuerMismatchError && error.kind === 'authorization_response',
    );
    assert.equal(provider.tokens(), undefined);
    // The mismatch stopped the SDK before the token request, so the single-use code is still good.
    const result = await auth(provider, {
      serverUrl: app.resource,
      authorizationCode: code,
      iss: callback.searchParams.get('iss')!,
    });
    assert.equal(result, 'AUTHORIZED');
    assert.equal((await whoami(app, provider.tokens()!.access_token)).status, 200);
  });

  it('refreshes through auth() when it holds a refresh token, without sending the user anywhere', async () => {
    const provider = new HeadlessProvider(new OAuthBrowser(app.baseUrl), person);
    await authorize(provider, app.resource);
    const first = provider.tokens()!;
    // The SDK refreshes whenever auth() runs with a refresh token and no code; an access token the
    // client no longer trusts (expired, or dropped as here) changes nothing.
    provider.saveTokens({ ...first, access_token: 'tmcp_at_dropped' });

    assert.equal(await auth(provider, { serverUrl: app.resource }), 'AUTHORIZED');
    assert.equal(provider.authorizationUrls.length, 1, 'a refresh must not open a new authorization');
    const second = provider.tokens()!;
    assert.notEqual(second.access_token, first.access_token);
    assert.ok(second.refresh_token?.startsWith('tmcp_rt_'));
    assert.notEqual(second.refresh_token, first.refresh_token, 'refresh tokens rotate (OAuth 2.1 §4.3.1)');
    assert.equal(second.scope, first.scope);

    const response = await whoami(app, second.access_token);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as Record<string, unknown>).userId, userId);
  });

  it('after the refresh token is revoked the old access token gets 401, and auth() recovers by re-authorizing', async () => {
    const provider = new HeadlessProvider(new OAuthBrowser(app.baseUrl), person);
    await authorize(provider, app.resource);
    const revokedTokens = provider.tokens()!;
    const clientId = provider.clientInformation()!.client_id;
    const dynamicBefore = (await clientKinds(app)).dynamic;

    const revoke = await fetch(`${app.baseUrl}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: revokedTokens.refresh_token!, client_id: clientId }).toString(),
    });
    assert.equal(revoke.status, 200);
    const rejected = await whoami(app, revokedTokens.access_token);
    assert.equal(rejected.status, 401);
    assert.match(rejected.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

    // The refresh fails with invalid_grant; the SDK drops the tokens and starts a new authorization.
    const warn = mock.method(console, 'warn', () => undefined);
    try {
      assert.equal(await auth(provider, { serverUrl: app.resource }), 'REDIRECT');
    } finally {
      warn.mock.restore();
    }
    assert.match(String(warn.mock.calls[0]?.arguments[0]), /"invalid_grant".*has been revoked/);
    assert.deepEqual(provider.invalidated, ['tokens']);
    assert.equal(provider.tokens(), undefined);
    assert.equal(provider.authorizationUrls.length, 2);
    const callback = provider.takeCallback();
    assert.equal(
      await auth(provider, {
        serverUrl: app.resource,
        authorizationCode: callback.searchParams.get('code')!,
        iss: callback.searchParams.get('iss')!,
      }),
      'AUTHORIZED',
    );

    const renewed = provider.tokens()!;
    assert.notEqual(renewed.access_token, revokedTokens.access_token);
    assert.equal(provider.clientInformation()!.client_id, clientId, 'the registration is kept');
    assert.equal((await clientKinds(app)).dynamic, dynamicBefore, 'no second registration');
    const response = await whoami(app, renewed.access_token);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as Record<string, unknown>).userId, userId);
    assert.equal((await whoami(app, revokedTokens.access_token)).status, 401);
  });
});

/**
 * A Client ID Metadata Document on loopback. It has to be https: the SDK uses CIMD only for an
 * https clientMetadataUrl with a path (SEP-991, `isHttpsUrl` in its auth.ts) and throws
 * InvalidClientMetadata for http. So the document is served with a throw-away self-signed
 * certificate, and because Node 20 cannot add a trusted CA at run time (NODE_EXTRA_CA_CERTS is read
 * at start-up only), certificate checks are switched off in this test process while the suite runs.
 */
interface MetadataDocumentServer {
  url: string;
  fetches: number;
  close(): Promise<void>;
}

async function serveMetadataDocument(redirectUrl: string): Promise<MetadataDocumentServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cimd-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    const state = { url: '', fetches: 0 };
    const server: Server = createServer(tls, (request, response) => {
      if (request.url !== '/oauth/client-metadata.json') {
        response.writeHead(404).end();
        return;
      }
      state.fetches++;
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
      response.end(
        JSON.stringify({
          client_id: state.url,
          client_name: 'SDK e2e client (CIMD)',
          redirect_uris: [redirectUrl],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/client-metadata.json`;
    return {
      get url() {
        return state.url;
      },
      get fetches() {
        return state.fetches;
      },
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the MCP SDK v2 client auth() with a Client ID Metadata Document', () => {
  let app: OAuthTestApp;
  let person: Person;
  let userId: string;
  let document: MetadataDocumentServer;
  const previousTlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;

  before(async () => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    document = await serveMetadataDocument(REDIRECT_URL);
    app = await startOAuthTestApp({ CIMD_ALLOW_INSECURE_LOOPBACK_FOR_TESTS: 'true' });
    const orgId = await app.createOrganization('Initrode Receivables');
    userId = await app.createUser('controller@initrode.example', [{ orgId, role: 'manager' }]);
    person = { email: 'controller@initrode.example', password: TEST_PASSWORD, orgId };
  });
  after(async () => {
    await app.stop();
    await document.close();
    if (previousTlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previousTlsSetting;
  });

  it('uses the document URL as client_id instead of registering, and the tokens work', async () => {
    const provider = new HeadlessProvider(new OAuthBrowser(app.baseUrl), person, {
      clientMetadataUrl: document.url,
    });
    await authorize(provider, app.resource);

    assert.equal(provider.clientInformation()!.client_id, document.url);
    assert.equal(provider.authorizationUrls[0].searchParams.get('client_id'), document.url);
    assert.ok(document.fetches >= 1, 'the authorization server fetched the metadata document');
    const kinds = await clientKinds(app);
    assert.equal(kinds.dynamic ?? 0, 0, 'no dynamic client registration happened');
    const rows = await app.dataSource.query<{ kind: string; client_name: string }[]>(
      'SELECT kind, client_name FROM oauth_clients WHERE id = $1',
      [document.url],
    );
    assert.deepEqual(rows, [{ kind: 'metadata_document', client_name: 'SDK e2e client (CIMD)' }]);

    const tokens = provider.tokens()!;
    assert.ok(tokens.refresh_token?.startsWith('tmcp_rt_'));
    const response = await whoami(app, tokens.access_token);
    assert.equal(response.status, 200);
    const principal = (await response.json()) as Record<string, unknown>;
    assert.equal(principal.userId, userId);
    assert.equal(principal.orgId, person.orgId);
    assert.equal(principal.clientId, document.url);

    // A refresh through the SDK works for a metadata-document client too (public, no secret).
    assert.equal(await auth(provider, { serverUrl: app.resource }), 'AUTHORIZED');
    assert.notEqual(provider.tokens()!.access_token, tokens.access_token);
    assert.equal((await whoami(app, provider.tokens()!.access_token)).status, 200);
  });
});
