import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  RuleViolationError,
} from '../../../../src/common/errors/app-error';
import type { User } from '../../../../src/identity/user.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { DisputeCommands } from '../../../../src/receivables/disputes/dispute.commands';
import type { DisputeReason } from '../../../../src/receivables/disputes/dispute.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { BOOK_INVARIANTS } from '../../demo-data/books-invariants';
import { addDays } from '../../../factories/books';
import { assertAudited, auditOf, commandWorld, failsAndChangesNothing } from './commands';
import type { CommandWorld } from './commands';

/** The rules of the books a credit memo posting touches (the demo-data suite checks them all). */
const CREDIT_RULES = BOOK_INVARIANTS.filter(({ rule }) =>
  /amount_credited|credit memo remaining|invoice status matches|closed_on|credit application/.test(rule),
);

describe('collections commands: disputes', () => {
  let w: CommandWorld;
  let disputes: DisputeCommands;
  let acme: Customer;
  let viewer: User;

  const invoiceRow = async (id: string) =>
    (
      await w.db.dataSource.query<Record<string, unknown>[]>(
        `SELECT status, total, amount_paid AS "amountPaid", amount_credited AS "amountCredited", balance,
                to_char(closed_on, 'YYYY-MM-DD') AS "closedOn"
           FROM invoices WHERE org_id = $1 AND id = $2`,
        [w.books.orgId, id],
      )
    )[0];
  const disputeRow = async (id: string) =>
    (
      await w.db.dataSource.query<Record<string, unknown>[]>(
        `SELECT invoice_id AS "invoiceId", customer_id AS "customerId", amount, currency, reason, description, status,
                owner_user_id AS "ownerUserId", to_char(opened_on, 'YYYY-MM-DD') AS "openedOn",
                to_char(resolved_on, 'YYYY-MM-DD') AS "resolvedOn", resolution, credit_memo_id AS "creditMemoId"
           FROM disputes WHERE org_id = $1 AND id = $2`,
        [w.books.orgId, id],
      )
    )[0];
  const assertBooksConsistent = async (): Promise<void> => {
    for (const { rule, sql } of CREDIT_RULES) {
      const [row] = await w.db.dataSource.query<Record<string, string>[]>(sql);
      assert.equal(Number(Object.values(row)[0]), 0, `broken: ${rule}`);
    }
  };
  const openInvoice = async (total = 100_000, customer = acme): Promise<Invoice> =>
    w.books.invoice(customer, total, addDays(w.today, -40));

  before(async () => {
    w = await commandWorld();
    disputes = w.app.get(DisputeCommands);
    acme = await w.books.customer({ name: 'Acme' });
    viewer = await w.books.member('viewer', { name: 'Vera Viewer' });
  });
  after(async () => w.close());

  it('opens a dispute for the whole balance by default, dated today, and audits it', async () => {
    const invoice = await openInvoice();
    const dispute = await disputes.openDispute(w.ctx(), {
      invoiceId: invoice.id,
      reason: 'damaged_goods',
      description: 'Two pallets arrived broken.',
      ownerUserId: w.alice.id,
    });
    assert.deepEqual(await disputeRow(dispute.id), {
      invoiceId: invoice.id,
      customerId: acme.id,
      amount: 100_000,
      currency: 'USD',
      reason: 'damaged_goods',
      description: 'Two pallets arrived broken.',
      status: 'open',
      ownerUserId: w.alice.id,
      openedOn: w.today,
      resolvedOn: null,
      resolution: null,
      creditMemoId: null,
    });
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, dispute.id, {
      action: 'dispute.open',
      targetType: 'dispute',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(audit.details, { before: null, after: dispute });
  });

  it('refuses a second open dispute on the same invoice, naming the first', async () => {
    const invoice = await openInvoice();
    const first = await disputes.openDispute(w.ctx(), {
      invoiceId: invoice.id,
      reason: 'pricing',
      amount: 1_000,
    });
    await failsAndChangesNothing(
      w.books,
      () => disputes.openDispute(w.ctx(), { invoiceId: invoice.id, reason: 'quantity', amount: 500 }),
      RuleViolationError,
      new RegExp(
        `Invoice ${invoice.number} already has an open dispute \\(${first.id}\\); update that dispute`,
      ),
    );
  });

  it('refuses a paid invoice, more than the balance, an unknown reason and a viewer as owner', async () => {
    const invoice = await openInvoice(10_000);
    await w.books.pay(invoice, 4_000, addDays(w.today, -5));
    await failsAndChangesNothing(
      w.books,
      () => disputes.openDispute(w.ctx(), { invoiceId: invoice.id, reason: 'pricing', amount: 6_001 }),
      RuleViolationError,
      new RegExp(`amount USD 60.01 is more than invoice ${invoice.number}'s open balance of USD 60.00`),
    );
    await failsAndChangesNothing(
      w.books,
      () =>
        disputes.openDispute(w.ctx(), { invoiceId: invoice.id, reason: 'too_expensive' as DisputeReason }),
      InvalidArgumentError,
      /reason must be one of pricing, quantity, damaged_goods, not_received, duplicate_billing, service_issue, other/,
    );
    await failsAndChangesNothing(
      w.books,
      () =>
        disputes.openDispute(w.ctx(), { invoiceId: invoice.id, reason: 'pricing', ownerUserId: viewer.id }),
      RuleViolationError,
      /Vera Viewer is a viewer/,
    );
    const paid = await openInvoice(5_000);
    await w.books.pay(paid, 5_000, addDays(w.today, -1));
    await failsAndChangesNothing(
      w.books,
      () => disputes.openDispute(w.ctx(), { invoiceId: paid.id, reason: 'pricing' }),
      RuleViolationError,
      new RegExp(
        `Invoice ${paid.number} is paid with nothing left to pay; only an open invoice can be disputed`,
      ),
    );
  });

  it('updates notes, amount and owner and moves the dispute into review', async () => {
    const invoice = await openInvoice();
    const dispute = await disputes.openDispute(w.ctx(), { invoiceId: invoice.id, reason: 'pricing' });
    const updated = await disputes.updateDispute(w.ctx(), dispute.id, {
      description: 'Customer expected the 5% volume discount.',
      amount: 5_000,
      ownerUserId: w.alice.id,
      status: 'in_review',
    });
    const row = await disputeRow(dispute.id);
    assert.deepEqual(
      [row.description, row.amount, row.ownerUserId, row.status],
      ['Customer expected the 5% volume discount.', 5_000, w.alice.id, 'in_review'],
    );
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, dispute.id, {
      action: 'dispute.update',
      targetType: 'dispute',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(audit.details, { before: dispute, after: updated });
    await failsAndChangesNothing(
      w.books,
      () => disputes.updateDispute(w.ctx(), dispute.id, { amount: 100_001 }),
      RuleViolationError,
      /is more than invoice .*'s open balance of USD 1,000.00/,
    );
    await failsAndChangesNothing(
      w.books,
      () => disputes.updateDispute(w.ctx(), dispute.id, { status: 'resolved' as 'in_review' }),
      InvalidArgumentError,
      /status must be one of in_review/,
    );
  });

  it('rejects a dispute, leaving the invoice as billed; it cannot be resolved or updated again', async () => {
    const invoice = await openInvoice();
    const dispute = await disputes.openDispute(w.ctx(), { invoiceId: invoice.id, reason: 'not_received' });
    const before = await invoiceRow(invoice.id);
    const result = await disputes.resolveDispute(w.ctx(), dispute.id, {
      outcome: 'rejected',
      resolution: 'Proof of delivery signed by the customer.',
    });
    assert.deepEqual([result.dispute.status, result.creditMemo], ['rejected', null]);
    const row = await disputeRow(dispute.id);
    assert.deepEqual(
      [row.status, row.resolvedOn, row.resolution, row.creditMemoId],
      ['rejected', w.today, 'Proof of delivery signed by the customer.', null],
    );
    assert.deepEqual(await invoiceRow(invoice.id), before);
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, dispute.id, {
      action: 'dispute.resolve',
      targetType: 'dispute',
      actorUserId: w.alice.id,
    });
    assert.equal(audit.reason, 'Proof of delivery signed by the customer.');
    await failsAndChangesNothing(
      w.books,
      () =>
        disputes.resolveDispute(w.ctx(), dispute.id, {
          outcome: 'resolved',
          resolution: 'Changed our mind.',
        }),
      RuleViolationError,
      new RegExp(`This dispute was already rejected on ${w.today} and cannot be resolved`),
    );
    await failsAndChangesNothing(
      w.books,
      () => disputes.updateDispute(w.ctx(), dispute.id, { description: 'more' }),
      RuleViolationError,
      /already rejected .* cannot be updated/,
    );
  });

  it('resolves with a credit memo for the disputed amount applied to the invoice, keeping the books consistent', async () => {
    const invoice = await openInvoice(100_000);
    await w.books.pay(invoice, 30_000, addDays(w.today, -3));
    const dispute = await disputes.openDispute(w.ctx(), {
      invoiceId: invoice.id,
      reason: 'pricing',
      amount: 20_000,
    });
    const result = await disputes.resolveDispute(w.ctx(), dispute.id, {
      outcome: 'resolved',
      resolution: 'Volume discount was missing.',
      creditMemo: {},
    });
    assert.ok(result.creditMemo);
    assert.deepEqual(
      [
        result.creditMemo.amount,
        result.creditMemo.currency,
        result.creditMemo.issuedOn,
        result.creditMemo.number,
      ],
      [20_000, 'USD', w.today, `CM-${invoice.number}-1`],
    );
    const [memo] = await w.db.dataSource.query<Record<string, unknown>[]>(
      `SELECT customer_id AS "customerId", amount, remaining_amount AS "remainingAmount", status, currency
         FROM credit_memos WHERE org_id = $1 AND id = $2`,
      [w.books.orgId, result.creditMemo.id],
    );
    assert.deepEqual(memo, {
      customerId: acme.id,
      amount: 20_000,
      remainingAmount: 0,
      status: 'applied',
      currency: 'USD',
    });
    const applications = await w.db.dataSource.query<Record<string, unknown>[]>(
      `SELECT invoice_id AS "invoiceId", amount, to_char(applied_on, 'YYYY-MM-DD') AS "appliedOn"
         FROM credit_applications WHERE org_id = $1 AND credit_memo_id = $2`,
      [w.books.orgId, result.creditMemo.id],
    );
    assert.deepEqual(applications, [{ invoiceId: invoice.id, amount: 20_000, appliedOn: w.today }]);
    assert.deepEqual(await invoiceRow(invoice.id), {
      status: 'partially_paid',
      total: 100_000,
      amountPaid: 30_000,
      amountCredited: 20_000,
      balance: 50_000,
      closedOn: null,
    });
    assert.deepEqual(result.invoice.balance, 50_000);
    const row = await disputeRow(dispute.id);
    assert.deepEqual([row.status, row.creditMemoId], ['resolved', result.creditMemo.id]);
    const memoAudit = await assertAudited(w.db.dataSource, w.books.orgId, result.creditMemo.id, {
      action: 'credit_memo.issue',
      targetType: 'credit_memo',
      actorUserId: w.alice.id,
    });
    assert.equal(memoAudit.reason, `Settles dispute ${dispute.id}`);
    await assertBooksConsistent();
    // Resolved once: a second resolution (which would issue a second credit) is refused.
    await failsAndChangesNothing(
      w.books,
      () =>
        disputes.resolveDispute(w.ctx(), dispute.id, {
          outcome: 'resolved',
          resolution: 'Again.',
          creditMemo: {},
        }),
      RuleViolationError,
      new RegExp(`This dispute was already resolved on ${w.today} and cannot be resolved`),
    );
  });

  it('closes the invoice when the credit settles its whole balance', async () => {
    const invoice = await openInvoice(40_000);
    const dispute = await disputes.openDispute(w.ctx(), {
      invoiceId: invoice.id,
      reason: 'duplicate_billing',
    });
    const result = await disputes.resolveDispute(w.ctx(), dispute.id, {
      outcome: 'resolved',
      resolution: 'Billed twice.',
      creditMemo: { number: 'CM-DUP-1' },
    });
    assert.equal(result.creditMemo?.number, 'CM-DUP-1');
    assert.deepEqual(await invoiceRow(invoice.id), {
      status: 'paid',
      total: 40_000,
      amountPaid: 0,
      amountCredited: 40_000,
      balance: 0,
      closedOn: w.today,
    });
    await assertBooksConsistent();
  });

  it('issues the credit memo in the invoice currency', async () => {
    const euroCustomer = await w.books.customer({ name: 'Euro GmbH', currency: 'EUR' });
    const invoice = await openInvoice(9_000, euroCustomer);
    const dispute = await disputes.openDispute(w.ctx(), {
      invoiceId: invoice.id,
      reason: 'quantity',
      amount: 900,
    });
    const result = await disputes.resolveDispute(w.ctx(), dispute.id, {
      outcome: 'resolved',
      resolution: 'One unit short.',
      creditMemo: {},
    });
    assert.deepEqual([result.creditMemo?.currency, result.invoice.balance], ['EUR', 8_100]);
  });

  it('refuses a credit above the disputed amount or the invoice balance, on a rejection, or with a taken number', async () => {
    const invoice = await openInvoice(10_000);
    const dispute = await disputes.openDispute(w.ctx(), {
      invoiceId: invoice.id,
      reason: 'pricing',
      amount: 8_000,
    });
    await failsAndChangesNothing(
      w.books,
      () =>
        disputes.resolveDispute(w.ctx(), dispute.id, {
          outcome: 'resolved',
          resolution: 'x',
          creditMemo: { amount: 8_001 },
        }),
      RuleViolationError,
      /creditMemo.amount USD 80.01 is more than the USD 80.00 in dispute/,
    );
    await failsAndChangesNothing(
      w.books,
      () =>
        disputes.resolveDispute(w.ctx(), dispute.id, {
          outcome: 'rejected',
          resolution: 'x',
          creditMemo: {},
        }),
      InvalidArgumentError,
      /A rejected dispute leaves the invoice as billed; omit creditMemo/,
    );
    await failsAndChangesNothing(
      w.books,
      () =>
        disputes.resolveDispute(w.ctx(), dispute.id, {
          outcome: 'resolved',
          resolution: 'x',
          creditMemo: { number: 'CM-DUP-1' },
        }),
      ConflictError,
      /A credit memo numbered CM-DUP-1 already exists/,
    );
    // The customer paid most of the invoice while the dispute was open.
    await w.books.pay(invoice, 5_000, w.today);
    await failsAndChangesNothing(
      w.books,
      () =>
        disputes.resolveDispute(w.ctx(), dispute.id, {
          outcome: 'resolved',
          resolution: 'x',
          creditMemo: {},
        }),
      RuleViolationError,
      new RegExp(
        `creditMemo.amount USD 80.00 is more than invoice ${invoice.number}'s open balance of USD 50.00`,
      ),
    );
    const partly = await disputes.resolveDispute(w.ctx(), dispute.id, {
      outcome: 'resolved',
      resolution: 'Credited what was still open.',
      creditMemo: { amount: 5_000 },
    });
    assert.deepEqual([partly.invoice.balance, partly.invoice.status], [0, 'paid']);
    await assertBooksConsistent();
  });

  it('treats another organization’s invoice, dispute and owner as not found and changes nothing there', async () => {
    const invoice = await openInvoice();
    const dispute = await disputes.openDispute(w.ctx(), { invoiceId: invoice.id, reason: 'other' });
    await failsAndChangesNothing(
      w.books,
      () => disputes.openDispute(w.otherCtx(), { invoiceId: invoice.id, reason: 'other', amount: 1 }),
      NotFoundError,
      new RegExp(`No invoice with id "${invoice.id}"`),
    );
    for (const attempt of [
      () => disputes.updateDispute(w.otherCtx(), dispute.id, { description: 'hijacked' }),
      () =>
        disputes.resolveDispute(w.otherCtx(), dispute.id, {
          outcome: 'resolved',
          resolution: 'x',
          creditMemo: {},
        }),
    ]) {
      await failsAndChangesNothing(
        w.books,
        attempt,
        NotFoundError,
        new RegExp(`No dispute with id "${dispute.id}"`),
      );
    }
    await failsAndChangesNothing(
      w.books,
      () => disputes.updateDispute(w.ctx(), dispute.id, { ownerUserId: w.mallory.id }),
      NotFoundError,
      /No member with id/,
    );
    assert.equal((await auditOf(w.db.dataSource, w.books.orgId, dispute.id)).length, 1);
  });
});
