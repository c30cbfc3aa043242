import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, RuleViolationError } from '../../../../src/common/errors/app-error';
import type { CreditMemo } from '../../../../src/receivables/credits/credit-memo.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { addDays } from '../../../../src/receivables/shared/calendar';
import { assertAudited, failsAndChangesNothing } from './commands';
import { money, moneyWorld, reread } from './money';
import type { MoneyWorld } from './money';

/** Applying credit memos to invoices (CreditCommands), against PostgreSQL; amounts in cents. */
describe('credit memo application', () => {
  let w: MoneyWorld;
  let n = 0;
  const customer = (): Promise<Customer> => w.books.customer({ name: `Creditee ${++n}` });

  before(async () => {
    w = await moneyWorld();
  });
  after(async () => w.close());

  it('settles invoices with the memo’s credit and leaves the rest of it for later', async () => {
    const acme = await customer();
    const i1 = await w.books.invoice(acme, 20_000, addDays(w.today, -40));
    const i2 = await w.books.invoice(acme, 50_000, addDays(w.today, -30));
    const memo = await w.books.creditMemo(acme, 30_000, addDays(w.today, -5), { reason: 'pricing' });

    const result = await w.credits.applyCreditMemo(w.money(), memo.id, [
      { invoiceId: i1.id, amount: 20_000 },
      { invoiceId: i2.id, amount: 5_000 },
    ]);

    assert.deepEqual(
      [result.creditMemoNumber, result.amount, result.remainingAmount, result.status],
      [memo.number, 30_000, 5_000, 'partially_applied'],
    );
    assert.deepEqual(
      result.applications.map((a) => [
        a.invoiceId,
        a.amount,
        a.balanceBefore,
        a.balance,
        a.status,
        a.appliedOn,
      ]),
      [
        [i1.id, 20_000, 20_000, 0, 'paid', w.today],
        [i2.id, 5_000, 50_000, 45_000, 'partially_paid', w.today],
      ],
    );
    const ds = w.db.dataSource;
    assert.deepEqual(money(await reread.invoice(ds, w.books.orgId, i1.id)), [
      0,
      20_000,
      0,
      0,
      'paid',
      w.today,
    ]);
    assert.deepEqual(money(await reread.invoice(ds, w.books.orgId, i2.id)), [
      0,
      5_000,
      0,
      45_000,
      'partially_paid',
      null,
    ]);
    const row = await reread.creditMemo(ds, w.books.orgId, memo.id);
    assert.deepEqual([row.remainingAmount, row.status], [5_000, 'partially_applied']);
    const applications = await ds.query<{ invoiceId: string; amount: number; appliedOn: string }[]>(
      `SELECT invoice_id AS "invoiceId", amount, to_char(applied_on, 'YYYY-MM-DD') AS "appliedOn"
         FROM credit_applications WHERE org_id = $1 AND credit_memo_id = $2 ORDER BY amount DESC`,
      [w.books.orgId, memo.id],
    );
    assert.deepEqual(applications, [
      { invoiceId: i1.id, amount: 20_000, appliedOn: w.today },
      { invoiceId: i2.id, amount: 5_000, appliedOn: w.today },
    ]);

    const audit = await assertAudited(ds, w.books.orgId, memo.id, {
      action: 'credit_memo.apply',
      targetType: 'credit_memo',
      actorUserId: w.maria.id,
    });
    assert.deepEqual([audit.details.amount, audit.details.currency], [25_000, 'USD']);
    assert.deepEqual(audit.details.creditMemo, {
      before: { remainingAmount: 30_000, status: 'open' },
      after: { remainingAmount: 5_000, status: 'partially_applied' },
    });
    assert.deepEqual(
      (
        audit.details.invoices as { before: { amountCredited: number }; after: { amountCredited: number } }[]
      ).map((i) => [i.before.amountCredited, i.after.amountCredited]),
      [
        [0, 20_000],
        [0, 5_000],
      ],
    );
  });

  it('marks the memo applied when its last credit is used, next to earlier payments', async () => {
    const acme = await customer();
    const inv = await w.books.invoice(acme, 30_000, addDays(w.today, -40));
    await w.books.pay(inv, 20_000, addDays(w.today, -10));
    const memo = await w.books.creditMemo(acme, 10_000, addDays(w.today, -5));
    const result = await w.credits.applyCreditMemo(w.money(), memo.id, [
      { invoiceId: inv.id, amount: 10_000 },
    ]);
    assert.deepEqual([result.remainingAmount, result.status], [0, 'applied']);
    assert.deepEqual(money(await reread.invoice(w.db.dataSource, w.books.orgId, inv.id)), [
      20_000,
      10_000,
      0,
      0,
      'paid',
      w.today,
    ]);
  });

  describe('refuses, changing nothing,', () => {
    let acme: Customer;
    let memo: CreditMemo;
    const apply =
      (invoiceId: string, amount: number, memoId = memo.id) =>
      () =>
        w.credits.applyCreditMemo(w.money(), memoId, [{ invoiceId, amount }]);

    before(async () => {
      acme = await customer();
      memo = await w.books.creditMemo(acme, 10_000, addDays(w.today, -5));
    });

    it('an invoice of another customer', async () => {
      const theirs = await w.books.invoice(await customer(), 5_000, addDays(w.today, -30));
      await failsAndChangesNothing(
        w.books,
        apply(theirs.id, 5_000),
        RuleViolationError,
        new RegExp(
          `Invoice ${theirs.number} belongs to a different customer than credit memo ${memo.number}`,
        ),
      );
    });

    it('an invoice in another currency', async () => {
      const eur = await w.books.invoice(acme, 5_000, addDays(w.today, -30), { currency: 'EUR' });
      await failsAndChangesNothing(
        w.books,
        apply(eur.id, 5_000),
        RuleViolationError,
        new RegExp(`Invoice ${eur.number} is in EUR but credit memo ${memo.number} is in USD`),
      );
    });

    it('a void or written-off invoice', async () => {
      const voided = await w.books.invoice(acme, 5_000, addDays(w.today, -30), { status: 'void' });
      await failsAndChangesNothing(
        w.books,
        apply(voided.id, 1_000),
        RuleViolationError,
        /is void and owes nothing/,
      );
      const bad = await w.books.invoice(acme, 5_000, addDays(w.today, -300));
      await w.books.writeOff(bad, addDays(w.today, -3));
      await failsAndChangesNothing(
        w.books,
        apply(bad.id, 1_000),
        RuleViolationError,
        /was written off and owes nothing/,
      );
    });

    it('more than the invoice’s open balance', async () => {
      const inv = await w.books.invoice(acme, 5_000, addDays(w.today, -30));
      await failsAndChangesNothing(
        w.books,
        apply(inv.id, 5_001),
        RuleViolationError,
        /would exceed its open balance; apply at most 5000 \(USD 50\.00\)/,
      );
    });

    it('more than the memo has left', async () => {
      const a = await w.books.invoice(acme, 8_000, addDays(w.today, -30));
      const b = await w.books.invoice(acme, 8_000, addDays(w.today, -30));
      await failsAndChangesNothing(
        w.books,
        () =>
          w.credits.applyCreditMemo(w.money(), memo.id, [
            { invoiceId: a.id, amount: 8_000 },
            { invoiceId: b.id, amount: 2_001 },
          ]),
        RuleViolationError,
        new RegExp(
          `add up to 10001 \\(USD 100\\.01\\) but credit memo ${memo.number} has only 10000 \\(USD 100\\.00\\) left`,
        ),
      );
    });

    it('a void memo, and a memo with no credit left', async () => {
      const inv = await w.books.invoice(acme, 5_000, addDays(w.today, -30));
      const voided = await w.books.creditMemo(acme, 1_000, addDays(w.today, -5), { status: 'void' });
      await failsAndChangesNothing(
        w.books,
        apply(inv.id, 1_000, voided.id),
        RuleViolationError,
        new RegExp(`Credit memo ${voided.number} is void`),
      );
      const used = await w.books.creditMemo(acme, 1_000, addDays(w.today, -5));
      await w.books.applyCredit(
        used,
        await w.books.invoice(acme, 1_000, addDays(w.today, -30)),
        1_000,
        w.today,
      );
      await failsAndChangesNothing(
        w.books,
        apply(inv.id, 1_000, used.id),
        RuleViolationError,
        new RegExp(`Credit memo ${used.number} is already fully applied`),
      );
    });

    it('malformed input', async () => {
      const inv = await w.books.invoice(acme, 5_000, addDays(w.today, -30));
      await failsAndChangesNothing(
        w.books,
        apply(inv.id, -5),
        InvalidArgumentError,
        /^applications\[0\]\.amount must be a whole amount above zero/,
      );
      await failsAndChangesNothing(
        w.books,
        apply(inv.id, 100, 'CM-1'),
        InvalidArgumentError,
        /^creditMemoId must be an id in UUID form/,
      );
    });
  });
});
