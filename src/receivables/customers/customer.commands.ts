import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { InvalidArgumentError, RuleViolationError } from '../../common/errors/app-error';
import type { CommandContext } from '../commands/actor';
import {
  MAX_LINE_LENGTH,
  optionalText,
  readInput,
  requireDate,
  requireId,
  requireIdList,
  requireText,
} from '../commands/command-input';
import { CommandRunner } from '../commands/command-runner';
import type { AuditRecord } from '../commands/command-runner';
import { findInOrg, notFoundAmong, orgToday, requireWorker } from '../commands/org-records';
import { daysBetween } from '../shared/calendar';
import { Customer } from './customer.entity';

/** One collector assignment changes at most this many customers (one screen of a workspace). */
export const MAX_CUSTOMERS_PER_ASSIGNMENT = 500;
export const MAX_TAGS_PER_CUSTOMER = 20;
export const MAX_TAG_LENGTH = 40;
/** Dunning pauses end within a year; a longer hold is a customer status, not a pause. */
export const MAX_DUNNING_PAUSE_DAYS = 366;

export interface AssignCollectorInput {
  /** 1 to 500 customers of the organization. */
  customerIds: string[];
  /** A member who does collections work (collector, manager or admin), or null to unassign. */
  collectorUserId: string | null;
}

export interface AssignCollectorResult {
  collectorUserId: string | null;
  /** Customers whose collector changed. */
  changed: string[];
  /** Customers that already had this collector. */
  unchanged: string[];
}

export interface CustomerTagsResult {
  customerId: string;
  /** The customer's tags after the change, normalised and sorted. */
  tags: string[];
  added: string[];
  removed: string[];
}

export interface DunningResult {
  customerId: string;
  /** Reminders are paused up to and including this day; null when dunning runs. */
  dunningPausedUntil: string | null;
  dunningPauseReason: string | null;
}

/**
 * A tag as stored: trimmed, lower-case, runs of spaces or underscores turned into one hyphen
 * ("Payment Plan" → "payment-plan", the form the rest of the books use), letters, digits and
 * - . : / only.
 */
export function normaliseTag(raw: unknown, field: string): string {
  if (typeof raw !== 'string') throw new InvalidArgumentError(`${field} must list tags as text.`, { field });
  const tag = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  if (tag.length === 0) throw new InvalidArgumentError(`${field} must not contain blank tags.`, { field });
  if (tag.length > MAX_TAG_LENGTH) {
    throw new InvalidArgumentError(
      `${field}: the tag "${tag.slice(0, 60)}" is longer than ${MAX_TAG_LENGTH} characters.`,
      {
        field,
      },
    );
  }
  if (!/^[\p{L}\p{N}][\p{L}\p{N}\-.:/]*$/u.test(tag)) {
    throw new InvalidArgumentError(
      `${field}: the tag "${tag}" may contain only letters, digits, spaces, hyphens, dots, colons and slashes, and must start with a letter or digit.`,
      { field },
    );
  }
  return tag;
}

function normaliseTags(value: unknown, field: string, allowEmpty: boolean): string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${field} must be a list of tags.`, { field });
  if (!allowEmpty && value.length === 0)
    throw new InvalidArgumentError(`${field} must list at least one tag.`, { field });
  if (value.length > MAX_TAGS_PER_CUSTOMER) {
    throw new InvalidArgumentError(
      `${field} may list at most ${MAX_TAGS_PER_CUSTOMER} tags; got ${value.length}.`,
      {
        field,
      },
    );
  }
  return [...new Set(value.map((t) => normaliseTag(t, field)))].sort();
}

/** Account-level collections settings: who collects, tags, and whether reminders go out. */
@Injectable()
export class CustomerCommands {
  constructor(private readonly runner: CommandRunner) {}

  /**
   * Gives customers a collector (or none). All or nothing: when any id is not a customer of the
   * organization the call changes nothing and the NotFoundError lists every such id (in
   * `details.missingIds`). A partial success is easy to miss in a model's summary and leaves the
   * caller to work out which half happened; one clear failure and a corrected retry are safer.
   */
  async assignCollector(
    context: CommandContext,
    input: AssignCollectorInput,
  ): Promise<AssignCollectorResult> {
    const f = readInput(input, ['customerIds', 'collectorUserId'], 'collector assignment');
    if (f.collectorUserId === undefined) {
      throw new InvalidArgumentError(
        'collectorUserId is required: a member id, or null to remove the collector.',
        {
          field: 'collectorUserId',
        },
      );
    }
    const request = {
      customerIds: requireIdList(f.customerIds, 'customerIds', MAX_CUSTOMERS_PER_ASSIGNMENT),
      collectorUserId: f.collectorUserId === null ? null : requireId(f.collectorUserId, 'collectorUserId'),
    };
    return this.runner.run(context, 'customer.assign_collector', request, async (scope) => {
      const { manager, orgId } = scope;
      const { customerIds, collectorUserId } = request;
      if (collectorUserId) await requireWorker(manager, orgId, collectorUserId, 'collectorUserId');
      // Locked in id order, so two overlapping bulk assignments cannot deadlock.
      const rows = await manager.query<{ id: string; collectorUserId: string | null }[]>(
        `SELECT id, collector_user_id AS "collectorUserId" FROM customers
          WHERE org_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
        [orgId, customerIds],
      );
      const before = new Map(rows.map((r) => [r.id, r.collectorUserId]));
      const missing = customerIds.filter((id) => !before.has(id));
      if (missing.length > 0) throw notFoundAmong('customer', missing, customerIds.length);
      const changed = customerIds.filter((id) => before.get(id) !== collectorUserId);
      const unchanged = customerIds.filter((id) => before.get(id) === collectorUserId);
      if (changed.length > 0) {
        await manager.getRepository(Customer).update({ orgId, id: In(changed) }, { collectorUserId });
      }
      for (const id of changed) {
        await scope.audit({
          action: 'customer.assign_collector',
          targetType: 'customer',
          targetId: id,
          details: { before: { collectorUserId: before.get(id) }, after: { collectorUserId } },
        });
      }
      // The request as a whole, so an assignment that changed nothing is on record too.
      await scope.audit({
        action: 'customer.assign_collector',
        targetType: 'collector',
        targetId: collectorUserId,
        details: { requested: customerIds.length, changed: changed.length, unchanged: unchanged.length },
      });
      return { collectorUserId, changed, unchanged };
    });
  }

  /** Replaces the customer's tags (an empty list removes them all). */
  async setTags(context: CommandContext, customerId: string, tags: string[]): Promise<CustomerTagsResult> {
    const id = requireId(customerId, 'customerId');
    const wanted = normaliseTags(tags, 'tags', true);
    return this.changeTags(context, 'customer.set_tags', id, wanted, () => wanted);
  }

  /** Adds tags the customer does not have yet; the total stays within 20. */
  async addTags(context: CommandContext, customerId: string, tags: string[]): Promise<CustomerTagsResult> {
    const id = requireId(customerId, 'customerId');
    const extra = normaliseTags(tags, 'tags', false);
    return this.changeTags(context, 'customer.add_tags', id, extra, (current) => [...current, ...extra]);
  }

  /** Removes tags; tags the customer does not have are ignored (reported as not removed). */
  async removeTags(context: CommandContext, customerId: string, tags: string[]): Promise<CustomerTagsResult> {
    const id = requireId(customerId, 'customerId');
    const gone = normaliseTags(tags, 'tags', false);
    return this.changeTags(context, 'customer.remove_tags', id, gone, (current) =>
      current.filter((t) => !gone.includes(t)),
    );
  }

  /** Stops automatic reminders up to and including `until` (today or later, within a year). */
  async pauseDunning(
    context: CommandContext,
    customerId: string,
    input: { until: string; reason: string },
  ): Promise<DunningResult> {
    const id = requireId(customerId, 'customerId');
    const f = readInput(input, ['until', 'reason'], 'dunning pause');
    const pause = {
      until: requireDate(f.until, 'until'),
      reason: requireText(f.reason, 'reason', MAX_LINE_LENGTH),
    };
    return this.changeDunning(context, 'customer.pause_dunning', id, pause, async (manager, orgId) => {
      const today = await orgToday(manager, orgId);
      if (pause.until < today) {
        throw new RuleViolationError(
          `until ${pause.until} is in the past; pause dunning until today (${today}) or later.`,
          {
            field: 'until',
          },
        );
      }
      if (daysBetween(today, pause.until) > MAX_DUNNING_PAUSE_DAYS) {
        throw new RuleViolationError(
          `until ${pause.until} is more than a year away; pause for at most ${MAX_DUNNING_PAUSE_DAYS} days and review the account then.`,
          { field: 'until' },
        );
      }
      return { dunningPausedUntil: pause.until, dunningPauseReason: pause.reason };
    });
  }

  /** Lets reminders go out again before the pause would have ended. */
  async resumeDunning(
    context: CommandContext,
    customerId: string,
    options: { reason?: string } = {},
  ): Promise<DunningResult> {
    const id = requireId(customerId, 'customerId');
    const f = readInput(options, ['reason'], 'dunning resumption');
    const reason = optionalText(f.reason, 'reason', MAX_LINE_LENGTH) ?? undefined;
    return this.changeDunning(
      context,
      'customer.resume_dunning',
      id,
      { reason },
      async (manager, orgId, customer) => {
        const today = await orgToday(manager, orgId);
        if (!customer.dunningPausedUntil || customer.dunningPausedUntil < today) {
          throw new RuleViolationError(
            `Dunning is not paused for ${customer.name}, so there is nothing to resume.`,
            {
              customerId: customer.id,
            },
          );
        }
        return { dunningPausedUntil: null, dunningPauseReason: null };
      },
    );
  }

  private async changeTags(
    context: CommandContext,
    command: string,
    customerId: string,
    tags: string[],
    next: (current: string[]) => string[],
  ): Promise<CustomerTagsResult> {
    return this.runner.run(context, command, { customerId, tags }, async (scope) => {
      const { manager, orgId } = scope;
      const customer = await findInOrg(manager, Customer, orgId, customerId, 'customer', { lock: true });
      const current = [...customer.tags].sort();
      const after = [...new Set(next(current))].sort();
      if (after.length > MAX_TAGS_PER_CUSTOMER) {
        throw new RuleViolationError(
          `${customer.name} would have ${after.length} tags; a customer has at most ${MAX_TAGS_PER_CUSTOMER}. Remove some first.`,
          { field: 'tags' },
        );
      }
      await manager.getRepository(Customer).update({ orgId, id: customerId }, { tags: after });
      const result: CustomerTagsResult = {
        customerId,
        tags: after,
        added: after.filter((t) => !current.includes(t)),
        removed: current.filter((t) => !after.includes(t)),
      };
      await scope.audit({
        action: command,
        targetType: 'customer',
        targetId: customerId,
        details: { before: { tags: current }, after: { tags: after } },
      });
      return result;
    });
  }

  private async changeDunning(
    context: CommandContext,
    command: string,
    customerId: string,
    input: Record<string, unknown>,
    decide: (
      manager: EntityManager,
      orgId: string,
      customer: Customer,
    ) => Promise<Pick<Customer, 'dunningPausedUntil' | 'dunningPauseReason'>>,
  ): Promise<DunningResult> {
    return this.runner.run(context, command, { customerId, ...input }, async (scope) => {
      const { manager, orgId } = scope;
      const customer = await findInOrg(manager, Customer, orgId, customerId, 'customer', { lock: true });
      const change = await decide(manager, orgId, customer);
      await manager.getRepository(Customer).update({ orgId, id: customerId }, change);
      const record: AuditRecord = {
        action: command,
        targetType: 'customer',
        targetId: customerId,
        reason: (input.reason as string | undefined) ?? null,
        details: {
          before: {
            dunningPausedUntil: customer.dunningPausedUntil,
            dunningPauseReason: customer.dunningPauseReason,
          },
          after: change,
        },
      };
      await scope.audit(record);
      return { customerId, ...change };
    });
  }
}
