import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  InvalidArgumentError,
  NotFoundError,
  RuleViolationError,
} from '../../../../src/common/errors/app-error';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { PromiseCommands } from '../../../../src/receivables/promises/promise.commands';
import type { RecordPromiseInput } from '../../../../src/receivables/promises/promise.commands';
import type { PromiseToPay } from '../../../../src/receivables/promises/promise-to-pay.entity';
import { addDays } from '../../../factories/books';
import type { Books } from '../../../factories/books';
import {
  assertAudited,
  auditOf,
  commandWorld,
  failsAndChangesNothing,
  orgDigest,
  rejectsWith,
} from './commands';
import type { CommandWorld } from './commands';

describe('collections commands: promises to pay', () => {
  let w: CommandWorld;
  let promises: PromiseCommands;
  let acme: Customer;
  let bolt: Customer;
  let i1: Invoice;
  let i2: Invoice;
  let paid: Invoice;
  let euro: Invoice;
  let boltInvoice: Invoice;

  const status = async (id: string): Promise<string> =>
    (
      await w.db.dataSource.query<{ status: string }[]>(
        'SELECT status FROM promises_to_pay WHERE org_id = $1 AND id = $2',
        [w.books.orgId, id],
      )
    )[0].status;

  /** A pending promise made on `madeOn` (the factory stamps "now"; evaluation reads the day it was made). */
  const promiseMadeOn = async (
    books: Books,
    customer: Customer,
    invoice: Invoice,
    promisedOn: string,
    madeOn: string,
  ): Promise<PromiseToPay> => {
    const promise = await books.promise(customer, [invoice], promisedOn);
    await books.ds.query('UPDATE promises_to_pay SET created_at = $3::date WHERE org_id = $1 AND id = $2', [
      books.orgId,
      promise.id,
      madeOn,
    ]);
    return promise;
  };

  before(async () => {
    w = await commandWorld();
    promises = w.app.get(PromiseCommands);
    acme = await w.books.customer({ name: 'Acme' });
    bolt = await w.books.customer({ name: 'Bolt' });
    i1 = await w.books.invoice(acme, 10_000, addDays(w.today, -60)); // due 30 days ago
    i2 = await w.books.invoice(acme, 20_000, addDays(w.today, -20)); // due in 10 days
    paid = await w.books.invoice(acme, 5_000, addDays(w.today, -90));
    await w.books.pay(paid, 5_000, addDays(w.today, -50));
    euro = await w.books.invoice(acme, 7_000, addDays(w.today, -10), { currency: 'EUR' });
    boltInvoice = await w.books.invoice(bolt, 3_000, addDays(w.today, -10));
  });
  after(async () => w.close());

  const valid = (): RecordPromiseInput => ({
    customerId: acme.id,
    invoiceIds: [i2.id, i1.id],
    amount: 25_000,
    currency: 'USD',
    promisedOn: addDays(w.today, 7),
  });

  it('records a promise over open invoices, splitting it oldest due first, and audits it', async () => {
    const contact = await w.books.contact(acme, { name: 'Ann' });
    const promise = await promises.recordPromise(w.ctx(), {
      ...valid(),
      contactId: contact.id,
      source: 'email',
      note: 'Will pay after the board meets.',
    });
    assert.deepEqual(
      [
        promise.status,
        promise.amount,
        promise.currency,
        promise.promisedOn,
        promise.source,
        promise.contactId,
      ],
      ['pending', 25_000, 'USD', addDays(w.today, 7), 'email', contact.id],
    );
    assert.deepEqual(promise.invoices, [
      { invoiceId: i1.id, invoiceNumber: i1.number, amount: 10_000 },
      { invoiceId: i2.id, invoiceNumber: i2.number, amount: 15_000 },
    ]);
    const [row] = await w.db.dataSource.query<Record<string, unknown>[]>(
      `SELECT customer_id AS "customerId", amount, currency, to_char(promised_on, 'YYYY-MM-DD') AS "promisedOn",
              status, created_by_user_id AS "createdByUserId"
         FROM promises_to_pay WHERE org_id = $1 AND id = $2`,
      [w.books.orgId, promise.id],
    );
    assert.deepEqual(row, {
      customerId: acme.id,
      amount: 25_000,
      currency: 'USD',
      promisedOn: addDays(w.today, 7),
      status: 'pending',
      createdByUserId: w.alice.id,
    });
    const split = await w.db.dataSource.query<{ invoiceId: string; amount: number }[]>(
      `SELECT invoice_id AS "invoiceId", amount FROM promise_invoices WHERE org_id = $1 AND promise_id = $2 ORDER BY amount`,
      [w.books.orgId, promise.id],
    );
    assert.deepEqual(split, [
      { invoiceId: i1.id, amount: 10_000 },
      { invoiceId: i2.id, amount: 15_000 },
    ]);
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, promise.id, {
      action: 'promise.record',
      targetType: 'promise',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(audit.details.after, promise);
  });

  it('accepts a promise for today', async () => {
    const promise = await promises.recordPromise(w.ctx(), { ...valid(), amount: 100, promisedOn: w.today });
    assert.equal(promise.promisedOn, w.today);
  });

  it('refuses a promised date in the past (organization time zone) and changes nothing', async () => {
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.ctx(), { ...valid(), promisedOn: addDays(w.today, -1) }),
      RuleViolationError,
      new RegExp(
        `promisedOn ${addDays(w.today, -1)} is in the past; a promise to pay is for today \\(${w.today}\\)`,
      ),
    );
  });

  it('refuses more than the covered open balance', async () => {
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.ctx(), { ...valid(), amount: 30_001 }),
      RuleViolationError,
      /The promised USD 300.01 is more than the USD 300.00 still open on the covered invoices/,
    );
  });

  it('refuses a currency other than the invoices’ and invoices in mixed currencies', async () => {
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.ctx(), { ...valid(), currency: 'EUR' }),
      RuleViolationError,
      new RegExp(`Invoice ${i2.number} is in USD, not EUR`),
    );
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.ctx(), { ...valid(), invoiceIds: [i1.id, euro.id], amount: 100 }),
      RuleViolationError,
      new RegExp(`Invoice ${euro.number} is in EUR, not USD`),
    );
  });

  it('refuses a paid invoice, another customer’s invoice and another customer’s contact', async () => {
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.ctx(), { ...valid(), invoiceIds: [paid.id], amount: 100 }),
      RuleViolationError,
      new RegExp(
        `Invoice ${paid.number} is paid with nothing left to pay; a promise covers open invoices only`,
      ),
    );
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.ctx(), { ...valid(), invoiceIds: [i1.id, boltInvoice.id], amount: 100 }),
      InvalidArgumentError,
      new RegExp(`Invoice ${boltInvoice.number} belongs to another customer, not Acme`),
    );
    const bob = await w.books.contact(bolt, { name: 'Bob' });
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.ctx(), { ...valid(), contactId: bob.id }),
      InvalidArgumentError,
      /Contact Bob works for another customer, not Acme/,
    );
  });

  it('refuses malformed amounts and empty invoice lists before touching the database', async () => {
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.ctx(), { ...valid(), amount: 12.5 }),
      InvalidArgumentError,
      /amount must be a whole amount above zero in minor units/,
    );
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.ctx(), { ...valid(), invoiceIds: [] }),
      InvalidArgumentError,
      /invoiceIds must list at least one id/,
    );
  });

  it('cancels a pending promise once; a cancelled promise cannot be cancelled again', async () => {
    const promise = await promises.recordPromise(w.ctx(), { ...valid(), amount: 500 });
    const cancelled = await promises.cancelPromise(w.ctx(), promise.id, { reason: 'Customer withdrew it.' });
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(await status(promise.id), 'cancelled');
    const audit = await assertAudited(w.db.dataSource, w.books.orgId, promise.id, {
      action: 'promise.cancel',
      targetType: 'promise',
      actorUserId: w.alice.id,
    });
    assert.deepEqual(
      [
        audit.reason,
        (audit.details.before as { status: string }).status,
        (audit.details.after as { status: string }).status,
      ],
      ['Customer withdrew it.', 'pending', 'cancelled'],
    );
    await failsAndChangesNothing(
      w.books,
      () => promises.cancelPromise(w.ctx(), promise.id),
      RuleViolationError,
      /This promise is already cancelled; only a pending promise can be cancelled/,
    );
  });

  it('treats another organization’s customer, invoices, contact and promise as not found', async () => {
    const promise = await promises.recordPromise(w.ctx(), { ...valid(), amount: 700 });
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.otherCtx(), valid()),
      NotFoundError,
      new RegExp(`No customer with id "${acme.id}"`),
    );
    const theirs = await w.other.customer({ name: 'Theirs' });
    await failsAndChangesNothing(
      w.books,
      () => promises.recordPromise(w.otherCtx(), { ...valid(), customerId: theirs.id }),
      NotFoundError,
      /No invoice with id/,
    );
    await failsAndChangesNothing(
      w.books,
      () => promises.cancelPromise(w.otherCtx(), promise.id),
      NotFoundError,
      new RegExp(`No promise with id "${promise.id}"`),
    );
    assert.equal(await status(promise.id), 'pending');
  });

  describe('evaluation', () => {
    // Every promise here was made 20 days ago; payments are applied on the days named.
    let world: CommandWorld;
    let p: Record<
      'kept' | 'partial' | 'broken' | 'early' | 'waiting' | 'late' | 'before' | 'unapplied',
      PromiseToPay
    >;
    let cancelled: PromiseToPay;
    let foreign: PromiseToPay;
    let evaluator: PromiseCommands;

    before(async () => {
      world = await commandWorld();
      evaluator = world.app.get(PromiseCommands);
      const { books, today } = world;
      const made = addDays(today, -20);
      const c = await books.customer({ name: 'Evaluated' });
      const inv = async () => books.invoice(c, 10_000, addDays(today, -40));

      const kept = await inv();
      await books.pay(kept, 10_000, addDays(today, -12));
      const partial = await inv();
      await books.pay(partial, 4_000, addDays(today, -6));
      const broken = await inv();
      const early = await inv();
      const waiting = await inv();
      const late = await inv();
      await books.pay(late, 10_000, addDays(today, -8));
      const beforeInv = await inv();
      await books.pay(beforeInv, 5_000, addDays(today, -25));
      const unapplied = await inv();
      const payment = await books.payment(c, 10_000, addDays(today, -15));
      const application = await books.apply(payment, unapplied, 10_000, addDays(today, -15));

      p = {
        kept: await promiseMadeOn(books, c, kept, addDays(today, -10), made),
        partial: await promiseMadeOn(books, c, partial, addDays(today, -5), made),
        broken: await promiseMadeOn(books, c, broken, addDays(today, -3), made),
        early: await promiseMadeOn(books, c, early, addDays(today, 5), made),
        waiting: await promiseMadeOn(books, c, waiting, addDays(today, 5), made),
        late: await promiseMadeOn(books, c, late, addDays(today, -10), made),
        before: await promiseMadeOn(books, c, beforeInv, addDays(today, -10), made),
        unapplied: await promiseMadeOn(books, c, unapplied, addDays(today, -10), made),
      };
      // The factory promised whole balances; these promised the full 10,000 before any payment.
      await books.ds.query('UPDATE promises_to_pay SET amount = 10000 WHERE org_id = $1', [books.orgId]);
      await books.pay(early, 10_000, addDays(today, -1));
      await books.unapply(application, unapplied, addDays(today, -2));
      cancelled = await promiseMadeOn(books, c, broken, addDays(today, -3), made);
      await books.ds.query(`UPDATE promises_to_pay SET status = 'cancelled' WHERE org_id = $1 AND id = $2`, [
        books.orgId,
        cancelled.id,
      ]);
      const theirs = await world.other.customer({ name: 'Foreign' });
      foreign = await promiseMadeOn(
        world.other,
        theirs,
        await world.other.invoice(theirs, 1_000, addDays(today, -40)),
        addDays(today, -3),
        made,
      );
    });
    after(async () => world.close());

    const statuses = async (): Promise<Record<string, string>> => {
      const rows = await world.db.dataSource.query<{ id: string; status: string }[]>(
        'SELECT id, status FROM promises_to_pay WHERE org_id = $1',
        [world.books.orgId],
      );
      const byId = new Map(rows.map((r) => [r.id, r.status]));
      return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, byId.get(v.id)!]));
    };

    it('as of an earlier day, settles only the promises whose deadline had passed by then', async () => {
      const asOf = addDays(world.today, -7);
      const result = await evaluator.evaluatePromises(world.ctx(), { asOf });
      assert.deepEqual(
        Object.fromEntries(
          result.changes.map((c) => [Object.entries(p).find(([, v]) => v.id === c.promiseId)![0], c.status]),
        ),
        { kept: 'kept', late: 'broken', before: 'broken', unapplied: 'kept' },
      );
      assert.deepEqual(
        [result.asOf, result.graceDays, result.evaluated, result.stillPending],
        [asOf, 0, 8, 4],
      );
      assert.deepEqual(await statuses(), {
        kept: 'kept',
        partial: 'pending',
        broken: 'pending',
        early: 'pending',
        waiting: 'pending',
        late: 'broken',
        before: 'broken',
        // Applied 15 days ago and only unapplied 2 days ago: as of a week ago the money counted.
        unapplied: 'kept',
      });
    });

    it('as of today, marks kept, partially kept and broken from the payments applied after the promise', async () => {
      // Put the one settled on money later taken back where it was, to see today's view of it.
      await world.books.ds.query(
        `UPDATE promises_to_pay SET status = 'pending' WHERE org_id = $1 AND id = $2`,
        [world.books.orgId, p.unapplied.id],
      );
      const result = await evaluator.evaluatePromises(world.ctx());
      assert.equal(result.asOf, world.today);
      assert.deepEqual(await statuses(), {
        kept: 'kept',
        partial: 'partially_kept',
        broken: 'broken',
        early: 'kept',
        waiting: 'pending',
        late: 'broken',
        before: 'broken',
        unapplied: 'broken',
      });
      const partial = result.changes.find((c) => c.promiseId === p.partial.id)!;
      assert.deepEqual([partial.promisedAmount, partial.appliedAmount], [10_000, 4_000]);
      const [entry] = (await auditOf(world.db.dataSource, world.books.orgId, p.partial.id)).filter(
        (a) => a.action === 'promise.evaluate',
      );
      assert.deepEqual(
        [entry.actorUserId, entry.details.before, entry.details.after],
        [world.alice.id, { status: 'pending' }, { status: 'partially_kept' }],
      );
      const [summary] = await auditOf(world.db.dataSource, world.books.orgId, world.books.orgId);
      assert.equal(summary.action, 'promise.evaluate');
    });

    it('leaves cancelled promises and other organizations’ promises alone', async () => {
      const rows = await world.db.dataSource.query<{ id: string; status: string }[]>(
        'SELECT id, status FROM promises_to_pay WHERE id = ANY($1::uuid[]) ORDER BY status::text',
        [[cancelled.id, foreign.id]],
      );
      assert.deepEqual(
        rows.map((r) => [r.id, r.status]),
        [
          [cancelled.id, 'cancelled'],
          [foreign.id, 'pending'],
        ],
      );
      const before = await orgDigest(world.db.dataSource, world.books.orgId);
      const theirs = await evaluator.evaluatePromises(world.otherCtx());
      assert.deepEqual(
        theirs.changes.map((c) => [c.promiseId, c.status]),
        [[foreign.id, 'broken']],
      );
      assert.deepEqual(await orgDigest(world.db.dataSource, world.books.orgId), before);
    });

    it('refuses to evaluate as of a future day', async () => {
      await rejectsWith(
        evaluator.evaluatePromises(world.ctx(), { asOf: addDays(world.today, 1) }),
        InvalidArgumentError,
        /asOf .* is in the future/,
      );
    });
  });
});
