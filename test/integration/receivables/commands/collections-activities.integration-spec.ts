import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ForbiddenError, InvalidArgumentError, NotFoundError } from '../../../../src/common/errors/app-error';
import { ActivityCommands } from '../../../../src/receivables/activities/activity.commands';
import type { LogActivityInput } from '../../../../src/receivables/activities/activity.commands';
import type { Contact } from '../../../../src/receivables/customers/contact.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { addDays } from '../../../factories/books';
import { assertAudited, commandWorld, failsAndChangesNothing } from './commands';
import type { CommandWorld } from './commands';

describe('collections commands: notes and activities', () => {
  let w: CommandWorld;
  let activities: ActivityCommands;
  let acme: Customer;
  let bolt: Customer;
  let acmeInvoice: Invoice;
  let ann: Contact;
  let boltContact: Contact;

  const row = async (id: string) =>
    (
      await w.db.dataSource.query<Record<string, unknown>[]>(
        `SELECT customer_id AS "customerId", invoice_id AS "invoiceId", type, subject, body,
                author_user_id AS "authorUserId", occurred_at AS "occurredAt"
           FROM activities WHERE org_id = $1 AND id = $2`,
        [w.books.orgId, id],
      )
    )[0];

  before(async () => {
    w = await commandWorld();
    activities = w.app.get(ActivityCommands);
    acme = await w.books.customer({ name: 'Acme' });
    bolt = await w.books.customer({ name: 'Bolt' });
    acmeInvoice = await w.books.invoice(acme, 10_000, addDays(w.today, -40));
    ann = await w.books.contact(acme, { name: 'Ann Lee' });
    boltContact = await w.books.contact(bolt, { name: 'Bob Stone' });
  });
  after(async () => w.close());

  it('adds a note to an invoice, filing it under the invoice’s customer, and audits it', async () => {
    const note = await activities.addNote(w.ctx(), {
      invoiceId: acmeInvoice.id,
      body: '  Customer says the PO was lost; resending.  ',
      subject: 'PO lost',
    });
    assert.deepEqual(
      [note.customerId, note.invoiceId, note.type, note.body, note.subject, note.authorUserId],
      [acme.id, acmeInvoice.id, 'note', 'Customer says the PO was lost; resending.', 'PO lost', w.alice.id],
    );
    const stored = await row(note.id);
    assert.deepEqual(
      [stored.customerId, stored.invoiceId, stored.type, stored.body, stored.authorUserId],
      [acme.id, acmeInvoice.id, 'note', 'Customer says the PO was lost; resending.', w.alice.id],
    );
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, note.id, {
      action: 'activity.add_note',
      targetType: 'activity',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(audit.details, { before: null, after: note });
  });

  it('adds a note to a customer alone', async () => {
    const note = await activities.addNote(w.ctx(), { customerId: bolt.id, body: 'Called, no answer.' });
    assert.deepEqual([note.customerId, note.invoiceId, note.subject], [bolt.id, null, null]);
  });

  it('refuses a note with an empty or too long body, or about nothing, and stores nothing', async () => {
    await failsAndChangesNothing(
      w.books,
      () => activities.addNote(w.ctx(), { customerId: acme.id, body: '   ' }),
      InvalidArgumentError,
      /body must not be blank/,
    );
    await failsAndChangesNothing(
      w.books,
      () => activities.addNote(w.ctx(), { customerId: acme.id, body: 'x'.repeat(10_001) }),
      InvalidArgumentError,
      /body must be at most 10000 characters/,
    );
    await failsAndChangesNothing(
      w.books,
      () => activities.addNote(w.ctx(), { body: 'about nothing' }),
      InvalidArgumentError,
      /Name the customer \(customerId\), the invoice \(invoiceId\) or both/,
    );
  });

  it('refuses a note naming an invoice of another customer', async () => {
    await failsAndChangesNothing(
      w.books,
      () => activities.addNote(w.ctx(), { customerId: bolt.id, invoiceId: acmeInvoice.id, body: 'mixed up' }),
      InvalidArgumentError,
      new RegExp(`Invoice ${acmeInvoice.number} belongs to another customer, not Bolt`),
    );
  });

  it('refuses a misspelled field instead of ignoring it', async () => {
    await failsAndChangesNothing(
      w.books,
      () =>
        activities.addNote(w.ctx(), { customerId: acme.id, body: 'x', author: 'me' } as unknown as {
          customerId: string;
          body: string;
        }),
      InvalidArgumentError,
      /note has no field "author"/,
    );
  });

  it('refuses a user who is not a member of the organization', async () => {
    const stranger = await w.other.member('collector', { name: 'Stranger' });
    await failsAndChangesNothing(
      w.books,
      () =>
        activities.addNote(
          { orgId: w.books.orgId, actor: { type: 'user', userId: stranger.id, clientId: 'c' } },
          { customerId: acme.id, body: 'sneaky' },
        ),
      ForbiddenError,
      /not a member of this organization/,
    );
  });

  it('logs a call with a contact at a given time, naming the contact in the default subject', async () => {
    const occurredAt = '2026-01-15T14:30:00.000Z';
    const call = await activities.logActivity(w.ctx(), {
      customerId: acme.id,
      type: 'call',
      summary: 'Ann will pay INV next Friday.',
      occurredAt,
      contactId: ann.id,
    });
    assert.deepEqual(
      [call.type, call.subject, call.body, call.occurredAt, call.contactId, call.authorUserId],
      ['call', 'Call with Ann Lee', 'Ann will pay INV next Friday.', occurredAt, ann.id, w.alice.id],
    );
    const stored = await row(call.id);
    assert.deepEqual(
      [stored.type, stored.subject, (stored.occurredAt as Date).toISOString()],
      ['call', 'Call with Ann Lee', occurredAt],
    );
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, call.id, {
      action: 'activity.log',
      targetType: 'activity',
      actorUserId: w.alice.id,
    });
    assert.equal((audit.details.after as { contactId: string }).contactId, ann.id);
  });

  it('logs an email received on an invoice, at the current time when no time is given', async () => {
    const beforeCall = Date.now();
    const email = await activities.logActivity(w.ctx(), {
      invoiceId: acmeInvoice.id,
      type: 'email_in',
      summary: 'Remittance advice attached.',
      subject: 'Re: INV',
    });
    assert.deepEqual(
      [email.customerId, email.invoiceId, email.subject],
      [acme.id, acmeInvoice.id, 'Re: INV'],
    );
    assert.ok(Date.parse(email.occurredAt) >= beforeCall - 1000);
  });

  it('refuses kinds that are not logged by hand, future times and another customer’s contact', async () => {
    const base: LogActivityInput = { customerId: acme.id, type: 'call', summary: 'x' };
    await failsAndChangesNothing(
      w.books,
      () => activities.logActivity(w.ctx(), { ...base, type: 'system' as 'call' }),
      InvalidArgumentError,
      /type must be one of call, meeting, email_out, email_in; got "system"/,
    );
    await failsAndChangesNothing(
      w.books,
      () =>
        activities.logActivity(w.ctx(), {
          ...base,
          occurredAt: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      InvalidArgumentError,
      /occurredAt is in the future/,
    );
    await failsAndChangesNothing(
      w.books,
      () => activities.logActivity(w.ctx(), { ...base, occurredAt: 'yesterday' }),
      InvalidArgumentError,
      /occurredAt must be an ISO-8601 timestamp/,
    );
    await failsAndChangesNothing(
      w.books,
      () => activities.logActivity(w.ctx(), { ...base, contactId: boltContact.id }),
      InvalidArgumentError,
      /Contact Bob Stone works for another customer, not Acme/,
    );
  });

  it('treats another organization’s customer, invoice and contact as not found and changes nothing there', async () => {
    await failsAndChangesNothing(
      w.books,
      () => activities.addNote(w.otherCtx(), { customerId: acme.id, body: 'cross-tenant' }),
      NotFoundError,
      new RegExp(`No customer with id "${acme.id}" exists in this organization`),
    );
    await failsAndChangesNothing(
      w.books,
      () => activities.addNote(w.otherCtx(), { invoiceId: acmeInvoice.id, body: 'cross-tenant' }),
      NotFoundError,
      /No invoice with id/,
    );
    const theirs = await w.other.customer({ name: 'Theirs' });
    await failsAndChangesNothing(
      w.books,
      () =>
        activities.logActivity(w.otherCtx(), {
          customerId: theirs.id,
          type: 'call',
          summary: 'x',
          contactId: ann.id,
        }),
      NotFoundError,
      /No contact with id/,
    );
  });
});
