import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { formFields, newPkce, OAuthBrowser, signInAndApprove } from './oauth-browser';
import type { PageResponse, Pkce } from './oauth-browser';
import { TEST_PASSWORD } from './oauth-test-app';

/**
 * Shared steps of the failing-* OAuth suites: register a client the way MCP clients do, build an
 * /authorize URL, run the browser part, and call the token, revocation and whoami endpoints. Every
 * helper goes over HTTP; none reaches into the service's internals.
 */

/** What the helpers need of a running service: where it listens and the MCP resource it protects. */
export interface ServiceUnderTest {
  baseUrl: string;
  resource: string;
}

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  token_endpoint_auth_method: 'none' | 'client_secret_post' | 'client_secret_basic';
  /** The redirect URI the helpers use: the first registered one. */
  redirectUri: string;
}

export interface TokenBody {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

export interface ErrorBody {
  error: string;
  error_description?: string;
}

/** A token response that carried a refresh token, with the client it was issued to. */
export interface TokenSet extends TokenBody {
  refresh_token: string;
  client: RegisteredClient;
}

export interface Tokens extends TokenSet {
  /** The browser that signed in and approved (still signed in). */
  browser: OAuthBrowser;
}

export interface Principal {
  userId: string;
  orgId: string;
  role: string;
  clientId: string;
  grantId: string;
  scopes: string[];
}

export const PUBLIC_REDIRECT = 'http://127.0.0.1:47321/callback';

export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    redirect: 'manual',
  });
}

/** A public native client as mcp-remote registers it, with whatever the test overrides. */
export function publicClientMetadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_name: 'Test MCP client',
    redirect_uris: [PUBLIC_REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    ...overrides,
  };
}

/** A confidential web client as Claude registers it. */
export function confidentialClientMetadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_name: 'Confidential web client',
    redirect_uris: ['https://client.example.com/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...overrides,
  };
}

/** POST /register; asserts the 201 and returns the registration response. */
export async function registerClient(
  app: ServiceUnderTest,
  metadata: Record<string, unknown> = publicClientMetadata(),
  headers: Record<string, string> = {},
): Promise<RegisteredClient> {
  const response = await postJson(`${app.baseUrl}/register`, metadata, headers);
  const body = (await response.json()) as RegisteredClient & Partial<ErrorBody>;
  assert.equal(response.status, 201, `registration failed: ${JSON.stringify(body)}`);
  return { ...body, redirectUri: body.redirect_uris[0] };
}

/**
 * The /authorize URL a client would open. `overrides` replace parameters; an `undefined` value
 * leaves the parameter out entirely.
 */
export function authorizeUrl(
  app: ServiceUnderTest,
  client: Pick<RegisteredClient, 'client_id' | 'redirectUri'>,
  pkce: Pick<Pkce, 'challenge'>,
  overrides: Record<string, string | undefined> = {},
): string {
  const parameters: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: client.redirectUri,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    state: 'state-xyz',
    resource: app.resource,
    scope: 'ar:read ar:write offline_access',
    ...overrides,
  };
  const url = new URL('/authorize', app.baseUrl);
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) url.searchParams.append(name, value);
  }
  return url.toString();
}

/** Client authentication as the client registered it: form fields and/or an Authorization header. */
export function clientCredentials(client: RegisteredClient): {
  form: Record<string, string>;
  headers: Record<string, string>;
} {
  if (client.token_endpoint_auth_method === 'client_secret_basic') {
    const basic = Buffer.from(
      `${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret ?? '')}`,
    ).toString('base64');
    return { form: {}, headers: { authorization: `Basic ${basic}` } };
  }
  if (client.token_endpoint_auth_method === 'client_secret_post') {
    return { form: { client_id: client.client_id, client_secret: client.client_secret ?? '' }, headers: {} };
  }
  return { form: { client_id: client.client_id }, headers: {} };
}

/** POST /token authenticated as `client`, with `form` on top. */
export async function tokenRequest(
  app: ServiceUnderTest,
  client: RegisteredClient,
  form: Record<string, string>,
): Promise<Response> {
  const credentials = clientCredentials(client);
  return postForm(`${app.baseUrl}/token`, { ...credentials.form, ...form }, credentials.headers);
}

export async function exchangeCode(
  app: ServiceUnderTest,
  client: RegisteredClient,
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return tokenRequest(app, client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
    resource: app.resource,
    ...extra,
  });
}

export async function refresh(
  app: ServiceUnderTest,
  client: RegisteredClient,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

export async function revoke(
  app: ServiceUnderTest,
  client: RegisteredClient,
  form: Record<string, string>,
): Promise<Response> {
  const credentials = clientCredentials(client);
  return postForm(`${app.baseUrl}/revoke`, { ...credentials.form, ...form }, credentials.headers);
}

/** GET /v1/whoami with a bearer token: the smallest protected route. */
export async function whoami(app: ServiceUnderTest, accessToken: string): Promise<Response> {
  return fetch(`${app.baseUrl}/v1/whoami`, { headers: { authorization: `Bearer ${accessToken}` } });
}

export async function principalOf(app: ServiceUnderTest, accessToken: string): Promise<Principal> {
  const response = await whoami(app, accessToken);
  assert.equal(response.status, 200, 'the access token should work');
  return (await response.json()) as Principal;
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Asserts an OAuth JSON error response with this status and error code; returns its body. */
export async function assertOAuthError(
  response: Response,
  status: number,
  error: string,
): Promise<ErrorBody> {
  const text = await response.text();
  assert.equal(response.status, status, `expected ${status} ${error}, got ${response.status}: ${text}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const body = JSON.parse(text) as ErrorBody;
  assert.equal(body.error, error, text);
  return body;
}

export interface UserCredentials {
  email: string;
  password?: string;
  orgId?: string;
}

/** Signs `browser` in through the plain login page (no authorization request). */
export async function signIn(
  app: ServiceUnderTest,
  email: string,
  password = TEST_PASSWORD,
): Promise<OAuthBrowser> {
  const browser = new OAuthBrowser(app.baseUrl);
  const page = await browser.get('/oauth/login');
  const result = await submitLogin(browser, page, email, password);
  assert.equal(result.status, 303, `sign-in of ${email} failed:\n${result.body.slice(0, 300)}`);
  return browser;
}

/** Posts the login form rendered in `page` without following the answer. */
export async function submitLogin(
  browser: OAuthBrowser,
  page: PageResponse,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<PageResponse> {
  return browser.post('/oauth/login', { ...formFields(page.body), email, password }, headers);
}

export interface IssuedCode {
  code: string;
  verifier: string;
  callback: URL;
  client: RegisteredClient;
  browser: OAuthBrowser;
}

/** Runs the browser part (sign in if needed, approve) and returns the code from the callback. */
export async function authorizeCode(
  app: ServiceUnderTest,
  user: UserCredentials,
  options: {
    client?: RegisteredClient;
    browser?: OAuthBrowser;
    overrides?: Record<string, string | undefined>;
  } = {},
): Promise<IssuedCode> {
  const client = options.client ?? (await registerClient(app));
  const browser = options.browser ?? new OAuthBrowser(app.baseUrl);
  const pkce = newPkce();
  const callback = await signInAndApprove(browser, authorizeUrl(app, client, pkce, options.overrides), {
    email: user.email,
    password: user.password ?? TEST_PASSWORD,
    orgId: user.orgId,
  });
  const code = callback.searchParams.get('code');
  assert.ok(code, `no code in the callback ${callback.toString()}`);
  return { code, verifier: pkce.verifier, callback, client, browser };
}

/** A full flow: register (unless given), sign in, approve, redeem the code. */
export async function obtainTokens(
  app: ServiceUnderTest,
  user: UserCredentials,
  options: {
    client?: RegisteredClient;
    browser?: OAuthBrowser;
    overrides?: Record<string, string | undefined>;
  } = {},
): Promise<Tokens> {
  const issued = await authorizeCode(app, user, options);
  const tokens = await tokenSet(
    await exchangeCode(app, issued.client, issued.code, issued.verifier),
    issued.client,
  );
  return { ...tokens, browser: issued.browser };
}

/** Asserts a 200 token response with a refresh token and returns it. */
export async function tokenSet(response: Response, client: RegisteredClient): Promise<TokenSet> {
  const text = await response.text();
  assert.equal(response.status, 200, `token request failed: ${text}`);
  const body = JSON.parse(text) as TokenBody;
  assert.ok(body.refresh_token, 'expected a refresh token');
  return { ...body, refresh_token: body.refresh_token, client };
}

/** The random part of a prefixed credential such as tmcp_at_<random>. */
export function randomPart(value: string): string {
  return value.replace(/^tmcp_[a-z]+_/, '');
}

/** The value of a Set-Cookie line's cookie and its attributes, lower-cased names. */
export function parseSetCookie(line: string): {
  name: string;
  value: string;
  attributes: Map<string, string>;
} {
  const [pair, ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const [key, ...value] = part.trim().split('=');
    attributes.set(key.toLowerCase(), value.join('='));
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
}

/** The compiled CLI next to the compiled tests (dist/src/cli/main.js). */
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

/** Runs `tesorio-mcp <args>` as support staff would, against the given database. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
