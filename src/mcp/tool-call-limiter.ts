import { Injectable, Logger } from '@nestjs/common';
import { RedisConnections } from '../common/redis/redis-connections';
import { RedisScript } from '../common/redis/redis-script';
import { AppConfig } from '../config/app-config.service';

const WINDOW_MS = 60_000;
/** While Redis is down, say so at most this often rather than on every call. */
const DEGRADED_WARNING_EVERY_MS = 30_000;

/**
 * One atomic step: count the call, and start the grant's one-minute window on its first call
 * (INCR + PEXPIRE). The same fixed window as the in-memory count, timed by Redis for every replica.
 */
const COUNT_CALL = new RedisScript(`
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
`);

/**
 * Counts tool calls per connection (grant) in fixed one-minute windows. With REDIS_URL the count is
 * shared by every replica, so a connection gets the limit however its calls are spread.
 *
 * This replica also keeps its own count. Without Redis that is the count. If Redis is configured
 * but unreachable, the call is judged by this replica's count instead (fail open to the per-replica
 * limit, ADR 0011): tool calls do not need Redis to be answered, and a runaway agent stays bounded
 * by N replicas × the limit until Redis returns.
 */
@Injectable()
export class ToolCallLimiter {
  private readonly logger = new Logger('ToolCallLimiter');
  private readonly windows = new Map<string, { started: number; count: number }>();
  private lastDegradedWarning = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisConnections,
  ) {}

  get limitPerMinute(): number {
    return this.config.mcp.toolCallsPerMinute;
  }

  /** Counts one call; false when the connection is over its limit for this minute. */
  async allow(grantId: string, now = Date.now()): Promise<boolean> {
    const allowedHere = this.countHere(grantId, now);
    if (!this.redis.enabled) return allowedHere;
    try {
      const count = await this.redis.run('tool-call count', (client) =>
        COUNT_CALL.run(client, [`mcp:tool-calls:{${grantId}}`], [WINDOW_MS]),
      );
      return (count as number) <= this.limitPerMinute;
    } catch (error) {
      this.warnDegraded(error, now);
      return allowedHere;
    }
  }

  private countHere(grantId: string, now: number): boolean {
    const window = this.windows.get(grantId);
    if (!window || now - window.started >= WINDOW_MS) {
      if (this.windows.size > 10_000) this.evict(now);
      this.windows.set(grantId, { started: now, count: 1 });
      return true;
    }
    window.count++;
    return window.count <= this.limitPerMinute;
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) if (now - window.started >= WINDOW_MS) this.windows.delete(key);
  }

  private warnDegraded(error: unknown, now: number): void {
    if (now - this.lastDegradedWarning < DEGRADED_WARNING_EVERY_MS) return;
    this.lastDegradedWarning = now;
    this.logger.warn(
      `Tool-call limits are counted per replica until Redis answers again: ${this.redis.describeError(error)}`,
    );
  }
}
