import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

const EVERY_MS = 10 * 60_000;

/**
 * Empties the KPI cache's change log (receivable_history_changes, docs/adr/0013) of entries no
 * report can still need: a report checks the changes made since its snapshot was taken, and no
 * report transaction lives an hour. Every write that changes receivable history adds an entry, so
 * without this an organization that never asks for KPIs would grow the log forever. Every replica
 * runs it; the delete is idempotent.
 */
@Injectable()
export class HistoryLogPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly RETENTION = '1 hour';
  private readonly logger = new Logger('Kpis');
  private timer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () =>
        void this.run().catch((e: unknown) =>
          this.logger.warn(`pruning the KPI change log failed: ${String(e)}`),
        ),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes the entries older than the retention; returns how many. */
  async run(): Promise<number> {
    const [, deleted] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM receivable_history_changes WHERE changed_at < now() - $1::interval`,
      [HistoryLogPruner.RETENTION],
    );
    return deleted;
  }
}
