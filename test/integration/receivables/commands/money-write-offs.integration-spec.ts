import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, RuleViolationError } from '../../../../src/common/errors/app-error';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { addDays } from '../../../../src/receivables/shared/calendar';
import { assertAudited, auditOf, failsAndChangesNothing } from './commands';
import { money, moneyWorld, reread } from './money';
import type { MoneyWorld } from './money';

/** Writing off invoice balances (InvoiceCommands.writeOff), against PostgreSQL; amounts in cents. */
describe('invoice write-offs', () => {
  let w: MoneyWorld;
  let acme: Customer;

  before(async () => {
    w = await moneyWorld();
    acme = await w.books.customer({ name: 'Doubtful Debts Co' });
  });
  after(async () => w.close());

  it('writes off the whole open balance by default, closing the invoice as written off', async () => {
    const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -400));
    await w.books.pay(inv, 20_000, addDays(w.today, -300));

    const result = await w.invoices.writeOff(w.money(), inv.id, { reason: '  Customer in liquidation  ' });

    assert.deepEqual(
      [
        result.amount,
        result.amountWrittenOff,
        result.balanceBefore,
        result.balance,
        result.statusBefore,
        result.status,
      ],
      [30_000, 30_000, 30_000, 0, 'partially_paid', 'written_off'],
    );
    const row = await reread.invoice(w.db.dataSource, w.books.orgId, inv.id);
    assert.deepEqual(money(row), [20_000, 0, 30_000, 0, 'written_off', w.today]);
    assert.equal(row.writtenOffOn, w.today);

    const audit = await assertAudited(w.db.dataSource, w.books.orgId, inv.id, {
      action: 'invoice.write_off',
      targetType: 'invoice',
      actorUserId: w.maria.id,
    });
    assert.equal(audit.reason, 'Customer in liquidation');
    assert.deepEqual(audit.details, {
      number: inv.number,
      currency: 'USD',
      amount: 30_000,
      before: {
        amountPaid: 20_000,
        amountCredited: 0,
        amountWrittenOff: 0,
        balance: 30_000,
        status: 'partially_paid',
      },
      after: {
        amountPaid: 20_000,
        amountCredited: 0,
        amountWrittenOff: 30_000,
        balance: 0,
        status: 'written_off',
      },
    });
  });

  it('writes off part of a balance, leaving the rest to collect, and the rest later', async () => {
    const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -200));

    const part = await w.invoices.writeOff(w.money(), inv.id, {
      amount: 1_250,
      reason: 'Short-paid bank fees',
    });
    assert.deepEqual([part.amount, part.balance, part.status], [1_250, 48_750, 'partially_paid']);
    assert.deepEqual(money(await reread.invoice(w.db.dataSource, w.books.orgId, inv.id)), [
      0,
      0,
      1_250,
      48_750,
      'partially_paid',
      null,
    ]);

    const rest = await w.invoices.writeOff(w.money(), inv.id, { reason: 'Uncollectible' });
    assert.deepEqual(
      [rest.amount, rest.amountWrittenOff, rest.balance, rest.status],
      [48_750, 50_000, 0, 'written_off'],
    );
    assert.deepEqual(
      (await auditOf(w.db.dataSource, w.books.orgId, inv.id)).map((a) => [
        a.action,
        a.reason,
        a.details.amount,
      ]),
      [
        ['invoice.write_off', 'Short-paid bank fees', 1_250],
        ['invoice.write_off', 'Uncollectible', 48_750],
      ],
    );
  });

  describe('refuses, changing nothing,', () => {
    it('a paid invoice', async () => {
      const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
      await w.books.pay(inv, 10_000, addDays(w.today, -3));
      await failsAndChangesNothing(
        w.books,
        () => w.invoices.writeOff(w.money(), inv.id, { reason: 'Oops' }),
        RuleViolationError,
        new RegExp(
          `Invoice ${inv.number} is settled in full \\(status paid, balance 0\\); there is nothing to write off`,
        ),
      );
    });

    it('a void invoice', async () => {
      const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -30), { status: 'void' });
      await failsAndChangesNothing(
        w.books,
        () => w.invoices.writeOff(w.money(), inv.id, { reason: 'Oops' }),
        RuleViolationError,
        new RegExp(`Invoice ${inv.number} is void and owes nothing; there is nothing to write off`),
      );
    });

    it('an invoice already written off in full', async () => {
      const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -300));
      await w.books.writeOff(inv, addDays(w.today, -3));
      await failsAndChangesNothing(
        w.books,
        () => w.invoices.writeOff(w.money(), inv.id, { reason: 'Again' }),
        RuleViolationError,
        new RegExp(`Invoice ${inv.number} is already written off in full`),
      );
    });

    it('more than the open balance', async () => {
      const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -300));
      await w.books.pay(inv, 4_000, addDays(w.today, -3));
      await failsAndChangesNothing(
        w.books,
        () => w.invoices.writeOff(w.money(), inv.id, { amount: 6_001, reason: 'Too much' }),
        RuleViolationError,
        new RegExp(`Invoice ${inv.number} owes only 6000 \\(USD 60\\.00\\); write off at most that much`),
      );
    });

    it('a missing or blank reason, and a zero amount', async () => {
      const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -300));
      await failsAndChangesNothing(
        w.books,
        () => w.invoices.writeOff(w.money(), inv.id, { reason: '   ' }),
        InvalidArgumentError,
        /^reason must not be blank/,
      );
      await failsAndChangesNothing(
        w.books,
        () => w.invoices.writeOff(w.money(), inv.id, {} as never),
        InvalidArgumentError,
        /^reason is required/,
      );
      await failsAndChangesNothing(
        w.books,
        () => w.invoices.writeOff(w.money(), inv.id, { amount: 0, reason: 'Zero' }),
        InvalidArgumentError,
        /^amount must be a whole amount above zero/,
      );
    });
  });
});
