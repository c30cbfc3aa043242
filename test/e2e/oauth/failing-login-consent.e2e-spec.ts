import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { AppConfig } from '../../../src/config/app-config.service';
import { IdentityService } from '../../../src/identity/identity.service';
import { startServer } from '../../../src/server';
import type { RunningServer } from '../../../src/server';
import { formFields, newPkce, OAuthBrowser, selectOptions } from '../../support/oauth-browser';
import type { PageResponse } from '../../support/oauth-browser';
import {
  authorizeCode,
  authorizeUrl,
  confidentialClientMetadata,
  exchangeCode,
  median,
  parseSetCookie,
  principalOf,
  publicClientMetadata,
  registerClient,
  submitLogin,
} from '../../support/oauth-flows';
import type { RegisteredClient, TokenBody } from '../../support/oauth-flows';
import { freePort } from '../../support/postgres-server';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

const GENERIC_FAILURE = /The email or password is not right/;

/** The text of the login page's alert box, or undefined when there is none. */
function loginAlert(page: PageResponse): string | undefined {
  return /role="alert"[^>]*>([\s\S]*?)<\/div>/
    .exec(page.body)?.[1]
    .replace(/<[^>]+>/g, '')
    .trim();
}

let xffCounter = 0;
/** A distinct documentation-range address per call (RFC 5737). */
function anotherAddress(): string {
  xffCounter++;
  return `198.51.100.${(xffCounter % 250) + 1}`;
}

/**
 * security.md group H: the login and consent pages against CSRF, session mix-ups, framing, weak
 * cookies, brute force and user enumeration; and what the consent page must tell the user (F4).
 */
describe('the login and consent pages resist forgery, mix-ups and guessing', () => {
  let app: OAuthTestApp;
  let orgId: string;
  let client: RegisteredClient;
  const email = 'collector@consent.example';

  before(async () => {
    app = await startOAuthTestApp({
      OAUTH_REGISTRATIONS_PER_HOUR: '10000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      TRUST_PROXY_HOPS: '1',
    });
    orgId = await app.createOrganization('Consent Org');
    await app.createUser(email, [{ orgId, role: 'collector' }]);
    await app.createUser('other@consent.example', [{ orgId, role: 'viewer' }]);
    client = await registerClient(app);
  });
  after(async () => app.stop());

  async function codesIssuedTo(clientId: string): Promise<number> {
    const [row] = await app.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM oauth_authorization_codes WHERE client_id = $1`,
      [clientId],
    );
    return row.n;
  }

  /** A signed-in browser looking at the consent page of a fresh request for `forClient`. */
  async function atConsent(
    forClient: RegisteredClient,
    overrides: Record<string, string | undefined> = {},
    who = email,
  ): Promise<{ browser: OAuthBrowser; page: PageResponse }> {
    const browser = new OAuthBrowser(app.baseUrl);
    let page = await browser.follow(
      await browser.get(authorizeUrl(app, forClient, newPkce(), { prompt: 'consent', ...overrides })),
    );
    page = await browser.login(page, who, TEST_PASSWORD);
    assert.equal(page.status, 200, `expected the consent page, got ${page.status} at ${page.url}`);
    assert.match(page.url, /\/oauth\/consent\?request=/);
    return { browser, page };
  }

  function assertRejected(answer: PageResponse, what: string): void {
    assert.equal(answer.status, 400, `${what}: got ${answer.status} → ${answer.location ?? ''}`);
    assert.equal(answer.location, undefined, `${what}: no redirect to the client`);
    assert.match(answer.body, /has expired/);
  }

  async function signOut(browser: OAuthBrowser): Promise<void> {
    const connections = await browser.get('/account/connections');
    assert.equal(connections.status, 200);
    const answer = await browser.post('/account/sign-out', {
      csrf_token: formFields(connections.body).csrf_token,
    });
    assert.equal(answer.status, 303, 'signed out');
    assert.equal(answer.location, '/account/signed-out');
  }

  describe('H1: consent and login POSTs are bound to this browser’s session', () => {
    it('rejects a consent POST without the CSRF token and issues no code', async () => {
      const victim = await registerClient(app);
      const { browser, page } = await atConsent(victim);
      const { csrf_token: _dropped, ...fields } = formFields(page.body);
      assertRejected(
        await browser.post('/oauth/consent', { ...fields, decision: 'approve' }),
        'no CSRF token',
      );
      assert.equal(await codesIssuedTo(victim.client_id), 0);
    });

    it('rejects a consent POST carrying another session’s CSRF token and issues no code', async () => {
      const victim = await registerClient(app);
      const { browser, page } = await atConsent(victim);
      const other = await atConsent(victim);
      const fields = { ...formFields(page.body), csrf_token: formFields(other.page.body).csrf_token };
      assertRejected(
        await browser.post('/oauth/consent', { ...fields, decision: 'approve' }),
        'foreign CSRF token',
      );
      assert.equal(await codesIssuedTo(victim.client_id), 0);
    });

    it('rejects a request_id lifted from another browser, even with a valid CSRF token of its own', async () => {
      const victim = await registerClient(app);
      const first = await atConsent(victim);
      const attacker = await atConsent(victim);
      const fields = {
        ...formFields(attacker.page.body),
        request_id: formFields(first.page.body).request_id,
      };
      assertRejected(
        await attacker.browser.post('/oauth/consent', { ...fields, decision: 'approve' }),
        'foreign request',
      );
      assert.equal(await codesIssuedTo(victim.client_id), 0);
      // The request still belongs to the first browser, which can finish it.
      const own = await first.browser.decide(first.page, 'approve');
      assert.equal(own.status, 303);
      assert.equal(await codesIssuedTo(victim.client_id), 1);
    });

    it('rejects a consent POST sent after signing out, and after another user signed in on that browser', async () => {
      const victim = await registerClient(app);
      const { browser, page } = await atConsent(victim);
      await signOut(browser);
      assertRejected(await browser.decide(page, 'approve'), 'after sign-out');

      const second = await atConsent(victim);
      await signOut(second.browser);
      const login = await second.browser.get('/oauth/login');
      assert.equal(
        (await submitLogin(second.browser, login, 'other@consent.example', TEST_PASSWORD)).status,
        303,
      );
      assertRejected(await second.browser.decide(second.page, 'approve'), 'after the user changed');
      assert.equal(await codesIssuedTo(victim.client_id), 0);
    });

    it('rejects a consent POST from a client without the session cookie', async () => {
      const victim = await registerClient(app);
      const { page } = await atConsent(victim);
      assertRejected(await new OAuthBrowser(app.baseUrl).decide(page, 'approve'), 'no cookie');
      assert.equal(await codesIssuedTo(victim.client_id), 0);
    });

    it('rejects a login POST without the CSRF token or with another session’s (login CSRF)', async () => {
      const browser = new OAuthBrowser(app.baseUrl);
      const page = await browser.get('/oauth/login');
      const other = await new OAuthBrowser(app.baseUrl).get('/oauth/login');
      const missing = await browser.post('/oauth/login', { email, password: TEST_PASSWORD });
      assert.equal(missing.status, 400);
      const foreign = await browser.post('/oauth/login', {
        ...formFields(page.body),
        csrf_token: formFields(other.body).csrf_token,
        email,
        password: TEST_PASSWORD,
      });
      assert.equal(foreign.status, 400);
      assert.equal((await browser.get('/account/connections')).status, 303, 'still signed out');
    });
  });

  describe('H4, F4: what the consent page tells the user, and what it stores', () => {
    it('names the client, marks it unverified, shows where it redirects and each scope in words', async () => {
      const claude = await registerClient(
        app,
        confidentialClientMetadata({
          client_name: 'Claude',
          logo_uri: 'https://evil.example/claude-logo.png',
          redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
        }),
      );
      const { page } = await atConsent(claude);
      assert.match(page.body, /Claude wants to access/);
      assert.match(page.body, /Unverified app/);
      assert.match(page.body, /sent to <strong>claude\.ai<\/strong>/);
      assert.match(page.body, /Read your receivables/);
      assert.match(page.body, /Do collections work/);
      assert.match(page.body, /Stay connected when you are away/);
      assert.doesNotMatch(
        page.body,
        /This app runs on this computer/,
        'no localhost warning for an https client',
      );
      assert.ok(!page.body.includes('evil.example'), 'the self-asserted logo is not shown');
    });

    it('warns that a localhost-only client runs on this computer', async () => {
      const { page } = await atConsent(client);
      assert.match(page.body, /This app runs on this computer/);
      assert.match(page.body, /127\.0\.0\.1:47321/);
      assert.match(page.body, /Unverified app/);
    });

    it('escapes a client name carrying markup', async () => {
      const hostile = await registerClient(
        app,
        publicClientMetadata({ client_name: '<img src=x onerror=alert(1)>Evil "quoted"' }),
      );
      const { page } = await atConsent(hostile);
      assert.ok(!page.body.includes('<img src=x'), 'the name must not be rendered as markup');
      assert.match(page.body, /&lt;img src(=|&#61;)x onerror(=|&#61;)alert\(1\)&gt;Evil/);
    });

    it('on Deny redirects with error=access_denied, state and iss, and issues no code', async () => {
      const denied = await registerClient(app);
      const { browser, page } = await atConsent(denied, { state: 'deny-state' });
      const answer = await browser.decide(page, 'deny');
      assert.equal(answer.status, 303);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      const location = new URL(answer.location as string);
      assert.equal(location.origin + location.pathname, denied.redirectUri);
      assert.equal(location.searchParams.get('error'), 'access_denied');
      assert.equal(location.searchParams.get('state'), 'deny-state');
      assert.equal(location.searchParams.get('iss'), app.baseUrl);
      assert.equal(location.searchParams.get('code'), null);
      assertRejected(await browser.decide(page, 'approve'), 'approve after deny');
      assert.equal(await codesIssuedTo(denied.client_id), 0);
    });

    it('offers each of the user’s organizations and binds the code to the one chosen', async () => {
      const alpha = await app.createOrganization('Alpha Holdings');
      const beta = await app.createOrganization('Beta Trading');
      const twoOrgs = 'two-orgs@consent.example';
      await app.createUser(twoOrgs, [
        { orgId: alpha, role: 'viewer' },
        { orgId: beta, role: 'manager' },
      ]);
      const multi = await registerClient(app);
      const pkce = newPkce();
      const browser = new OAuthBrowser(app.baseUrl);
      let page = await browser.follow(await browser.get(authorizeUrl(app, multi, pkce)));
      page = await browser.login(page, twoOrgs, TEST_PASSWORD);
      assert.deepEqual(selectOptions(page.body, 'org_id').sort(), [alpha, beta].sort());
      const answer = await browser.decide(page, 'approve', beta);
      const code = new URL(answer.location as string).searchParams.get('code') as string;
      const tokens = (await (await exchangeCode(app, multi, code, pkce.verifier)).json()) as TokenBody;
      const principal = await principalOf(app, tokens.access_token);
      assert.equal(principal.orgId, beta);
      assert.equal(principal.role, 'manager');
    });

    it('refuses an organization the user is not a member of (tampered form), with no code', async () => {
      const tamper = await registerClient(app);
      const stranger = await app.createOrganization('Stranger Org');
      const { browser, page } = await atConsent(tamper);
      const answer = await browser.decide(page, 'approve', stranger);
      assert.equal(answer.status, 303);
      const location = new URL(answer.location as string);
      assert.equal(location.searchParams.get('error'), 'access_denied');
      assert.equal(location.searchParams.get('code'), null);
      assert.equal(await codesIssuedTo(tamper.client_id), 0);
    });

    it('remembers consent per user and client: skips the page next time, prompt=consent and more scope ask again', async () => {
      const remembered = await registerClient(
        app,
        publicClientMetadata({ grant_types: ['authorization_code'] }),
      );
      const first = await authorizeCode(
        app,
        { email },
        { client: remembered, overrides: { scope: 'ar:read' } },
      );
      const browser = first.browser;

      const again = await browser.follow(
        await browser.get(authorizeUrl(app, remembered, newPkce(), { scope: 'ar:read' })),
      );
      assert.equal(again.status, 303, 'no consent page the second time');
      assert.ok(new URL(again.location as string).searchParams.get('code'));

      const forced = await browser.follow(
        await browser.get(authorizeUrl(app, remembered, newPkce(), { scope: 'ar:read', prompt: 'consent' })),
      );
      assert.equal(forced.status, 200);
      assert.match(forced.body, /wants to access/);

      const more = await browser.follow(
        await browser.get(authorizeUrl(app, remembered, newPkce(), { scope: 'ar:read ar:write' })),
      );
      assert.equal(more.status, 200, 'a request for more scope asks again');
      assert.match(more.body, /Do collections work/);

      // Another user on the same client is asked, too: consent is per user.
      const otherUser = new OAuthBrowser(app.baseUrl);
      let page = await otherUser.follow(
        await otherUser.get(authorizeUrl(app, remembered, newPkce(), { scope: 'ar:read' })),
      );
      page = await otherUser.login(page, 'other@consent.example', TEST_PASSWORD);
      assert.equal(page.status, 200);
      assert.match(page.body, /wants to access/);
    });
  });

  describe('H5–H9, H11: password guessing', () => {
    async function attempt(
      browser: OAuthBrowser,
      who: string,
      password: string,
      ip: string,
      base = app.baseUrl,
    ): Promise<PageResponse> {
      const page = await browser.get(`${base}/oauth/login`, { 'x-forwarded-for': ip });
      return browser.post(
        `${base}/oauth/login`,
        { ...formFields(page.body), email: who, password },
        { 'x-forwarded-for': ip },
      );
    }

    it('locks the account after 3 failures: the right password is then refused the same way, from any address', async () => {
      const victim = 'locked@consent.example';
      await app.createUser(victim, [{ orgId, role: 'viewer' }]);
      const browser = new OAuthBrowser(app.baseUrl);
      const failures: PageResponse[] = [];
      for (let i = 0; i < 3; i++)
        failures.push(await attempt(browser, victim, `wrong password ${i}!`, anotherAddress()));
      for (const failure of failures) {
        assert.equal(failure.status, 200);
        assert.match(loginAlert(failure) ?? '', GENERIC_FAILURE);
      }
      const locked = await attempt(browser, victim, TEST_PASSWORD, '192.0.2.200');
      assert.equal(locked.status, failures[0].status, 'same status as a wrong password (H6)');
      assert.equal(loginAlert(locked), loginAlert(failures[0]), 'same message as a wrong password (H6)');
      assert.equal(locked.location, undefined, 'not signed in');
      assert.equal((await browser.get('/account/connections')).status, 303, 'still signed out');
    });

    it('refuses a disabled account’s right password with the same generic message as a wrong one (H6)', async () => {
      const disabled = 'disabled@consent.example';
      await app.createUser(disabled, [{ orgId, role: 'viewer' }]);
      await app.server.app.get(IdentityService).setDisabled(disabled, true);
      const browser = new OAuthBrowser(app.baseUrl);
      const wrong = await attempt(browser, disabled, 'not the password', anotherAddress());
      const right = await attempt(browser, disabled, TEST_PASSWORD, anotherAddress());
      assert.equal(right.status, wrong.status);
      assert.equal(loginAlert(right), loginAlert(wrong));
      assert.match(loginAlert(right) ?? '', GENERIC_FAILURE);
    });

    it('lets the right password in again once the lock has run out (H7: the lockout is temporary)', async () => {
      const victim = 'temporary@consent.example';
      await app.createUser(victim, [{ orgId, role: 'viewer' }]);
      const browser = new OAuthBrowser(app.baseUrl);
      for (let i = 0; i < 3; i++) await attempt(browser, victim, 'not the password', anotherAddress());
      assert.notEqual(
        (await attempt(browser, victim, TEST_PASSWORD, anotherAddress())).status,
        303,
        'locked',
      );
      const [lock] = await app.dataSource.query<{ seconds: number }[]>(
        `SELECT extract(epoch FROM locked_until - now())::float AS seconds FROM login_throttles WHERE key = $1`,
        [`account:${victim}`],
      );
      assert.ok(lock.seconds > 0 && lock.seconds <= 15 * 60, `locked for ${lock.seconds} s`);
      await app.dataSource.query(`UPDATE login_throttles SET locked_until = now() WHERE key = $1`, [
        `account:${victim}`,
      ]);
      assert.equal((await attempt(browser, victim, TEST_PASSWORD, anotherAddress())).status, 303);
    });

    it('counts failures across replicas sharing the database (H9)', async () => {
      const victim = 'replicas@consent.example';
      await app.createUser(victim, [{ orgId, role: 'viewer' }]);
      // A second Nest app in this process re-registers passport's global "bearer" strategy against
      // its own database pool; nothing in this file uses bearer tokens after this test.
      const port = await freePort();
      const replica: RunningServer = await startServer(
        AppConfig.fromValues({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
          PORT: String(port),
          ADMIN_PORT: '0',
          PUBLIC_URL: app.baseUrl,
          DATABASE_URL: app.database.url,
          MIGRATIONS_RUN: 'false',
          SEED_DEMO_DATA: 'false',
          LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
          TRUST_PROXY_HOPS: '1',
        }),
      );
      try {
        const replicaUrl = `http://127.0.0.1:${port}`;
        const browser = new OAuthBrowser(app.baseUrl);
        await attempt(browser, victim, 'wrong one', anotherAddress());
        await attempt(browser, victim, 'wrong two', anotherAddress(), replicaUrl);
        await attempt(browser, victim, 'wrong three', anotherAddress());
        const onReplica = await attempt(browser, victim, TEST_PASSWORD, anotherAddress(), replicaUrl);
        assert.equal(onReplica.status, 200, 'the replica must know about the other replica’s failures');
        assert.match(loginAlert(onReplica) ?? '', GENERIC_FAILURE);
      } finally {
        await replica.stop();
      }
    });

    it('answers an unknown account and a wrong password alike: status, message and timing (H8)', async () => {
      const known = 'timing@consent.example';
      await app.createUser(known, [{ orgId, role: 'viewer' }]);
      const browser = new OAuthBrowser(app.baseUrl);
      const timings = { unknown: [] as number[], wrong: [] as number[] };
      const pages: { unknown?: PageResponse; wrong?: PageResponse } = {};
      // One warm-up each (the decoy hash is computed on first use), then interleaved measurements.
      await attempt(browser, 'warmup-nobody@consent.example', 'whatever password', anotherAddress());
      await attempt(browser, known, 'whatever password', anotherAddress());
      for (let i = 0; i < 20; i++) {
        for (const kind of i % 2 === 0 ? (['unknown', 'wrong'] as const) : (['wrong', 'unknown'] as const)) {
          const who = kind === 'unknown' ? 'nobody-here@consent.example' : known;
          const started = performance.now();
          const page = await attempt(browser, who, `guess number ${i}`, anotherAddress());
          timings[kind].push(performance.now() - started);
          pages[kind] = page;
        }
      }
      const unknown = pages.unknown as PageResponse;
      const wrong = pages.wrong as PageResponse;
      assert.equal(unknown.status, wrong.status);
      assert.equal(loginAlert(unknown), loginAlert(wrong));
      assert.match(loginAlert(wrong) ?? '', GENERIC_FAILURE);
      const normalize = (page: PageResponse, who: string): string =>
        page.body.replaceAll(who, 'EMAIL').replace(/name="csrf_token" value="[^"]*"/, '');
      assert.equal(
        normalize(unknown, 'nobody-here@consent.example'),
        normalize(wrong, known),
        'identical pages',
      );
      const a = median(timings.unknown);
      const b = median(timings.wrong);
      assert.ok(
        Math.abs(a - b) < 0.4 * Math.max(a, b),
        `median latency unknown ${a.toFixed(1)} ms vs wrong password ${b.toFixed(1)} ms`,
      );
    });

    it('stores passwords as Argon2id with m=19456, t=2, p=1 (H11)', async () => {
      const rows = await app.dataSource.query<{ email: string; password_hash: string }[]>(
        `SELECT email, password_hash FROM users`,
      );
      assert.ok(rows.length > 0);
      for (const row of rows) {
        assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, row.email);
        assert.ok(!row.password_hash.includes(TEST_PASSWORD));
      }
    });
  });
});

describe('cookies behind https (PUBLIC_URL=https://mcp.example.test)', () => {
  let app: OAuthTestApp;

  before(async () => {
    app = await startOAuthTestApp({ PUBLIC_URL: 'https://mcp.example.test' });
    const orgId = await app.createOrganization('Cookie Org');
    await app.createUser('cookie@consent.example', [{ orgId, role: 'viewer' }]);
  });
  after(async () => app.stop());

  it('sets the session cookie with the __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain (H3)', async () => {
    const browser = new OAuthBrowser(app.baseUrl);
    const page = await browser.get('/oauth/login');
    const signedIn = await submitLogin(browser, page, 'cookie@consent.example', TEST_PASSWORD);
    assert.equal(signedIn.status, 303);
    const lines = [...page.headers.getSetCookie(), ...signedIn.headers.getSetCookie()];
    assert.equal(lines.length, 2, 'one cookie for the anonymous session, one after sign-in');
    for (const line of lines) {
      const cookie = parseSetCookie(line);
      assert.equal(cookie.name, '__Host-tesorio_session', line);
      assert.ok(cookie.attributes.has('secure'), `Secure: ${line}`);
      assert.ok(cookie.attributes.has('httponly'), `HttpOnly: ${line}`);
      assert.equal(cookie.attributes.get('samesite')?.toLowerCase(), 'lax', line);
      assert.equal(cookie.attributes.get('path'), '/', line);
      assert.ok(!cookie.attributes.has('domain'), `no Domain: ${line}`);
    }
    const [anonymous, afterLogin] = lines.map((l) => parseSetCookie(l).value);
    assert.notEqual(anonymous, afterLogin, 'sign-in starts a new session (no fixation)');
  });
});

describe('cookies on plain http (local development)', () => {
  let app: OAuthTestApp;

  before(async () => {
    app = await startOAuthTestApp();
  });
  after(async () => app.stop());

  it('sets HttpOnly, SameSite=Lax and Path=/ on the session cookie (H3)', async () => {
    const page = await new OAuthBrowser(app.baseUrl).get('/oauth/login');
    const [line] = page.headers.getSetCookie();
    const cookie = parseSetCookie(line);
    assert.equal(cookie.name, 'tesorio_session');
    assert.ok(cookie.attributes.has('httponly'), line);
    assert.equal(cookie.attributes.get('samesite')?.toLowerCase(), 'lax', line);
    assert.equal(cookie.attributes.get('path'), '/', line);
    assert.match(cookie.value, /^tmcp_ls_[A-Za-z0-9_-]{43,}$/);
  });

  it('gives a new session id at sign-in, so a planted anonymous session id signs nobody in (session fixation)', async () => {
    const orgId = await app.createOrganization('Fixation Org');
    await app.createUser('fixation@consent.example', [{ orgId, role: 'viewer' }]);
    const victim = new OAuthBrowser(app.baseUrl);
    const page = await victim.get('/oauth/login');
    const planted = victim.cookies.get('tesorio_session') as string;
    assert.equal((await submitLogin(victim, page, 'fixation@consent.example', TEST_PASSWORD)).status, 303);
    assert.notEqual(victim.cookies.get('tesorio_session'), planted);
    assert.equal((await victim.get('/account/connections')).status, 200, 'the victim is signed in');
    const attacker = new OAuthBrowser(app.baseUrl);
    attacker.cookies.set('tesorio_session', planted);
    assert.equal((await attacker.get('/account/connections')).status, 303, 'the planted id is not signed in');
  });
});

describe('the per-address limit with no trusted proxy (TRUST_PROXY_HOPS=0, LOGIN_MAX_FAILURES_PER_IP=5)', () => {
  let app: OAuthTestApp;

  before(async () => {
    app = await startOAuthTestApp({ TRUST_PROXY_HOPS: '0', LOGIN_MAX_FAILURES_PER_IP: '5' });
    const orgId = await app.createOrganization('Proxy Org');
    await app.createUser('real@proxy.example', [{ orgId, role: 'viewer' }]);
  });
  after(async () => app.stop());

  it('is not escaped by sending a random X-Forwarded-For with each attempt (H10)', async () => {
    const browser = new OAuthBrowser(app.baseUrl);
    for (let i = 0; i < 5; i++) {
      const page = await browser.get('/oauth/login');
      const failed = await submitLogin(browser, page, `nobody${i}@proxy.example`, 'guess guess guess', {
        'x-forwarded-for': anotherAddress(),
      });
      assert.equal(failed.status, 200);
    }
    const page = await browser.get('/oauth/login');
    const refused = await submitLogin(browser, page, 'real@proxy.example', TEST_PASSWORD, {
      'x-forwarded-for': anotherAddress(),
    });
    assert.equal(refused.status, 200, 'the address is over its limit, whatever X-Forwarded-For says');
    assert.match(loginAlert(refused) ?? '', GENERIC_FAILURE);
  });
});
