import assert from 'node:assert/strict';
import { NestFactory } from '@nestjs/core';
import { after, before, describe, it } from 'node:test';
import { ConfigModule } from '../../../src/config/config.module';
import { DatabaseModule } from '../../../src/database/database.module';
import { IdentityModule } from '../../../src/identity/identity.module';
import { IdentityService } from '../../../src/identity/identity.service';
import { startAppProcess } from '../../support/app-process';
import type { AppProcess } from '../../support/app-process';
import { formFields, newPkce, OAuthBrowser } from '../../support/oauth-browser';
import { mcpRequest } from '../replicas/replica-helpers';
import {
  assertOAuthError,
  authorizeCode,
  authorizeUrl,
  confidentialClientMetadata,
  exchangeCode,
  obtainTokens,
  postForm,
  principalOf,
  publicClientMetadata,
  randomPart,
  refresh,
  registerClient,
  revoke,
  submitLogin,
  tokenRequest,
  tokenSet,
  whoami,
} from '../../support/oauth-flows';
import type { ServiceUnderTest } from '../../support/oauth-flows';
import { freePort } from '../../support/postgres-server';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';
import { createTestDatabase, testConfig } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T/;

/** `key="value"` pairs of a WWW-Authenticate Bearer challenge. */
function challenge(header: string | null): Map<string, string> {
  assert.ok(header, 'a WWW-Authenticate header');
  assert.match(header, /^Bearer /);
  return new Map([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** Every string value in every row of every table, as JSON text, for "is it stored anywhere?". */
async function allRowsAsJson(app: OAuthTestApp): Promise<Map<string, string[]>> {
  const tables = await app.dataSource.query<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const result = new Map<string, string[]>();
  for (const { name } of tables) {
    const rows = await app.dataSource.query<{ json: string }[]>(
      `SELECT row_to_json(t)::text AS json FROM "${name}" t`,
    );
    result.set(
      name,
      rows.map((r) => r.json),
    );
  }
  return result;
}

/**
 * security.md groups G (audience, resource indicators, discovery metadata and token validation at
 * the resource server) and I (token storage, entropy, lifetimes and logs).
 */
describe('bearer tokens are checked on every request and credentials are never stored or logged in the clear', () => {
  let app: OAuthTestApp;
  let orgId: string;
  const user = { email: 'collector@storage.example' };

  before(async () => {
    app = await startOAuthTestApp({ OAUTH_REGISTRATIONS_PER_HOUR: '10000' });
    orgId = await app.createOrganization('Storage Org');
    await app.createUser(user.email, [{ orgId, role: 'collector' }]);
  });
  after(async () => app.stop());

  describe('G2–G7: what the resource server accepts', () => {
    it('refuses a token whose grant was issued for another resource: 401 invalid_token with resource_metadata (G2)', async () => {
      const tokens = await obtainTokens(app, user);
      const { grantId } = await principalOf(app, tokens.access_token);
      await app.dataSource.query(
        `UPDATE oauth_grants SET resource = 'https://other.example/mcp' WHERE id = $1`,
        [grantId],
      );
      const response = await whoami(app, tokens.access_token);
      assert.equal(response.status, 401);
      const params = challenge(response.headers.get('www-authenticate'));
      assert.equal(params.get('error'), 'invalid_token');
      assert.equal(
        params.get('resource_metadata'),
        `${app.baseUrl}/.well-known/oauth-protected-resource/v1/mcp`,
      );
    });

    it('refuses an expired access token with 401 (G5)', async () => {
      const tokens = await obtainTokens(app, user);
      const { grantId } = await principalOf(app, tokens.access_token);
      await app.dataSource.query(
        `UPDATE oauth_tokens SET expires_at = now() - interval '1 second' WHERE grant_id = $1 AND kind = 'access'`,
        [grantId],
      );
      const response = await whoami(app, tokens.access_token);
      assert.equal(response.status, 401);
      assert.equal(challenge(response.headers.get('www-authenticate')).get('error'), 'invalid_token');
    });

    it('refuses a valid access token sent in the query string (G6)', async () => {
      const tokens = await obtainTokens(app, user);
      assert.equal((await whoami(app, tokens.access_token)).status, 200, 'the token itself is valid');
      const inQuery = await fetch(
        `${app.baseUrl}/v1/whoami?access_token=${encodeURIComponent(tokens.access_token)}`,
      );
      assert.equal(inQuery.status, 401);
      const both = await fetch(
        `${app.baseUrl}/v1/whoami?access_token=${encodeURIComponent(tokens.access_token)}`,
        {
          headers: { authorization: `Bearer ${tokens.access_token}` },
        },
      );
      assert.equal(both.status, 401, 'a token in the URL is refused even next to the header');
    });

    it('answers a request without Authorization with 401, resource_metadata and scope, and no error (G7)', async () => {
      const response = await fetch(`${app.baseUrl}/v1/whoami`);
      assert.equal(response.status, 401);
      const params = challenge(response.headers.get('www-authenticate'));
      assert.equal(params.has('error'), false, 'no error parameter when no token was sent');
      assert.equal(
        params.get('resource_metadata'),
        `${app.baseUrl}/.well-known/oauth-protected-resource/v1/mcp`,
      );
      assert.equal(params.get('scope'), 'ar:read');
      const prm = (await (await fetch(params.get('resource_metadata') as string)).json()) as {
        resource: string;
      };
      assert.equal(prm.resource, app.resource);
    });

    it('refuses other Authorization schemes and malformed bearer values with 401', async () => {
      const tokens = await obtainTokens(app, user);
      for (const authorization of [
        `Basic ${Buffer.from(`x:${tokens.access_token}`).toString('base64')}`,
        'Bearer',
        `Bearer ${tokens.access_token}x`,
        `Bearer ${tokens.access_token.slice(0, -1)}`,
        `Bearer ${tokens.refresh_token}`,
      ]) {
        const response = await fetch(`${app.baseUrl}/v1/whoami`, { headers: { authorization } });
        assert.equal(response.status, 401, authorization.slice(0, 20));
      }
    });
  });

  describe('G9, G10: discovery metadata', () => {
    it('serves protected-resource metadata at both URLs with resource exactly <baseUrl>/v1/mcp (G9)', async () => {
      for (const path of [
        '/.well-known/oauth-protected-resource',
        '/.well-known/oauth-protected-resource/v1/mcp',
      ]) {
        const response = await fetch(`${app.baseUrl}${path}`);
        assert.equal(response.status, 200, path);
        const prm = (await response.json()) as { resource: string; authorization_servers: string[] };
        assert.equal(prm.resource, `${app.baseUrl}/v1/mcp`, path);
        assert.ok(Array.isArray(prm.authorization_servers) && prm.authorization_servers.length > 0, path);
        for (const issuer of prm.authorization_servers) {
          const asm = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as {
            issuer: string;
          };
          assert.equal(asm.issuer, issuer, 'the advertised AS names itself with the same issuer');
        }
      }
    });

    it('advertises S256 only, the iss parameter, client-id metadata documents and all endpoints (G10)', async () => {
      const asm = (await (
        await fetch(`${app.baseUrl}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, unknown>;
      assert.equal(asm.issuer, app.baseUrl);
      assert.equal(asm.authorization_endpoint, `${app.baseUrl}/authorize`);
      assert.equal(asm.token_endpoint, `${app.baseUrl}/token`);
      assert.equal(asm.registration_endpoint, `${app.baseUrl}/register`);
      assert.equal(asm.revocation_endpoint, `${app.baseUrl}/revoke`);
      assert.deepEqual(asm.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(asm.response_types_supported, ['code']);
      assert.equal(asm.client_id_metadata_document_supported, true);
      assert.equal(asm.authorization_response_iss_parameter_supported, true);
      const grants = asm.grant_types_supported as string[];
      assert.ok(!grants.includes('password') && !grants.includes('implicit'), grants.join(' '));
      assert.ok((asm.token_endpoint_auth_methods_supported as string[]).includes('none'));
      const oidc: unknown = await (await fetch(`${app.baseUrl}/.well-known/openid-configuration`)).json();
      assert.deepEqual(oidc, asm, 'openid-configuration says exactly the same');
    });

    const corsEndpoints: [string, 'GET' | 'POST'][] = [
      ['/.well-known/oauth-authorization-server', 'GET'],
      ['/.well-known/openid-configuration', 'GET'],
      ['/.well-known/oauth-protected-resource', 'GET'],
      ['/.well-known/oauth-protected-resource/v1/mcp', 'GET'],
      ['/token', 'POST'],
      ['/register', 'POST'],
      ['/revoke', 'POST'],
    ];
    for (const [path, method] of corsEndpoints) {
      it(`answers a browser client’s CORS preflight for ${method} ${path}, without credentials`, async () => {
        const preflight = await fetch(`${app.baseUrl}${path}`, {
          method: 'OPTIONS',
          headers: {
            origin: 'https://inspector.example',
            'access-control-request-method': method,
            'access-control-request-headers': 'authorization, content-type, mcp-protocol-version',
          },
        });
        assert.ok([200, 204].includes(preflight.status), `preflight status ${preflight.status}`);
        assert.ok(
          ['*', 'https://inspector.example'].includes(
            preflight.headers.get('access-control-allow-origin') ?? '',
          ),
          `Access-Control-Allow-Origin ${preflight.headers.get('access-control-allow-origin')}`,
        );
        assert.match(preflight.headers.get('access-control-allow-methods') ?? '', new RegExp(method));
        const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase();
        for (const header of ['authorization', 'content-type', 'mcp-protocol-version']) {
          assert.ok(allowed.includes(header), `${header} in ${allowed}`);
        }
        assert.notEqual(preflight.headers.get('access-control-allow-credentials'), 'true');
      });
    }

    it('lets a browser client read the answers and the WWW-Authenticate of an error', async () => {
      const metadata = await fetch(`${app.baseUrl}/.well-known/oauth-authorization-server`, {
        headers: { origin: 'https://inspector.example' },
      });
      assert.ok(metadata.headers.get('access-control-allow-origin'));
      const token = await postForm(
        `${app.baseUrl}/token`,
        { grant_type: 'refresh_token', refresh_token: 'tmcp_rt_x' },
        {
          origin: 'https://inspector.example',
          authorization: `Basic ${Buffer.from('tmcp_client_nope:nope').toString('base64')}`,
        },
      );
      assert.equal(token.status, 401);
      assert.ok(token.headers.get('access-control-allow-origin'));
      assert.match(
        (token.headers.get('access-control-expose-headers') ?? '').toLowerCase(),
        /www-authenticate/,
      );
    });
  });

  describe('I1: a copy of the database signs nobody in', () => {
    it('stores no issued credential anywhere, and no stored value works as a token, code, secret or cookie', async () => {
      const confidential = await registerClient(app, confidentialClientMetadata());
      const tokens = await obtainTokens(app, user, { client: confidential });
      const rotated = await tokenSet(await refresh(app, confidential, tokens.refresh_token), confidential);
      const pending = await authorizeCode(app, user, { browser: tokens.browser });
      const lingering = new OAuthBrowser(app.baseUrl);
      const loginPage = await lingering.follow(
        await lingering.get(authorizeUrl(app, pending.client, newPkce())),
      );
      const requestId = new URL(loginPage.url).searchParams.get('request') as string;
      const sessionCookie = tokens.browser.cookies.get('tesorio_session') as string;
      assert.ok(sessionCookie && requestId);

      const secrets: Record<string, string> = {
        'access token': tokens.access_token,
        'refresh token': tokens.refresh_token,
        'rotated access token': rotated.access_token,
        'rotated refresh token': rotated.refresh_token,
        'pending code': pending.code,
        'client secret': confidential.client_secret as string,
        'session cookie': sessionCookie,
        'anonymous session cookie': lingering.cookies.get('tesorio_session') as string,
        'authorization request id': requestId,
        'csrf token': formFields(loginPage.body).csrf_token,
        'code verifier': pending.verifier,
        password: TEST_PASSWORD,
      };
      const dump = await allRowsAsJson(app);
      for (const [table, rows] of dump) {
        for (const row of rows) {
          for (const [what, secret] of Object.entries(secrets)) {
            assert.ok(!row.includes(secret), `${table} stores the raw ${what}`);
            const random = randomPart(secret);
            if (random !== secret && random.length >= 20)
              assert.ok(!row.includes(random), `${table} stores the ${what}`);
          }
        }
      }

      const values = new Set<string>();
      for (const table of [
        'oauth_tokens',
        'oauth_authorization_codes',
        'login_sessions',
        'oauth_clients',
        'oauth_authorization_requests',
        'oauth_grants',
      ]) {
        for (const row of dump.get(table) ?? []) {
          for (const value of Object.values(JSON.parse(row) as Record<string, unknown>)) {
            if (
              typeof value === 'string' &&
              value.length >= 8 &&
              value.length <= 200 &&
              !ISO_TIME.test(value)
            )
              values.add(value);
          }
        }
      }
      assert.ok(values.size > 10, `only ${values.size} stored values to try`);

      /** The connected-apps page answers 200 only to a signed-in session; 303 to sign-in otherwise. */
      const withSessionCookie = (cookie: string): Promise<Response> =>
        fetch(`${app.baseUrl}/account/connections`, {
          headers: { cookie: `tesorio_session=${cookie}` },
          redirect: 'manual',
        });

      // Sanity: the real credentials do work, so a stored copy that worked would be noticed.
      assert.equal((await whoami(app, rotated.access_token)).status, 200);
      assert.equal((await withSessionCookie(sessionCookie)).status, 200);

      // Each stored value as it is, and with the type prefix in front (a hash used as the token).
      // Stored values without the prefix are refused by the prefix check alone, so the bare form is
      // only tried where it already carries one.
      const candidates = (value: string, prefix: string): string[] =>
        value.startsWith('tmcp_') ? [value, `${prefix}${value}`] : [`${prefix}${value}`];
      for (const value of values) {
        const shown = value.slice(0, 24);
        const checks: Promise<void>[] = [];
        const expect = (pending: Promise<Response>, ok: (status: number) => boolean, what: string): void => {
          checks.push(
            pending.then(async (response) => {
              await response.body?.cancel();
              assert.ok(ok(response.status), `stored value ${shown} works as ${what} (${response.status})`);
            }),
          );
        };
        for (const token of candidates(value, 'tmcp_at_'))
          expect(whoami(app, token), (s) => s === 401, 'a bearer token');
        for (const token of candidates(value, 'tmcp_rt_'))
          expect(refresh(app, confidential, token), (s) => s !== 200, 'a refresh token');
        for (const code of candidates(value, 'tmcp_ac_'))
          expect(exchangeCode(app, pending.client, code, pending.verifier), (s) => s !== 200, 'a code');
        for (const cookie of candidates(value, 'tmcp_ls_'))
          expect(withSessionCookie(cookie), (s) => s === 303, 'a session cookie');
        expect(
          tokenRequest(
            app,
            { ...confidential, client_secret: value },
            { grant_type: 'refresh_token', refresh_token: rotated.refresh_token },
          ),
          (s) => s === 401,
          'a client secret',
        );
        await Promise.all(checks);
      }

      // And the real ones still do: nothing above burned them.
      assert.equal((await exchangeCode(app, pending.client, pending.code, pending.verifier)).status, 200);
      assert.equal((await refresh(app, confidential, rotated.refresh_token)).status, 200);
    });
  });

  describe('I2, I4: entropy and lifetimes', () => {
    function assertRandom(kind: string, values: string[]): void {
      assert.equal(new Set(values).size, values.length, `${kind}: all distinct`);
      const randoms = values.map(randomPart);
      for (const random of randoms) {
        assert.match(random, /^[A-Za-z0-9_-]{43,}$/, `${kind}: ${random.length} base64url characters`);
        assert.ok(Buffer.from(random, 'base64url').length >= 32, `${kind}: at least 256 bits`);
      }
      // A counter or clock inside the value would leave some positions nearly constant.
      for (let position = 0; position < 42; position++) {
        const seen = new Set(randoms.map((r) => r[position]));
        assert.ok(
          seen.size >= 16,
          `${kind}: position ${position} takes only ${seen.size} values over ${values.length}`,
        );
      }
    }

    it('issues codes, access tokens, refresh tokens and session ids of 256 random bits, all distinct (I2)', async () => {
      const client = await registerClient(app);
      const first = await authorizeCode(app, user, { client });
      const more = await Promise.all(
        Array.from({ length: 49 }, async () => {
          const answer = await first.browser.follow(
            await first.browser.get(authorizeUrl(app, client, newPkce())),
          );
          const code = answer.location ? new URL(answer.location).searchParams.get('code') : null;
          assert.ok(code, 'remembered consent answers with a code');
          return code;
        }),
      );
      const codes = [first.code, ...more];
      let tokens = await tokenSet(await exchangeCode(app, client, first.code, first.verifier), client);
      const accessTokens = [tokens.access_token];
      const refreshTokens = [tokens.refresh_token];
      for (let i = 0; i < 49; i++) {
        tokens = await tokenSet(await refresh(app, client, tokens.refresh_token), client);
        accessTokens.push(tokens.access_token);
        refreshTokens.push(tokens.refresh_token);
      }
      const sessions = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const browser = new OAuthBrowser(app.baseUrl);
          await browser.get('/oauth/login');
          return browser.cookies.get('tesorio_session') as string;
        }),
      );
      assertRandom('codes', codes);
      assertRandom('access tokens', accessTokens);
      assertRandom('refresh tokens', refreshTokens);
      assertRandom('session ids', sessions);
    });

    it('keeps the default lifetimes short: code ≤ 60 s, access token 1 h, refresh token with idle and absolute ends (I4)', async () => {
      const issued = await authorizeCode(app, user);
      const [code] = await app.dataSource.query<{ seconds: number }[]>(
        `SELECT extract(epoch FROM expires_at - created_at)::float AS seconds
           FROM oauth_authorization_codes WHERE client_id = $1`,
        [issued.client.client_id],
      );
      assert.ok(code.seconds > 0 && code.seconds <= 61, `code lives ${code.seconds} s`);
      const tokens = await tokenSet(
        await exchangeCode(app, issued.client, issued.code, issued.verifier),
        issued.client,
      );
      assert.ok(
        tokens.expires_in > 3500 && tokens.expires_in <= 3600,
        `access token lives ${tokens.expires_in} s`,
      );
      const { grantId } = await principalOf(app, tokens.access_token);
      const [lifetimes] = await app.dataSource.query<{ refreshDays: number; grantDays: number }[]>(
        `SELECT extract(epoch FROM t.expires_at - t.created_at) / 86400 AS "refreshDays",
                extract(epoch FROM g.expires_at - g.created_at) / 86400 AS "grantDays"
           FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
          WHERE g.id = $1 AND t.kind = 'refresh'`,
        [grantId],
      );
      assert.ok(
        lifetimes.refreshDays > 0 && lifetimes.refreshDays <= 31,
        `refresh idle ${lifetimes.refreshDays} d`,
      );
      assert.ok(
        lifetimes.grantDays >= lifetimes.refreshDays && lifetimes.grantDays <= 366,
        `grant ${lifetimes.grantDays} d`,
      );
    });
  });
});

describe('the real service process: foreign tokens (G3) and its logs (I5)', () => {
  let database: TestDatabase;
  let service: AppProcess;
  let sut: ServiceUnderTest;

  before(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const context = await NestFactory.createApplicationContext(
      {
        module: class LogTestIdentityRoot {},
        imports: [
          ConfigModule.forRoot(testConfig({ DATABASE_URL: database.url })),
          DatabaseModule.forRoot(database.dataSource),
          IdentityModule,
        ],
      },
      { logger: false },
    );
    try {
      const identity = context.get(IdentityService);
      const org = await identity.createOrganization({ name: 'Logged Org', baseCurrency: 'USD' });
      await identity.createUser({ email: 'logged@storage.example', name: 'Logged', password: TEST_PASSWORD });
      await identity.addMembership('logged@storage.example', org.id, 'collector');
    } finally {
      await context.close();
    }
    service = await startAppProcess({
      DATABASE_URL: database.url,
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      LOG_LEVEL: 'debug',
      MIGRATIONS_RUN: 'false',
      SEED_DEMO_DATA: 'false',
    });
    assert.equal(service.baseUrl, publicUrl);
    sut = { baseUrl: publicUrl, resource: `${publicUrl}/v1/mcp` };
  });
  after(async () => {
    await service?.kill();
    await database?.drop();
  });

  it('has its tokens refused by another Tesorio server (another issuer and database) (G3)', async () => {
    const foreign = await obtainTokens(sut, { email: 'logged@storage.example' });
    assert.equal((await whoami(sut, foreign.access_token)).status, 200, 'works where it was issued');
    const other = await startOAuthTestApp();
    try {
      const response = await whoami(other, foreign.access_token);
      assert.equal(response.status, 401);
      assert.equal(challenge(response.headers.get('www-authenticate')).get('error'), 'invalid_token');
    } finally {
      await other.stop();
    }
  });

  it('logs each tool call with who, where, which client, the tool, its outcome and duration; free text by length (I5)', async () => {
    const tokens = await obtainTokens(sut, { email: 'logged@storage.example' });
    const principal = (await (await whoami(sut, tokens.access_token)).json()) as Record<string, string>;
    const searched = 'alice.private@example.com';
    const { status } = await mcpRequest(sut, tokens.access_token, 'tools/call', {
      name: 'search_contacts',
      arguments: { text: searched, limit: 5 },
    });
    assert.equal(status, 200);
    // Lines are written in batches (at least every 200 ms).
    const toolCalls = async (): Promise<Record<string, unknown>[]> => {
      for (let waited = 0; waited < 5_000; waited += 100) {
        const found = service
          .output()
          .split('\n')
          .filter((line) => line.includes('"msg":"tool call"'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        if (found.length > 0) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return [];
    };
    const [line, ...more] = await toolCalls();
    assert.deepEqual(more, [], 'one line per tool call');
    assert.deepEqual(
      [line.tool, line.outcome, line.userId, line.orgId, line.clientId, line.arguments],
      [
        'search_contacts',
        'ok',
        principal.userId,
        principal.orgId,
        principal.clientId,
        { text: `[${searched.length} chars]`, limit: 5 },
      ],
    );
    assert.equal(typeof line.durationMs, 'number');
    assert.ok(!service.output().includes(searched), 'the searched email address is not in the logs');
  });

  it('never writes an access token, refresh token, code, client secret, password or session id', async () => {
    const wrongPassword = 'Wrong-Password-That-Must-Not-Be-Logged-42';
    const client = await registerClient(sut, confidentialClientMetadata());
    const pkce = newPkce();
    const browser = new OAuthBrowser(sut.baseUrl);
    const loginPage = await browser.follow(await browser.get(authorizeUrl(sut, client, pkce)));
    const requestId = new URL(loginPage.url).searchParams.get('request') as string;
    const failed = await submitLogin(browser, loginPage, 'logged@storage.example', wrongPassword);
    assert.equal(failed.status, 200);
    const anonymousSession = browser.cookies.get('tesorio_session') as string;
    const consent = await browser.login(failed, 'logged@storage.example', TEST_PASSWORD);
    assert.equal(consent.status, 200);
    const approved = await browser.decide(consent, 'approve');
    const code = new URL(approved.location as string).searchParams.get('code') as string;

    const tokens = await tokenSet(await exchangeCode(sut, client, code, pkce.verifier), client);
    await assertOAuthError(await exchangeCode(sut, client, code, pkce.verifier), 400, 'invalid_grant');
    const second = await obtainTokens(sut, { email: 'logged@storage.example' }, { client, browser });
    const rotated = await tokenSet(await refresh(sut, client, second.refresh_token), client);
    assert.equal((await whoami(sut, rotated.access_token)).status, 200);
    await fetch(`${sut.baseUrl}/v1/whoami?access_token=${rotated.access_token}`);
    await assertOAuthError(
      await tokenRequest(
        sut,
        { ...client, client_secret: `${client.client_secret as string}x` },
        {
          grant_type: 'refresh_token',
          refresh_token: rotated.refresh_token,
        },
      ),
      401,
      'invalid_client',
    );
    assert.equal((await revoke(sut, client, { token: rotated.refresh_token })).status, 200);
    assert.equal((await whoami(sut, rotated.access_token)).status, 401);
    await registerClient(sut, publicClientMetadata());

    await service.kill();
    const logs = service.output();
    assert.match(logs, /"path":"\/token"/, 'request logs are being written at debug level');
    assert.match(logs, /"path":"\/oauth\/login"/);

    const secrets: Record<string, string> = {
      'access token': tokens.access_token,
      'refresh token': tokens.refresh_token,
      'second access token': second.access_token,
      'rotated access token': rotated.access_token,
      'rotated refresh token': rotated.refresh_token,
      'authorization code': code,
      'client secret': client.client_secret as string,
      password: TEST_PASSWORD,
      'wrong password': wrongPassword,
      'session id': browser.cookies.get('tesorio_session') as string,
      'anonymous session id': anonymousSession,
      'code verifier': pkce.verifier,
      'authorization request id': requestId,
      'csrf token': formFields(loginPage.body).csrf_token,
    };
    for (const [what, secret] of Object.entries(secrets)) {
      assert.ok(secret, what);
      assert.ok(!logs.includes(secret), `the logs contain the ${what}`);
      const random = randomPart(secret);
      if (random !== secret)
        assert.ok(!logs.includes(random), `the logs contain the ${what} (without prefix)`);
    }
  });
});
