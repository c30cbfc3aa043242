import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newPkce, OAuthBrowser, signInAndApprove } from '../../support/oauth-browser';
import type { PageResponse } from '../../support/oauth-browser';
import {
  assertOAuthError,
  authorizeCode,
  authorizeUrl,
  confidentialClientMetadata,
  exchangeCode,
  principalOf,
  publicClientMetadata,
  refresh,
  registerClient,
  submitLogin,
} from '../../support/oauth-flows';
import type { RegisteredClient, TokenBody } from '../../support/oauth-flows';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

/**
 * security.md groups A and B (and G1 at the authorization endpoint): what /authorize does with
 * redirect URIs, parameters, scopes and PKCE it must not accept, and the headers of its answers.
 */
describe('the authorization endpoint refuses what it must not accept', () => {
  let app: OAuthTestApp;
  let orgId: string;
  let web: RegisteredClient;
  let native: RegisteredClient;
  const email = 'collector@authorize.example';
  const WEB_REDIRECT = 'https://client.example.com/cb';

  before(async () => {
    app = await startOAuthTestApp({ OAUTH_REGISTRATIONS_PER_HOUR: '10000' });
    orgId = await app.createOrganization('Authorize Org');
    await app.createUser(email, [{ orgId, role: 'collector' }]);
    web = await registerClient(app, confidentialClientMetadata({ redirect_uris: [WEB_REDIRECT] }));
    native = await registerClient(app, publicClientMetadata({ redirect_uris: ['http://127.0.0.1/cb'] }));
  });
  after(async () => app.stop());

  async function open(url: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return new OAuthBrowser(app.baseUrl).get(url, headers);
  }

  /** Our own error page: 400, HTML, and no Location anywhere. */
  function assertErrorPage(page: PageResponse, what: string): void {
    assert.equal(page.status, 400, `${what}: expected our 400 page, got ${page.status} → ${page.location}`);
    assert.equal(page.location, undefined, `${what}: must not redirect`);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.body, /cannot be used/);
  }

  /**
   * An error addressed to the client's verified redirect URI. Nobody is signed in here, so the
   * server shows it on an interstitial with a link back (RFC 9700 §4.11.2) instead of redirecting.
   */
  function redirectedError(page: PageResponse, redirectUri: string): URL {
    assert.equal(
      page.status,
      400,
      `expected the interstitial, got ${page.status}:\n${page.body.slice(0, 300)}`,
    );
    assert.equal(page.location, undefined, 'an unauthenticated error must not redirect by itself');
    const href = /<a\b[^>]*href="([^"]+)"/.exec(page.body)?.[1];
    assert.ok(href, 'the interstitial links back to the app');
    const location = new URL(
      href
        .replace(/&#x3D;|&#61;/g, '=')
        .replace(/&#x27;/g, "'")
        .replace(/&amp;/g, '&'),
    );
    assert.equal(location.origin + location.pathname, redirectUri);
    assert.equal(location.searchParams.get('code'), null, 'an error response carries no code');
    return location;
  }

  describe('A1: redirect_uri is compared as an exact string', () => {
    const cases: [string, string][] = [
      ['an extra path segment', `${WEB_REDIRECT}/extra`],
      ['an added query', `${WEB_REDIRECT}?x`],
      ['an upper-case host', 'https://CLIENT.EXAMPLE.COM/cb'],
      ['the explicit default port :443', 'https://client.example.com:443/cb'],
      ['a trailing %20', `${WEB_REDIRECT}%20`],
      ['a trailing space', `${WEB_REDIRECT} `],
      ['a fragment', `${WEB_REDIRECT}#fragment`],
    ];
    for (const [difference, redirectUri] of cases) {
      it(`shows an error page and never redirects when the redirect_uri has ${difference}`, async () => {
        const page = await open(authorizeUrl(app, { ...web, redirectUri }, newPkce()));
        assertErrorPage(page, difference);
        assert.ok(!page.body.includes('client.example.com'), 'the page must not link to the supplied URI');
      });
    }

    it('accepts the registered redirect_uri byte for byte (the cases above fail only for their difference)', async () => {
      const page = await open(authorizeUrl(app, web, newPkce()));
      assert.equal(page.status, 303);
      assert.match(page.location ?? '', /^\/oauth\/login\?request=/);
    });
  });

  describe('A2: an unknown client or unverified redirect URI is never redirected to, whatever else is wrong', () => {
    it('shows an error page for a missing client_id', async () => {
      assertErrorPage(
        await open(authorizeUrl(app, web, newPkce(), { client_id: undefined })),
        'no client_id',
      );
    });

    it('shows an error page for an unknown client_id', async () => {
      const page = await open(authorizeUrl(app, web, newPkce(), { client_id: 'tmcp_client_doesnotexist' }));
      assertErrorPage(page, 'unknown client');
    });

    it('shows an error page for a missing redirect_uri', async () => {
      assertErrorPage(
        await open(authorizeUrl(app, web, newPkce(), { redirect_uri: undefined })),
        'no redirect',
      );
    });

    it('shows an error page, not a redirect, for an attacker redirect_uri combined with a bad response_type', async () => {
      const page = await open(
        authorizeUrl(app, { ...web, redirectUri: 'https://attacker.example/cb' }, newPkce(), {
          response_type: 'token',
        }),
      );
      assertErrorPage(page, 'bad redirect + bad response_type');
      assert.ok(!page.body.includes('attacker.example'));
    });

    it('shows an error page for an unknown client with an attacker redirect_uri and no PKCE', async () => {
      const page = await open(
        authorizeUrl(
          app,
          { client_id: 'tmcp_client_nope', redirectUri: 'https://attacker.example/cb' },
          newPkce(),
          {
            code_challenge: undefined,
          },
        ),
      );
      assertErrorPage(page, 'unknown client + attacker redirect');
    });
  });

  describe('A3: a loopback redirect may vary only in its port', () => {
    it('accepts any port on the registered loopback redirect and sends the code there', async () => {
      const redirectUri = 'http://127.0.0.1:51234/cb';
      const pkce = newPkce();
      const callback = await signInAndApprove(
        new OAuthBrowser(app.baseUrl),
        authorizeUrl(app, { ...native, redirectUri }, pkce),
        { email, password: TEST_PASSWORD },
      );
      assert.equal(callback.origin + callback.pathname, redirectUri);
      const code = callback.searchParams.get('code') as string;
      const tokens = await exchangeCode(app, { ...native, redirectUri }, code, pkce.verifier);
      assert.equal(tokens.status, 200);
    });

    const rejected: [string, string][] = [
      ['another path on the loopback port', 'http://127.0.0.1:51234/cb2'],
      ['another host', 'http://evil.example/cb'],
      ['another host with a port', 'http://evil.example:51234/cb'],
      ['another loopback name than the registered one', 'http://localhost:51234/cb'],
      ['https instead of http', 'https://127.0.0.1:51234/cb'],
      ['user information pointing elsewhere', 'http://127.0.0.1:51234@evil.example/cb'],
      ['a javascript: URI', 'javascript:alert(1)'],
      ['a data: URI', 'data:text/html,<script>alert(1)</script>'],
    ];
    for (const [difference, redirectUri] of rejected) {
      it(`rejects ${difference} with an error page`, async () => {
        assertErrorPage(await open(authorizeUrl(app, { ...native, redirectUri }, newPkce())), difference);
      });
    }
  });

  describe('A4: the server is no open redirector for clients anybody can register', () => {
    it('does not bounce an unauthenticated visitor straight to a freshly registered client on a bad request', async () => {
      const attacker = await registerClient(
        app,
        publicClientMetadata({
          client_name: 'Totally legit',
          redirect_uris: ['https://attacker.example/landing'],
        }),
      );
      const problems: Record<string, string | undefined>[] = [
        { scope: 'bogus' },
        { code_challenge: undefined },
      ];
      for (const overrides of problems) {
        const page = await open(authorizeUrl(app, attacker, newPkce(), overrides));
        const target = page.location ? new URL(page.location, app.baseUrl) : undefined;
        assert.notEqual(
          target?.host,
          'attacker.example',
          `an unauthenticated GET /authorize with ${JSON.stringify(overrides)} redirected straight to ${page.location}`,
        );
      }
    });
  });

  describe('A5: parameters must not be repeated', () => {
    for (const name of ['state', 'scope', 'code_challenge', 'response_type']) {
      it(`answers invalid_request when ${name} is sent twice`, async () => {
        const url = new URL(authorizeUrl(app, web, newPkce()));
        url.searchParams.append(name, url.searchParams.get(name) ?? 'x');
        const location = redirectedError(await open(url.toString()), WEB_REDIRECT);
        assert.equal(location.searchParams.get('error'), 'invalid_request');
        assert.match(location.searchParams.get('error_description') ?? '', /twice/);
      });
    }

    for (const name of ['client_id', 'redirect_uri']) {
      it(`shows an error page when ${name} is sent twice`, async () => {
        const url = new URL(authorizeUrl(app, web, newPkce()));
        url.searchParams.append(name, url.searchParams.get(name) ?? 'x');
        assertErrorPage(await open(url.toString()), `${name} twice`);
      });
    }
  });

  describe('A6: scopes outside the grammar or unknown here are never granted', () => {
    for (const scope of ['ar:read "quoted"', 'ar:read back\\slash', 'bogus', 'admin:all root']) {
      it(`answers invalid_scope for scope=${JSON.stringify(scope)}`, async () => {
        const location = redirectedError(
          await open(authorizeUrl(app, web, newPkce(), { scope })),
          WEB_REDIRECT,
        );
        assert.equal(location.searchParams.get('error'), 'invalid_scope');
        assert.equal(location.searchParams.get('state'), 'state-xyz');
      });
    }

    it('drops an unknown scope next to known ones: neither the token nor the principal carries it', async () => {
      const issued = await authorizeCode(
        app,
        { email },
        { overrides: { scope: 'ar:read admin:all offline_access' } },
      );
      const response = await exchangeCode(app, issued.client, issued.code, issued.verifier);
      assert.equal(response.status, 200);
      const tokens = (await response.json()) as TokenBody;
      assert.ok(!tokens.scope.split(' ').includes('admin:all'), tokens.scope);
      assert.equal(tokens.scope, 'ar:read offline_access');
      const principal = await principalOf(app, tokens.access_token);
      assert.deepEqual(principal.scopes, ['ar:read', 'offline_access']);
    });

    it('does not grant payments:write to a collector even when the client asks for it', async () => {
      const issued = await authorizeCode(app, { email }, { overrides: { scope: 'ar:read payments:write' } });
      const tokens = (await (
        await exchangeCode(app, issued.client, issued.code, issued.verifier)
      ).json()) as TokenBody;
      assert.ok(!tokens.scope.includes('payments:write'), tokens.scope);
      assert.ok(!(await principalOf(app, tokens.access_token)).scopes.includes('payments:write'));
    });
  });

  describe('A7, A8: redirects after forms and the authorization response', () => {
    it('answers the login POST with 303 See Other, never 307/308, so the password is not re-posted', async () => {
      const browser = new OAuthBrowser(app.baseUrl);
      const login = await browser.follow(await browser.get(authorizeUrl(app, web, newPkce())));
      assert.equal(login.status, 200);
      const answer = await submitLogin(browser, login, email, TEST_PASSWORD);
      assert.equal(answer.status, 303);
      assert.match(answer.location ?? '', /^\/oauth\/consent\?request=/);
    });

    it('returns the code with iss and state, 303 and Cache-Control: no-store', async () => {
      const browser = new OAuthBrowser(app.baseUrl);
      let page = await browser.follow(
        await browser.get(authorizeUrl(app, web, newPkce(), { state: 's-A8' })),
      );
      page = await browser.login(page, email, TEST_PASSWORD);
      assert.equal(page.status, 200, 'the consent page');
      const answer = await browser.decide(page, 'approve');
      assert.equal(answer.status, 303);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      const location = new URL(answer.location as string);
      assert.equal(location.origin + location.pathname, WEB_REDIRECT);
      assert.equal(location.searchParams.get('iss'), app.baseUrl);
      assert.equal(location.searchParams.get('state'), 's-A8');
      assert.ok(location.searchParams.get('code'));
    });

    it('returns an error with iss and state, 303 and Cache-Control: no-store', async () => {
      const page = await open(
        authorizeUrl(app, web, newPkce(), { response_mode: 'fragment', state: 's-err' }),
      );
      const location = redirectedError(page, WEB_REDIRECT);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.equal(location.searchParams.get('iss'), app.baseUrl);
      assert.equal(location.searchParams.get('state'), 's-err');
    });

    it('keeps every redirect on the way to consent un-cacheable and without a Referer', async () => {
      const page = await open(authorizeUrl(app, web, newPkce()));
      assert.equal(page.status, 303);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    });
  });

  describe('A9, H2: sign-in pages cannot be framed and leak no referrer', () => {
    function assertPageHeaders(page: PageResponse, what: string): void {
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/, what);
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer', what);
      assert.equal(page.headers.get('x-frame-options'), 'DENY', what);
      assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, what);
      assert.equal(page.headers.get('cache-control'), 'no-store', what);
      assert.doesNotMatch(page.body, /<script\b/i, `${what}: no scripts`);
      const foreign = [...page.body.matchAll(/\b(?:src|href|action)="(https?:)?\/\/([^"/]+)/g)].map(
        (m) => m[2],
      );
      assert.deepEqual(foreign, [], `${what}: no third-party resources or links`);
    }

    it('sets them on the login, consent, error and expired pages', async () => {
      const browser = new OAuthBrowser(app.baseUrl);
      const login = await browser.follow(
        await browser.get(authorizeUrl(app, web, newPkce(), { prompt: 'consent' })),
      );
      assertPageHeaders(login, 'login page');
      const consent = await browser.login(login, email, TEST_PASSWORD);
      assert.equal(consent.status, 200);
      assertPageHeaders(consent, 'consent page');
      const error = await open(authorizeUrl(app, web, newPkce(), { client_id: 'tmcp_client_unknown' }));
      assertPageHeaders(error, 'authorize error page');
      const expired = await browser.get('/oauth/consent?request=tmcp_ar_notarealrequest');
      assert.equal(expired.status, 400);
      assertPageHeaders(expired, 'expired page');
    });
  });

  describe('A10: no CORS on the authorization endpoint or the pages', () => {
    for (const path of ['/authorize', '/oauth/login', '/oauth/consent']) {
      it(`answers a cross-origin preflight and GET of ${path} without Access-Control-Allow-Origin`, async () => {
        const preflight = await fetch(`${app.baseUrl}${path}`, {
          method: 'OPTIONS',
          headers: {
            origin: 'https://evil.example',
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
        assert.equal(preflight.headers.get('access-control-allow-origin'), null);
        assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
        const get = await fetch(`${app.baseUrl}${path}`, {
          headers: { origin: 'https://evil.example' },
          redirect: 'manual',
        });
        assert.equal(get.headers.get('access-control-allow-origin'), null);
      });
    }
  });

  describe('B1–B3: PKCE with S256 is required of every client', () => {
    const verifierLike = 'a'.repeat(43);
    const cases: [string, Record<string, string | undefined>][] = [
      ['no code_challenge (public client)', { code_challenge: undefined }],
      ['code_challenge_method=plain', { code_challenge_method: 'plain', code_challenge: verifierLike }],
      ['an unknown code_challenge_method', { code_challenge_method: 'S512' }],
      ['no code_challenge_method (no silent plain default)', { code_challenge_method: undefined }],
      ['a 42-character challenge', { code_challenge: 'a'.repeat(42) }],
      ['a 44-character challenge', { code_challenge: 'a'.repeat(44) }],
      ['a 129-character challenge', { code_challenge: 'a'.repeat(129) }],
      ['characters outside base64url', { code_challenge: `${'a'.repeat(41)}+=` }],
    ];
    for (const [what, overrides] of cases) {
      it(`answers invalid_request for ${what}`, async () => {
        const location = redirectedError(
          await open(authorizeUrl(app, native, newPkce(), overrides)),
          'http://127.0.0.1/cb',
        );
        assert.equal(location.searchParams.get('error'), 'invalid_request');
        assert.equal(location.searchParams.get('iss'), app.baseUrl);
      });
    }

    it('requires PKCE of confidential clients too, so no code can ever be redeemed without a verifier (B5)', async () => {
      const location = redirectedError(
        await open(
          authorizeUrl(app, web, newPkce(), { code_challenge: undefined, code_challenge_method: undefined }),
        ),
        WEB_REDIRECT,
      );
      assert.equal(location.searchParams.get('error'), 'invalid_request');
    });
  });

  describe('G1: tokens are only issued for this MCP endpoint', () => {
    for (const resource of ['https://other.example/mcp', 'not-a-uri', 'RESOURCE#fragment']) {
      it(`answers invalid_target at /authorize for resource=${resource.replace('RESOURCE', '<ours>')}`, async () => {
        const value = resource.replace('RESOURCE', app.resource);
        const location = redirectedError(
          await open(authorizeUrl(app, web, newPkce(), { resource: value })),
          WEB_REDIRECT,
        );
        assert.equal(location.searchParams.get('error'), 'invalid_target');
      });
    }

    it('answers invalid_target at /token for a foreign or fragment resource, and the code still works for ours', async () => {
      const issued = await authorizeCode(app, { email });
      for (const resource of ['https://other.example/mcp', `${app.resource}#frag`]) {
        await assertOAuthError(
          await exchangeCode(app, issued.client, issued.code, issued.verifier, { resource }),
          400,
          'invalid_target',
        );
      }
      const ok = await exchangeCode(app, issued.client, issued.code, issued.verifier);
      assert.equal(ok.status, 200);
      const tokens = (await ok.json()) as TokenBody;
      await assertOAuthError(
        await refresh(app, issued.client, tokens.refresh_token as string, {
          resource: 'https://other.example/mcp',
        }),
        400,
        'invalid_target',
      );
    });
  });
});
