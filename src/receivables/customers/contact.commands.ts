import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ConflictError, InvalidArgumentError } from '../../common/errors/app-error';
import type { CommandContext } from '../commands/actor';
import {
  MAX_LINE_LENGTH,
  optionalBoolean,
  optionalText,
  readInput,
  requireId,
  requireSomeChange,
  requireText,
} from '../commands/command-input';
import { CommandRunner } from '../commands/command-runner';
import { findInOrg, iso } from '../commands/org-records';
import { Contact } from './contact.entity';
import { Customer } from './customer.entity';

const MAX_EMAIL_LENGTH = 254;
// Deliberately plain: one @, a dot in the domain, no spaces. Mailbox existence is not ours to judge.
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]{2,}$/;
const PHONE = /^[+()\d][\d\s().+-]{2,39}$/;

export interface CreateContactInput {
  customerId: string;
  name: string;
  email?: string;
  phone?: string;
  /** Job title or role at the customer ("AP Manager"). */
  title?: string;
  /** The customer's main contact; making one primary makes the previous primary an ordinary contact. */
  isPrimary?: boolean;
  /** Receives invoices and statements. */
  isBilling?: boolean;
  /** Asked not to be contacted by collections. */
  optedOut?: boolean;
}

/** Omitted fields stay; null clears email, phone or title. */
export interface UpdateContactInput {
  name?: string;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  isPrimary?: boolean;
  isBilling?: boolean;
  optedOut?: boolean;
}

export interface ContactResult {
  id: string;
  customerId: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  isPrimary: boolean;
  isBilling: boolean;
  optedOut: boolean;
  createdAt: string;
  /** Contacts that stopped being primary because this one became it. */
  demotedContactIds: string[];
}

const FIELDS = ['name', 'email', 'phone', 'title', 'isPrimary', 'isBilling', 'optedOut'] as const;

/** Email addresses are compared and stored with a lower-case domain; the local part is kept. */
function parseEmail(value: unknown): string | null | undefined {
  const email = optionalText(value, 'email', MAX_EMAIL_LENGTH);
  if (email === undefined || email === null) return email;
  if (!EMAIL.test(email)) {
    throw new InvalidArgumentError(`email "${email}" is not an email address such as ap@customer.com.`, {
      field: 'email',
    });
  }
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`;
}

function parsePhone(value: unknown): string | null | undefined {
  const phone = optionalText(value, 'phone', 40);
  if (phone && !PHONE.test(phone)) {
    throw new InvalidArgumentError(
      `phone "${phone}" is not a phone number; use digits with optional +, spaces, dashes and brackets.`,
      { field: 'phone' },
    );
  }
  return phone;
}

function parseFields(f: Record<string, unknown>) {
  return {
    name: f.name === undefined ? undefined : requireText(f.name, 'name', MAX_LINE_LENGTH),
    email: parseEmail(f.email),
    phone: parsePhone(f.phone),
    title: optionalText(f.title, 'title', MAX_LINE_LENGTH),
    isPrimary: optionalBoolean(f.isPrimary, 'isPrimary'),
    isBilling: optionalBoolean(f.isBilling, 'isBilling'),
    optedOut: optionalBoolean(f.optedOut, 'optedOut'),
  };
}

function toResult(c: Contact, demotedContactIds: string[]): ContactResult {
  return {
    id: c.id,
    customerId: c.customerId,
    name: c.name,
    email: c.email,
    phone: c.phone,
    title: c.title,
    isPrimary: c.isPrimary,
    isBilling: c.isBilling,
    optedOut: c.optedOut,
    createdAt: iso(c.createdAt)!,
    demotedContactIds,
  };
}

/**
 * The people at a customer collections talks to. One primary contact per customer; an email
 * address appears once per customer.
 */
@Injectable()
export class ContactCommands {
  constructor(private readonly runner: CommandRunner) {}

  async createContact(context: CommandContext, input: CreateContactInput): Promise<ContactResult> {
    const f = readInput(input, ['customerId', ...FIELDS], 'contact');
    const contact = {
      customerId: requireId(f.customerId, 'customerId'),
      ...parseFields(f),
      name: requireText(f.name, 'name', MAX_LINE_LENGTH),
    };
    return this.runner.run(context, 'contact.create', contact, async (scope) => {
      const { manager, orgId } = scope;
      // Locking the customer serialises contact changes per customer (one primary, unique emails).
      const customer = await findInOrg(manager, Customer, orgId, contact.customerId, 'customer', {
        lock: true,
      });
      if (contact.email) await assertEmailFree(manager, orgId, customer, contact.email, null);
      const saved = await manager.getRepository(Contact).save({
        orgId,
        customerId: customer.id,
        name: contact.name,
        email: contact.email ?? null,
        phone: contact.phone ?? null,
        title: contact.title ?? null,
        isPrimary: contact.isPrimary ?? false,
        isBilling: contact.isBilling ?? false,
        optedOut: contact.optedOut ?? false,
      });
      const demoted = saved.isPrimary
        ? await demoteOtherPrimaries(manager, orgId, customer.id, saved.id)
        : [];
      const result = toResult(await findInOrg(manager, Contact, orgId, saved.id, 'contact'), demoted);
      await scope.audit({
        action: 'contact.create',
        targetType: 'contact',
        targetId: saved.id,
        details: { before: null, after: result },
      });
      return result;
    });
  }

  async updateContact(
    context: CommandContext,
    contactId: string,
    input: UpdateContactInput,
  ): Promise<ContactResult> {
    const id = requireId(contactId, 'contactId');
    const changes = parseFields(readInput(input, FIELDS, 'contact update'));
    requireSomeChange(changes, FIELDS, 'A contact update');
    return this.runner.run(context, 'contact.update', { contactId: id, ...changes }, async (scope) => {
      const { manager, orgId } = scope;
      const found = await findInOrg(manager, Contact, orgId, id, 'contact');
      const customer = await findInOrg(manager, Customer, orgId, found.customerId, 'customer', {
        lock: true,
      });
      const contact = await findInOrg(manager, Contact, orgId, id, 'contact', { lock: true });
      if (changes.email) await assertEmailFree(manager, orgId, customer, changes.email, id);
      const before = toResult(contact, []);
      const patch = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      await manager.getRepository(Contact).update({ orgId, id }, patch);
      const demoted = changes.isPrimary ? await demoteOtherPrimaries(manager, orgId, customer.id, id) : [];
      const after = toResult(await findInOrg(manager, Contact, orgId, id, 'contact'), demoted);
      await scope.audit({
        action: 'contact.update',
        targetType: 'contact',
        targetId: id,
        details: { before, after },
      });
      return after;
    });
  }
}

async function assertEmailFree(
  manager: EntityManager,
  orgId: string,
  customer: Customer,
  email: string,
  exceptContactId: string | null,
): Promise<void> {
  const [other] = await manager.query<{ id: string; name: string }[]>(
    `SELECT id, name FROM contacts
      WHERE org_id = $1 AND customer_id = $2 AND lower(email) = lower($3) AND id IS DISTINCT FROM $4::uuid
      LIMIT 1`,
    [orgId, customer.id, email, exceptContactId],
  );
  if (other) {
    throw new ConflictError(
      `${other.name} (${other.id}) already has the email ${email} at ${customer.name}; update that contact instead.`,
      { field: 'email', contactId: other.id },
    );
  }
}

/** Makes `primaryId` the customer's only primary contact; returns the contacts that lost the flag. */
async function demoteOtherPrimaries(
  manager: EntityManager,
  orgId: string,
  customerId: string,
  primaryId: string,
): Promise<string[]> {
  const rows = await manager.query<{ id: string }[]>(
    'SELECT id FROM contacts WHERE org_id = $1 AND customer_id = $2 AND is_primary AND id <> $3 ORDER BY id',
    [orgId, customerId, primaryId],
  );
  const ids = rows.map((r) => r.id);
  if (ids.length > 0)
    await manager.getRepository(Contact).update({ orgId, id: In(ids) }, { isPrimary: false });
  return ids;
}
