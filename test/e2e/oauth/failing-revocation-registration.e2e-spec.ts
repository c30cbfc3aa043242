import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { newPkce, OAuthBrowser } from '../../support/oauth-browser';
import {
  assertOAuthError,
  authorizeUrl,
  confidentialClientMetadata,
  obtainTokens,
  postForm,
  postJson,
  publicClientMetadata,
  randomPart,
  refresh,
  registerClient,
  revoke,
  whoami,
} from '../../support/oauth-flows';
import type { RegisteredClient, Tokens } from '../../support/oauth-flows';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

/**
 * security.md groups E (revocation, RFC 7009) and F (dynamic client registration, RFC 7591, and
 * the client-id metadata documents that replace it).
 */
describe('token revocation refuses what it must and reveals nothing', () => {
  let app: OAuthTestApp;
  const user = { email: 'collector@revoke.example' };

  before(async () => {
    app = await startOAuthTestApp({ OAUTH_REGISTRATIONS_PER_HOUR: '10000' });
    const orgId = await app.createOrganization('Revoke Org');
    await app.createUser(user.email, [{ orgId, role: 'collector' }]);
  });
  after(async () => app.stop());

  async function assertDead(tokens: Tokens): Promise<void> {
    assert.equal((await whoami(app, tokens.access_token)).status, 401, 'the access token should be dead');
    await assertOAuthError(await refresh(app, tokens.client, tokens.refresh_token), 400, 'invalid_grant');
  }

  async function assertAlive(tokens: Tokens): Promise<void> {
    assert.equal((await whoami(app, tokens.access_token)).status, 200, 'the access token should still work');
  }

  async function assertEmpty200(response: Response): Promise<void> {
    const body = await response.text();
    assert.equal(response.status, 200, body);
    assert.equal(body, '');
    assert.equal(response.headers.get('cache-control'), 'no-store');
  }

  describe('E1: revoking a refresh token ends the grant whatever the hint', () => {
    const hints: [string, string | undefined][] = [
      ['the correct hint', 'refresh_token'],
      ['a wrong hint', 'access_token'],
      ['no hint', undefined],
      ['an unknown hint', 'id_token_or_something'],
    ];
    for (const [what, hint] of hints) {
      it(`answers 200 with an empty body for ${what}, and both tokens of the grant stop working`, async () => {
        const tokens = await obtainTokens(app, user);
        await assertAlive(tokens);
        const form = { token: tokens.refresh_token, ...(hint ? { token_type_hint: hint } : {}) };
        await assertEmpty200(await revoke(app, tokens.client, form));
        await assertDead(tokens);
      });
    }

    it('ends the grant when the access token is revoked, with a wrong refresh_token hint', async () => {
      const tokens = await obtainTokens(app, user);
      await assertEmpty200(
        await revoke(app, tokens.client, { token: tokens.access_token, token_type_hint: 'refresh_token' }),
      );
      await assertDead(tokens);
    });
  });

  describe('E2, E3: unknown and missing tokens', () => {
    it('answers 200 with an empty body for a garbage token (no oracle)', async () => {
      const client = await registerClient(app);
      for (const token of [
        'dsahjdasdsa',
        'tmcp_rt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        'tmcp_at_x'.repeat(100),
      ]) {
        await assertEmpty200(await revoke(app, client, { token }));
      }
    });

    it('answers 400 invalid_request without a token parameter', async () => {
      const client = await registerClient(app);
      await assertOAuthError(await revoke(app, client, {}), 400, 'invalid_request');
      await assertOAuthError(await revoke(app, client, { token: '' }), 400, 'invalid_request');
    });

    it('answers 400 invalid_request for a JSON body', async () => {
      const tokens = await obtainTokens(app, user);
      const response = await postJson(`${app.baseUrl}/revoke`, {
        token: tokens.refresh_token,
        client_id: tokens.client.client_id,
      });
      await assertOAuthError(response, 400, 'invalid_request');
      await assertAlive(tokens);
    });
  });

  describe('E4: one client cannot revoke another client’s tokens', () => {
    it('refuses a confidential client with 400, and the other client’s tokens keep working', async () => {
      const victim = await obtainTokens(app, user);
      const other = await registerClient(
        app,
        confidentialClientMetadata({ client_name: 'Other confidential' }),
      );
      for (const token of [victim.refresh_token, victim.access_token]) {
        const response = await revoke(app, other, { token });
        assert.equal(response.status, 400, await response.clone().text());
        const body = (await response.json()) as { error: string };
        assert.ok(['unauthorized_client', 'invalid_request'].includes(body.error), body.error);
      }
      await assertAlive(victim);
      assert.equal((await refresh(app, victim.client, victim.refresh_token)).status, 200);
    });

    it('answers a public client 200 but revokes nothing, and the other client’s tokens keep working', async () => {
      const victim = await obtainTokens(app, user);
      const other = await registerClient(app, publicClientMetadata({ client_name: 'Other public' }));
      for (const token of [victim.refresh_token, victim.access_token]) {
        await assertEmpty200(await revoke(app, other, { token }));
      }
      await assertAlive(victim);
      assert.equal((await refresh(app, victim.client, victim.refresh_token)).status, 200);
    });
  });

  describe('E5: revocation authenticates the client', () => {
    it('answers bad client credentials with 401 invalid_client and revokes nothing', async () => {
      const client = await registerClient(app, confidentialClientMetadata());
      const tokens = await obtainTokens(app, user, { client });
      const attempts: [Record<string, string>, Record<string, string>][] = [
        [{ client_id: client.client_id, client_secret: 'tmcp_cs_wrong' }, {}],
        [{ client_id: client.client_id }, {}],
        [{ client_id: 'tmcp_client_unknown' }, {}],
        [
          {},
          { authorization: `Basic ${Buffer.from(`${client.client_id}:tmcp_cs_wrong`).toString('base64')}` },
        ],
      ];
      for (const [credentials, headers] of attempts) {
        const response = await postForm(
          `${app.baseUrl}/revoke`,
          { token: tokens.refresh_token, ...credentials },
          headers,
        );
        await assertOAuthError(response, 401, 'invalid_client');
        if (headers.authorization) assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
      }
      await assertAlive(tokens);
    });
  });
});

describe('dynamic client registration refuses bad metadata and accepts the real clients', () => {
  let app: OAuthTestApp;

  before(async () => {
    app = await startOAuthTestApp({ OAUTH_REGISTRATIONS_PER_HOUR: '10000' });
    const orgId = await app.createOrganization('Registration Org');
    await app.createUser('collector@register.example', [{ orgId, role: 'collector' }]);
  });
  after(async () => app.stop());

  async function clientCount(): Promise<number> {
    const [row] = await app.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM oauth_clients`);
    return row.n;
  }

  async function assertRefused(response: Response, error?: string): Promise<void> {
    const text = await response.text();
    assert.equal(response.status, 400, `expected 400, got ${response.status}: ${text}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    if (error) assert.equal((JSON.parse(text) as { error: string }).error, error, text);
  }

  /** GET /authorize with this client and redirect URI: true when it goes on to sign-in. */
  async function authorizeAccepts(clientId: string, redirectUri: string): Promise<boolean> {
    const page = await new OAuthBrowser(app.baseUrl).get(
      authorizeUrl(app, { client_id: clientId, redirectUri }, newPkce(), { scope: 'ar:read' }),
    );
    return page.status === 303 && (page.location ?? '').startsWith('/oauth/login?');
  }

  describe('F1: malformed registrations', () => {
    it('refuses a registration without redirect_uris with invalid_redirect_uri, and stores nothing', async () => {
      const before = await clientCount();
      await assertRefused(
        await postJson(`${app.baseUrl}/register`, publicClientMetadata({ redirect_uris: undefined })),
        'invalid_redirect_uri',
      );
      await assertRefused(
        await postJson(`${app.baseUrl}/register`, publicClientMetadata({ redirect_uris: [] })),
        'invalid_redirect_uri',
      );
      await assertRefused(
        await postJson(
          `${app.baseUrl}/register`,
          publicClientMetadata({ redirect_uris: 'http://127.0.0.1/cb' }),
        ),
        'invalid_redirect_uri',
      );
      assert.equal(await clientCount(), before);
    });

    it('refuses grant types it does not support with invalid_client_metadata', async () => {
      for (const grantTypes of [
        ['x'],
        ['implicit'],
        ['password'],
        ['authorization_code', 'client_credentials'],
        ['refresh_token'],
      ]) {
        await assertRefused(
          await postJson(`${app.baseUrl}/register`, publicClientMetadata({ grant_types: grantTypes })),
          'invalid_client_metadata',
        );
      }
    });

    it('refuses metadata that is not a JSON object: text/plain, a form, JSON null, an array, a string', async () => {
      const before = await clientCount();
      const bodies: [string, string][] = [
        ['text/plain', JSON.stringify(publicClientMetadata())],
        ['application/x-www-form-urlencoded', 'redirect_uris=http%3A%2F%2F127.0.0.1%2Fcb'],
        ['application/json', 'null'],
        ['application/json', '[]'],
        ['application/json', '"client"'],
        ['application/json', '{"redirect_uris": ['],
      ];
      for (const [contentType, body] of bodies) {
        const response = await fetch(`${app.baseUrl}/register`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        });
        const text = await response.text();
        assert.equal(response.status, 400, `${contentType} ${body}: ${response.status} ${text}`);
      }
      assert.equal(await clientCount(), before);
    });
  });

  it('answers unparseable bodies at /register and /revoke with an uncached OAuth error body (RFC 7591 §3.2.2, RFC 7009 §2.2.1)', async () => {
    const problems: string[] = [];
    for (const [path, body] of [
      ['/register', '{"redirect_uris": ['],
      ['/register', 'null'],
      ['/revoke', '{"token": '],
    ]) {
      const response = await fetch(`${app.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      if (response.status !== 400) problems.push(`${path} ${body}: status ${response.status}`);
      if (response.headers.get('cache-control') !== 'no-store')
        problems.push(`${path} ${body}: Cache-Control ${response.headers.get('cache-control')}`);
      const error = (JSON.parse(text) as { error?: unknown }).error;
      if (!['invalid_request', 'invalid_client_metadata'].includes(error as string))
        problems.push(`${path} ${body}: error ${JSON.stringify(error)} in ${text}`);
    }
    assert.deepEqual(problems, []);
  });

  describe('F2: redirect URIs that must never be registered', () => {
    const forbidden = [
      'https://client.example/cb#fragment',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      'blob:https://client.example/0b7f3c3e-0000-4000-8000-000000000000',
      'about:blank',
      'http://evil.example/cb',
      'https://localhost/cb',
      'https://127.0.0.1/cb',
      'https://user:password@client.example/cb',
      '/relative/cb',
      'notallowlisted://callback',
    ];
    for (const uri of forbidden) {
      it(`refuses ${uri} with invalid_redirect_uri, even next to a good one`, async () => {
        await assertRefused(
          await postJson(
            `${app.baseUrl}/register`,
            publicClientMetadata({ redirect_uris: ['http://127.0.0.1/ok', uri] }),
          ),
          'invalid_redirect_uri',
        );
      });
    }
  });

  describe('F3: every piece of metadata is self-asserted', () => {
    it('ignores a client-chosen client_id, even one equal to an existing client’s or user’s id', async () => {
      const victim = await registerClient(
        app,
        publicClientMetadata({ redirect_uris: ['http://127.0.0.1/victim'] }),
      );
      const [userRow] = await app.dataSource.query<{ id: string }[]>(`SELECT id FROM users LIMIT 1`);
      for (const chosen of ['my-own-client-id', victim.client_id, userRow.id]) {
        const registered = await registerClient(
          app,
          publicClientMetadata({ client_id: chosen, redirect_uris: ['https://attacker.example/cb'] }),
        );
        assert.notEqual(registered.client_id, chosen);
        assert.match(registered.client_id, /^tmcp_client_/);
      }
      const [stored] = await app.dataSource.query<{ redirect_uris: string[] }[]>(
        `SELECT redirect_uris FROM oauth_clients WHERE id = $1`,
        [victim.client_id],
      );
      assert.deepEqual(stored.redirect_uris, ['http://127.0.0.1/victim'], 'the victim client is unchanged');
      assert.equal(await authorizeAccepts(victim.client_id, 'https://attacker.example/cb'), false);
      assert.equal(await authorizeAccepts('my-own-client-id', 'https://attacker.example/cb'), false);
    });

    it('ignores a client-chosen client_secret', async () => {
      const registered = await registerClient(
        app,
        confidentialClientMetadata({ client_secret: 'tmcp_cs_chosen-by-client' }),
      );
      assert.notEqual(registered.client_secret, 'tmcp_cs_chosen-by-client');
    });
  });

  describe('the registrations real MCP clients send (mcp-auth.md §2) are all accepted', () => {
    const realClients: [string, Record<string, unknown>, string[]][] = [
      [
        'Claude (confidential, client_secret_post)',
        {
          client_name: 'Claude',
          token_endpoint_auth_method: 'client_secret_post',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: [
            'https://claude.ai/api/mcp/auth_callback',
            'https://claude.com/api/mcp/auth_callback',
          ],
        },
        ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
      ],
      [
        'Claude Code',
        {
          client_name: 'Claude Code (tesorio)',
          redirect_uris: ['http://localhost:53682/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
        ['http://localhost:61999/callback'],
      ],
      [
        'Cursor (three redirect URIs)',
        {
          client_name: 'Cursor',
          redirect_uris: [
            'cursor://anysphere.cursor-mcp/oauth/callback',
            'https://www.cursor.com/agents/mcp/oauth/callback',
            'http://localhost:8787/callback',
          ],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
        [
          'cursor://anysphere.cursor-mcp/oauth/callback',
          'https://www.cursor.com/agents/mcp/oauth/callback',
          'http://localhost:8787/callback',
        ],
      ],
      [
        'MCP Inspector (CLI/TUI)',
        {
          client_name: 'MCP Inspector',
          redirect_uris: ['http://127.0.0.1:6276/oauth/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
        ['http://127.0.0.1:6276/oauth/callback'],
      ],
      [
        'MCP Inspector (web)',
        {
          client_name: 'MCP Inspector',
          redirect_uris: ['http://localhost:6274/oauth/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
        ['http://localhost:6274/oauth/callback'],
      ],
      [
        'mcp-remote 0.15',
        {
          client_name: 'MCP CLI Client',
          redirect_uris: ['http://localhost:14523/oauth/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          client_uri: 'https://github.com/modelcontextprotocol/mcp-cli',
          software_id: '2e6dc280-f3c3-4e01-99a7-8181dbd1d23d',
          software_version: '0.15.1',
        },
        ['http://localhost:14523/oauth/callback'],
      ],
    ];
    for (const [name, metadata, usable] of realClients) {
      it(`accepts ${name} and its redirect URIs work at /authorize`, async () => {
        const registered = await registerClient(app, metadata);
        assert.equal(registered.client_name, metadata.client_name);
        assert.deepEqual(registered.redirect_uris, metadata.redirect_uris);
        assert.equal(registered.token_endpoint_auth_method, metadata.token_endpoint_auth_method);
        if (metadata.token_endpoint_auth_method === 'none') assert.equal(registered.client_secret, undefined);
        else assert.ok(registered.client_secret);
        for (const redirectUri of usable) {
          assert.ok(
            await authorizeAccepts(registered.client_id, redirectUri),
            `${redirectUri} at /authorize`,
          );
        }
      });
    }
  });

  describe('F7: URLs in client metadata never make the server connect inward', () => {
    let listener: Server;
    let port: number;
    let connections = 0;

    before(async () => {
      listener = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      port = (listener.address() as { port: number }).port;
    });
    after(async () => new Promise<void>((resolve) => listener.close(() => resolve())));

    it('refuses client-id metadata documents on loopback, private or metadata-service addresses without connecting', async () => {
      const clientIds = [
        `https://127.0.0.1:${port}/client.json`,
        `https://localhost:${port}/client.json`,
        `https://[::ffff:127.0.0.1]:${port}/client.json`,
        `https://2130706433:${port}/client.json`,
        `https://0x7f.0.0.1:${port}/client.json`,
        `https://0177.0.0.1:${port}/client.json`,
        `https://[::1]:${port}/client.json`,
        'https://169.254.169.254/latest/meta-data/client.json',
        'https://10.0.0.1/client.json',
        `http://127.0.0.1:${port}/client.json`,
      ];
      for (const clientId of clientIds) {
        const page = await new OAuthBrowser(app.baseUrl).get(
          authorizeUrl(app, { client_id: clientId, redirectUri: 'http://127.0.0.1/cb' }, newPkce()),
        );
        assert.equal(page.status, 400, `${clientId}: ${page.status} ${page.location ?? ''}`);
        assert.equal(page.location, undefined);
      }
      assert.equal(connections, 0, 'the server connected to the internal listener');
    });

    it('stores logo and client URIs on internal hosts without ever fetching them, even on the consent page', async () => {
      const client = await registerClient(
        app,
        publicClientMetadata({
          logo_uri: `https://127.0.0.1:${port}/logo.png`,
          client_uri: `https://127.0.0.1:${port}/`,
        }),
      );
      const browser = new OAuthBrowser(app.baseUrl);
      let page = await browser.follow(await browser.get(authorizeUrl(app, client, newPkce())));
      page = await browser.login(page, 'collector@register.example', TEST_PASSWORD);
      assert.equal(page.status, 200);
      assert.match(page.body, /wants to access/);
      assert.ok(!page.body.includes(`127.0.0.1:${port}`), 'the consent page must not load the client’s logo');
      assert.equal(connections, 0);
    });
  });

  describe('F8: client secrets', () => {
    it('issues secrets of at least 256 bits, each different, stored only as a hash', async () => {
      const clients: RegisteredClient[] = [];
      for (let i = 0; i < 5; i++) clients.push(await registerClient(app, confidentialClientMetadata()));
      const secrets = clients.map((c) => c.client_secret as string);
      assert.equal(new Set(secrets).size, secrets.length);
      for (const client of clients) {
        const secret = client.client_secret as string;
        const random = randomPart(secret);
        assert.match(random, /^[A-Za-z0-9_-]{43,}$/);
        assert.ok(Buffer.from(random, 'base64url').length >= 32, `${random.length} characters of randomness`);
        const [row] = await app.dataSource.query<Record<string, unknown>[]>(
          `SELECT secret_hash, row_to_json(c)::text AS json FROM oauth_clients c WHERE id = $1`,
          [client.client_id],
        );
        assert.equal(typeof row.secret_hash, 'string');
        assert.notEqual(row.secret_hash, secret);
        assert.ok(
          !(row.json as string).includes(random),
          'the secret must not be stored anywhere in the row',
        );
      }
    });
  });
});

describe('registration flood limits (OAUTH_REGISTRATIONS_PER_HOUR=3, one trusted proxy)', () => {
  let app: OAuthTestApp;

  before(async () => {
    app = await startOAuthTestApp({ OAUTH_REGISTRATIONS_PER_HOUR: '3', TRUST_PROXY_HOPS: '1' });
  });
  after(async () => app.stop());

  async function register(ip: string): Promise<Response> {
    return postJson(`${app.baseUrl}/register`, publicClientMetadata(), { 'x-forwarded-for': ip });
  }

  it('answers 429 to the fourth registration from one address within the hour; another address still registers (F5)', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await register('203.0.113.10')).status, 201);
    const fourth = await register('203.0.113.10');
    assert.equal(fourth.status, 429, await fourth.text());
    assert.equal((await register('198.51.100.20')).status, 201);
  });

  it('answers 429 from a fresh address once the server-wide hourly cap is reached (F5)', async () => {
    await app.dataSource.query(
      `INSERT INTO oauth_clients (id, kind, client_name, redirect_uris, token_endpoint_auth_method, grant_types)
       SELECT 'tmcp_client_flood' || g, 'dynamic', 'Flood ' || g, ARRAY['http://127.0.0.1/cb'], 'none', ARRAY['authorization_code']
         FROM generate_series(1, 200) AS g`,
    );
    const response = await register('192.0.2.77');
    assert.equal(response.status, 429, await response.clone().text());
    assert.ok(response.headers.get('retry-after'), 'a Retry-After header');
  });
});
