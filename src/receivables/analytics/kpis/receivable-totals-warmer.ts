import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../config/app-config.service';
import { addDays, todayIn } from '../../shared/calendar';
import { runReportQueries } from '../shared/report-queries';
import { monthEndsBack } from './kpi-formulas';
import { receivableTotalsCache } from './receivable-totals-cache';

/** Every day this far back is kept cached: most periods people ask about start and end in it. */
const RECENT_DAYS = 92;
/** And the ends of this many months: monthly, quarterly and yearly periods and the KPI trend. */
const MONTH_ENDS = 25;
/**
 * Days computed per statement. At a million invoices a month of days takes under 2 s and all the
 * older month ends together about 3.5 s, well inside the statement timeout.
 */
const DAYS_PER_STATEMENT = 31;
/** Advisory lock class: one replica at a time fills an organization's cache, the others skip it. */
const WARM_LOCK_CLASS = 4202;
/** After start-up, so that migrations, the seed and the first requests go first. */
const FIRST_RUN_DELAY_MS = 15_000;

/**
 * The days to keep cached, in the order to compute them (newest first), one statement's worth each:
 * every day of the last RECENT_DAYS before today, then the older month ends. Today is left out:
 * every write dated today changes it, and it is the cheapest day to compute.
 */
export function daysToWarm(today: string): string[][] {
  const recent = Array.from({ length: RECENT_DAYS }, (_, k) => addDays(today, -1 - k));
  const oldestRecent = recent[recent.length - 1];
  const lastMonthEnd = addDays(`${today.slice(0, 7)}-01`, -1);
  const olderMonthEnds = monthEndsBack(lastMonthEnd, MONTH_ENDS - 1).filter((d) => d < oldestRecent);
  const batches: string[][] = [];
  for (let i = 0; i < recent.length; i += DAYS_PER_STATEMENT) {
    batches.push(recent.slice(i, i + DAYS_PER_STATEMENT));
  }
  batches.push(olderMonthEnds);
  return batches;
}

/**
 * Fills the KPI totals cache (docs/adr/0013, 0014) ahead of the reports: the first report for an
 * uncached day reads every invoice closed and every application made since, 0.5–2 s at a million
 * invoices, where a cached day costs nothing. A pass computes only what is missing: after the first
 * one, yesterday and the days a backdated write dropped.
 */
@Injectable()
export class ReceivableTotalsWarmer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Kpis');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = this.config.kpiCacheWarmMinutes * 60_000;
    if (everyMs === 0) return;
    const tick = (): void => {
      // A pass still running (a large organization's first) is not started twice.
      this.running ??= this.run()
        .catch((e: unknown) => this.logger.warn(`filling the KPI totals cache failed: ${String(e)}`))
        .finally(() => (this.running = undefined));
      if (!this.stopping) this.timer = setTimeout(tick, everyMs).unref();
    };
    this.timer = setTimeout(tick, FIRST_RUN_DELAY_MS).unref();
  }

  /** Lets the statement in progress finish before the pool closes; no new one starts. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every organization; returns how many days it computed. */
  async run(): Promise<number> {
    const started = performance.now();
    const orgs = await this.dataSource.query<{ id: string; timeZone: string }[]>(
      'SELECT id, time_zone AS "timeZone" FROM organizations ORDER BY id',
    );
    let days = 0;
    for (const org of orgs) {
      if (this.stopping) break;
      try {
        days += await this.warm(org.id, todayIn(org.timeZone));
      } catch (e: unknown) {
        this.logger.warn(`filling the KPI totals cache of organization ${org.id} failed: ${String(e)}`);
      }
    }
    if (days > 0) {
      this.logger.log(
        `KPI totals cache: ${days} days computed for ${orgs.length} organizations in ${Math.round(performance.now() - started)} ms`,
      );
    }
    return days;
  }

  /** Computes the organization's missing days; returns how many. */
  async warm(orgId: string, today: string): Promise<number> {
    let days = 0;
    for (const dates of daysToWarm(today)) {
      if (this.stopping) break;
      const result = await runReportQueries(this.dataSource, async (q) => {
        const [{ locked }] = await q<{ locked: boolean }>(
          'SELECT pg_try_advisory_xact_lock($1, hashtext($2::text)) AS locked',
          [WARM_LOCK_CLASS, orgId],
        );
        return locked ? receivableTotalsCache.totals(q, orgId, dates) : undefined;
      });
      if (!result) break; // another replica is filling this organization right now
      if (result.computed) {
        await receivableTotalsCache.store(this.dataSource, orgId, result.computed);
        days += result.computed.dates.length;
      }
    }
    return days;
  }
}
