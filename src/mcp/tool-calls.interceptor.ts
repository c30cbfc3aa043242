import { Injectable, Logger } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { McpContext } from '@rekog/mcp-nest';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { tap } from 'rxjs';
import { UnavailableError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config.service';
import type { Principal } from '../oauth/tokens/principal';

const WINDOW_MS = 60_000;
/** Argument names whose values are never logged. */
const SECRET_ARGUMENT = /token|secret|password|authorization|cookie/i;
/** Free text is logged by length only: it may hold customer data the log has no business keeping. */
const FREE_TEXT = /body|note|description|summary|resolution|reason|memo|subject|text/i;

export function redactArguments(args: unknown): unknown {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return args;
  return Object.fromEntries(
    Object.entries(args as Record<string, unknown>).map(([key, value]) => {
      if (SECRET_ARGUMENT.test(key)) return [key, '[redacted]'];
      if (FREE_TEXT.test(key) && typeof value === 'string') return [key, `[${value.length} chars]`];
      return [key, value];
    }),
  );
}

/**
 * Every tool call: a per-connection rate limit (MCP tools "Rate limit tool invocations"; security.md
 * J7) and one structured log line with who, where, which client, which tool, the outcome and the
 * duration — arguments redacted. The count is per replica; with N replicas a connection may make
 * up to N times the limit, which still bounds a runaway agent.
 */
@Injectable()
export class ToolCallsInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ToolCalls');
  private readonly windows = new Map<string, { started: number; count: number }>();

  constructor(private readonly config: AppConfig) {}

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
    const log = (outcome: string): void =>
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
    if (principal && !this.allow(principal.grantId, started)) {
      log('rate_limited');
      throw new UnavailableError(
        `Too many tool calls on this connection (limit ${this.config.mcp.toolCallsPerMinute} per minute).`,
      );
    }
    return next.handle().pipe(
      tap({
        next: (result) => log((result as { isError?: boolean } | undefined)?.isError ? 'error' : 'ok'),
        error: () => log('error'),
      }),
    );
  }

  private allow(grantId: string, now: number): boolean {
    const window = this.windows.get(grantId);
    if (!window || now - window.started >= WINDOW_MS) {
      if (this.windows.size > 10_000) this.evict(now);
      this.windows.set(grantId, { started: now, count: 1 });
      return true;
    }
    window.count++;
    return window.count <= this.config.mcp.toolCallsPerMinute;
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) if (now - window.started >= WINDOW_MS) this.windows.delete(key);
  }
}
