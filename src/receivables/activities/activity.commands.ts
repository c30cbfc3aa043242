import { Injectable } from '@nestjs/common';
import { InvalidArgumentError } from '../../common/errors/app-error';
import type { CommandContext } from '../commands/actor';
import {
  MAX_BODY_LENGTH,
  MAX_LINE_LENGTH,
  optionalText,
  readInput,
  requireOneOf,
  requireText,
  requireTimestamp,
} from '../commands/command-input';
import { CommandRunner } from '../commands/command-runner';
import { authorOf, findInOrg, iso, resolveSubject } from '../commands/org-records';
import { Contact } from '../customers/contact.entity';
import { parseUuid } from '../shared/filters';
import { Activity } from './activity.entity';
import type { ActivityType } from './activity.entity';

/**
 * Activity kinds a person logs by hand. Notes have their own command; status changes and system
 * entries are written by the application itself.
 */
export const LOGGABLE_ACTIVITY_TYPES = [
  'call',
  'meeting',
  'email_out',
  'email_in',
] as const satisfies readonly ActivityType[];
export type LoggableActivityType = (typeof LOGGABLE_ACTIVITY_TYPES)[number];

const TYPE_LABELS: Record<LoggableActivityType, string> = {
  call: 'Call',
  meeting: 'Meeting',
  email_out: 'Email sent',
  email_in: 'Email received',
};

/** Clocks differ a little; an activity "in the future" beyond this is a mistake. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const OLDEST_ACTIVITY_YEARS = 10;

export interface AddNoteInput {
  /** The customer the note is about; implied by invoiceId when omitted. */
  customerId?: string;
  /** The invoice the note is about, if any. */
  invoiceId?: string;
  /** Plain text, at most 10,000 characters. */
  body: string;
  /** Optional one-line subject, at most 200 characters. */
  subject?: string;
}

export interface LogActivityInput {
  customerId?: string;
  invoiceId?: string;
  type: LoggableActivityType;
  /** What happened, in a few sentences (stored as the activity's body); at most 10,000 characters. */
  summary: string;
  /** Defaults to "<Type> with <contact>" when a contact is named, else to none. */
  subject?: string;
  /** ISO-8601 timestamp with a zone; defaults to now; not in the future. */
  occurredAt?: string;
  /** The customer's contact spoken to; must be a contact of that customer. */
  contactId?: string;
}

export interface ActivityResult {
  id: string;
  customerId: string;
  invoiceId: string | null;
  type: ActivityType;
  subject: string | null;
  body: string;
  authorUserId: string | null;
  /** ISO-8601 UTC. */
  occurredAt: string;
  /**
   * The contact named when logging. Activities have no contact column: it is kept in the audit
   * record and in the default subject.
   */
  contactId: string | null;
}

function toResult(activity: Activity, contactId: string | null = null): ActivityResult {
  return {
    id: activity.id,
    customerId: activity.customerId,
    invoiceId: activity.invoiceId,
    type: activity.type,
    subject: activity.subject,
    body: activity.body,
    authorUserId: activity.authorUserId,
    occurredAt: iso(activity.occurredAt)!,
    contactId,
  };
}

/** Notes and logged interactions on a customer or invoice (the account's timeline). */
@Injectable()
export class ActivityCommands {
  constructor(private readonly runner: CommandRunner) {}

  async addNote(context: CommandContext, input: AddNoteInput): Promise<ActivityResult> {
    const f = readInput(input, ['customerId', 'invoiceId', 'body', 'subject'], 'note');
    const note = {
      customerId: f.customerId === undefined ? undefined : parseUuid(f.customerId, 'customerId'),
      invoiceId: f.invoiceId === undefined ? undefined : parseUuid(f.invoiceId, 'invoiceId'),
      body: requireText(f.body, 'body', MAX_BODY_LENGTH),
      subject: optionalText(f.subject, 'subject', MAX_LINE_LENGTH) ?? null,
    };
    return this.runner.run(context, 'activity.add_note', note, async (scope) => {
      const { manager, orgId } = scope;
      const { customer, invoice } = await resolveSubject(manager, orgId, note.customerId, note.invoiceId);
      const activity = await manager.getRepository(Activity).save({
        orgId,
        customerId: customer.id,
        invoiceId: invoice?.id ?? null,
        type: 'note' as const,
        subject: note.subject,
        body: note.body,
        authorUserId: await authorOf(manager, context),
        occurredAt: new Date(),
      });
      const result = toResult(activity);
      await scope.audit({
        action: 'activity.add_note',
        targetType: 'activity',
        targetId: activity.id,
        details: { before: null, after: result },
      });
      return result;
    });
  }

  async logActivity(context: CommandContext, input: LogActivityInput): Promise<ActivityResult> {
    const f = readInput(
      input,
      ['customerId', 'invoiceId', 'type', 'summary', 'subject', 'occurredAt', 'contactId'],
      'activity',
    );
    // A missing occurredAt stays missing in the input the idempotency key fingerprints, so a retry
    // a second later is still "the same request"; the body fills in the time.
    const given = f.occurredAt === undefined ? undefined : requireTimestamp(f.occurredAt, 'occurredAt');
    const occurredAt = given ?? new Date();
    const now = Date.now();
    if (occurredAt.getTime() > now + FUTURE_TOLERANCE_MS) {
      throw new InvalidArgumentError(
        'occurredAt is in the future; log an activity once it has happened (create a task to plan one).',
        { field: 'occurredAt' },
      );
    }
    const oldest = new Date(now);
    oldest.setUTCFullYear(oldest.getUTCFullYear() - OLDEST_ACTIVITY_YEARS);
    if (occurredAt < oldest) {
      throw new InvalidArgumentError(
        `occurredAt is more than ${OLDEST_ACTIVITY_YEARS} years ago; check the year.`,
        { field: 'occurredAt' },
      );
    }
    const entry = {
      customerId: f.customerId === undefined ? undefined : parseUuid(f.customerId, 'customerId'),
      invoiceId: f.invoiceId === undefined ? undefined : parseUuid(f.invoiceId, 'invoiceId'),
      type: requireOneOf(f.type, LOGGABLE_ACTIVITY_TYPES, 'type'),
      summary: requireText(f.summary, 'summary', MAX_BODY_LENGTH),
      subject: optionalText(f.subject, 'subject', MAX_LINE_LENGTH) ?? null,
      occurredAt: given?.toISOString(),
      contactId: f.contactId === undefined ? null : parseUuid(f.contactId, 'contactId'),
    };
    return this.runner.run(context, 'activity.log', entry, async (scope) => {
      const { manager, orgId } = scope;
      const { customer, invoice } = await resolveSubject(manager, orgId, entry.customerId, entry.invoiceId);
      let subject = entry.subject;
      if (entry.contactId) {
        const contact = await findInOrg(manager, Contact, orgId, entry.contactId, 'contact');
        if (contact.customerId !== customer.id) {
          throw new InvalidArgumentError(
            `Contact ${contact.name} works for another customer, not ${customer.name}; name one of ${customer.name}'s contacts or omit contactId.`,
            { field: 'contactId', id: contact.id },
          );
        }
        subject ??= `${TYPE_LABELS[entry.type]} with ${contact.name}`;
      }
      const activity = await manager.getRepository(Activity).save({
        orgId,
        customerId: customer.id,
        invoiceId: invoice?.id ?? null,
        type: entry.type,
        subject,
        body: entry.summary,
        authorUserId: await authorOf(manager, context),
        occurredAt: entry.occurredAt ? new Date(entry.occurredAt) : new Date(),
      });
      const result = toResult(activity, entry.contactId);
      await scope.audit({
        action: 'activity.log',
        targetType: 'activity',
        targetId: activity.id,
        details: { before: null, after: result },
      });
      return result;
    });
  }
}
