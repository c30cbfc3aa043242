import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdminApiKeysService } from '../../../src/admin/api-keys/admin-api-keys.service';
import { adminFetch, createAdminKey, expectJson } from '../../support/admin-api';
import type { AdminKeyFixture } from '../../support/admin-api';
import { obtainTokens, principalOf, whoami } from '../../support/oauth-flows';
import type { Tokens } from '../../support/oauth-flows';
import { startOAuthTestApp } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

interface OpenApi {
  paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown }>>;
}

interface ErrorBody {
  error: string;
  message: string;
}

describe('admin API refusals', () => {
  let app: OAuthTestApp;
  let key: AdminKeyFixture;
  let revokedKey: AdminKeyFixture;
  let orgId: string;
  let tokens: Tokens;
  let grantId: string;
  /** Every operation that needs a key, as [method, path with sample ids]. */
  let protectedOperations: [string, string, boolean][];

  const adminAuditCount = async (): Promise<number> => {
    const [{ n }] = await app.dataSource.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM audit_log WHERE actor_type = 'admin'",
    );
    return n;
  };

  before(async () => {
    app = await startOAuthTestApp();
    key = await createAdminKey(app.dataSource, 'support');
    revokedKey = await createAdminKey(app.dataSource, 'former-contractor');
    assert.equal(await new AdminApiKeysService(app.dataSource).revoke(revokedKey.id), true);
    orgId = await app.createOrganization('Refusals Inc');
    await app.createUser('frank@refusals.example', [{ orgId, role: 'admin' }]);
    tokens = await obtainTokens(app, { email: 'frank@refusals.example' });
    grantId = (await principalOf(app, tokens.access_token)).grantId;

    const document = await expectJson<OpenApi>(
      await fetch(`${app.server.adminUrl}/admin/v1/openapi.json`),
      200,
    );
    protectedOperations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => !(Array.isArray(op.security) && op.security.length === 0))
        .map(([method, op]): [string, string, boolean] => [
          method.toUpperCase(),
          path
            .replace('{grantId}', grantId)
            .replace('{email}', 'frank%40refusals.example')
            .replace('{clientId}', encodeURIComponent(tokens.client.client_id)),
          op.requestBody !== undefined,
        ]),
    );
    assert.ok(protectedOperations.length >= 6);
  });
  after(async () => app.stop());

  async function assertUnauthorized(
    bearer: string | undefined,
    message: RegExp,
    headers = {},
  ): Promise<void> {
    for (const [method, path, mutating] of protectedOperations) {
      const response = await adminFetch(app, path, {
        method: method as 'GET' | 'POST',
        bearer,
        headers,
        body: mutating ? { reason: 'should never get this far' } : undefined,
      });
      const body = await expectJson<ErrorBody>(response, 401);
      assert.equal(body.error, 'unauthorized', `${method} ${path}`);
      assert.match(body.message, message, `${method} ${path}`);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="tesorio-admin"');
    }
    assert.equal(await adminAuditCount(), 0, 'nothing was done');
    assert.equal((await whoami(app, tokens.access_token)).status, 200, 'the session is untouched');
  }

  it('refuses every protected route without a key, with 401 and a Bearer challenge', async () => {
    await assertUnauthorized(undefined, /admin API key is required/);
    await assertUnauthorized(undefined, /admin API key is required/, {
      authorization: 'Basic c3VwcG9ydDpzdXBwb3J0',
    });
  });

  it('refuses a revoked key', async () => {
    await assertUnauthorized(revokedKey.value, /unknown or has been revoked/);
  });

  it('refuses an unknown key that merely looks right', async () => {
    await assertUnauthorized(`tmcp_ak_${'A'.repeat(43)}`, /unknown or has been revoked/);
  });

  it("refuses a valid MCP access token (a user's credential opens nothing here)", async () => {
    await assertUnauthorized(tokens.access_token, /Only admin API keys/);
    await assertUnauthorized(tokens.refresh_token, /Only admin API keys/);
  });

  it('does not serve the admin API or /metrics on the public port, even with a valid key', async () => {
    for (const [method, path, mutating] of protectedOperations) {
      const response = await adminFetch(app, path, {
        baseUrl: app.baseUrl,
        method: method as 'GET' | 'POST',
        bearer: key.value,
        body: mutating ? { reason: 'wrong port' } : undefined,
      });
      assert.equal(response.status, 404, `${method} ${path} on the public port`);
    }
    assert.equal((await fetch(`${app.baseUrl}/admin/v1/openapi.json`)).status, 404);
    assert.equal((await fetch(`${app.baseUrl}/metrics`)).status, 404);
    assert.equal(await adminAuditCount(), 0);
    assert.equal((await whoami(app, tokens.access_token)).status, 200);
  });

  it('refuses a mutating call without a reason with 400, and changes nothing', async () => {
    const mutating = protectedOperations.filter(([, , m]) => m);
    assert.equal(mutating.length, 3);
    const bodies: (string | undefined)[] = [
      undefined,
      '{}',
      '{"reason": ""}',
      '{"reason": "   "}',
      '{"reason": 42}',
      '{"reason": null}',
      JSON.stringify({ reason: 'x'.repeat(1001) }),
      '{"reason": "fine", "force": true}',
      '{"reason": ',
    ];
    for (const [method, path] of mutating) {
      for (const body of bodies) {
        const response = await adminFetch(app, path, {
          method: method as 'POST',
          bearer: key.value,
          body,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
        });
        const error = await expectJson<ErrorBody>(response, 400);
        assert.equal(error.error, 'invalid_argument', `${path} with ${body}`);
      }
      const form = await adminFetch(app, path, {
        method: 'POST',
        bearer: key.value,
        body: 'reason=because',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(form.status, 400, 'a reason must come as JSON');
    }
    const missing = await adminFetch(app, `/admin/v1/sessions/${grantId}/revoke`, {
      method: 'POST',
      bearer: key.value,
      body: '{}',
    });
    assert.match((await expectJson<ErrorBody>(missing, 400)).message, /reason is required/);

    assert.equal(await adminAuditCount(), 0, 'no audit entry');
    assert.equal((await whoami(app, tokens.access_token)).status, 200, 'the session still works');
    const [client] = await app.dataSource.query<{ disabled: boolean }[]>(
      'SELECT disabled_at IS NOT NULL AS disabled FROM oauth_clients WHERE id = $1',
      [tokens.client.client_id],
    );
    assert.equal(client.disabled, false, 'the client is still enabled');
  });

  it('refuses unknown parameters and malformed filters with 400', async () => {
    const bad = [
      '/admin/v1/sessions?emial=frank@refusals.example',
      '/admin/v1/sessions?limit=0',
      '/admin/v1/sessions?limit=201',
      '/admin/v1/sessions?limit=ten',
      '/admin/v1/sessions?orgId=acme',
      '/admin/v1/sessions?cursor=not-a-cursor',
      `/admin/v1/sessions?orgId=${orgId}&orgId=${orgId}`,
      '/admin/v1/clients?cursor=bm9wZQ',
      '/admin/v1/audit?from=yesterday',
      '/admin/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      '/admin/v1/audit?orgId=1',
    ];
    for (const path of bad) {
      const error = await expectJson<ErrorBody>(await adminFetch(app, path, { bearer: key.value }), 400);
      assert.equal(error.error, 'invalid_argument', path);
      assert.ok(error.message.length > 10, path);
    }
  });
});
