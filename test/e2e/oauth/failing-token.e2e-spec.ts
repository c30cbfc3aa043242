import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { IdentityService } from '../../../src/identity/identity.service';
import { formFields } from '../../support/oauth-browser';
import {
  assertOAuthError,
  authorizeCode,
  confidentialClientMetadata,
  exchangeCode,
  obtainTokens,
  postForm,
  postJson,
  principalOf,
  publicClientMetadata,
  refresh,
  registerClient,
  runCli,
  signIn,
  tokenRequest,
  tokenSet,
  whoami,
} from '../../support/oauth-flows';
import type { ErrorBody, TokenSet } from '../../support/oauth-flows';
import { startOAuthTestApp } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

/** RFC 6749 §5.2 plus the codes our extensions define; nothing else may appear. */
const DEFINED_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
]);

/**
 * security.md B4–B5, C1–C9 and D1–D7: the token endpoint with codes and refresh tokens that are
 * replayed, raced, stolen by another client, expired, or belong to someone who lost access.
 */
describe('the token endpoint refuses codes and refresh tokens it must not honour', () => {
  let app: OAuthTestApp;
  let orgId: string;
  const user = { email: 'collector@token.example' };

  before(async () => {
    app = await startOAuthTestApp({
      OAUTH_REGISTRATIONS_PER_HOUR: '10000',
      REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: '300',
      REFRESH_TOKEN_IDLE_TTL_SECONDS: '300',
    });
    orgId = await app.createOrganization('Token Org');
    await app.createUser(user.email, [{ orgId, role: 'collector' }]);
  });
  after(async () => app.stop());

  async function assertRevoked(tokens: TokenSet): Promise<void> {
    const response = await whoami(app, tokens.access_token);
    assert.equal(response.status, 401, 'the access token should have stopped working');
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    await assertOAuthError(await refresh(app, tokens.client, tokens.refresh_token), 400, 'invalid_grant');
  }

  describe('B3, B4: the code verifier', () => {
    it('refuses a code with no code_verifier or a wrong one, and the right verifier still redeems it', async () => {
      const issued = await authorizeCode(app, user);
      const without = await tokenRequest(app, issued.client, {
        grant_type: 'authorization_code',
        code: issued.code,
        redirect_uri: issued.client.redirectUri,
      });
      await assertOAuthError(without, 400, 'invalid_grant');
      const wrong = await exchangeCode(app, issued.client, issued.code, 'w'.repeat(43));
      await assertOAuthError(wrong, 400, 'invalid_grant');
      assert.equal((await exchangeCode(app, issued.client, issued.code, issued.verifier)).status, 200);
    });

    it('refuses verifiers outside RFC 7636: 42 characters, 129 characters, characters outside the set', async () => {
      const issued = await authorizeCode(app, user);
      for (const verifier of [
        issued.verifier.slice(0, 42),
        issued.verifier + 'x'.repeat(129 - issued.verifier.length),
        `${issued.verifier.slice(0, 42)}+`,
        `${issued.verifier} `,
      ]) {
        await assertOAuthError(
          await exchangeCode(app, issued.client, issued.code, verifier),
          400,
          'invalid_grant',
        );
      }
    });
  });

  describe('C1–C5: codes are single-use and bound to client and redirect URI', () => {
    it('refuses a second redemption of a code and revokes every token the first one issued (C1)', async () => {
      const issued = await authorizeCode(app, user);
      const first = await tokenSet(
        await exchangeCode(app, issued.client, issued.code, issued.verifier),
        issued.client,
      );
      assert.equal((await whoami(app, first.access_token)).status, 200);

      await assertOAuthError(
        await exchangeCode(app, issued.client, issued.code, issued.verifier),
        400,
        'invalid_grant',
      );
      await assertRevoked(first);
    });

    it('lets exactly one of two concurrent redemptions win, then revokes what the winner got (C2)', async () => {
      const issued = await authorizeCode(app, user);
      const responses = await Promise.all([
        exchangeCode(app, issued.client, issued.code, issued.verifier),
        exchangeCode(app, issued.client, issued.code, issued.verifier),
      ]);
      const statuses = responses.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 400], `statuses ${statuses.join(', ')}`);
      const winner = responses.find((r) => r.status === 200) as Response;
      const loser = responses.find((r) => r.status === 400) as Response;
      await assertOAuthError(loser, 400, 'invalid_grant');
      await assertRevoked(await tokenSet(winner, issued.client));
    });

    it('does not revoke the issued tokens when the code is replayed with a wrong verifier (C3)', async () => {
      const issued = await authorizeCode(app, user);
      const first = await tokenSet(
        await exchangeCode(app, issued.client, issued.code, issued.verifier),
        issued.client,
      );
      await assertOAuthError(
        await exchangeCode(app, issued.client, issued.code, 'x'.repeat(43)),
        400,
        'invalid_grant',
      );
      assert.equal((await whoami(app, first.access_token)).status, 200, 'the legitimate tokens must survive');
      assert.equal((await refresh(app, first.client, first.refresh_token)).status, 200);
    });

    it('does not revoke the issued tokens when a confidential client’s code is replayed with a wrong secret (C3)', async () => {
      const client = await registerClient(app, confidentialClientMetadata());
      const issued = await authorizeCode(app, user, { client });
      const first = await tokenSet(await exchangeCode(app, client, issued.code, issued.verifier), client);
      const forged = await exchangeCode(
        app,
        { ...client, client_secret: 'tmcp_cs_guessed' },
        issued.code,
        issued.verifier,
      );
      await assertOAuthError(forged, 401, 'invalid_client');
      assert.equal((await whoami(app, first.access_token)).status, 200, 'the legitimate tokens must survive');
    });

    it('refuses a code redeemed by another client, and its own client can still redeem it (C4)', async () => {
      const issued = await authorizeCode(app, user);
      const thief = await registerClient(app, publicClientMetadata({ client_name: 'Thief' }));
      await assertOAuthError(
        await exchangeCode(app, thief, issued.code, issued.verifier),
        400,
        'invalid_grant',
      );
      assert.equal((await exchangeCode(app, issued.client, issued.code, issued.verifier)).status, 200);
    });

    it('refuses a code whose redirect_uri differs from the authorization request (C5)', async () => {
      const client = await registerClient(
        app,
        publicClientMetadata({ redirect_uris: ['http://127.0.0.1/cb', 'http://127.0.0.1/other'] }),
      );
      const issued = await authorizeCode(app, user, {
        client,
        overrides: { redirect_uri: 'http://127.0.0.1:51234/cb' },
      });
      for (const redirectUri of [
        'http://127.0.0.1/other',
        'http://127.0.0.1/cb',
        'http://127.0.0.1:40000/cb',
      ]) {
        await assertOAuthError(
          await exchangeCode(app, client, issued.code, issued.verifier, { redirect_uri: redirectUri }),
          400,
          'invalid_grant',
        );
      }
      const ok = await exchangeCode(app, client, issued.code, issued.verifier, {
        redirect_uri: 'http://127.0.0.1:51234/cb',
      });
      assert.equal(ok.status, 200);
    });
  });

  describe('C7, D7: losing access ends the tokens on the next request', () => {
    it('refuses a disabled user’s code with invalid_grant and their access tokens answer 401 at once', async () => {
      const disabled = { email: 'disabled@token.example' };
      await app.createUser(disabled.email, [{ orgId, role: 'collector' }]);
      const tokens = await obtainTokens(app, disabled);
      const pending = await authorizeCode(app, disabled, { browser: tokens.browser });
      assert.equal((await whoami(app, tokens.access_token)).status, 200);

      await app.server.app.get(IdentityService).setDisabled(disabled.email, true);

      assert.equal((await whoami(app, tokens.access_token)).status, 401);
      await assertOAuthError(
        await exchangeCode(app, pending.client, pending.code, pending.verifier),
        400,
        'invalid_grant',
      );
      await assertOAuthError(await refresh(app, tokens.client, tokens.refresh_token), 400, 'invalid_grant');
    });

    it('signs a disabled user out of the browser, so they cannot go on approving apps', async () => {
      const person = { email: 'disabled-browser@token.example' };
      await app.createUser(person.email, [{ orgId, role: 'collector' }]);
      const browser = await signIn(app, person.email);
      assert.equal((await browser.get('/account/connections')).status, 200, 'signed in before');
      await app.server.app.get(IdentityService).setDisabled(person.email, true);
      const afterwards = await browser.get('/account/connections');
      assert.equal(afterwards.status, 303, 'a disabled account must not stay signed in');
      assert.equal(afterwards.location, '/oauth/login');
    });

    it('narrows an existing token to the new role’s scopes on the next request after a downgrade', async () => {
      const person = { email: 'downgraded@token.example' };
      await app.createUser(person.email, [{ orgId, role: 'collector' }]);
      const tokens = await obtainTokens(app, person);
      assert.deepEqual((await principalOf(app, tokens.access_token)).scopes, [
        'ar:read',
        'ar:write',
        'offline_access',
      ]);
      await app.server.app.get(IdentityService).addMembership(person.email, orgId, 'viewer');
      const principal = await principalOf(app, tokens.access_token);
      assert.equal(principal.role, 'viewer');
      assert.deepEqual(principal.scopes, ['ar:read', 'offline_access']);
    });

    it('ends every token of a client the administrator disabled, on the next request', async () => {
      const tokens = await obtainTokens(app, user);
      await app.dataSource.query(`UPDATE oauth_clients SET disabled_at = now() WHERE id = $1`, [
        tokens.client.client_id,
      ]);
      assert.equal((await whoami(app, tokens.access_token)).status, 401);
      const response = await refresh(app, tokens.client, tokens.refresh_token);
      assert.ok([400, 401].includes(response.status), `refresh answered ${response.status}`);
    });

    it('ends access and refresh for a user whose membership was removed', async () => {
      const leaver = { email: 'leaver@token.example' };
      const leaverId = await app.createUser(leaver.email, [{ orgId, role: 'collector' }]);
      const tokens = await obtainTokens(app, leaver);
      assert.equal((await whoami(app, tokens.access_token)).status, 200);

      await app.dataSource.query(`DELETE FROM memberships WHERE user_id = $1 AND org_id = $2`, [
        leaverId,
        orgId,
      ]);

      assert.equal((await whoami(app, tokens.access_token)).status, 401);
      await assertOAuthError(await refresh(app, tokens.client, tokens.refresh_token), 400, 'invalid_grant');
    });

    it('ends an app’s tokens at once when the user disconnects it on Connected apps, but not on a forged POST', async () => {
      const person = { email: 'disconnect@token.example' };
      await app.createUser(person.email, [{ orgId, role: 'collector' }]);
      const tokens = await obtainTokens(app, person);
      const page = await tokens.browser.get('/account/connections');
      assert.equal(page.status, 200);
      const { grantId } = await principalOf(app, tokens.access_token);
      assert.match(page.body, new RegExp(`name="grant_id" value="${grantId}"`));

      const forged = await tokens.browser.post('/account/connections/disconnect', { grant_id: grantId });
      assert.equal(forged.status, 403, 'no CSRF token, no disconnect');
      assert.equal((await whoami(app, tokens.access_token)).status, 200);

      const csrf = formFields(page.body).csrf_token;
      const done = await tokens.browser.post('/account/connections/disconnect', {
        csrf_token: csrf,
        grant_id: grantId,
      });
      assert.equal(done.status, 303);
      assert.equal((await whoami(app, tokens.access_token)).status, 401);
      await assertOAuthError(await refresh(app, tokens.client, tokens.refresh_token), 400, 'invalid_grant');
    });

    it('does not let a user disconnect another user’s app', async () => {
      const owner = { email: 'owner@token.example' };
      await app.createUser(owner.email, [{ orgId, role: 'collector' }]);
      const tokens = await obtainTokens(app, owner);
      const { grantId } = await principalOf(app, tokens.access_token);
      const intruder = await signIn(app, user.email);
      const page = await intruder.get('/account/connections');
      const answer = await intruder.post('/account/connections/disconnect', {
        csrf_token: formFields(page.body).csrf_token,
        grant_id: grantId,
      });
      assert.ok([303, 403, 404].includes(answer.status));
      assert.equal((await whoami(app, tokens.access_token)).status, 200, 'the owner’s app keeps working');
    });

    it('disconnects every app of a user whose password support staff changed with the CLI', async () => {
      const person = { email: 'pwchange@token.example' };
      await app.createUser(person.email, [{ orgId, role: 'collector' }]);
      const tokens = await obtainTokens(app, person);
      const cli = await runCli(['set-password', '--email', person.email], {
        DATABASE_URL: app.database.url,
        TESORIO_PASSWORD: 'a completely new passphrase',
      });
      assert.equal(cli.code, 0, cli.output);
      assert.equal((await whoami(app, tokens.access_token)).status, 401);
      await assertOAuthError(await refresh(app, tokens.client, tokens.refresh_token), 400, 'invalid_grant');
    });

    it('signs the user out of every browser when their password is changed with the CLI', async () => {
      const person = { email: 'pwchange-browser@token.example' };
      await app.createUser(person.email, [{ orgId, role: 'collector' }]);
      const browser = await signIn(app, person.email);
      assert.equal((await browser.get('/account/connections')).status, 200, 'signed in before');
      const cli = await runCli(['set-password', '--email', person.email], {
        DATABASE_URL: app.database.url,
        TESORIO_PASSWORD: 'a completely new passphrase',
      });
      assert.equal(cli.code, 0, cli.output);
      assert.match(cli.output, /Signed out of every browser/);
      const afterwards = await browser.get('/account/connections');
      assert.equal(afterwards.status, 303, 'the old browser session must be gone');
      assert.equal(afterwards.location, '/oauth/login');
    });
  });

  describe('C8, C9: error responses', () => {
    it('answers grant_type=password and other unsupported grants with unsupported_grant_type', async () => {
      const client = await registerClient(app);
      for (const grantType of [
        'password',
        'client_credentials',
        'implicit',
        'urn:ietf:params:oauth:grant-type:device_code',
      ]) {
        const response = await tokenRequest(app, client, {
          grant_type: grantType,
          username: user.email,
          password: 'correct horse battery staple',
        });
        await assertOAuthError(response, 400, 'unsupported_grant_type');
      }
    });

    it('answers a JSON body with invalid_request', async () => {
      const issued = await authorizeCode(app, user);
      const response = await postJson(`${app.baseUrl}/token`, {
        grant_type: 'authorization_code',
        code: issued.code,
        redirect_uri: issued.client.redirectUri,
        code_verifier: issued.verifier,
        client_id: issued.client.client_id,
      });
      await assertOAuthError(response, 400, 'invalid_request');
    });

    it('answers a parameter sent twice with invalid_request', async () => {
      const issued = await authorizeCode(app, user);
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code: issued.code,
        redirect_uri: issued.client.redirectUri,
        code_verifier: issued.verifier,
        client_id: issued.client.client_id,
      });
      body.append('code', issued.code);
      const response = await fetch(`${app.baseUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
      await assertOAuthError(response, 400, 'invalid_request');
    });

    it('answers every error as uncached JSON with a defined error code and a description', async () => {
      const client = await registerClient(app);
      const requests: [string, Promise<Response>][] = [
        ['no grant_type', postForm(`${app.baseUrl}/token`, { client_id: client.client_id })],
        ['grant_type=password', tokenRequest(app, client, { grant_type: 'password' })],
        [
          'an unknown code',
          tokenRequest(app, client, {
            grant_type: 'authorization_code',
            code: 'tmcp_ac_nope',
            redirect_uri: client.redirectUri,
            code_verifier: 'v'.repeat(43),
          }),
        ],
        [
          'an unknown refresh token',
          tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: 'tmcp_rt_nope' }),
        ],
        [
          'an unknown client',
          postForm(`${app.baseUrl}/token`, {
            grant_type: 'refresh_token',
            refresh_token: 'x',
            client_id: 'tmcp_client_nope',
          }),
        ],
        ['a JSON body', postJson(`${app.baseUrl}/token`, { grant_type: 'refresh_token' })],
        [
          'malformed JSON',
          fetch(`${app.baseUrl}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"grant_type": ',
          }),
        ],
        [
          'an oversized form body',
          fetch(`${app.baseUrl}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `grant_type=refresh_token&refresh_token=${'a'.repeat(70_000)}`,
          }),
        ],
        [
          'a malformed form body',
          fetch(`${app.baseUrl}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=%E0%A4%A',
          }),
        ],
      ];
      const problems: string[] = [];
      for (const [what, pending] of requests) {
        const response = await pending;
        const text = await response.text();
        let body: Partial<ErrorBody> = {};
        try {
          body = JSON.parse(text) as ErrorBody;
        } catch {
          problems.push(`${what}: not JSON: ${text.slice(0, 80)}`);
        }
        if (![400, 401, 413].includes(response.status)) problems.push(`${what}: status ${response.status}`);
        if (!/^application\/json/.test(response.headers.get('content-type') ?? ''))
          problems.push(`${what}: content-type ${response.headers.get('content-type')}`);
        if (response.headers.get('cache-control') !== 'no-store')
          problems.push(`${what}: Cache-Control ${response.headers.get('cache-control')}`);
        if (!DEFINED_ERRORS.has(body.error ?? ''))
          problems.push(`${what}: error ${JSON.stringify(body.error)} in ${text}`);
        if (typeof body.error_description !== 'string')
          problems.push(`${what}: no error_description in ${text}`);
        if (/\bat .+\.js:\d+/.test(text)) problems.push(`${what}: a stack trace`);
      }
      assert.deepEqual(problems, []);
    });

    it('answers a failed HTTP Basic authentication with 401 and a Basic challenge', async () => {
      const client = await registerClient(
        app,
        confidentialClientMetadata({ token_endpoint_auth_method: 'client_secret_basic' }),
      );
      const headers = [
        `Basic ${Buffer.from(`${client.client_id}:tmcp_cs_wrong`).toString('base64')}`,
        `Basic ${Buffer.from('tmcp_client_unknown:whatever').toString('base64')}`,
        'Basic !!!not-base64!!!',
      ];
      for (const authorization of headers) {
        const response = await postForm(
          `${app.baseUrl}/token`,
          { grant_type: 'refresh_token', refresh_token: 'tmcp_rt_x' },
          { authorization },
        );
        await assertOAuthError(response, 401, 'invalid_client');
        assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
      }
    });

    it('answers a wrong client_secret in the body with 401 invalid_client', async () => {
      const client = await registerClient(app, confidentialClientMetadata());
      const response = await tokenRequest(
        app,
        { ...client, client_secret: 'tmcp_cs_wrong' },
        { grant_type: 'refresh_token', refresh_token: 'tmcp_rt_x' },
      );
      await assertOAuthError(response, 401, 'invalid_client');
    });
  });

  describe('D1–D5: refresh tokens rotate, and reuse ends the grant', () => {
    it('rotates the refresh token: a new one, the same scope, and the new access token works (D1)', async () => {
      const tokens = await obtainTokens(app, user);
      const rotated = await tokenSet(await refresh(app, tokens.client, tokens.refresh_token), tokens.client);
      assert.notEqual(rotated.refresh_token, tokens.refresh_token);
      assert.notEqual(rotated.access_token, tokens.access_token);
      assert.equal(rotated.scope, tokens.scope);
      assert.deepEqual((await principalOf(app, rotated.access_token)).scopes, tokens.scope.split(' '));
      const again = await tokenSet(await refresh(app, tokens.client, rotated.refresh_token), tokens.client);
      assert.equal(again.scope, tokens.scope);
    });

    it('narrows the access token to a smaller requested scope while the new refresh token keeps the grant’s (D1)', async () => {
      const tokens = await obtainTokens(app, user);
      assert.equal(tokens.scope, 'ar:read ar:write offline_access');
      const narrow = await tokenSet(
        await refresh(app, tokens.client, tokens.refresh_token, { scope: 'ar:read' }),
        tokens.client,
      );
      const principal = await principalOf(app, narrow.access_token);
      assert.ok(
        !principal.scopes.includes('ar:write'),
        `asked for ar:read only, got ${principal.scopes.join(' ')}`,
      );
      const full = await tokenSet(await refresh(app, tokens.client, narrow.refresh_token), tokens.client);
      assert.equal(full.scope, 'ar:read ar:write offline_access');
    });

    it('revokes the whole grant when an already used refresh token is presented again (D2)', async () => {
      const tokens = await obtainTokens(app, user);
      const rotated = await tokenSet(await refresh(app, tokens.client, tokens.refresh_token), tokens.client);
      assert.equal((await whoami(app, rotated.access_token)).status, 200);

      await assertOAuthError(await refresh(app, tokens.client, tokens.refresh_token), 400, 'invalid_grant');

      await assertRevoked(rotated);
      assert.equal((await whoami(app, tokens.access_token)).status, 401, 'the first access token too');
    });

    it('lets one of two concurrent refreshes win and then revokes the grant: strict policy (D3)', async () => {
      const tokens = await obtainTokens(app, user);
      const responses = await Promise.all([
        refresh(app, tokens.client, tokens.refresh_token),
        refresh(app, tokens.client, tokens.refresh_token),
      ]);
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, 400]);
      await assertOAuthError(responses.find((r) => r.status === 400) as Response, 400, 'invalid_grant');
      const winner = await tokenSet(responses.find((r) => r.status === 200) as Response, tokens.client);
      await assertRevoked(winner);
      assert.equal((await whoami(app, tokens.access_token)).status, 401);
    });

    it('refuses a refresh asking for scope beyond the grant with invalid_scope, and the token stays usable (D4)', async () => {
      const tokens = await obtainTokens(app, user, { overrides: { scope: 'ar:read offline_access' } });
      for (const scope of ['ar:read ar:write', 'payments:write', 'ar:read admin']) {
        await assertOAuthError(
          await refresh(app, tokens.client, tokens.refresh_token, { scope }),
          400,
          'invalid_scope',
        );
      }
      const ok = await tokenSet(await refresh(app, tokens.client, tokens.refresh_token), tokens.client);
      assert.equal(ok.scope, 'ar:read offline_access');
    });

    it('refuses another client’s refresh token, which keeps working for its owner (D5)', async () => {
      const tokens = await obtainTokens(app, user);
      const other = await registerClient(app, publicClientMetadata({ client_name: 'Other' }));
      await assertOAuthError(await refresh(app, other, tokens.refresh_token), 400, 'invalid_grant');
      const confidential = await registerClient(app, confidentialClientMetadata());
      await assertOAuthError(await refresh(app, confidential, tokens.refresh_token), 400, 'invalid_grant');
      assert.equal((await refresh(app, tokens.client, tokens.refresh_token)).status, 200);
    });
  });

  describe('D6: lifetimes (idle and absolute 300 s here)', () => {
    interface LifetimeRow {
      kind: string;
      tokenExpires: Date;
      grantExpires: Date;
      grantCreated: Date;
    }

    async function lifetimes(grantId: string): Promise<LifetimeRow[]> {
      return app.dataSource.query<LifetimeRow[]>(
        `SELECT t.kind, t.expires_at AS "tokenExpires", g.expires_at AS "grantExpires", g.created_at AS "grantCreated"
           FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id WHERE g.id = $1`,
        [grantId],
      );
    }

    it('never issues a token that outlives the grant’s absolute end, before or after rotation', async () => {
      const tokens = await obtainTokens(app, user);
      assert.ok(tokens.expires_in > 0 && tokens.expires_in <= 300, `expires_in ${tokens.expires_in}`);
      const { grantId } = await principalOf(app, tokens.access_token);
      const before = await lifetimes(grantId);
      const grantEnd = before[0].grantExpires.getTime();
      assert.ok(
        grantEnd - before[0].grantCreated.getTime() <= 301_000,
        'the grant ends 300 s after it began',
      );

      let current = tokens.refresh_token;
      for (let i = 0; i < 3; i++) {
        const rotated = await tokenSet(await refresh(app, tokens.client, current), tokens.client);
        assert.ok(rotated.expires_in <= 300, `expires_in ${rotated.expires_in}`);
        current = rotated.refresh_token;
      }
      const rows = await lifetimes(grantId);
      assert.equal(rows.length, 8);
      for (const row of rows) {
        assert.equal(row.grantExpires.getTime(), grantEnd, 'rotation must not move the absolute end');
        assert.ok(row.tokenExpires.getTime() <= grantEnd, `${row.kind} token outlives its grant`);
      }
    });

    it('refuses a refresh token past its idle expiry', async () => {
      const tokens = await obtainTokens(app, user);
      const { grantId } = await principalOf(app, tokens.access_token);
      await app.dataSource.query(
        `UPDATE oauth_tokens SET expires_at = now() - interval '1 second' WHERE grant_id = $1 AND kind = 'refresh'`,
        [grantId],
      );
      await assertOAuthError(await refresh(app, tokens.client, tokens.refresh_token), 400, 'invalid_grant');
    });

    it('refuses the refresh token and the access token once the grant’s absolute lifetime has passed', async () => {
      const tokens = await obtainTokens(app, user);
      const { grantId } = await principalOf(app, tokens.access_token);
      await app.dataSource.query(
        `UPDATE oauth_grants SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [grantId],
      );
      assert.equal((await whoami(app, tokens.access_token)).status, 401);
      await assertOAuthError(await refresh(app, tokens.client, tokens.refresh_token), 400, 'invalid_grant');
    });
  });
});

describe('an authorization code past its lifetime (AUTHORIZATION_CODE_TTL_SECONDS=10)', () => {
  let app: OAuthTestApp;
  const user = { email: 'slow@token.example' };

  before(async () => {
    app = await startOAuthTestApp({ AUTHORIZATION_CODE_TTL_SECONDS: '10' });
    const orgId = await app.createOrganization('Slow Org');
    await app.createUser(user.email, [{ orgId, role: 'viewer' }]);
  });
  after(async () => app.stop());

  it('is refused with invalid_grant after 11 seconds (C6)', async () => {
    const issued = await authorizeCode(app, user);
    await sleep(11_000);
    await assertOAuthError(
      await exchangeCode(app, issued.client, issued.code, issued.verifier),
      400,
      'invalid_grant',
    );
  });
});
