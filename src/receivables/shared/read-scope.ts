import type { DataSource, EntityManager } from 'typeorm';
import { todayIn } from './calendar';
import { parseUuid } from './filters';
import type { OrgSettings, OrgSettingsReader } from './org-settings';
import type { Page } from './pagination';

/**
 * The read scope every search and detail view runs in: the organization, its settings, and the
 * manager to read through (a REPEATABLE READ transaction's for a detail view).
 */

export interface ReadScope {
  readonly manager: EntityManager;
  readonly orgId: string;
  readonly settings: OrgSettings;
  /** Today in the organization's time zone: the default "as of" date. */
  readonly today: string;
}

export async function openReadScope(
  manager: EntityManager,
  settingsReader: OrgSettingsReader,
  orgId: string,
): Promise<ReadScope> {
  const id = parseUuid(orgId, 'orgId');
  const settings = await settingsReader.load(id);
  return { manager, orgId: id, settings, today: todayIn(settings.timeZone) };
}

/**
 * Runs a multi-query read (a detail view) in one REPEATABLE READ snapshot, so its balances and
 * lists agree with each other even while payments are being applied. Settings are read before
 * the transaction: with the embedded single-connection pool a second connection would deadlock.
 */
export async function readConsistently<T>(
  dataSource: DataSource,
  settingsReader: OrgSettingsReader,
  orgId: string,
  work: (scope: ReadScope) => Promise<T>,
): Promise<T> {
  const scope = await openReadScope(dataSource.manager, settingsReader, orgId);
  return dataSource.transaction('REPEATABLE READ', (manager) => work({ ...scope, manager }));
}

/** A capped list inside a detail view, with the full count so nothing is silently cut. */
export interface BoundedList<T> {
  items: T[];
  totalCount: number;
}

/** How many rows of each related list a detail view shows; the rest are one search away. */
export const DETAIL_LIST_LIMIT = 20;

export async function boundedList<T>(page: Page<T>, count: () => Promise<number>): Promise<BoundedList<T>> {
  return { items: page.items, totalCount: page.hasMore ? await count() : page.items.length };
}
