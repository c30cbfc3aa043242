import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../../../src/common/errors/app-error';
import { ContactCommands } from '../../../../src/receivables/customers/contact.commands';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { assertAudited, commandWorld, failsAndChangesNothing } from './commands';
import type { CommandWorld } from './commands';

describe('collections commands: contacts', () => {
  let w: CommandWorld;
  let contacts: ContactCommands;
  let acme: Customer;

  const primaries = async (customerId: string): Promise<string[]> =>
    (
      await w.db.dataSource.query<{ id: string }[]>(
        'SELECT id FROM contacts WHERE org_id = $1 AND customer_id = $2 AND is_primary ORDER BY id',
        [w.books.orgId, customerId],
      )
    ).map((r) => r.id);
  const row = async (id: string) =>
    (
      await w.db.dataSource.query<Record<string, unknown>[]>(
        `SELECT customer_id AS "customerId", name, email, phone, title, is_primary AS "isPrimary",
                is_billing AS "isBilling", opted_out AS "optedOut"
           FROM contacts WHERE org_id = $1 AND id = $2`,
        [w.books.orgId, id],
      )
    )[0];

  before(async () => {
    w = await commandWorld();
    contacts = w.app.get(ContactCommands);
    acme = await w.books.customer({ name: 'Acme' });
  });
  after(async () => w.close());

  it('creates a contact, lower-casing the email domain, and audits it', async () => {
    const contact = await contacts.createContact(w.ctx(), {
      customerId: acme.id,
      name: 'Ann Lee',
      email: 'Ann.Lee@ACME.Example',
      phone: '+1 (415) 555-0100',
      title: 'AP Manager',
      isBilling: true,
    });
    assert.deepEqual(await row(contact.id), {
      customerId: acme.id,
      name: 'Ann Lee',
      email: 'Ann.Lee@acme.example',
      phone: '+1 (415) 555-0100',
      title: 'AP Manager',
      isPrimary: false,
      isBilling: true,
      optedOut: false,
    });
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, contact.id, {
      action: 'contact.create',
      targetType: 'contact',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(audit.details, { before: null, after: contact });
  });

  it('keeps one primary contact per customer: a new primary demotes the old one', async () => {
    const customer = await w.books.customer({ name: 'Primary Co' });
    const first = await contacts.createContact(w.ctx(), {
      customerId: customer.id,
      name: 'First',
      isPrimary: true,
    });
    assert.deepEqual(await primaries(customer.id), [first.id]);
    const second = await contacts.createContact(w.ctx(), {
      customerId: customer.id,
      name: 'Second',
      isPrimary: true,
    });
    assert.deepEqual(second.demotedContactIds, [first.id]);
    assert.deepEqual(await primaries(customer.id), [second.id]);
    const third = await contacts.createContact(w.ctx(), { customerId: customer.id, name: 'Third' });
    const promoted = await contacts.updateContact(w.ctx(), third.id, { isPrimary: true });
    assert.deepEqual(promoted.demotedContactIds, [second.id]);
    assert.deepEqual(await primaries(customer.id), [third.id]);
  });

  it('updates fields, clears optional ones with null and audits before and after', async () => {
    const contact = await contacts.createContact(w.ctx(), {
      customerId: acme.id,
      name: 'Bob',
      email: 'bob@acme.example',
      phone: '555 0101',
    });
    const updated = await contacts.updateContact(w.ctx(), contact.id, {
      name: 'Bob Stone',
      email: 'bstone@acme.example',
      phone: null,
      optedOut: true,
    });
    const stored = await row(contact.id);
    assert.deepEqual(
      [stored.name, stored.email, stored.phone, stored.optedOut],
      ['Bob Stone', 'bstone@acme.example', null, true],
    );
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, contact.id, {
      action: 'contact.update',
      targetType: 'contact',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(audit.details, { before: { ...contact, demotedContactIds: [] }, after: updated });
  });

  it('refuses a malformed email, a duplicate email at the same customer and an empty update', async () => {
    await failsAndChangesNothing(
      w.books,
      () => contacts.createContact(w.ctx(), { customerId: acme.id, name: 'X', email: 'not-an-email' }),
      InvalidArgumentError,
      /email "not-an-email" is not an email address/,
    );
    await failsAndChangesNothing(
      w.books,
      () => contacts.createContact(w.ctx(), { customerId: acme.id, name: 'X', email: 'a b@acme.example' }),
      InvalidArgumentError,
      /is not an email address/,
    );
    await failsAndChangesNothing(
      w.books,
      () =>
        contacts.createContact(w.ctx(), { customerId: acme.id, name: 'Twin', email: 'ANN.LEE@acme.example' }),
      ConflictError,
      /Ann Lee \(.*\) already has the email ANN.LEE@acme.example at Acme; update that contact instead/,
    );
    const other = await contacts.createContact(w.ctx(), { customerId: acme.id, name: 'Other' });
    await failsAndChangesNothing(
      w.books,
      () => contacts.updateContact(w.ctx(), other.id, { email: 'ann.lee@acme.example' }),
      ConflictError,
      /already has the email/,
    );
    await failsAndChangesNothing(
      w.books,
      () => contacts.updateContact(w.ctx(), other.id, {}),
      InvalidArgumentError,
      /A contact update must change at least one of/,
    );
    await failsAndChangesNothing(
      w.books,
      () => contacts.createContact(w.ctx(), { customerId: acme.id, name: '  ' }),
      InvalidArgumentError,
      /name must not be blank/,
    );
  });

  it('allows the same email at two different customers', async () => {
    const bolt = await w.books.customer({ name: 'Bolt' });
    const shared = await contacts.createContact(w.ctx(), {
      customerId: bolt.id,
      name: 'Shared AP',
      email: 'ann.lee@acme.example',
    });
    assert.equal(shared.customerId, bolt.id);
  });

  it('treats another organization’s customer and contact as not found and changes nothing there', async () => {
    const contact = await contacts.createContact(w.ctx(), { customerId: acme.id, name: 'Kept' });
    await failsAndChangesNothing(
      w.books,
      () => contacts.createContact(w.otherCtx(), { customerId: acme.id, name: 'Intruder' }),
      NotFoundError,
      new RegExp(`No customer with id "${acme.id}"`),
    );
    await failsAndChangesNothing(
      w.books,
      () => contacts.updateContact(w.otherCtx(), contact.id, { isPrimary: true }),
      NotFoundError,
      new RegExp(`No contact with id "${contact.id}"`),
    );
  });
});
