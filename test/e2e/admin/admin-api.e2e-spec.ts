import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  adminFetch,
  createAdminKey,
  expectJson,
  mcpToolCall,
  metricValue,
  parseMetrics,
} from '../../support/admin-api';
import type { AdminKeyFixture } from '../../support/admin-api';
import { OAuthBrowser } from '../../support/oauth-browser';
import {
  assertOAuthError,
  obtainTokens,
  principalOf,
  refresh,
  registerClient,
  submitLogin,
  whoami,
} from '../../support/oauth-flows';
import type { Tokens } from '../../support/oauth-flows';
import { startOAuthTestApp } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

interface Page<T> {
  items: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

interface Session {
  id: string;
  status: string;
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string };
  client: { id: string; name: string; kind: string; disabled: boolean };
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

interface Client {
  id: string;
  kind: string;
  name: string;
  redirectHosts: string[];
  disabled: boolean;
  disabledAt: string | null;
  liveSessions: number;
}

interface AuditEntry {
  id: string;
  createdAt: string;
  organization: { id: string; name: string };
  actorType: string;
  action: string;
  targetType: string;
  targetId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

interface AuditRow {
  org_id: string;
  actor_type: string;
  actor_user_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  reason: string;
  details: Record<string, unknown>;
}

describe('the admin API on the admin listener', () => {
  let app: OAuthTestApp;
  let key: AdminKeyFixture;
  let acme: string;
  let globex: string;
  let aliceAcme: Tokens;
  let aliceGlobex: Tokens;
  let bob: Tokens;

  const get = async <T>(path: string): Promise<T> =>
    expectJson<T>(await adminFetch(app, path, { bearer: key.value }), 200);
  const post = (path: string, body: unknown): Promise<Response> =>
    adminFetch(app, path, { bearer: key.value, method: 'POST', body });
  const grantOf = async (tokens: Tokens): Promise<string> =>
    (await principalOf(app, tokens.access_token)).grantId;
  const auditRows = (where: string, params: unknown[]): Promise<AuditRow[]> =>
    app.dataSource.query<AuditRow[]>(
      `SELECT org_id, actor_type, actor_user_id, action, target_type, target_id, reason, details
         FROM audit_log WHERE ${where} ORDER BY org_id`,
      params,
    );

  /** Everything an MCP client would do with the token answers 401. */
  async function assertTokenDead(tokens: Tokens): Promise<void> {
    assert.equal((await whoami(app, tokens.access_token)).status, 401, '/v1/whoami should refuse the token');
    const call = await mcpToolCall(app, tokens.access_token, 'get_context');
    assert.equal(call.status, 401, `/v1/mcp should refuse the token: ${await call.text()}`);
    assert.match(call.headers.get('www-authenticate') ?? '', /^Bearer /);
  }

  async function assertTokenAlive(tokens: Tokens): Promise<void> {
    assert.equal((await whoami(app, tokens.access_token)).status, 200);
    const call = await mcpToolCall(app, tokens.access_token, 'get_context');
    assert.equal(call.status, 200, await call.clone().text());
    const body = (await call.json()) as { result?: { isError?: boolean } };
    assert.notEqual(body.result?.isError, true, JSON.stringify(body));
  }

  before(async () => {
    app = await startOAuthTestApp();
    key = await createAdminKey(app.dataSource, 'support-oncall');
    acme = await app.createOrganization('Acme Receivables');
    globex = await app.createOrganization('Globex Europe');
    await app.createUser('alice@admin.example', [
      { orgId: acme, role: 'collector' },
      { orgId: globex, role: 'viewer' },
    ]);
    await app.createUser('bob@admin.example', [{ orgId: acme, role: 'viewer' }]);
    aliceAcme = await obtainTokens(app, { email: 'alice@admin.example', orgId: acme });
    aliceGlobex = await obtainTokens(app, { email: 'alice@admin.example', orgId: globex });
    bob = await obtainTokens(app, { email: 'bob@admin.example', orgId: acme });
  });
  after(async () => app.stop());

  describe('sessions', () => {
    it('lists sessions with user, organization, client, scopes and dates, filtered by email, organization and client', async () => {
      const alice = await get<Page<Session>>('/admin/v1/sessions?email=Alice@Admin.example');
      assert.equal(alice.items.length, 2);
      assert.deepEqual(alice.items.map((s) => s.organization.name).sort(), [
        'Acme Receivables',
        'Globex Europe',
      ]);
      const session = alice.items.find((s) => s.organization.id === acme)!;
      assert.equal(session.id, await grantOf(aliceAcme));
      assert.equal(session.status, 'active');
      assert.equal(session.user.email, 'alice@admin.example');
      assert.equal(session.client.id, aliceAcme.client.client_id);
      assert.equal(session.client.name, 'Test MCP client');
      assert.equal(session.client.kind, 'dynamic');
      assert.deepEqual(session.scopes, ['ar:read', 'ar:write', 'offline_access']);
      assert.ok(Date.parse(session.createdAt) <= Date.now());
      assert.ok(session.lastUsedAt, 'the token was used, so last-used is set');
      assert.equal(session.revokedAt, null);

      const inAcme = await get<Page<Session>>(`/admin/v1/sessions?orgId=${acme}`);
      assert.deepEqual(inAcme.items.map((s) => s.user.email).sort(), [
        'alice@admin.example',
        'bob@admin.example',
      ]);
      const ofBobsClient = await get<Page<Session>>(
        `/admin/v1/sessions?clientId=${encodeURIComponent(bob.client.client_id)}`,
      );
      assert.deepEqual(
        ofBobsClient.items.map((s) => s.user.email),
        ['bob@admin.example'],
      );
      const both = await get<Page<Session>>(`/admin/v1/sessions?email=alice@admin.example&orgId=${globex}`);
      assert.deepEqual(
        both.items.map((s) => s.id),
        [await grantOf(aliceGlobex)],
      );
      assert.equal(
        (await get<Page<Session>>('/admin/v1/sessions?email=nobody@admin.example')).items.length,
        0,
      );
    });

    it('pages through sessions newest first with a cursor, without repeats or gaps', async () => {
      const all = await get<Page<Session>>('/admin/v1/sessions');
      assert.equal(all.items.length, 3);
      assert.equal(all.hasMore, false);
      assert.equal(all.nextCursor, null);
      const created = all.items.map((s) => Date.parse(s.createdAt));
      assert.deepEqual(
        created,
        [...created].sort((a, b) => b - a),
        'newest first',
      );

      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: Page<Session> = await get<Page<Session>>(`/admin/v1/sessions?limit=1${query}`);
        assert.ok(page.items.length <= 1);
        walked.push(...page.items.map((s) => s.id));
        cursor = page.nextCursor;
        assert.equal(page.hasMore, cursor !== null);
      } while (cursor);
      assert.deepEqual(
        walked,
        all.items.map((s) => s.id),
      );

      const first = await get<Page<Session>>('/admin/v1/sessions?limit=1');
      const elsewhere = await adminFetch(
        app,
        `/admin/v1/sessions?limit=1&orgId=${acme}&cursor=${encodeURIComponent(first.nextCursor!)}`,
        { bearer: key.value },
      );
      const refused = await expectJson<{ error: string; message: string }>(elsewhere, 400);
      assert.match(refused.message, /cursor is not valid for this query/);
    });

    it('revoking a session ends it at once — /v1/whoami and /v1/mcp answer 401 — and is audited with who and why', async () => {
      const grantId = await grantOf(bob);
      await assertTokenAlive(bob);

      const response = await post(`/admin/v1/sessions/${grantId}/revoke`, {
        reason: '  Ticket 4411: laptop stolen ',
      });
      const body = await expectJson<{ session: Session; revoked: boolean }>(response, 200);
      assert.equal(body.revoked, true);
      assert.equal(body.session.id, grantId);
      assert.equal(body.session.status, 'revoked');
      assert.equal(body.session.revokedReason, 'admin');

      await assertTokenDead(bob);
      await assertOAuthError(await refresh(app, bob.client, bob.refresh_token), 400, 'invalid_grant');
      await assertTokenAlive(aliceAcme);

      const rows = await auditRows('target_id = $1', [grantId]);
      assert.equal(rows.length, 1);
      const [row] = rows;
      assert.equal(row.org_id, acme);
      assert.equal(row.actor_type, 'admin');
      assert.equal(row.actor_user_id, null);
      assert.equal(row.action, 'admin.session.revoke');
      assert.equal(row.target_type, 'oauth_grant');
      assert.equal(row.reason, 'Ticket 4411: laptop stolen');
      assert.equal(row.details.adminKeyId, key.id);
      assert.equal(row.details.adminKeyName, 'support-oncall');
      assert.equal(row.details.reason, 'Ticket 4411: laptop stolen');
      assert.equal(row.details.via, 'api');
      assert.equal(row.details.userEmail, 'bob@admin.example');
      assert.equal(row.details.changed, true);

      const again = await expectJson<{ revoked: boolean }>(
        await post(`/admin/v1/sessions/${grantId}/revoke`, { reason: 'double-check' }),
        200,
      );
      assert.equal(again.revoked, false, 'a revoked session stays revoked; nothing changes');
      const unknown = await post('/admin/v1/sessions/00000000-0000-4000-8000-000000000000/revoke', {
        reason: 'typo',
      });
      assert.equal(unknown.status, 404);
      assert.equal((await post('/admin/v1/sessions/not-a-session/revoke', { reason: 'typo' })).status, 404);
    });

    it("revoking all of a user's sessions ends them in every organization, with one audit entry per organization", async () => {
      const ids = { [acme]: await grantOf(aliceAcme), [globex]: await grantOf(aliceGlobex) };
      const response = await post(
        `/admin/v1/users/${encodeURIComponent('Alice@admin.example')}/sessions/revoke`,
        {
          reason: 'Left the company',
        },
      );
      const body = await expectJson<{
        user: { email: string };
        revoked: number;
        organizations: { id: string; revokedSessionIds: string[] }[];
      }>(response, 200);
      assert.equal(body.user.email, 'alice@admin.example');
      assert.equal(body.revoked, 2);
      assert.deepEqual(Object.fromEntries(body.organizations.map((o) => [o.id, o.revokedSessionIds])), {
        [acme]: [ids[acme]],
        [globex]: [ids[globex]],
      });

      await assertTokenDead(aliceAcme);
      await assertTokenDead(aliceGlobex);

      const rows = await auditRows("action = 'admin.user_sessions.revoke'", []);
      assert.deepEqual(rows.map((r) => r.org_id).sort(), [acme, globex].sort());
      for (const row of rows) {
        assert.equal(row.actor_type, 'admin');
        assert.equal(row.target_type, 'user');
        assert.equal(row.reason, 'Left the company');
        assert.equal(row.details.adminKeyName, 'support-oncall');
        assert.deepEqual(row.details.revokedSessionIds, [ids[row.org_id]]);
      }
      const listed = await get<Page<Session>>('/admin/v1/sessions?email=alice@admin.example');
      assert.deepEqual(
        listed.items.map((s) => s.status),
        ['revoked', 'revoked'],
      );

      const unknown = await post('/admin/v1/users/nobody%40admin.example/sessions/revoke', {
        reason: 'typo',
      });
      assert.equal(unknown.status, 404);
    });
  });

  describe('clients', () => {
    it('lists clients with kind, name, redirect hosts, live sessions and disabled state', async () => {
      const carol = await app.createUser('carol@admin.example', [{ orgId: acme, role: 'viewer' }]);
      assert.ok(carol);
      const tokens = await obtainTokens(app, { email: 'carol@admin.example' });
      const page = await get<Page<Client>>('/admin/v1/clients');
      const client = page.items.find((c) => c.id === tokens.client.client_id);
      assert.ok(client, 'the new client is listed');
      assert.equal(client.kind, 'dynamic');
      assert.equal(client.name, 'Test MCP client');
      assert.deepEqual(client.redirectHosts, ['127.0.0.1:47321']);
      assert.equal(client.disabled, false);
      assert.equal(client.liveSessions, 1);
      assert.equal(page.items[0].id, tokens.client.client_id, 'newest first');
    });

    it('disabling a client stops its tokens at once and refuses its refreshes; audited in each organization where it had sessions', async () => {
      await app.createUser('dave@admin.example', [
        { orgId: acme, role: 'viewer' },
        { orgId: globex, role: 'viewer' },
      ]);
      const inAcme = await obtainTokens(app, { email: 'dave@admin.example', orgId: acme });
      const inGlobex = await obtainTokens(
        app,
        { email: 'dave@admin.example', orgId: globex },
        // The approval for Acme is remembered; prompt=consent asks again so Globex can be chosen.
        { client: inAcme.client, overrides: { prompt: 'consent' } },
      );
      await assertTokenAlive(inAcme);
      const clientId = inAcme.client.client_id;

      const response = await post(`/admin/v1/clients/${encodeURIComponent(clientId)}/disable`, {
        reason: 'Impersonates our brand',
      });
      const body = await expectJson<{ client: Client; disabled: boolean; auditedOrganizations: string[] }>(
        response,
        200,
      );
      assert.equal(body.disabled, true);
      assert.equal(body.client.disabled, true);
      assert.deepEqual([...body.auditedOrganizations].sort(), [acme, globex].sort());

      await assertTokenDead(inAcme);
      await assertTokenDead(inGlobex);
      await assertOAuthError(await refresh(app, inAcme.client, inAcme.refresh_token), 401, 'invalid_client');

      const sessions = await get<Page<Session>>(
        `/admin/v1/sessions?clientId=${encodeURIComponent(clientId)}`,
      );
      assert.deepEqual(
        sessions.items.map((s) => s.status),
        ['client_disabled', 'client_disabled'],
      );
      const listed = (await get<Page<Client>>('/admin/v1/clients')).items.find((c) => c.id === clientId);
      assert.equal(listed?.disabled, true);

      const rows = await auditRows('target_id = $1', [clientId]);
      assert.deepEqual(rows.map((r) => r.org_id).sort(), [acme, globex].sort());
      for (const row of rows) {
        assert.equal(row.action, 'admin.client.disable');
        assert.equal(row.target_type, 'oauth_client');
        assert.equal(row.reason, 'Impersonates our brand');
        assert.equal(row.details.adminKeyId, key.id);
        assert.equal(row.details.liveSessions, 1);
      }
    });

    it('disables a client that never had a session (no organization to audit in) and one whose id is a URL', async () => {
      const unused = await registerClient(app);
      const body = await expectJson<{ disabled: boolean; auditedOrganizations: string[] }>(
        await post(`/admin/v1/clients/${unused.client_id}/disable`, { reason: 'Spam registration' }),
        200,
      );
      assert.equal(body.disabled, true);
      assert.deepEqual(body.auditedOrganizations, []);
      assert.equal((await auditRows('target_id = $1', [unused.client_id])).length, 0);

      const url = 'https://client.example.com/oauth/client-metadata.json';
      await app.dataSource.query(
        `INSERT INTO oauth_clients (id, kind, client_name, redirect_uris, token_endpoint_auth_method, grant_types)
         VALUES ($1, 'metadata_document', 'Example CIMD client', $2, 'none', $3)`,
        [url, ['https://client.example.com/callback'], ['authorization_code']],
      );
      const cimd = await expectJson<{ client: Client }>(
        await post(`/admin/v1/clients/${encodeURIComponent(url)}/disable`, { reason: 'Compromised' }),
        200,
      );
      assert.equal(cimd.client.id, url);
      assert.deepEqual(cimd.client.redirectHosts, ['client.example.com']);
      assert.equal(cimd.client.disabled, true);

      const again = await expectJson<{ disabled: boolean }>(
        await post(`/admin/v1/clients/${encodeURIComponent(url)}/disable`, { reason: 'Compromised' }),
        200,
      );
      assert.equal(again.disabled, false, 'already disabled: nothing changes');
      assert.equal((await post('/admin/v1/clients/no-such-client/disable', { reason: 'typo' })).status, 404);
    });
  });

  describe('audit log', () => {
    it('reads the audit log newest first, filtered by organization, action, actor and time', async () => {
      const all = await get<Page<AuditEntry>>('/admin/v1/audit?limit=200');
      assert.ok(all.items.length >= 6, `expected the admin actions above, got ${all.items.length}`);
      const created = all.items.map((e) => Date.parse(e.createdAt));
      assert.deepEqual(
        created,
        [...created].sort((a, b) => b - a),
        'newest first',
      );

      const revokes = await get<Page<AuditEntry>>('/admin/v1/audit?action=admin.session.revoke');
      assert.ok(revokes.items.length >= 1);
      assert.ok(revokes.items.every((e) => e.action === 'admin.session.revoke'));
      const entry = revokes.items.at(-1)!;
      assert.equal(entry.actorType, 'admin');
      assert.equal(entry.reason, 'Ticket 4411: laptop stolen');
      assert.equal(entry.organization.name, 'Acme Receivables');
      assert.equal(entry.details.adminKeyName, 'support-oncall');

      const inGlobex = await get<Page<AuditEntry>>(`/admin/v1/audit?orgId=${globex}`);
      assert.ok(inGlobex.items.length >= 2);
      assert.ok(inGlobex.items.every((e) => e.organization.id === globex));

      const byKey = await get<Page<AuditEntry>>(`/admin/v1/audit?actor=${key.id}&limit=200`);
      assert.equal(byKey.items.length, all.items.filter((e) => e.details.adminKeyId === key.id).length);
      const byType = await get<Page<AuditEntry>>('/admin/v1/audit?actor=admin&limit=200');
      assert.ok(byType.items.every((e) => e.actorType === 'admin'));
      assert.equal((await get<Page<AuditEntry>>('/admin/v1/audit?actor=user')).items.length, 0);

      const future = new Date(Date.now() + 3_600_000).toISOString();
      const past = '2020-01-01T00:00:00Z';
      assert.equal((await get<Page<AuditEntry>>(`/admin/v1/audit?from=${future}`)).items.length, 0);
      assert.equal((await get<Page<AuditEntry>>(`/admin/v1/audit?to=${past}`)).items.length, 0);
      const window = await get<Page<AuditEntry>>(`/admin/v1/audit?from=${past}&to=${future}&limit=200`);
      assert.equal(window.items.length, all.items.length);
    });

    it('pages through the audit log with a cursor, without repeats or gaps', async () => {
      const all = await get<Page<AuditEntry>>('/admin/v1/audit?limit=200');
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: Page<AuditEntry> = await get<Page<AuditEntry>>(`/admin/v1/audit?limit=2${query}`);
        walked.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(
        walked,
        all.items.map((e) => e.id),
      );
    });
  });

  describe('OpenAPI document', () => {
    it('describes every route the admin listener serves, and serves every route it describes', async () => {
      const response = await fetch(`${app.server.adminUrl}/admin/v1/openapi.json`);
      const document = await expectJson<{
        openapi: string;
        paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
        components: { securitySchemes: Record<string, { scheme: string }> };
      }>(response, 200);
      assert.equal(document.openapi, '3.1.0');
      assert.equal(document.components.securitySchemes.adminKey.scheme, 'bearer');

      const described = Object.entries(document.paths)
        .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
        .sort();
      const express = app.server.adminApp.getHttpAdapter().getInstance() as {
        router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
      };
      // Nest's not-found fallback is a catch-all route ({/*splat}); every real route starts with "/".
      const served = express.router.stack
        .flatMap((layer) =>
          layer.route?.path.startsWith('/')
            ? Object.keys(layer.route.methods).map(
                (method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`,
              )
            : [],
        )
        .sort();
      assert.ok(served.length >= 8, served.join(', '));
      assert.deepEqual(described, served);
      const ids = Object.values(document.paths).flatMap((item) =>
        Object.values(item).map((op) => op.operationId),
      );
      assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
    });
  });

  describe('metrics', () => {
    it('/metrics on the admin port counts token exchanges, refreshes, tool calls, revocations and sign-in failures, by route pattern', async () => {
      await app.createUser('erin@admin.example', [{ orgId: acme, role: 'viewer' }]);
      const tokens = await obtainTokens(app, { email: 'erin@admin.example' });
      await assertTokenAlive(tokens);
      const refreshed = await refresh(app, tokens.client, tokens.refresh_token);
      assert.equal(refreshed.status, 200);
      const browser = new OAuthBrowser(app.baseUrl);
      const failed = await submitLogin(
        browser,
        await browser.get('/oauth/login'),
        'erin@admin.example',
        'wrong!',
      );
      assert.notEqual(failed.status, 303, 'a wrong password does not sign in');

      const response = await fetch(`${app.server.adminUrl}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      const samples = parseMetrics(await response.text());
      const value = (name: string, labels: Record<string, string> = {}): number => {
        const found = metricValue(samples, name, labels);
        assert.ok(found !== undefined, `${name} ${JSON.stringify(labels)} is exported`);
        return found;
      };

      assert.ok(value('oauth_tokens_issued_total', { grant_type: 'authorization_code' }) >= 5);
      assert.ok(value('oauth_tokens_issued_total', { grant_type: 'refresh_token' }) >= 1);
      assert.ok(value('oauth_tokens_revoked_total', { reason: 'admin' }) >= 3);
      assert.ok(value('oauth_login_failures_total') >= 1);
      assert.ok(value('mcp_tool_calls_total', { tool: 'get_context', outcome: 'ok' }) >= 1);
      assert.ok(value('mcp_tool_call_duration_seconds_count', { tool: 'get_context' }) >= 1);
      assert.ok(
        value('http_request_duration_seconds_count', { method: 'POST', route: '/v1/mcp', status: '200' }) >=
          1,
      );
      assert.ok(
        value('http_request_duration_seconds_count', { method: 'POST', route: '/token', status: '200' }) >= 1,
      );
      assert.ok(
        value('http_request_duration_seconds_count', {
          method: 'POST',
          route: '/admin/v1/sessions/:grantId/revoke',
          status: '200',
        }) >= 1,
      );
      const routes = new Set(
        samples.filter((s) => s.name === 'http_request_duration_seconds_count').map((s) => s.labels.route),
      );
      for (const route of routes) {
        assert.doesNotMatch(
          route,
          /[0-9a-f]{8}-[0-9a-f]{4}|%40|\?/,
          `route label "${route}" is a pattern, not a URL`,
        );
      }
      assert.ok(value('db_pool_open_connections') >= 1);
      value('db_pool_idle_connections');
      assert.equal(value('db_pool_waiting_clients'), 0);
      value('nodejs_eventloop_lag_seconds');
      value('process_resident_memory_bytes');
    });

    it('/metrics and the admin API are not on the public port', async () => {
      assert.equal((await fetch(`${app.baseUrl}/metrics`)).status, 404);
      assert.equal((await fetch(`${app.baseUrl}/admin/v1/openapi.json`)).status, 404);
    });
  });
});
