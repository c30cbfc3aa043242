import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { DisputeCommands } from '../../../../src/receivables/disputes/dispute.commands';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { InvoiceQueries } from '../../../../src/receivables/invoices/invoice.queries';
import { PromiseCommands } from '../../../../src/receivables/promises/promise.commands';
import { addDays } from '../../../factories/books';
import { commandWorld } from './commands';
import type { CommandWorld } from './commands';

/**
 * invoices.disputed and invoices.has_promise are kept by triggers on disputes and promises
 * (docs/adr/0012): whatever writes those tables, the invoice search and detail must agree with them.
 */
describe('invoice flags: disputed and has a promise follow disputes and promises', () => {
  let w: CommandWorld;
  let disputes: DisputeCommands;
  let promises: PromiseCommands;
  let invoices: InvoiceQueries;
  let acme: Customer;

  /** Numbers of the organization's invoices the search returns with the filter. */
  const numbersWhere = async (filter: { disputed?: boolean; hasPromise?: boolean }): Promise<string[]> =>
    (await invoices.search(w.books.orgId, { ...filter, sort: 'number' }, { limit: 100 })).items.map(
      (i) => i.number,
    );
  /** What the search row and the detail view say about one invoice. */
  const flagsOf = async (invoice: Invoice): Promise<{ disputed: boolean; hasPromise: boolean }> => {
    const detail = await invoices.getInvoice(w.books.orgId, invoice.id);
    const [row] = (await invoices.search(w.books.orgId, { text: invoice.number })).items;
    assert.deepEqual(
      { disputed: row.disputed, hasPromise: row.hasPromise },
      { disputed: detail.disputed, hasPromise: detail.hasPromise },
      'search row and detail disagree',
    );
    return { disputed: detail.disputed, hasPromise: detail.hasPromise };
  };

  before(async () => {
    w = await commandWorld();
    disputes = w.app.get(DisputeCommands);
    promises = w.app.get(PromiseCommands);
    invoices = w.app.get(InvoiceQueries);
    acme = await w.books.customer({ name: 'Acme' });
  });
  after(async () => w.close());

  it('marks an invoice disputed while its dispute is open or in review, and clears it once rejected', async () => {
    const invoice = await w.books.invoice(acme, 50_000, addDays(w.today, -40));
    const untouched = await w.books.invoice(acme, 10_000, addDays(w.today, -40));
    assert.deepEqual(await flagsOf(invoice), { disputed: false, hasPromise: false });

    const dispute = await disputes.openDispute(w.ctx(), { invoiceId: invoice.id, reason: 'pricing' });
    assert.deepEqual(await flagsOf(invoice), { disputed: true, hasPromise: false });
    assert.ok((await numbersWhere({ disputed: true })).includes(invoice.number));
    assert.ok(!(await numbersWhere({ disputed: true })).includes(untouched.number));
    assert.ok((await numbersWhere({ disputed: false })).includes(untouched.number));

    await disputes.updateDispute(w.ctx(), dispute.id, { status: 'in_review' });
    assert.equal((await flagsOf(invoice)).disputed, true);

    await disputes.resolveDispute(w.ctx(), dispute.id, {
      outcome: 'rejected',
      resolution: 'Price as quoted.',
    });
    assert.deepEqual(await flagsOf(invoice), { disputed: false, hasPromise: false });
    assert.ok(!(await numbersWhere({ disputed: true })).includes(invoice.number));
  });

  it('clears the flag when a dispute is resolved with a credit memo', async () => {
    const invoice = await w.books.invoice(acme, 30_000, addDays(w.today, -40));
    const dispute = await disputes.openDispute(w.ctx(), {
      invoiceId: invoice.id,
      reason: 'damaged_goods',
      amount: 5_000,
    });
    assert.equal((await flagsOf(invoice)).disputed, true);
    await disputes.resolveDispute(w.ctx(), dispute.id, {
      outcome: 'resolved',
      resolution: 'Credit for the damaged units.',
      creditMemo: {},
    });
    assert.equal((await flagsOf(invoice)).disputed, false);
  });

  it('marks every invoice a pending promise covers, and clears them when it is cancelled', async () => {
    const first = await w.books.invoice(acme, 10_000, addDays(w.today, -60));
    const second = await w.books.invoice(acme, 20_000, addDays(w.today, -20));
    const promise = await promises.recordPromise(w.ctx(), {
      customerId: acme.id,
      invoiceIds: [first.id, second.id],
      amount: 30_000,
      currency: 'USD',
      promisedOn: addDays(w.today, 7),
    });
    assert.deepEqual(await flagsOf(first), { disputed: false, hasPromise: true });
    assert.equal((await flagsOf(second)).hasPromise, true);
    const promised = await numbersWhere({ hasPromise: true });
    assert.ok(promised.includes(first.number) && promised.includes(second.number));

    await promises.cancelPromise(w.ctx(), promise.id, { reason: 'Customer withdrew it.' });
    assert.equal((await flagsOf(first)).hasPromise, false);
    assert.equal((await flagsOf(second)).hasPromise, false);
  });

  it('keeps the flag while another pending promise still covers the invoice', async () => {
    const invoice = await w.books.invoice(acme, 40_000, addDays(w.today, -30));
    const record = (amount: number) =>
      promises.recordPromise(w.ctx(), {
        customerId: acme.id,
        invoiceIds: [invoice.id],
        amount,
        currency: 'USD',
        promisedOn: addDays(w.today, 3),
      });
    const one = await record(10_000);
    await record(15_000);
    await promises.cancelPromise(w.ctx(), one.id);
    assert.equal((await flagsOf(invoice)).hasPromise, true);
  });

  it('follows writes made outside the commands: a bulk status change and a deleted promise', async () => {
    const invoice = await w.books.invoice(acme, 12_000, addDays(w.today, -30));
    const promise = await w.books.promise(acme, [invoice], addDays(w.today, 5));
    assert.equal((await flagsOf(invoice)).hasPromise, true);
    await w.db.dataSource.query(
      `UPDATE promises_to_pay SET status = 'broken' WHERE org_id = $1 AND id = $2`,
      [w.books.orgId, promise.id],
    );
    assert.equal((await flagsOf(invoice)).hasPromise, false);
    await w.db.dataSource.query(
      `UPDATE promises_to_pay SET status = 'pending' WHERE org_id = $1 AND id = $2`,
      [w.books.orgId, promise.id],
    );
    assert.equal((await flagsOf(invoice)).hasPromise, true);
    await w.db.dataSource.query(`DELETE FROM promises_to_pay WHERE org_id = $1 AND id = $2`, [
      w.books.orgId,
      promise.id,
    ]);
    assert.equal((await flagsOf(invoice)).hasPromise, false);

    const dispute = await w.books.dispute(invoice);
    assert.equal((await flagsOf(invoice)).disputed, true);
    await w.db.dataSource.query(`DELETE FROM disputes WHERE org_id = $1 AND id = $2`, [
      w.books.orgId,
      dispute.id,
    ]);
    assert.equal((await flagsOf(invoice)).disputed, false);
  });

  it("never flags another organization's invoices", async () => {
    const mine = await w.books.invoice(acme, 8_000, addDays(w.today, -30));
    const theirCustomer = await w.other.customer({ name: 'Acme' });
    const theirs = await w.other.invoice(theirCustomer, 8_000, addDays(w.today, -30));
    await disputes.openDispute(w.otherCtx(), { invoiceId: theirs.id, reason: 'pricing' });
    assert.equal((await flagsOf(mine)).disputed, false);
    const [{ disputed }] = await w.db.dataSource.query<{ disputed: boolean }[]>(
      'SELECT disputed FROM invoices WHERE org_id = $1 AND id = $2',
      [w.other.orgId, theirs.id],
    );
    assert.equal(disputed, true);
  });
});
