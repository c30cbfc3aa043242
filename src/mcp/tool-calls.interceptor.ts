import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { McpContext } from '@rekog/mcp-nest';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { from, mergeMap, tap } from 'rxjs';
import { UnavailableError } from '../common/errors/app-error';
import { Metrics } from '../observability/metrics';
import type { Principal } from '../oauth/tokens/principal';
import { ToolCallLimiter } from './tool-call-limiter';

/** Argument names whose values are never logged. */
const SECRET_ARGUMENT = /token|secret|password|authorization|cookie/i;
/**
 * Free text and people's contact details are logged by length only: they may hold customer data
 * (a contact's name, email or phone) the log has no business keeping.
 */
const FREE_TEXT = /body|note|description|summary|resolution|reason|memo|subject|text|name|email|phone/i;

/** Tool arguments as the log may keep them, at every depth (a nested object or list included). */
export function redactArguments(args: unknown): unknown {
  if (Array.isArray(args)) return args.map(redactArguments);
  if (!args || typeof args !== 'object') return args;
  return Object.fromEntries(
    Object.entries(args as Record<string, unknown>).map(([key, value]) => {
      if (SECRET_ARGUMENT.test(key)) return [key, '[redacted]'];
      if (FREE_TEXT.test(key) && typeof value === 'string') return [key, `[${value.length} chars]`];
      return [key, redactArguments(value)];
    }),
  );
}

/**
 * Every tool call: a per-connection rate limit (MCP tools "Rate limit tool invocations"; security.md
 * J7) and one structured log line with who, where, which client, which tool, the outcome and the
 * duration — arguments redacted.
 */
@Injectable()
export class ToolCallsInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ToolCalls');
  /** Prometheus mcp_tool_calls_total / mcp_tool_call_duration_seconds (observed in log below). */
  @Optional() @Inject(Metrics) private readonly metrics?: Metrics;
  constructor(private readonly limiter: ToolCallLimiter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const mcp = context.switchToRpc().getContext<McpContext>();
    const principal = mcp.getRawRequest<Request>()?.user as Principal | undefined;
    const request = mcp.mcpRequest as {
      method?: string;
      params?: { name?: string; uri?: string; arguments?: unknown };
    };
    const params = request.params;
    // Tools and prompts have a name, resources a URI.
    const tool = params?.name ?? params?.uri ?? request.method ?? 'unknown';
    const started = Date.now();
    const log = (outcome: string): void => {
      // Metric hook: by tool/prompt name; resource URIs carry ids, so those count by method.
      this.metrics?.observeToolCall(params?.name ?? request.method, outcome, started);
      this.logger.log({
        msg: 'tool call',
        tool,
        outcome,
        durationMs: Date.now() - started,
        userId: principal?.userId,
        orgId: principal?.orgId,
        clientId: principal?.clientId,
        arguments: redactArguments(params?.arguments),
      });
    };
    const allowed = principal ? this.limiter.allow(principal.grantId) : Promise.resolve(true);
    return from(allowed).pipe(
      mergeMap((ok) => {
        if (!ok) {
          log('rate_limited');
          throw new UnavailableError(
            `Too many tool calls on this connection (limit ${this.limiter.limitPerMinute} per minute).`,
          );
        }
        return next.handle();
      }),
      tap({
        next: (result) => log((result as { isError?: boolean } | undefined)?.isError ? 'error' : 'ok'),
        error: (error: unknown) => {
          if (!(error instanceof UnavailableError && /Too many tool calls/.test(error.message))) log('error');
        },
      }),
    );
  }
}
