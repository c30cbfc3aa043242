import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError, NotFoundError, RuleViolationError } from '../../../../src/common/errors/app-error';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { addDays } from '../../../../src/receivables/shared/calendar';
import { failsAndChangesNothing, orgDigest } from './commands';
import { money, moneyWorld, reread } from './money';
import type { MoneyWorld } from './money';

/**
 * What must hold when money commands meet each other or are retried: racing applications never
 * over-apply, an idempotency key makes a retried command act once, and one organization's ids
 * are unknown in another's.
 */
describe('money commands under concurrency, retries and tenancy', () => {
  let w: MoneyWorld;
  let n = 0;
  const customer = (): Promise<Customer> => w.books.customer({ name: `Racer ${++n}` });

  /** Settles every promise and returns [fulfilled values, rejection reasons]. */
  async function race<T>(attempts: Promise<T>[]): Promise<[T[], unknown[]]> {
    const settled = await Promise.allSettled(attempts);
    return [
      settled.filter((s) => s.status === 'fulfilled').map((s) => s.value),
      settled.filter((s) => s.status === 'rejected').map((s) => s.reason as unknown),
    ];
  }

  before(async () => {
    w = await moneyWorld();
  });
  after(async () => w.close());

  describe('over-application races', () => {
    // Several rounds: a race lost by luck once would pass a broken lock most of the time.
    for (let round = 1; round <= 5; round++) {
      it(`lets exactly one of two applications of one payment win when together they exceed its cash (round ${round})`, async () => {
        const acme = await customer();
        const i1 = await w.books.invoice(acme, 80_000, addDays(w.today, -40));
        const i2 = await w.books.invoice(acme, 80_000, addDays(w.today, -30));
        const payment = await w.books.payment(acme, 100_000, addDays(w.today, -2));

        const [won, lost] = await race([
          w.payments.applyPayment(w.money(), payment.id, [{ invoiceId: i1.id, amount: 70_000 }]),
          w.payments.applyPayment(w.money(), payment.id, [{ invoiceId: i2.id, amount: 70_000 }]),
        ]);

        assert.equal(won.length, 1, 'exactly one application succeeds');
        assert.equal(lost.length, 1);
        assert.ok(
          lost[0] instanceof RuleViolationError,
          `the loser is refused by a rule, got ${String(lost[0])}`,
        );
        assert.match(lost[0].message, /has only 30000 \(USD 300\.00\) unapplied/);
        const ds = w.db.dataSource;
        const row = await reread.payment(ds, w.books.orgId, payment.id);
        assert.deepEqual([row.appliedAmount, row.unappliedAmount], [70_000, 30_000]);
        const paid = [
          await reread.invoice(ds, w.books.orgId, i1.id),
          await reread.invoice(ds, w.books.orgId, i2.id),
        ];
        assert.deepEqual(paid.map((i) => i.amountPaid).sort(), [0, 70_000]);
        assert.equal((await reread.applications(ds, w.books.orgId, payment.id)).length, 1);
      });
    }

    it('lets only one of two payments settle an invoice whose balance covers one of them', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -40));
      const p1 = await w.books.payment(acme, 50_000, addDays(w.today, -2));
      const p2 = await w.books.payment(acme, 50_000, addDays(w.today, -2));

      const [won, lost] = await race([
        w.payments.applyPayment(w.money(), p1.id, [{ invoiceId: inv.id, amount: 40_000 }]),
        w.payments.applyPayment(w.money(), p2.id, [{ invoiceId: inv.id, amount: 40_000 }]),
      ]);

      assert.deepEqual([won.length, lost.length], [1, 1]);
      assert.ok(lost[0] instanceof RuleViolationError);
      assert.match(lost[0].message, /would exceed its open balance; apply at most 10000/);
      assert.deepEqual(money(await reread.invoice(w.db.dataSource, w.books.orgId, inv.id)), [
        40_000,
        0,
        0,
        10_000,
        'partially_paid',
        null,
      ]);
    });

    it('lets only one of two credit applications use the same credit', async () => {
      const acme = await customer();
      const i1 = await w.books.invoice(acme, 30_000, addDays(w.today, -40));
      const i2 = await w.books.invoice(acme, 30_000, addDays(w.today, -30));
      const memo = await w.books.creditMemo(acme, 25_000, addDays(w.today, -5));

      const [won, lost] = await race([
        w.credits.applyCreditMemo(w.money(), memo.id, [{ invoiceId: i1.id, amount: 20_000 }]),
        w.credits.applyCreditMemo(w.money(), memo.id, [{ invoiceId: i2.id, amount: 20_000 }]),
      ]);

      assert.deepEqual([won.length, lost.length], [1, 1]);
      assert.ok(lost[0] instanceof RuleViolationError);
      const row = await reread.creditMemo(w.db.dataSource, w.books.orgId, memo.id);
      assert.deepEqual([row.remainingAmount, row.status], [5_000, 'partially_applied']);
    });

    it('never lets a write-off and a payment together take an invoice below zero', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -400));
      const payment = await w.books.payment(acme, 50_000, addDays(w.today, -1));

      const [won, lost] = await race<unknown>([
        w.invoices.writeOff(w.money(), inv.id, { reason: 'Uncollectible after 12 months' }),
        w.payments.applyPayment(w.money(), payment.id, [{ invoiceId: inv.id, amount: 50_000 }]),
      ]);

      assert.deepEqual([won.length, lost.length], [1, 1]);
      assert.ok(lost[0] instanceof RuleViolationError, String(lost[0]));
      const row = await reread.invoice(w.db.dataSource, w.books.orgId, inv.id);
      assert.equal(row.balance, 0);
      assert.equal(row.amountPaid + row.amountWrittenOff, 50_000);
    });
  });

  describe('idempotency keys', () => {
    it('applies once when the same request is retried with the same key, returning the first result', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -40));
      const payment = await w.books.payment(acme, 50_000, addDays(w.today, -2));
      const lines = [{ invoiceId: inv.id, amount: 20_000 }];

      const first = await w.payments.applyPayment(w.money('apply-1'), payment.id, lines);
      const retry = await w.payments.applyPayment(w.money('apply-1'), payment.id, lines);

      assert.deepEqual(retry, first);
      const ds = w.db.dataSource;
      assert.equal((await reread.applications(ds, w.books.orgId, payment.id)).length, 1);
      assert.equal((await reread.invoice(ds, w.books.orgId, inv.id)).balance, 30_000);
      assert.equal((await reread.payment(ds, w.books.orgId, payment.id)).unappliedAmount, 30_000);
    });

    it('applies once when the retries race each other', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -40));
      const payment = await w.books.payment(acme, 50_000, addDays(w.today, -2));
      const lines = [{ invoiceId: inv.id, amount: 20_000 }];

      const results = await Promise.all(
        [1, 2, 3].map(() => w.payments.applyPayment(w.money('apply-race'), payment.id, lines)),
      );

      assert.deepEqual(results[1], results[0]);
      assert.deepEqual(results[2], results[0]);
      assert.equal((await reread.applications(w.db.dataSource, w.books.orgId, payment.id)).length, 1);
      assert.equal((await reread.invoice(w.db.dataSource, w.books.orgId, inv.id)).balance, 30_000);
    });

    it('records one payment for a retried recordPayment', async () => {
      const acme = await customer();
      const input = {
        customerId: acme.id,
        amount: 9_900,
        currency: 'USD',
        receivedOn: w.today,
        method: 'card' as const,
      };
      const first = await w.payments.recordPayment(w.money('record-1'), input);
      const retry = await w.payments.recordPayment(w.money('record-1'), input);
      assert.equal(retry.paymentId, first.paymentId);
      const [{ count }] = await w.db.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM payments WHERE org_id = $1 AND customer_id = $2',
        [w.books.orgId, acme.id],
      );
      assert.equal(count, 1);
    });

    it('writes off once for a retried write-off', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -400));
      const request = { amount: 10_000, reason: 'Small balance' };
      await w.invoices.writeOff(w.money('wo-1'), inv.id, request);
      await w.invoices.writeOff(w.money('wo-1'), inv.id, request);
      const row = await reread.invoice(w.db.dataSource, w.books.orgId, inv.id);
      assert.deepEqual([row.amountWrittenOff, row.balance], [10_000, 40_000]);
    });

    it('refuses a key reused for a different request, changing nothing', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -40));
      const payment = await w.books.payment(acme, 50_000, addDays(w.today, -2));
      await w.payments.applyPayment(w.money('apply-2'), payment.id, [{ invoiceId: inv.id, amount: 1_000 }]);
      await failsAndChangesNothing(
        w.books,
        () => w.payments.applyPayment(w.money('apply-2'), payment.id, [{ invoiceId: inv.id, amount: 2_000 }]),
        ConflictError,
        /idempotency key "apply-2" was already used for a different request; use a new key/,
      );
    });
  });

  describe('tenant isolation', () => {
    it('treats organization A’s payments, invoices and credit memos as unknown to organization B, and leaves A as it was', async () => {
      const acme = await customer();
      const inv = await w.books.invoice(acme, 50_000, addDays(w.today, -40));
      const paid = await w.books.invoice(acme, 10_000, addDays(w.today, -40));
      const payment = await w.books.payment(acme, 50_000, addDays(w.today, -2));
      const applied = await w.books.pay(paid, 10_000, addDays(w.today, -2));
      const memo = await w.books.creditMemo(acme, 5_000, addDays(w.today, -2));
      const bolt = await w.other.customer();
      const theirInvoice = await w.other.invoice(bolt, 50_000, addDays(w.today, -40));
      const theirPayment = await w.other.payment(bolt, 50_000, addDays(w.today, -2));
      const lines = [{ invoiceId: inv.id, amount: 1_000 }];

      const before = await orgDigest(w.db.dataSource, w.books.orgId);
      const attempts: [() => Promise<unknown>, RegExp][] = [
        [() => w.payments.applyPayment(w.otherMoney(), payment.id, lines), /No payment with id/],
        [
          () =>
            w.payments.applyPayment(w.otherMoney(), theirPayment.id, [{ invoiceId: inv.id, amount: 1_000 }]),
          new RegExp(`No invoice with id "${inv.id}"`),
        ],
        [() => w.payments.unapplyPayment(w.otherMoney(), applied.id, paid.id), /No payment with id/],
        [() => w.credits.applyCreditMemo(w.otherMoney(), memo.id, lines), /No credit memo with id/],
        [
          () => w.invoices.writeOff(w.otherMoney(), inv.id, { reason: 'Not ours to write off' }),
          new RegExp(`No invoice with id "${inv.id}"`),
        ],
        [() => w.matching.suggest(w.other.orgId, payment.id), /No payment with id/],
      ];
      for (const [attempt, message] of attempts) {
        await failsAndChangesNothing(w.other, attempt, NotFoundError, message);
      }
      assert.deepEqual(await orgDigest(w.db.dataSource, w.books.orgId), before, 'organization A changed');
      // B's own rows are untouched too.
      assert.equal((await reread.invoice(w.db.dataSource, w.other.orgId, theirInvoice.id)).balance, 50_000);
    });
  });
});
