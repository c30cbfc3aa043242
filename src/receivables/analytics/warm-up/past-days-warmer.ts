import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../config/app-config.service';
import { addDays, todayIn } from '../../shared/calendar';
import { OrgSettingsReader } from '../../shared/org-settings';
import { AgingService } from '../aging/aging.service';
import { monthEndsBack } from '../kpis/kpi-formulas';
import { receivableTotalsCache } from '../kpis/receivable-totals-cache';
import { runReportQueries } from '../shared/report-queries';
import type { ReportQuery } from '../shared/report-queries';

/** KPI totals of every day this far back: most periods people ask about start and end in it. */
const KPI_RECENT_DAYS = 92;
/** And of the ends of this many months: monthly, quarterly and yearly periods, the KPI trend. */
const KPI_MONTH_ENDS = 25;
/** Aging at the ends of this many months: a year of month-end reviews and the same month a year ago. */
const AGING_MONTH_ENDS = 13;
/**
 * KPI days computed per statement. At a million invoices a month of days takes under 2 s and all
 * the older month ends together about 3.5 s, well inside the statement timeout.
 */
const KPI_DAYS_PER_STATEMENT = 31;
/** Advisory lock class: one replica at a time fills an organization's caches, the others skip it. */
const WARM_LOCK_CLASS = 4202;
/** After start-up, so that migrations, the seed and the first requests go first. */
const FIRST_RUN_DELAY_MS = 15_000;

function lastMonthEnd(today: string): string {
  return addDays(`${today.slice(0, 7)}-01`, -1);
}

/**
 * The days whose KPI totals to keep cached, in the order to compute them (newest first), one
 * statement's worth each: every day of the last KPI_RECENT_DAYS before today, then the older month
 * ends. Today is left out: every write dated today changes it, and it is the cheapest day.
 */
export function kpiDaysToWarm(today: string): string[][] {
  const recent = Array.from({ length: KPI_RECENT_DAYS }, (_, k) => addDays(today, -1 - k));
  const oldestRecent = recent[recent.length - 1];
  const olderMonthEnds = monthEndsBack(lastMonthEnd(today), KPI_MONTH_ENDS - 1).filter(
    (d) => d < oldestRecent,
  );
  const batches: string[][] = [];
  for (let i = 0; i < recent.length; i += KPI_DAYS_PER_STATEMENT) {
    batches.push(recent.slice(i, i + KPI_DAYS_PER_STATEMENT));
  }
  batches.push(olderMonthEnds);
  return batches;
}

/** The month ends whose aging to keep cached, newest first. */
export function agingDaysToWarm(today: string): string[] {
  return monthEndsBack(lastMonthEnd(today), AGING_MONTH_ENDS - 1);
}

/** What a pass computed. */
export interface WarmedDays {
  kpiDays: number;
  agingDays: number;
}

/**
 * Fills the caches of past days (docs/adr/0013, 0014, 0015) ahead of the reports. The first report
 * for an uncached day reads every invoice closed and every application made since: 0.5–2.5 s at a
 * million invoices, where a cached day costs next to nothing. A pass computes only what is
 * missing: after the first one, yesterday, a new month end, and the days a backdated write dropped.
 */
@Injectable()
export class PastDaysWarmer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReportCache');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly orgSettings: OrgSettingsReader,
    private readonly aging: AgingService,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = this.config.reportCacheWarmMinutes * 60_000;
    if (everyMs === 0) return;
    const tick = (): void => {
      // A pass still running (a large organization's first) is not started twice.
      this.running ??= this.run()
        .catch((e: unknown) => this.logger.warn(`filling the report caches failed: ${String(e)}`))
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

  /** One pass over every organization. */
  async run(): Promise<WarmedDays> {
    const started = performance.now();
    const orgs = await this.dataSource.query<{ id: string }[]>('SELECT id FROM organizations ORDER BY id');
    const total: WarmedDays = { kpiDays: 0, agingDays: 0 };
    for (const org of orgs) {
      if (this.stopping) break;
      try {
        const warmed = await this.warm(org.id);
        total.kpiDays += warmed.kpiDays;
        total.agingDays += warmed.agingDays;
      } catch (e: unknown) {
        this.logger.warn(`filling the report caches of organization ${org.id} failed: ${String(e)}`);
      }
    }
    if (total.kpiDays + total.agingDays > 0) {
      this.logger.log(
        `report caches filled: ${total.kpiDays} days of KPI totals and ${total.agingDays} of aging for ${orgs.length} organizations in ${Math.round(performance.now() - started)} ms`,
      );
    }
    return total;
  }

  /** Computes the organization's missing days, unless another replica is at it. */
  async warm(orgId: string): Promise<WarmedDays> {
    const settings = await this.orgSettings.load(orgId);
    const today = todayIn(settings.timeZone);
    const claim = async (q: ReportQuery): Promise<boolean> => {
      const [{ locked }] = await q<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1, hashtext($2::text)) AS locked',
        [WARM_LOCK_CLASS, orgId],
      );
      return locked;
    };
    const warmed: WarmedDays = { kpiDays: 0, agingDays: 0 };
    for (const dates of kpiDaysToWarm(today)) {
      if (this.stopping) return warmed;
      const result = await runReportQueries(this.dataSource, async (q) =>
        (await claim(q)) ? receivableTotalsCache.totals(q, orgId, dates) : undefined,
      );
      if (!result) return warmed; // another replica is filling this organization right now
      if (result.computed) {
        await receivableTotalsCache.store(this.dataSource, orgId, result.computed);
        warmed.kpiDays += result.computed.dates.length;
      }
    }
    for (const day of agingDaysToWarm(today)) {
      if (this.stopping) return warmed;
      const key = { day, basis: settings.agingBasis, edges: settings.agingBucketEdges };
      const outcome = await this.aging.fillPastDay(orgId, key, claim);
      if (outcome === 'declined') return warmed;
      if (outcome === 'computed') warmed.agingDays += 1;
    }
    return warmed;
  }
}
