import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  InvalidArgumentError,
  NotFoundError,
  RuleViolationError,
} from '../../../../src/common/errors/app-error';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { addDays, todayIn } from '../../../../src/receivables/shared/calendar';
import { Books } from '../../../factories/books';
import { actingAs, assertAudited, failsAndChangesNothing, rejectsWith } from './commands';
import { money, moneyWorld, reread } from './money';
import type { MoneyWorld } from './money';

/**
 * Recording, applying and unapplying payments (PaymentCommands), against PostgreSQL. Each test
 * builds its own customer and invoices in organization A (amounts in cents, USD unless said).
 */
describe('payment commands', () => {
  let w: MoneyWorld;
  let n = 0;
  const customer = (fields: Partial<Customer> = {}): Promise<Customer> =>
    w.books.customer({ name: `Payer ${++n}`, ...fields });

  before(async () => {
    w = await moneyWorld();
  });
  after(async () => w.close());

  describe('recordPayment', () => {
    it('records a payment with the next receipt number of its day, all of it unapplied', async () => {
      const acme = await customer();
      const receivedOn = addDays(w.today, -3);
      const first = await w.payments.recordPayment(w.money(), {
        customerId: acme.id,
        amount: 125_000,
        currency: 'USD',
        receivedOn,
        method: 'check',
        reference: 'Check 10442',
        memo: 'Mailed to the lockbox',
      });
      const second = await w.payments.recordPayment(w.money(), {
        customerId: acme.id,
        amount: 5_000,
        currency: 'usd',
        receivedOn,
        method: 'ach',
      });

      const day = receivedOn.slice(2).replaceAll('-', '');
      assert.equal(first.number, `PMT-${day}-0001`);
      assert.equal(second.number, `PMT-${day}-0002`);
      assert.deepEqual(
        [first.amount, first.appliedAmount, first.unappliedAmount, first.status, first.applications],
        [125_000, 0, 125_000, 'unapplied', []],
      );
      const row = await reread.payment(w.db.dataSource, w.books.orgId, first.paymentId);
      assert.deepEqual(
        [row.customerId, row.receivedOn, row.amount, row.currency, row.method, row.reference, row.memo],
        [acme.id, receivedOn, 125_000, 'USD', 'check', 'Check 10442', 'Mailed to the lockbox'],
      );
      assert.deepEqual([row.appliedAmount, row.unappliedAmount, row.status], [0, 125_000, 'unapplied']);
      assert.equal((await reread.payment(w.db.dataSource, w.books.orgId, second.paymentId)).currency, 'USD');

      const audit = await assertAudited(w.db.dataSource, w.books.orgId, first.paymentId, {
        action: 'payment.record',
        targetType: 'payment',
        actorUserId: w.maria.id,
      });
      assert.deepEqual(
        [audit.details.amount, audit.details.currency, audit.details.payment],
        [
          125_000,
          'USD',
          { before: null, after: { appliedAmount: 0, unappliedAmount: 125_000, status: 'unapplied' } },
        ],
      );
    });

    it('applies part of the payment at once, dated the day it was received', async () => {
      const acme = await customer();
      const i1 = await w.books.invoice(acme, 50_000, addDays(w.today, -40));
      const i2 = await w.books.invoice(acme, 30_000, addDays(w.today, -20));
      const receivedOn = addDays(w.today, -2);
      const result = await w.payments.recordPayment(w.money(), {
        customerId: acme.id,
        amount: 60_000,
        currency: 'USD',
        receivedOn,
        method: 'wire',
        applications: [
          { invoiceId: i1.id, amount: 50_000 },
          { invoiceId: i2.id, amount: 5_000 },
        ],
      });

      assert.deepEqual(
        [result.appliedAmount, result.unappliedAmount, result.status],
        [55_000, 5_000, 'partially_applied'],
      );
      assert.deepEqual(
        result.applications.map((a) => [
          a.invoiceNumber,
          a.amount,
          a.balanceBefore,
          a.balance,
          a.status,
          a.appliedOn,
        ]),
        [
          [i1.number, 50_000, 50_000, 0, 'paid', receivedOn],
          [i2.number, 5_000, 30_000, 25_000, 'partially_paid', receivedOn],
        ],
      );
      const ds = w.db.dataSource;
      assert.deepEqual(money(await reread.invoice(ds, w.books.orgId, i1.id)), [
        50_000,
        0,
        0,
        0,
        'paid',
        receivedOn,
      ]);
      assert.deepEqual(money(await reread.invoice(ds, w.books.orgId, i2.id)), [
        5_000,
        0,
        0,
        25_000,
        'partially_paid',
        null,
      ]);
      const payment = await reread.payment(ds, w.books.orgId, result.paymentId);
      assert.deepEqual(
        [payment.appliedAmount, payment.unappliedAmount, payment.status],
        [55_000, 5_000, 'partially_applied'],
      );
      const rows = await reread.applications(ds, w.books.orgId, result.paymentId);
      assert.deepEqual(
        rows.map((r) => [r.invoiceId, r.amount, r.appliedOn, r.unappliedOn, r.appliedByUserId]),
        [
          [i1.id, 50_000, receivedOn, null, w.maria.id],
          [i2.id, 5_000, receivedOn, null, w.maria.id],
        ],
      );
      const audit = await assertAudited(ds, w.books.orgId, result.paymentId, {
        action: 'payment.record',
        targetType: 'payment',
        actorUserId: w.maria.id,
      });
      assert.deepEqual(audit.details.invoices, [
        {
          invoiceId: i1.id,
          invoiceNumber: i1.number,
          amount: 50_000,
          before: { amountPaid: 0, amountCredited: 0, amountWrittenOff: 0, balance: 50_000, status: 'open' },
          after: { amountPaid: 50_000, amountCredited: 0, amountWrittenOff: 0, balance: 0, status: 'paid' },
        },
        {
          invoiceId: i2.id,
          invoiceNumber: i2.number,
          amount: 5_000,
          before: { amountPaid: 0, amountCredited: 0, amountWrittenOff: 0, balance: 30_000, status: 'open' },
          after: {
            amountPaid: 5_000,
            amountCredited: 0,
            amountWrittenOff: 0,
            balance: 25_000,
            status: 'partially_paid',
          },
        },
      ]);
    });

    it('accepts a currency the customer is invoiced in besides its own', async () => {
      const acme = await customer();
      const eur = await w.books.invoice(acme, 70_000, addDays(w.today, -10), { currency: 'EUR' });
      const result = await w.payments.recordPayment(w.money(), {
        customerId: acme.id,
        amount: 70_000,
        currency: 'EUR',
        receivedOn: w.today,
        method: 'wire',
        applications: [{ invoiceId: eur.id, amount: 70_000 }],
      });
      assert.deepEqual([result.currency, result.status], ['EUR', 'applied']);
      assert.equal((await reread.invoice(w.db.dataSource, w.books.orgId, eur.id)).status, 'paid');
    });

    it('refuses a currency the customer is neither billed in nor invoiced in, and records nothing', async () => {
      const acme = await customer({ name: 'Sterling-free Ltd' });
      await failsAndChangesNothing(
        w.books,
        () =>
          w.payments.recordPayment(w.money(), {
            customerId: acme.id,
            amount: 1_000,
            currency: 'GBP',
            receivedOn: w.today,
            method: 'ach',
          }),
        RuleViolationError,
        /Sterling-free Ltd is billed in USD, not GBP; record the payment in USD/,
      );
    });

    it('refuses a received date after today in the organization’s time zone', async () => {
      const acme = await customer();
      await failsAndChangesNothing(
        w.books,
        () =>
          w.payments.recordPayment(w.money(), {
            customerId: acme.id,
            amount: 1_000,
            currency: 'USD',
            receivedOn: addDays(w.today, 1),
            method: 'ach',
          }),
        InvalidArgumentError,
        /receivedOn .* is in the future \(today is .*\); record a payment once the money has arrived/,
      );
    });

    it('judges "today" in the organization’s own time zone, not the server’s', async () => {
      // UTC+14: its today is never before the server's, and often already tomorrow in UTC.
      const kiribati = await Books.create(w.db.dataSource, { timeZone: 'Pacific/Kiritimati' });
      const boss = await kiribati.member('manager');
      const islander = await kiribati.customer();
      const localToday = todayIn('Pacific/Kiritimati');
      const ok = await w.payments.recordPayment(actingAs(kiribati, boss), {
        customerId: islander.id,
        amount: 1_000,
        currency: 'USD',
        receivedOn: localToday,
        method: 'ach',
      });
      assert.equal(ok.receivedOn, localToday);
      await rejectsWith(
        w.payments.recordPayment(actingAs(kiribati, boss), {
          customerId: islander.id,
          amount: 1_000,
          currency: 'USD',
          receivedOn: addDays(localToday, 1),
          method: 'ach',
        }),
        InvalidArgumentError,
        new RegExp(`today is ${localToday}`),
      );
    });

    it('refuses applications adding up to more than the amount received', async () => {
      const acme = await customer();
      const i1 = await w.books.invoice(acme, 50_000, addDays(w.today, -30));
      await failsAndChangesNothing(
        w.books,
        () =>
          w.payments.recordPayment(w.money(), {
            customerId: acme.id,
            amount: 40_000,
            currency: 'USD',
            receivedOn: w.today,
            method: 'ach',
            applications: [{ invoiceId: i1.id, amount: 45_000 }],
          }),
        RuleViolationError,
        /add up to 45000 \(USD 450\.00\), more than the payment's 40000 \(USD 400\.00\)/,
      );
    });

    it('records nothing when an immediate application breaks a rule', async () => {
      const acme = await customer();
      const other = await customer();
      const theirs = await w.books.invoice(other, 10_000, addDays(w.today, -30));
      await failsAndChangesNothing(
        w.books,
        () =>
          w.payments.recordPayment(w.money(), {
            customerId: acme.id,
            amount: 10_000,
            currency: 'USD',
            receivedOn: w.today,
            method: 'ach',
            applications: [{ invoiceId: theirs.id, amount: 10_000 }],
          }),
        RuleViolationError,
        new RegExp(`Invoice ${theirs.number} belongs to a different customer`),
      );
    });

    it('rejects malformed input naming the field, before touching the database', async () => {
      const acme = await customer();
      const valid = {
        customerId: acme.id,
        amount: 1_000,
        currency: 'USD',
        receivedOn: w.today,
        method: 'ach' as const,
      };
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ amount: 0 }, /^amount must be a whole amount above zero in minor units/],
        [{ amount: 12.5 }, /^amount must be a whole amount above zero/],
        [{ amount: -100 }, /^amount must be a whole amount above zero/],
        [{ amount: '1000' }, /^amount must be a whole amount above zero/],
        [{ currency: 'dollars' }, /^currency must be an ISO-4217 currency code/],
        [{ receivedOn: '2026-02-30' }, /^receivedOn must be a calendar date written YYYY-MM-DD/],
        [{ method: 'cash' }, /^method must be one of ach, wire, check, card, other/],
        [{ customerId: 'acme' }, /^customerId must be an id in UUID form/],
        [
          { applications: [{ invoiceId: acme.id, amount: 0 }] },
          /^applications\[0\]\.amount must be a whole amount/,
        ],
        [{ appliedTo: [] }, /^payment has no field "appliedTo"/],
      ];
      for (const [change, message] of cases) {
        await failsAndChangesNothing(
          w.books,
          () => w.payments.recordPayment(w.money(), { ...valid, ...change }),
          InvalidArgumentError,
          message,
        );
      }
    });

    it('treats a customer of another organization as unknown', async () => {
      const foreign = await w.other.customer();
      await failsAndChangesNothing(
        w.books,
        () =>
          w.payments.recordPayment(w.money(), {
            customerId: foreign.id,
            amount: 1_000,
            currency: 'USD',
            receivedOn: w.today,
            method: 'ach',
          }),
        NotFoundError,
        new RegExp(`No customer with id "${foreign.id}" exists in this organization`),
      );
    });
  });

  describe('applyPayment', () => {
    it('settles invoices in full and in part and moves the payment’s cash from unapplied to applied', async () => {
      const acme = await customer();
      const i1 = await w.books.invoice(acme, 40_000, addDays(w.today, -60));
      const i2 = await w.books.invoice(acme, 90_000, addDays(w.today, -30));
      const payment = await w.books.payment(acme, 100_000, addDays(w.today, -5), { reference: 'Check 881' });

      const result = await w.payments.applyPayment(w.money(), payment.id, [
        { invoiceId: i1.id, amount: 40_000 },
        { invoiceId: i2.id, amount: 30_000 },
      ]);

      assert.deepEqual(
        [
          result.paymentNumber,
          result.customerId,
          result.appliedAmount,
          result.unappliedAmount,
          result.status,
        ],
        [payment.number, acme.id, 70_000, 30_000, 'partially_applied'],
      );
      assert.deepEqual(
        result.applications.map((a) => [a.invoiceId, a.amount, a.balance, a.status, a.appliedOn]),
        [
          [i1.id, 40_000, 0, 'paid', w.today],
          [i2.id, 30_000, 60_000, 'partially_paid', w.today],
        ],
      );
      const ds = w.db.dataSource;
      assert.deepEqual(money(await reread.invoice(ds, w.books.orgId, i1.id)), [
        40_000,
        0,
        0,
        0,
        'paid',
        w.today,
      ]);
      assert.deepEqual(money(await reread.invoice(ds, w.books.orgId, i2.id)), [
        30_000,
        0,
        0,
        60_000,
        'partially_paid',
        null,
      ]);
      const after = await reread.payment(ds, w.books.orgId, payment.id);
      assert.deepEqual(
        [after.appliedAmount, after.unappliedAmount, after.status],
        [70_000, 30_000, 'partially_applied'],
      );
      assert.deepEqual(
        (await reread.applications(ds, w.books.orgId, payment.id)).map((r) => [
          r.invoiceId,
          r.amount,
          r.appliedOn,
        ]),
        [
          [i1.id, 40_000, w.today],
          [i2.id, 30_000, w.today],
        ],
      );

      const audit = await assertAudited(ds, w.books.orgId, payment.id, {
        action: 'payment.apply',
        targetType: 'payment',
        actorUserId: w.maria.id,
      });
      assert.deepEqual([audit.details.amount, audit.details.currency], [70_000, 'USD']);
      assert.deepEqual(audit.details.payment, {
        before: { customerId: acme.id, appliedAmount: 0, unappliedAmount: 100_000, status: 'unapplied' },
        after: {
          customerId: acme.id,
          appliedAmount: 70_000,
          unappliedAmount: 30_000,
          status: 'partially_applied',
        },
      });
      assert.deepEqual(
        (audit.details.invoices as { before: { balance: number }; after: { balance: number } }[]).map((i) => [
          i.before.balance,
          i.after.balance,
        ]),
        [
          [40_000, 0],
          [90_000, 60_000],
        ],
      );
    });

    it('marks the payment applied once all of its cash is used', async () => {
      const acme = await customer();
      const i1 = await w.books.invoice(acme, 80_000, addDays(w.today, -30));
      const payment = await w.books.payment(acme, 50_000, addDays(w.today, -1));
      await w.payments.applyPayment(w.money(), payment.id, [{ invoiceId: i1.id, amount: 20_000 }]);
      const result = await w.payments.applyPayment(w.money(), payment.id, [
        { invoiceId: i1.id, amount: 30_000 },
      ]);
      assert.deepEqual([result.appliedAmount, result.unappliedAmount, result.status], [50_000, 0, 'applied']);
      assert.deepEqual(money(await reread.invoice(w.db.dataSource, w.books.orgId, i1.id)), [
        50_000,
        0,
        0,
        30_000,
        'partially_paid',
        null,
      ]);
    });

    it('gives unidentified cash the customer of the invoices it settles', async () => {
      const acme = await customer();
      const i1 = await w.books.invoice(acme, 12_000, addDays(w.today, -30));
      const cash = await w.books.payment(null, 12_000, addDays(w.today, -3));
      const result = await w.payments.applyPayment(w.money(), cash.id, [
        { invoiceId: i1.id, amount: 12_000 },
      ]);
      assert.equal(result.customerId, acme.id);
      const row = await reread.payment(w.db.dataSource, w.books.orgId, cash.id);
      assert.deepEqual([row.customerId, row.status], [acme.id, 'applied']);
      const audit = await assertAudited(w.db.dataSource, w.books.orgId, cash.id, {
        action: 'payment.apply',
        targetType: 'payment',
        actorUserId: w.maria.id,
      });
      assert.deepEqual(
        [
          (audit.details.payment as { before: { customerId: string | null } }).before.customerId,
          (audit.details.payment as { after: { customerId: string } }).after.customerId,
        ],
        [null, acme.id],
      );
    });

    describe('refuses, changing nothing,', () => {
      let acme: Customer;
      let payment: Awaited<ReturnType<Books['payment']>>;
      const apply =
        (invoiceId: string, amount: number, paymentId = payment.id) =>
        () =>
          w.payments.applyPayment(w.money(), paymentId, [{ invoiceId, amount }]);

      before(async () => {
        acme = await customer({ name: 'Rulebound Inc' });
        payment = await w.books.payment(acme, 50_000, addDays(w.today, -3));
      });

      it('an invoice of another customer (parent and child accounts included)', async () => {
        const child = await customer({ parentId: acme.id });
        const theirs = await w.books.invoice(child, 10_000, addDays(w.today, -30));
        await failsAndChangesNothing(
          w.books,
          apply(theirs.id, 10_000),
          RuleViolationError,
          new RegExp(
            `Invoice ${theirs.number} belongs to a different customer than payment ${payment.number}`,
          ),
        );
      });

      it('an invoice in another currency', async () => {
        const eur = await w.books.invoice(acme, 10_000, addDays(w.today, -30), { currency: 'EUR' });
        await failsAndChangesNothing(
          w.books,
          apply(eur.id, 10_000),
          RuleViolationError,
          new RegExp(
            `Invoice ${eur.number} is in EUR but payment ${payment.number} is in USD; apply it only to USD invoices`,
          ),
        );
      });

      it('a void invoice', async () => {
        const voided = await w.books.invoice(acme, 10_000, addDays(w.today, -30), { status: 'void' });
        await failsAndChangesNothing(
          w.books,
          apply(voided.id, 1_000),
          RuleViolationError,
          new RegExp(
            `Invoice ${voided.number} is void and owes nothing; choose an invoice with an open balance`,
          ),
        );
      });

      it('a written-off invoice', async () => {
        const bad = await w.books.invoice(acme, 10_000, addDays(w.today, -200));
        await w.books.writeOff(bad, addDays(w.today, -10));
        await failsAndChangesNothing(
          w.books,
          apply(bad.id, 1_000),
          RuleViolationError,
          new RegExp(`Invoice ${bad.number} was written off and owes nothing`),
        );
      });

      it('an invoice already paid in full', async () => {
        const paid = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        await w.books.pay(paid, 10_000, addDays(w.today, -5));
        await failsAndChangesNothing(
          w.books,
          apply(paid.id, 1_000),
          RuleViolationError,
          new RegExp(`Invoice ${paid.number} is already settled in full`),
        );
      });

      it('more than an invoice’s open balance', async () => {
        const part = await w.books.invoice(acme, 30_000, addDays(w.today, -30));
        await w.books.pay(part, 10_000, addDays(w.today, -5));
        await failsAndChangesNothing(
          w.books,
          apply(part.id, 20_001),
          RuleViolationError,
          new RegExp(
            `Applying 20001 \\(USD 200\\.01\\) to Invoice ${part.number} would exceed its open balance; apply at most 20000 \\(USD 200\\.00\\)`,
          ),
        );
      });

      it('more in total than the payment has unapplied, even when each invoice could take it', async () => {
        const a = await w.books.invoice(acme, 40_000, addDays(w.today, -30));
        const b = await w.books.invoice(acme, 40_000, addDays(w.today, -20));
        await failsAndChangesNothing(
          w.books,
          () =>
            w.payments.applyPayment(w.money(), payment.id, [
              { invoiceId: a.id, amount: 40_000 },
              { invoiceId: b.id, amount: 10_001 },
            ]),
          RuleViolationError,
          new RegExp(
            `add up to 50001 \\(USD 500\\.01\\) but payment ${payment.number} has only 50000 \\(USD 500\\.00\\) unapplied`,
          ),
        );
      });

      it('a void payment', async () => {
        const voided = await w.books.payment(acme, 5_000, addDays(w.today, -3), { status: 'void' });
        const inv = await w.books.invoice(acme, 5_000, addDays(w.today, -30));
        await failsAndChangesNothing(
          w.books,
          apply(inv.id, 5_000, voided.id),
          RuleViolationError,
          new RegExp(`Payment ${voided.number} is void; there is no cash to apply`),
        );
      });

      it('a payment with nothing left to apply', async () => {
        const inv = await w.books.invoice(acme, 5_000, addDays(w.today, -30));
        const used = await w.books.pay(inv, 5_000, addDays(w.today, -3));
        const other = await w.books.invoice(acme, 5_000, addDays(w.today, -30));
        await failsAndChangesNothing(
          w.books,
          apply(other.id, 1, used.id),
          RuleViolationError,
          new RegExp(`Payment ${used.number} is already fully applied; unapply part of it first`),
        );
      });

      it('unidentified cash spread over two customers’ invoices', async () => {
        const cash = await w.books.payment(null, 20_000, addDays(w.today, -3));
        const mine = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        const theirs = await w.books.invoice(await customer(), 10_000, addDays(w.today, -30));
        await failsAndChangesNothing(
          w.books,
          () =>
            w.payments.applyPayment(w.money(), cash.id, [
              { invoiceId: mine.id, amount: 10_000 },
              { invoiceId: theirs.id, amount: 10_000 },
            ]),
          RuleViolationError,
          /has no customer yet and these invoices belong to 2 different customers; apply it to invoices of one customer/,
        );
      });

      it('the whole list when only its last line breaks a rule', async () => {
        const good = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        const small = await w.books.invoice(acme, 1_000, addDays(w.today, -30));
        await failsAndChangesNothing(
          w.books,
          () =>
            w.payments.applyPayment(w.money(), payment.id, [
              { invoiceId: good.id, amount: 10_000 },
              { invoiceId: small.id, amount: 2_000 },
            ]),
          RuleViolationError,
          new RegExp(`to Invoice ${small.number} would exceed its open balance`),
        );
      });

      it('malformed lists: no lines, zero amounts, the same invoice twice', async () => {
        const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        await failsAndChangesNothing(
          w.books,
          () => w.payments.applyPayment(w.money(), payment.id, []),
          InvalidArgumentError,
          /^applications must list at least one \{ invoiceId, amount \}/,
        );
        await failsAndChangesNothing(
          w.books,
          apply(inv.id, 0),
          InvalidArgumentError,
          /^applications\[0\]\.amount must be a whole amount above zero/,
        );
        await failsAndChangesNothing(
          w.books,
          () =>
            w.payments.applyPayment(w.money(), payment.id, [
              { invoiceId: inv.id, amount: 1_000 },
              { invoiceId: inv.id, amount: 2_000 },
            ]),
          InvalidArgumentError,
          /^applications\[1\] names invoice .* a second time; send one line per invoice/,
        );
      });

      it('unknown payment and invoice ids', async () => {
        const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        const nobody = randomUUID();
        await failsAndChangesNothing(
          w.books,
          apply(inv.id, 1_000, nobody),
          NotFoundError,
          new RegExp(`No payment with id "${nobody}"`),
        );
        await failsAndChangesNothing(
          w.books,
          apply(nobody, 1_000),
          NotFoundError,
          new RegExp(`No invoice with id "${nobody}"`),
        );
      });
    });
  });

  describe('unapplyPayment', () => {
    it('takes a whole application back: the invoice reopens and the cash is unapplied again', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -40));
      const payment = await w.books.pay(inv, 50_000, addDays(w.today, -10));

      const result = await w.payments.unapplyPayment(w.money(), payment.id, inv.id);

      assert.deepEqual(
        [result.amountUnapplied, result.stillApplied, result.unappliedOn, result.payment, result.invoice],
        [
          50_000,
          0,
          w.today,
          { appliedAmount: 0, unappliedAmount: 50_000, status: 'unapplied' },
          { balanceBefore: 0, balance: 50_000, statusBefore: 'paid', status: 'open' },
        ],
      );
      const ds = w.db.dataSource;
      assert.deepEqual(money(await reread.invoice(ds, w.books.orgId, inv.id)), [
        0,
        0,
        0,
        50_000,
        'open',
        null,
      ]);
      const row = await reread.payment(ds, w.books.orgId, payment.id);
      assert.deepEqual([row.appliedAmount, row.unappliedAmount, row.status], [0, 50_000, 'unapplied']);
      // The application is kept, marked as taken back, so past balances can be rebuilt.
      assert.deepEqual(
        (await reread.applications(ds, w.books.orgId, payment.id)).map((r) => [
          r.amount,
          r.appliedOn,
          r.unappliedOn,
        ]),
        [[50_000, addDays(w.today, -10), w.today]],
      );
      const audit = await assertAudited(ds, w.books.orgId, payment.id, {
        action: 'payment.unapply',
        targetType: 'payment',
        actorUserId: w.maria.id,
      });
      assert.deepEqual(audit.details.payment, {
        before: { appliedAmount: 50_000, unappliedAmount: 0, status: 'applied' },
        after: { appliedAmount: 0, unappliedAmount: 50_000, status: 'unapplied' },
      });
      assert.deepEqual(
        (audit.details.invoices as { before: unknown; after: unknown }[]).map((i) => [i.before, i.after]),
        [
          [
            { amountPaid: 50_000, amountCredited: 0, amountWrittenOff: 0, balance: 0, status: 'paid' },
            { amountPaid: 0, amountCredited: 0, amountWrittenOff: 0, balance: 50_000, status: 'open' },
          ],
        ],
      );
    });

    it('takes part back, newest application first, keeping the rest applied from today', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 60_000, addDays(w.today, -40));
      const payment = await w.books.payment(acme, 60_000, addDays(w.today, -20));
      await w.books.apply(payment, inv, 30_000, addDays(w.today, -20));
      await w.books.apply(payment, inv, 20_000, addDays(w.today, -10));

      const result = await w.payments.unapplyPayment(w.money(), payment.id, inv.id, 25_000);

      assert.deepEqual([result.amountUnapplied, result.stillApplied], [25_000, 25_000]);
      const ds = w.db.dataSource;
      assert.deepEqual(money(await reread.invoice(ds, w.books.orgId, inv.id)), [
        25_000,
        0,
        0,
        35_000,
        'partially_paid',
        null,
      ]);
      const row = await reread.payment(ds, w.books.orgId, payment.id);
      assert.deepEqual(
        [row.appliedAmount, row.unappliedAmount, row.status],
        [25_000, 35_000, 'partially_applied'],
      );
      assert.deepEqual(
        (await reread.applications(ds, w.books.orgId, payment.id)).map((r) => [
          r.amount,
          r.appliedOn,
          r.unappliedOn,
        ]),
        [
          [30_000, addDays(w.today, -20), w.today],
          [20_000, addDays(w.today, -10), w.today],
          [25_000, w.today, null],
        ],
      );
    });

    it('reopens a written-off invoice by the cash taken back', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -90));
      const payment = await w.books.pay(inv, 6_000, addDays(w.today, -60));
      await w.books.writeOff(inv, addDays(w.today, -30));
      const result = await w.payments.unapplyPayment(w.money(), payment.id, inv.id);
      assert.deepEqual(result.invoice, {
        balanceBefore: 0,
        balance: 6_000,
        statusBefore: 'written_off',
        status: 'partially_paid',
      });
    });

    describe('refuses, changing nothing,', () => {
      it('an invoice the payment is not applied to', async () => {
        const acme = await customer();
        const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        const other = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        const payment = await w.books.pay(inv, 10_000, addDays(w.today, -3));
        await failsAndChangesNothing(
          w.books,
          () => w.payments.unapplyPayment(w.money(), payment.id, other.id),
          RuleViolationError,
          new RegExp(`Payment ${payment.number} has nothing applied to invoice ${other.number}`),
        );
      });

      it('an application that was already taken back', async () => {
        const acme = await customer();
        const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        const payment = await w.books.pay(inv, 10_000, addDays(w.today, -3));
        await w.payments.unapplyPayment(w.money(), payment.id, inv.id);
        await failsAndChangesNothing(
          w.books,
          () => w.payments.unapplyPayment(w.money(), payment.id, inv.id),
          RuleViolationError,
          /has nothing applied to invoice/,
        );
      });

      it('more than is applied', async () => {
        const acme = await customer();
        const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        const payment = await w.books.pay(inv, 4_000, addDays(w.today, -3));
        await failsAndChangesNothing(
          w.books,
          () => w.payments.unapplyPayment(w.money(), payment.id, inv.id, 4_001),
          RuleViolationError,
          new RegExp(
            `Only 4000 \\(USD 40\\.00\\) of payment ${payment.number} is applied to invoice ${inv.number}; unapply at most that much`,
          ),
        );
      });

      it('a zero or fractional amount', async () => {
        const acme = await customer();
        const inv = await w.books.invoice(acme, 10_000, addDays(w.today, -30));
        const payment = await w.books.pay(inv, 4_000, addDays(w.today, -3));
        for (const amount of [0, 0.5]) {
          await failsAndChangesNothing(
            w.books,
            () => w.payments.unapplyPayment(w.money(), payment.id, inv.id, amount),
            InvalidArgumentError,
            /^amount must be a whole amount above zero/,
          );
        }
      });
    });
  });
});
