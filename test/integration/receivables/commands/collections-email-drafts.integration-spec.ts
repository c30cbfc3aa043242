import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  InvalidArgumentError,
  NotFoundError,
  RuleViolationError,
} from '../../../../src/common/errors/app-error';
import { CollectionEmailDrafts } from '../../../../src/receivables/collections/collection-email.service';
import type { Contact } from '../../../../src/receivables/customers/contact.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { addDays } from '../../../factories/books';
import { commandWorld, orgDigest, rejectsWith } from './commands';
import type { CommandWorld } from './commands';

/**
 * Acme Corp (today = T):
 *   O1 USD 100.00  due T-30   overdue            listed
 *   O2 USD 250.50  due T-15   overdue            listed
 *   D1 USD  50.00  due T-20   open dispute       left out, mentioned
 *   P1 USD  70.00  due T-10   promised for T+5   left out, mentioned
 *   U1 USD  30.00  due T+20   not yet due        listed only when named (or friendly, nothing overdue)
 *   PD USD  10.00  paid
 *   a promise of USD 40.00 for T-20, broken
 * Contacts: Ann Lee (primary), Bill Payne (billing), Olga Out (billing, opted out).
 */
describe('collection email drafts', () => {
  let w: CommandWorld;
  let drafts: CollectionEmailDrafts;
  let acme: Customer;
  let ann: Contact;
  let bill: Contact;
  let inv: Record<'O1' | 'O2' | 'D1' | 'P1' | 'U1' | 'PD', Invoice>;

  before(async () => {
    w = await commandWorld();
    drafts = w.app.get(CollectionEmailDrafts);
    const { books, today } = w;
    acme = await books.customer({ name: 'Acme Corp' });
    ann = await books.contact(acme, { name: 'Ann Lee', email: 'ann@acme.example', isPrimary: true });
    bill = await books.contact(acme, { name: 'Bill Payne', email: 'bill@acme.example', isBilling: true });
    await books.contact(acme, {
      name: 'Olga Out',
      email: 'olga@acme.example',
      isBilling: true,
      optedOut: true,
    });
    const issued = (dueIn: number) => addDays(today, dueIn - 30);
    inv = {
      O1: await books.invoice(acme, 10_000, issued(-30)),
      O2: await books.invoice(acme, 25_050, issued(-15)),
      D1: await books.invoice(acme, 5_000, issued(-20)),
      P1: await books.invoice(acme, 7_000, issued(-10)),
      U1: await books.invoice(acme, 3_000, issued(20)),
      PD: await books.invoice(acme, 1_000, issued(-40)),
    };
    await books.pay(inv.PD, 1_000, addDays(today, -5));
    await books.dispute(inv.D1, { reason: 'damaged_goods' });
    await books.promise(acme, [inv.P1], addDays(today, 5));
    await books.promise(acme, [inv.O1], addDays(today, -20), { status: 'broken', amount: 4_000 });
  });
  after(async () => w.close());

  it('drafts a firm email to the primary contact listing the overdue invoices, without writing anything', async () => {
    const before = await orgDigest(w.db.dataSource, w.books.orgId);
    const draft = await drafts.draft(w.books.orgId, acme.id, { tone: 'firm' });
    assert.deepEqual(await orgDigest(w.db.dataSource, w.books.orgId), before, 'a draft must not write');

    assert.deepEqual(draft.to, { contactId: ann.id, name: 'Ann Lee', email: 'ann@acme.example' });
    assert.deepEqual(draft.cc, [{ contactId: bill.id, name: 'Bill Payne', email: 'bill@acme.example' }]);
    assert.deepEqual(draft.invoices, [
      {
        invoiceId: inv.O1.id,
        number: inv.O1.number,
        dueDate: inv.O1.dueDate,
        daysPastDue: 30,
        balance: 10_000,
        currency: 'USD',
        balanceFormatted: 'USD 100.00',
      },
      {
        invoiceId: inv.O2.id,
        number: inv.O2.number,
        dueDate: inv.O2.dueDate,
        daysPastDue: 15,
        balance: 25_050,
        currency: 'USD',
        balanceFormatted: 'USD 250.50',
      },
    ]);
    assert.deepEqual(draft.totals, [{ currency: 'USD', amount: 35_050, formatted: 'USD 350.50' }]);
    assert.deepEqual(
      draft.excluded.map((e) => [e.number, e.reason]),
      [
        [inv.D1.number, 'disputed'],
        [inv.P1.number, 'promised'],
      ],
    );
    assert.equal(draft.subject, 'Overdue invoices for Acme Corp: USD 350.50 past due');
    assert.match(draft.body, /^Hello Ann,/);
    assert.match(
      draft.body,
      new RegExp(`${inv.O1.number}\\s+due ${inv.O1.dueDate}\\s+30 days past due\\s+USD 100.00`),
    );
    assert.match(
      draft.body,
      new RegExp(`${inv.O2.number}\\s+due ${inv.O2.dueDate}\\s+15 days past due\\s+USD 250.50`),
    );
    assert.match(draft.body, /Total: USD 350.50/);
    assert.match(
      draft.body,
      new RegExp(
        `Invoice ${inv.D1.number} is not included: we are reviewing the USD 50.00 you queried \\(damaged goods\\)`,
      ),
    );
    assert.match(
      draft.body,
      new RegExp(
        `Invoice ${inv.P1.number} is not included: thank you for your commitment to pay USD 70.00 by ${addDays(w.today, 5)}`,
      ),
    );
    assert.match(
      draft.body,
      new RegExp(
        `We had agreed that USD 40.00 would be paid by ${addDays(w.today, -20)}, and we have not received it`,
      ),
    );
    assert.match(draft.body, /Please arrange payment of USD 350.50/);
    assert.match(draft.body, /Accounts Receivable\nOrg A$/);
    assert.ok(!draft.body.includes(inv.U1.number), 'an invoice not yet due is not chased');
    assert.ok(!draft.body.includes(inv.PD.number), 'a paid invoice is not chased');
    assert.deepEqual(draft.warnings, ['Olga Out asked not to be contacted by collections and is left out.']);
    const [{ n }] = await w.db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM audit_log WHERE org_id = $1',
      [w.books.orgId],
    );
    assert.equal(n, 0);
  });

  it('drafts a final notice with a deadline a week away', async () => {
    const draft = await drafts.draft(w.books.orgId, acme.id, { tone: 'final' });
    assert.equal(draft.subject, 'Final notice: USD 350.50 overdue on the Acme Corp account');
    assert.match(draft.body, /Despite our earlier reminders/);
    assert.match(
      draft.body,
      new RegExp(`This is our final notice\\. Please pay USD 350.50 by ${addDays(w.today, 7)}`),
    );
  });

  it('drafts a friendly reminder for the named invoices, including one not yet due', async () => {
    const draft = await drafts.draft(w.books.orgId, acme.id, {
      tone: 'friendly',
      invoiceIds: [inv.U1.id, inv.O1.id],
    });
    assert.deepEqual(
      draft.invoices.map((i) => [i.number, i.daysPastDue]),
      [
        [inv.O1.number, 30],
        [inv.U1.number, -20],
      ],
    );
    assert.match(
      draft.body,
      new RegExp(`${inv.U1.number}\\s+due ${inv.U1.dueDate}\\s+due in 20 days\\s+USD 30.00`),
    );
    assert.match(draft.body, /friendly reminder/);
    assert.doesNotMatch(draft.body, /We had agreed/, 'a friendly reminder does not bring up broken promises');
  });

  it('reminds of upcoming invoices in a friendly tone, and refuses a firm one, when nothing is overdue', async () => {
    const early = await w.books.customer({ name: 'Early Bird' });
    await w.books.invoice(early, 2_000, addDays(w.today, -5));
    const friendly = await drafts.draft(w.books.orgId, early.id, { tone: 'friendly' });
    assert.equal(friendly.subject, 'Friendly reminder: upcoming invoices for Early Bird');
    assert.equal(friendly.invoices.length, 1);
    await rejectsWith(
      drafts.draft(w.books.orgId, early.id, { tone: 'firm' }),
      RuleViolationError,
      /No invoice of Early Bird is past due yet; a firm email would be premature/,
    );
  });

  it('warns when nobody can receive it and when dunning is paused', async () => {
    const quiet = await w.books.customer({
      name: 'Quiet Ltd',
      dunningPausedUntil: addDays(w.today, 3),
      dunningPauseReason: 'CFO on leave',
    });
    await w.books.invoice(quiet, 2_000, addDays(w.today, -50));
    const draft = await drafts.draft(w.books.orgId, quiet.id, { tone: 'firm' });
    assert.equal(draft.to, null);
    assert.match(draft.body, /^Hello there,/);
    assert.deepEqual(draft.warnings, [
      'Quiet Ltd has no primary or billing contact with an email address; add one (or set the recipient yourself) before sending.',
      `Dunning is paused for Quiet Ltd until ${addDays(w.today, 3)}; check that this email should go out.`,
    ]);
  });

  it('refuses when every invoice is disputed or promised, or the customer owes nothing', async () => {
    await rejectsWith(
      drafts.draft(w.books.orgId, acme.id, { tone: 'firm', invoiceIds: [inv.D1.id, inv.P1.id] }),
      RuleViolationError,
      /Every named invoice of Acme Corp is disputed or covered by a promise to pay/,
    );
    const settled = await w.books.customer({ name: 'Settled' });
    await rejectsWith(
      drafts.draft(w.books.orgId, settled.id, { tone: 'friendly' }),
      RuleViolationError,
      /Settled has no open invoices, so there is nothing to collect/,
    );
  });

  it('refuses a paid invoice, another customer’s invoice and an unknown tone', async () => {
    await rejectsWith(
      drafts.draft(w.books.orgId, acme.id, { tone: 'firm', invoiceIds: [inv.PD.id] }),
      RuleViolationError,
      new RegExp(`Invoice ${inv.PD.number} is paid with nothing left to pay`),
    );
    const bolt = await w.books.customer({ name: 'Bolt' });
    const boltInvoice = await w.books.invoice(bolt, 1_000, addDays(w.today, -60));
    await rejectsWith(
      drafts.draft(w.books.orgId, acme.id, { tone: 'firm', invoiceIds: [boltInvoice.id] }),
      InvalidArgumentError,
      new RegExp(`Invoice ${boltInvoice.number} belongs to another customer, not Acme Corp`),
    );
    await rejectsWith(
      drafts.draft(w.books.orgId, acme.id, { tone: 'rude' as 'firm' }),
      InvalidArgumentError,
      /tone must be one of friendly, firm, final/,
    );
  });

  it('treats another organization’s customer and invoices as not found', async () => {
    await rejectsWith(
      drafts.draft(w.other.orgId, acme.id, { tone: 'firm' }),
      NotFoundError,
      new RegExp(`No customer with id "${acme.id}"`),
    );
    const theirs = await w.other.customer({ name: 'Theirs' });
    await w.other.invoice(theirs, 1_000, addDays(w.today, -60));
    await rejectsWith(
      drafts.draft(w.other.orgId, theirs.id, { tone: 'firm', invoiceIds: [inv.O1.id] }),
      NotFoundError,
      new RegExp(`No invoice with id "${inv.O1.id}"`),
    );
  });
});
