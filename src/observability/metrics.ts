import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Route label of a request no route matched (404s, CORS preflights): one series, not one per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds; from a fast read (5 ms) to a slow analytics tool call. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus metrics of one running service (its public and admin listeners share them),
 * served at GET /metrics on the admin port only.
 *
 * Every metric is registered in this instance's own Registry, never prom-client's global one: two
 * services started in one process (the tests do) would otherwise collide on metric names or count
 * into each other.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Labelled with the Express route pattern (`/admin/v1/sessions/:grantId/revoke`), never the URL. */
  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code, with their durations.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly toolCalls = new Counter({
    name: 'mcp_tool_calls_total',
    help: 'MCP tool (and prompt/resource) calls by name and outcome: ok, error, rate_limited.',
    labelNames: ['tool', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly toolCallDuration = new Histogram({
    name: 'mcp_tool_call_duration_seconds',
    help: 'MCP tool call durations by name.',
    labelNames: ['tool'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly tokensIssued = new Counter({
    name: 'oauth_tokens_issued_total',
    help: 'Successful token endpoint responses by grant_type (authorization_code = a new connection, refresh_token = a refresh).',
    labelNames: ['grant_type'] as const,
    registers: [this.registry],
  });

  readonly tokensRevoked = new Counter({
    name: 'oauth_tokens_revoked_total',
    help: 'Grants revoked (ending every token they issued) by reason: admin, user_disconnected, client_revocation, refresh_token_reuse, code_replay, password_changed.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly loginFailures = new Counter({
    name: 'oauth_login_failures_total',
    help: 'Failed sign-ins on the login page (wrong password, unknown or disabled account, throttled).',
    registers: [this.registry],
  });

  constructor(dataSource?: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    if (dataSource) this.registerPoolGauges(dataSource);
  }

  /** Prometheus text exposition of everything above. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * Tool calls are labelled by tool (or prompt) name; resource reads carry record ids in their URI,
   * so they are counted under their method ("resources/read") to keep the label set small.
   */
  observeToolCall(name: string | undefined, outcome: string, startedAtMs: number): void {
    const tool = name ?? 'unknown';
    this.toolCalls.inc({ tool, outcome });
    this.toolCallDuration.observe({ tool }, (Date.now() - startedAtMs) / 1000);
  }

  /**
   * Express middleware timing every request. The route label is read when the response closes,
   * after Express matched the route; a request no route matched is labelled "unmatched".
   */
  httpDurations(): (request: Request, response: Response, next: NextFunction) => void {
    return (request, response, next) => {
      const started = process.hrtime.bigint();
      response.once('close', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = (request.route as { path?: unknown } | undefined)?.path;
        this.httpRequestDuration.observe(
          {
            method: request.method,
            route: typeof route === 'string' ? `${request.baseUrl}${route}` : UNMATCHED_ROUTE,
            status: String(response.statusCode),
          },
          seconds,
        );
      });
      next();
    };
  }

  /** Connections of the pg pool behind TypeORM, read at scrape time. */
  private registerPoolGauges(dataSource: DataSource): void {
    const pool = (): Pool | undefined =>
      dataSource.isInitialized
        ? ((dataSource.driver as PostgresDriver).master as Pool | undefined)
        : undefined;
    const gauge = (name: string, help: string, read: (p: Pool) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const p = pool();
          this.set(p ? read(p) : 0);
        },
      });
    };
    gauge(
      'db_pool_open_connections',
      'Connections the PostgreSQL pool holds open (busy + idle).',
      (p) => p.totalCount,
    );
    gauge(
      'db_pool_idle_connections',
      'Open PostgreSQL pool connections not running a query.',
      (p) => p.idleCount,
    );
    gauge(
      'db_pool_waiting_clients',
      'Queries waiting for a PostgreSQL pool connection (non-zero: the pool is too small or the database slow).',
      (p) => p.waitingCount,
    );
  }
}
