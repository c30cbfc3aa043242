import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { AdminApiKeysService } from '../../src/admin/api-keys/admin-api-keys.service';
import type { OAuthTestApp } from './oauth-test-app';

/**
 * Helpers of the admin suites: call the admin listener over HTTP, make a tool call on the public
 * MCP endpoint with a raw JSON-RPC POST, and read Prometheus text.
 */

export interface AdminKeyFixture {
  id: string;
  name: string;
  value: string;
}

/** An admin key made the way the CLI makes it (the CLI itself is tested in test/e2e/cli). */
export async function createAdminKey(dataSource: DataSource, name: string): Promise<AdminKeyFixture> {
  const { key, value } = await new AdminApiKeysService(dataSource).create({ name, createdBy: 'test suite' });
  return { id: key.id, name: key.name, value };
}

export interface AdminCall {
  method?: 'GET' | 'POST';
  /** An admin key, an MCP token or anything else to send as the bearer credential. */
  bearer?: string;
  /** Serialised as JSON unless already a string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Which listener: the admin one unless told otherwise. */
  baseUrl?: string;
}

export async function adminFetch(app: OAuthTestApp, path: string, call: AdminCall = {}): Promise<Response> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.bearer !== undefined) headers.authorization = `Bearer ${call.bearer}`;
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    headers['content-type'] ??= 'application/json';
  }
  return fetch(`${call.baseUrl ?? app.server.adminUrl}${path}`, {
    method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
}

/** Asserts the status and returns the parsed JSON body. */
export async function expectJson<T = Record<string, unknown>>(
  response: Response,
  status: number,
): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** tools/call on /v1/mcp as a 2025-era client posts it (JSON response mode). */
export async function mcpToolCall(
  app: OAuthTestApp,
  accessToken: string,
  name: string,
  args: Record<string, unknown> = {},
): Promise<Response> {
  return fetch(app.resource, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  });
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a Prometheus text exposition (no HELP/TYPE lines). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples of `name` whose labels include `labels`; undefined when there is none. */
export function metricValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matching = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}
