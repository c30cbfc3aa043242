import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';

const WINDOW_MS = 60_000;

/**
 * Counts tool calls per connection (grant) in fixed one-minute windows. This in-memory count is
 * per replica; with N replicas a connection may make up to N times the limit, which still bounds a
 * runaway agent.
 */
@Injectable()
export class ToolCallLimiter {
  private readonly windows = new Map<string, { started: number; count: number }>();

  constructor(private readonly config: AppConfig) {}

  get limitPerMinute(): number {
    return this.config.mcp.toolCallsPerMinute;
  }

  /** Counts one call; false when the connection is over its limit for this minute. */
  allow(grantId: string, now = Date.now()): Promise<boolean> {
    const window = this.windows.get(grantId);
    if (!window || now - window.started >= WINDOW_MS) {
      if (this.windows.size > 10_000) this.evict(now);
      this.windows.set(grantId, { started: now, count: 1 });
      return Promise.resolve(true);
    }
    window.count++;
    return Promise.resolve(window.count <= this.limitPerMinute);
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) if (now - window.started >= WINDOW_MS) this.windows.delete(key);
  }
}
