import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

const EVERY_MS = 10 * 60_000;
/** Revoked and expired grants stay visible this long for support questions ("when did it end?"). */
const KEEP_ENDED_GRANTS_DAYS = 30;

/**
 * Deletes what can never be used again: expired sign-in sessions, authorization requests, codes and
 * tokens, stale throttle counters, long-ended grants. Every replica runs it; the deletes are
 * idempotent, so running twice costs only a little work.
 */
@Injectable()
export class ExpiredRecordsCleaner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Cleanup');
  private timer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.run().catch((e: unknown) => this.logger.warn(`cleanup failed: ${String(e)}`)),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_sessions WHERE expires_at < now()`);
    await this.dataSource.query(`DELETE FROM oauth_authorization_requests WHERE expires_at < now()`);
    await this.dataSource.query(
      `DELETE FROM oauth_authorization_codes WHERE expires_at < now() - interval '1 day'`,
    );
    await this.dataSource.query(`DELETE FROM oauth_tokens WHERE expires_at < now()`);
    await this.dataSource.query(
      `DELETE FROM login_throttles WHERE window_started_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())`,
    );
    await this.dataSource.query(
      `DELETE FROM oauth_grants WHERE coalesce(revoked_at, expires_at) < now() - make_interval(days => $1)`,
      [KEEP_ENDED_GRANTS_DAYS],
    );
  }
}
