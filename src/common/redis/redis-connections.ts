import { Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { RedisUnavailableError } from './redis.errors';
import { describeRedisTarget, withoutRedisSecrets } from './redis-target';

/**
 * How long one command may take, queued while disconnected included. Redis answers in well under a
 * millisecond; past this it is down or drowning, and the caller applies its failure policy (ADR
 * 0010) rather than holding the HTTP request.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 500;

function connectionOptions(name: string): RedisOptions {
  return {
    connectionName: name,
    // Connect at start-up so the first request does not pay for it, but never wait for Redis to
    // start serving: with Redis down the service still answers (ADR 0011).
    lazyConnect: false,
    connectTimeout: 2000,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    // A queued command fails after one reconnect attempt instead of twenty.
    maxRetriesPerRequest: 1,
    // Reconnect forever, backing off to one attempt every 2 s.
    retryStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 2000),
  };
}

/**
 * The service's Redis connections, when REDIS_URL is set (both undefined otherwise): `client` for
 * commands and `subscriber` for SUBSCRIBE, which puts a connection in a mode where other commands
 * are refused. Redis holds only shared counters and legacy-SSE routing — nothing durable.
 */
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client?: Redis;
  readonly subscriber?: Redis;

  constructor(private readonly url?: string) {
    if (!url) return;
    this.client = this.connect('tesorio-mcp', 'command');
    this.subscriber = this.connect('tesorio-mcp-subscriber', 'subscriber');
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  /**
   * Runs `command` on the command connection. A connection failure or timeout becomes a
   * RedisUnavailableError; an error reply from Redis (a bad command or script) is a bug and
   * stays what it is.
   */
  async run<T>(operation: string, command: (client: Redis) => Promise<T>): Promise<T> {
    if (!this.client) throw new Error(`Redis is not configured (${operation}).`);
    try {
      return await command(this.client);
    } catch (error) {
      if ((error as Error)?.name === 'ReplyError') throw error;
      throw new RedisUnavailableError(operation, error);
    }
  }

  /** Redis' own words, safe for a log line. */
  describeError(error: unknown): string {
    const cause = error instanceof RedisUnavailableError ? error.cause : error;
    return withoutRedisSecrets((cause as Error)?.message ?? String(cause), this.url ?? '');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.client, this.subscriber].map(async (connection) => {
        if (!connection) return;
        try {
          await connection.quit();
        } catch {
          connection.disconnect(); // not connected: stop reconnecting and drop the queue
        }
      }),
    );
  }

  private connect(name: string, role: string): Redis {
    const url = this.url as string;
    const target = describeRedisTarget(url);
    const connection = new Redis(url, connectionOptions(name));
    // One line when the connection breaks and one when it is back, not one per reconnect attempt.
    let state: 'connecting' | 'up' | 'down' = 'connecting';
    connection.on('error', (error: Error) => {
      if (state === 'down') return;
      state = 'down';
      this.logger.warn(
        `Redis ${role} connection to ${target} failed: ${withoutRedisSecrets(error.message, url)}. ` +
          'Retrying in the background; shared rate limits and cross-replica SSE degrade meanwhile.',
      );
    });
    connection.on('ready', () => {
      if (state === 'down') this.logger.log(`Redis ${role} connection to ${target} is back.`);
      else if (state === 'connecting') this.logger.log(`Redis ${role} connection to ${target} ready.`);
      state = 'up';
    });
    return connection;
  }
}
