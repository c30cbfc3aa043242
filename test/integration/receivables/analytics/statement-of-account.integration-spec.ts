import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../../../src/common/errors/app-error';
import { StatementOfAccountService } from '../../../../src/receivables/analytics/statement/statement-of-account.service';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

/**
 * Acme, statement for March 2026 (cents):
 *   Before: I0 $1,000 (01-10); P0 $400 received 02-15, applied to I0; CM0 $50 (02-20) unused.
 *           Opening balance = 100,000 − 40,000 − 5,000 = 55,000.
 *   03-05  I1 invoice $2,000 (due 04-04)                  +200,000 → 255,000
 *   03-07  E1 invoice €700 (EUR section)
 *   03-10  P1 payment $1,500: $600 to I0, $900 to I1      −150,000 → 105,000
 *   03-12  a void invoice: never on a statement
 *   03-15  CM1 credit memo $100 (pricing), applied to I1  −10,000 → 95,000
 *   03-20  I2 invoice $300                                +30,000 → 125,000
 *   03-25  I2 written off                                 −30,000 → 95,000
 *   03-31  P2 payment $250, unapplied on 03-31 (applied to I1 on 04-05)  −25,000 → 70,000
 *   After: 04-02 I3 $5,000 — not on the statement.
 */
describe('StatementOfAccountService', () => {
  let db: TestDatabase;
  let service: StatementOfAccountService;
  let books: Books;
  let other: Books;
  let acme: Customer;

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    service = new StatementOfAccountService(ds, new OrgSettingsReader(ds));
    books = await Books.create(ds);
    acme = await books.customer({ name: 'Acme' });

    const i0 = await books.invoice(acme, 100_000, '2026-01-10', { number: 'I0' });
    await books.pay(i0, 40_000, '2026-02-15');
    await books.creditMemo(acme, 5_000, '2026-02-20', { number: 'CM0' });

    const i1 = await books.invoice(acme, 200_000, '2026-03-05', { number: 'I1' });
    await books.invoice(acme, 70_000, '2026-03-07', { number: 'E1', currency: 'EUR' });
    const p1 = await books.payment(acme, 150_000, '2026-03-10', {
      number: 'P1',
      method: 'wire',
      reference: 'W-77',
    });
    await books.apply(p1, i0, 60_000, '2026-03-10');
    await books.apply(p1, i1, 90_000, '2026-03-10');
    await books.invoice(acme, 99_900, '2026-03-12', { number: 'VOID', status: 'void' });
    const cm1 = await books.creditMemo(acme, 10_000, '2026-03-15', { number: 'CM1', reason: 'pricing' });
    await books.applyCredit(cm1, i1, 10_000, '2026-03-16');
    const i2 = await books.invoice(acme, 30_000, '2026-03-20', { number: 'I2' });
    await books.writeOff(i2, '2026-03-25');
    const p2 = await books.payment(acme, 25_000, '2026-03-31', { number: 'P2' });
    await books.apply(p2, i1, 25_000, '2026-04-05');
    await books.invoice(acme, 500_000, '2026-04-02', { number: 'I3' });

    other = await Books.create(ds);
    await other.invoice(await other.customer({ name: 'Acme' }), 1_234_500, '2026-03-05');
  });
  after(async () => db.drop());

  it('runs every document of the period from the opening to the closing balance', async () => {
    const s = await service.statement(books.orgId, acme.id, { from: '2026-03-01', to: '2026-03-31' });
    assert.deepEqual(s.customer, { id: acme.id, name: 'Acme' });
    assert.deepEqual(
      s.sections.map((x) => x.currency),
      ['EUR', 'USD'],
    );
    const usd = s.sections[1];
    assert.deepEqual(usd.openingBalance, { amount: 55_000, currency: 'USD' });
    assert.deepEqual(
      usd.lines.map((l) => [l.date, l.type, l.number, l.debit, l.credit, l.balance]),
      [
        ['2026-03-05', 'invoice', 'I1', 200_000, 0, 255_000],
        ['2026-03-10', 'payment', 'P1', 0, 150_000, 105_000],
        ['2026-03-15', 'credit_memo', 'CM1', 0, 10_000, 95_000],
        ['2026-03-20', 'invoice', 'I2', 30_000, 0, 125_000],
        ['2026-03-25', 'write_off', 'I2', 0, 30_000, 95_000],
        ['2026-03-31', 'payment', 'P2', 0, 25_000, 70_000],
      ],
    );
    assert.equal(usd.lines[1].description, 'Payment (wire, ref W-77)');
    assert.equal(usd.lines[2].description, 'Credit memo (pricing)');
    assert.deepEqual(usd.totalDebits, { amount: 230_000, currency: 'USD' });
    assert.deepEqual(usd.totalCredits, { amount: 215_000, currency: 'USD' });
    // 55,000 + 230,000 − 215,000
    assert.deepEqual(usd.closingBalance, { amount: 70_000, currency: 'USD' });
  });

  it('breaks the closing balance into open invoices less unapplied cash and unused credit, as of the end', async () => {
    const s = await service.statement(books.orgId, acme.id, { from: '2026-03-01', to: '2026-03-31' });
    const usd = s.sections[1];
    // I1 200,000 − 90,000 − 10,000 = 100,000 open (P2 was applied only on 04-05); P2 25,000
    // unapplied; CM0 5,000 unused. 100,000 − 25,000 − 5,000 = 70,000 = the closing balance.
    assert.deepEqual(usd.closingBreakdown, {
      openInvoices: { amount: 100_000, currency: 'USD' },
      unappliedCash: { amount: 25_000, currency: 'USD' },
      unusedCredit: { amount: 5_000, currency: 'USD' },
    });
    // I1 is due 04-04: current on 03-31.
    assert.deepEqual(
      usd.aging.buckets.map((b) => [b.key, b.amount]),
      [
        ['current', 100_000],
        ['1-30', 0],
        ['31-60', 0],
        ['61-90', 0],
        ['over_90', 0],
      ],
    );
    const eur = s.sections[0];
    assert.deepEqual(
      [eur.openingBalance.amount, eur.lines.length, eur.closingBalance.amount],
      [0, 1, 70_000],
    );
    assert.deepEqual(eur.closingBreakdown.openInvoices, { amount: 70_000, currency: 'EUR' });
  });

  it('carries earlier documents in the opening balance and ages with the caller’s buckets', async () => {
    // From 03-11: opening = 55,000 + 200,000 − 150,000 = 105,000 (I1 and P1 now before the period).
    const s = await service.statement(books.orgId, acme.id, {
      from: '2026-03-11',
      to: '2026-04-30',
      bucketEdges: [15],
    });
    const usd = s.sections.find((x) => x.currency === 'USD')!;
    assert.equal(usd.openingBalance.amount, 105_000);
    // + CM1 −10,000, I2 +30,000, write-off −30,000, P2 −25,000, I3 +500,000 → 570,000
    assert.equal(usd.closingBalance.amount, 570_000);
    assert.deepEqual(
      usd.lines.map((l) => l.number),
      ['CM1', 'I2', 'I2', 'P2', 'I3'],
    );
    // On 04-30: I1 has 75,000 left (P2 applied 04-05), due 04-04 → 26 days past due → over 15;
    // I3 is due 05-02 → current.
    assert.deepEqual(
      usd.aging.buckets.map((b) => [b.key, b.amount]),
      [
        ['current', 500_000],
        ['1-15', 0],
        ['over_15', 75_000],
      ],
    );
    assert.deepEqual(usd.closingBreakdown.unappliedCash, { amount: 0, currency: 'USD' });
  });

  it('refuses unknown and foreign customers and impossible periods', async () => {
    const [foreign] = await db.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM customers WHERE org_id = $1',
      [other.orgId],
    );
    const march = { from: '2026-03-01', to: '2026-03-31' };
    await assert.rejects(service.statement(books.orgId, foreign.id, march), NotFoundError);
    await assert.rejects(service.statement(books.orgId, randomUUID(), march), NotFoundError);
    await assert.rejects(service.statement(books.orgId, 'acme', march), InvalidArgumentError);
    for (const query of [
      { from: '2026-03-31', to: '2026-03-01' },
      { from: '2020-01-01', to: '2026-03-31' },
      { ...march, bucketEdges: [60, 30] },
      { ...march, basis: 'posted' as never },
    ]) {
      await assert.rejects(
        service.statement(books.orgId, acme.id, query),
        InvalidArgumentError,
        JSON.stringify(query),
      );
    }
  });
});
