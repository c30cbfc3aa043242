import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { NextFunction, Request, Response } from 'express';
import { Metrics, UNMATCHED_ROUTE } from './metrics';

/** A request/response pair as far as the HTTP middleware looks at them. */
function exchange(
  method: string,
  route: string | undefined,
  status: number,
): { request: Request; response: Response & EventEmitter } {
  const request = { method, baseUrl: '', route: route ? { path: route } : undefined } as unknown as Request;
  const response = Object.assign(new EventEmitter(), { statusCode: status }) as unknown as Response &
    EventEmitter;
  return { request, response };
}

/** Sum of the samples named `name` (histograms' _count/_sum included) whose labels include `labels`. */
async function sampleValue(
  metrics: Metrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const samples = (await metrics.registry.getMetricsAsJSON()).flatMap((metric) =>
    (metric.values as { metricName?: string; labels: Record<string, string | number>; value: number }[]).map(
      (v) => ({ ...v, name: v.metricName ?? metric.name }),
    ),
  );
  return samples
    .filter((v) => v.name === name && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('Metrics', () => {
  it('keeps two services in one process apart: each counts into its own registry', async () => {
    const first = new Metrics();
    const second = new Metrics();
    first.tokensIssued.inc({ grant_type: 'authorization_code' });
    assert.equal(await sampleValue(first, 'oauth_tokens_issued_total'), 1);
    assert.equal(await sampleValue(second, 'oauth_tokens_issued_total'), 0);
    assert.match(await second.registry.metrics(), /nodejs_eventloop_lag_seconds/);
  });

  it('labels HTTP durations with the route pattern, and requests no route matched as one series', async () => {
    const metrics = new Metrics();
    const middleware = metrics.httpDurations();
    for (const [method, route, status] of [
      ['POST', '/admin/v1/sessions/:grantId/revoke', 200],
      ['GET', undefined, 404],
    ] as const) {
      const { request, response } = exchange(method, route, status);
      middleware(request, response, (() => undefined) as NextFunction);
      response.emit('close');
    }
    const count = 'http_request_duration_seconds_count';
    assert.equal(
      await sampleValue(metrics, count, { route: '/admin/v1/sessions/:grantId/revoke', status: '200' }),
      1,
    );
    assert.equal(await sampleValue(metrics, count, { route: UNMATCHED_ROUTE, status: '404' }), 1);
  });

  it('counts tool calls by name and outcome, resource reads by method', async () => {
    const metrics = new Metrics();
    metrics.observeToolCall('get_context', 'ok', Date.now() - 20);
    metrics.observeToolCall(undefined, 'error', Date.now());
    assert.equal(
      await sampleValue(metrics, 'mcp_tool_calls_total', { tool: 'get_context', outcome: 'ok' }),
      1,
    );
    assert.equal(
      await sampleValue(metrics, 'mcp_tool_calls_total', { tool: 'unknown', outcome: 'error' }),
      1,
    );
    assert.ok(
      (await sampleValue(metrics, 'mcp_tool_call_duration_seconds_sum', { tool: 'get_context' })) >= 0.02,
    );
  });
});
