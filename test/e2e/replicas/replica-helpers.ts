import assert from 'node:assert/strict';
import { formFields, OAuthBrowser } from '../../support/oauth-browser';
import type { PageResponse } from '../../support/oauth-browser';
import { postJson, publicClientMetadata } from '../../support/oauth-flows';
import type { ServiceUnderTest } from '../../support/oauth-flows';
import { EventStream } from '../../support/event-stream';

/** Shared steps of the replica suites: each talks to one replica, chosen by the test. */

let requestId = 0;

export interface ToolAnswer {
  isError?: boolean;
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

/** One JSON-RPC message POSTed to a replica's /v1/mcp (stateless: no session needed). */
export async function mcpRequest(
  replica: ServiceUnderTest,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<{ status: number; body: { result?: unknown; error?: unknown } }> {
  const response = await fetch(`${replica.baseUrl}/v1/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++requestId, method, params }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as { result?: unknown }) : {} };
}

/** tools/call on a replica; asserts the JSON-RPC call itself went through and returns the result. */
export async function callTool(
  replica: ServiceUnderTest,
  token: string,
  name = 'get_context',
): Promise<ToolAnswer> {
  const { status, body } = await mcpRequest(replica, token, 'tools/call', { name, arguments: {} });
  assert.equal(status, 200, JSON.stringify(body));
  assert.ok(body.result, `expected a tool result, got ${JSON.stringify(body)}`);
  return body.result;
}

export function isRateLimited(answer: ToolAnswer): boolean {
  return (
    answer.isError === true && /Too many tool calls on this connection/.test(JSON.stringify(answer.content))
  );
}

/** POST /register from `ip` (the replicas trust one proxy hop, so X-Forwarded-For is the client). */
export async function registerFrom(replica: ServiceUnderTest, ip: string): Promise<Response> {
  return postJson(`${replica.baseUrl}/register`, publicClientMetadata(), { 'x-forwarded-for': ip });
}

/** One sign-in attempt through a replica's login page, from `ip`. */
export async function signInAttempt(
  replica: ServiceUnderTest,
  email: string,
  password: string,
  ip: string,
): Promise<PageResponse> {
  const browser = new OAuthBrowser(replica.baseUrl);
  const page = await browser.get('/oauth/login', { 'x-forwarded-for': ip });
  return browser.post(
    '/oauth/login',
    { ...formFields(page.body), email, password },
    { 'x-forwarded-for': ip },
  );
}

/** Opens GET /v1/sse and returns the stream and the POST path its "endpoint" event names. */
export async function openLegacyStream(
  replica: ServiceUnderTest,
  token: string,
): Promise<{ stream: EventStream; messagesPath: string; sessionId: string }> {
  const stream = await EventStream.open(`${replica.baseUrl}/v1/sse`, token);
  assert.equal(stream.status, 200);
  const first = await stream.next();
  assert.equal(first.event, 'endpoint');
  const sessionId = new URL(first.data, replica.baseUrl).searchParams.get('sessionId');
  assert.ok(sessionId, first.data);
  return { stream, messagesPath: first.data, sessionId };
}

/** POSTs one JSON-RPC message to a legacy SSE messages URL on `replica`. */
export async function postLegacyMessage(
  replica: ServiceUnderTest,
  messagesPath: string,
  token: string,
  message: Record<string, unknown>,
): Promise<Response> {
  return fetch(`${replica.baseUrl}${messagesPath}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
  });
}

/** Runs `action` and fails when it takes longer than `limitMs`. */
export async function within<T>(limitMs: number, what: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await action();
  const took = performance.now() - started;
  assert.ok(took < limitMs, `${what} took ${Math.round(took)} ms (limit ${limitMs} ms)`);
  return result;
}
