import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newPkce, OAuthBrowser, signInAndApprove } from '../../support/oauth-browser';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

interface TokenBody {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('the OAuth authorization flow over HTTP, as MCP clients run it', () => {
  let app: OAuthTestApp;
  let orgId: string;
  let userId: string;

  before(async () => {
    app = await startOAuthTestApp();
    orgId = await app.createOrganization('Acme Receivables');
    userId = await app.createUser('collector@acme.example', [{ orgId, role: 'collector' }]);
  });
  after(async () => app.stop());

  function authorizeUrl(
    clientId: string,
    redirectUri: string,
    pkce: { challenge: string },
    extra: Record<string, string> = {},
  ): string {
    const url = new URL('/authorize', app.baseUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: 'state-123',
      resource: app.resource,
      scope: 'ar:read ar:write offline_access',
      ...extra,
    }).toString();
    return url.toString();
  }

  it('discovers, registers like mcp-remote, signs in, consents, and gets tokens that work until revoked', async () => {
    const prm = (await (
      await fetch(`${app.baseUrl}/.well-known/oauth-protected-resource/v1/mcp`)
    ).json()) as Record<string, unknown>;
    assert.equal(prm.resource, app.resource);
    assert.deepEqual(prm.authorization_servers, [app.baseUrl]);
    const asm = (await (
      await fetch(`${app.baseUrl}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    assert.equal(asm.issuer, app.baseUrl);

    const registration = await postJson(asm.registration_endpoint as string, {
      client_name: 'MCP CLI Client',
      redirect_uris: ['http://localhost:14523/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    });
    assert.equal(registration.status, 201);
    const client = (await registration.json()) as { client_id: string; client_secret?: string };
    assert.equal(client.client_secret, undefined);

    const pkce = newPkce();
    const browser = new OAuthBrowser(app.baseUrl);
    const callback = await signInAndApprove(
      browser,
      authorizeUrl(client.client_id, 'http://localhost:14523/oauth/callback', pkce),
      {
        email: 'collector@acme.example',
        password: TEST_PASSWORD,
      },
    );
    assert.equal(callback.origin + callback.pathname, 'http://localhost:14523/oauth/callback');
    assert.equal(callback.searchParams.get('state'), 'state-123');
    assert.equal(callback.searchParams.get('iss'), app.baseUrl);
    const code = callback.searchParams.get('code');
    assert.ok(code?.startsWith('tmcp_ac_'));

    const tokenResponse = await postForm(`${app.baseUrl}/token`, {
      grant_type: 'authorization_code',
      code: code as string,
      redirect_uri: 'http://localhost:14523/oauth/callback',
      code_verifier: pkce.verifier,
      client_id: client.client_id,
      resource: app.resource,
    });
    assert.equal(tokenResponse.status, 200);
    assert.equal(tokenResponse.headers.get('cache-control'), 'no-store');
    const tokens = (await tokenResponse.json()) as TokenBody;
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.scope, 'ar:read ar:write offline_access');
    assert.ok(tokens.access_token.startsWith('tmcp_at_'));
    assert.ok(tokens.refresh_token?.startsWith('tmcp_rt_'));

    const whoami = await fetch(`${app.baseUrl}/v1/whoami`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(whoami.status, 200);
    const principal = (await whoami.json()) as Record<string, unknown>;
    assert.equal(principal.userId, userId);
    assert.equal(principal.orgId, orgId);
    assert.equal(principal.role, 'collector');
    assert.deepEqual(principal.scopes, ['ar:read', 'ar:write', 'offline_access']);

    // Refresh without scope or resource, as Claude Code and ChatGPT do.
    const refreshed = await postForm(`${app.baseUrl}/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: client.client_id,
    });
    assert.equal(refreshed.status, 200);
    const second = (await refreshed.json()) as TokenBody;
    assert.equal(second.scope, tokens.scope);
    assert.notEqual(second.refresh_token, tokens.refresh_token);

    const revoked = await postForm(`${app.baseUrl}/revoke`, {
      token: second.refresh_token as string,
      client_id: client.client_id,
    });
    assert.equal(revoked.status, 200);
    for (const token of [tokens.access_token, second.access_token]) {
      const after = await fetch(`${app.baseUrl}/v1/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(after.status, 401);
      assert.match(after.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    }
  });

  it('registers Claude as a confidential client_secret_post client and authenticates it at the token endpoint', async () => {
    const registration = await postJson(`${app.baseUrl}/register`, {
      client_name: 'Claude',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
    });
    assert.equal(registration.status, 201);
    const client = (await registration.json()) as {
      client_id: string;
      client_secret: string;
      token_endpoint_auth_method: string;
    };
    assert.equal(client.token_endpoint_auth_method, 'client_secret_post');
    assert.ok(client.client_secret.startsWith('tmcp_cs_'));

    const pkce = newPkce();
    const browser = new OAuthBrowser(app.baseUrl);
    const callback = await signInAndApprove(
      browser,
      authorizeUrl(client.client_id, 'https://claude.ai/api/mcp/auth_callback', pkce, { prompt: 'consent' }),
      { email: 'collector@acme.example', password: TEST_PASSWORD },
    );
    const form = {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      redirect_uri: 'https://claude.ai/api/mcp/auth_callback',
      code_verifier: pkce.verifier,
      client_id: client.client_id,
    };
    const wrongSecret = await postForm(`${app.baseUrl}/token`, { ...form, client_secret: 'tmcp_cs_wrong' });
    assert.equal(wrongSecret.status, 401);
    assert.equal(((await wrongSecret.json()) as { error: string }).error, 'invalid_client');
    const ok = await postForm(`${app.baseUrl}/token`, { ...form, client_secret: client.client_secret });
    assert.equal(ok.status, 200);
  });
});
