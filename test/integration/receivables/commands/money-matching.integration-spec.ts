import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, RuleViolationError } from '../../../../src/common/errors/app-error';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import type { MatchSuggestion } from '../../../../src/receivables/payments/payment-matching.service';
import { addDays } from '../../../../src/receivables/shared/calendar';
import { orgDigest, rejectsWith } from './commands';
import { moneyWorld, reread } from './money';
import type { MoneyWorld } from './money';

/**
 * Cash-application suggestions (PaymentMatching.suggest) on hand-built books. Acme (USD), open
 * invoices oldest first (cents):
 *
 *   A1  INV-101  due today−60   30,000
 *   A2  INV-102  due today−45   45,000
 *   A3  INV-103  due today−30   25,000   PO "PO-7781"
 *   A4  INV-104  due today−15   70,000
 *   plus, never candidates for Acme's cash: INV-105 (€70,000), INV-106 (paid), INV-107 (void) and
 *   Bolt's INV-201 (70,000 USD, another customer).
 *
 * Scores: +45 reference names every invoice, +40 one exact invoice, +30/+25/+20 an exact
 * combination of 2/3/more, +10 the payment's own customer, +5 oldest invoices first.
 */
describe('payment matching suggestions', () => {
  let w: MoneyWorld;
  let acme: Customer;
  let bolt: Customer;
  let inv: Record<'A1' | 'A2' | 'A3' | 'A4' | 'EUR' | 'PAID' | 'VOID' | 'B1', Invoice>;

  /** A suggestion as "numbers=amounts score [reasons]", for whole-ranking assertions. */
  const show = (s: MatchSuggestion): string =>
    `${s.applications.map((a) => `${a.invoiceNumber}=${a.amount}`).join('+')} ${s.score} [${s.reasons.map((r) => r.code).join(',')}]`;
  const suggest = async (payment: { id: string }, limit?: number): Promise<string[]> =>
    (await w.matching.suggest(w.books.orgId, payment.id, limit)).suggestions.map(show);
  const issued = (daysDueAgo: number): string => addDays(w.today, -daysDueAgo - 30);

  before(async () => {
    w = await moneyWorld();
    acme = await w.books.customer({ name: 'Acme' });
    bolt = await w.books.customer({ name: 'Bolt' });
    inv = {
      A1: await w.books.invoice(acme, 30_000, issued(60), { number: 'INV-101' }),
      A2: await w.books.invoice(acme, 45_000, issued(45), { number: 'INV-102' }),
      A3: await w.books.invoice(acme, 25_000, issued(30), { number: 'INV-103', poNumber: 'PO-7781' }),
      A4: await w.books.invoice(acme, 70_000, issued(15), { number: 'INV-104' }),
      EUR: await w.books.invoice(acme, 70_000, issued(70), { number: 'INV-105', currency: 'EUR' }),
      PAID: await w.books.invoice(acme, 70_000, issued(80), { number: 'INV-106' }),
      VOID: await w.books.invoice(acme, 70_000, issued(90), { number: 'INV-107', status: 'void' }),
      B1: await w.books.invoice(bolt, 70_000, issued(100), { number: 'INV-201' }),
    };
    await w.books.pay(inv.PAID, 70_000, addDays(w.today, -20));
  });
  after(async () => w.close());

  it('ranks the invoice the reference names with the exact amount first, then exact combinations, then oldest first', async () => {
    const payment = await w.books.payment(acme, 70_000, w.today, { reference: 'Remittance for INV-104' });
    assert.deepEqual(await suggest(payment), [
      'INV-104=70000 95 [reference_invoice_number,exact_amount,same_customer]',
      'INV-102=45000+INV-103=25000 40 [combination_sum,same_customer]',
      'INV-101=30000+INV-102=40000 15 [same_customer,oldest_first]',
    ]);
  });

  it('finds an invoice by the PO number in the memo', async () => {
    const payment = await w.books.payment(acme, 25_000, w.today, { memo: 'Paying PO PO-7781, thanks' });
    const [top] = (await w.matching.suggest(w.books.orgId, payment.id)).suggestions;
    assert.equal(show(top), 'INV-103=25000 95 [reference_po_number,exact_amount,same_customer]');
    assert.match(top.reasons[0].detail, /mentions PO PO-7781 of invoice INV-103/);
  });

  it('prefers a named invoice over an unnamed exact match, and fills it only up to its balance', async () => {
    // 45,000 is A2's balance exactly, but the check stub names A3 (25,000).
    const payment = await w.books.payment(acme, 45_000, w.today, { reference: 'Check 5561 inv INV-103' });
    assert.deepEqual((await suggest(payment)).slice(0, 2), [
      'INV-103=25000 55 [reference_invoice_number,same_customer]',
      'INV-102=45000 50 [exact_amount,same_customer]',
    ]);
    const { suggestions } = await w.matching.suggest(w.books.orgId, payment.id);
    assert.deepEqual([suggestions[0].totalAmount, suggestions[0].leavesUnapplied], [25_000, 20_000]);
  });

  it('proposes every combination that adds up exactly, the oldest-first fill merged into its twin', async () => {
    // 100,000 = A1 + A4 (a pair) = A1 + A2 + A3 (a triple, which is also the oldest-first fill).
    // They tie at 40 and start with the same invoice: the one with fewer invoices comes first.
    const payment = await w.books.payment(acme, 100_000, w.today);
    assert.deepEqual(await suggest(payment), [
      'INV-101=30000+INV-104=70000 40 [combination_sum,same_customer]',
      'INV-101=30000+INV-102=45000+INV-103=25000 40 [combination_sum,same_customer,oldest_first]',
    ]);
  });

  it('ranks an exact combination above filling the oldest invoices, and honours the limit', async () => {
    // 55,000 = A1 + A3 exactly; oldest first would pay A1 and part of A2.
    const payment = await w.books.payment(acme, 55_000, w.today);
    assert.deepEqual(await suggest(payment), [
      'INV-101=30000+INV-103=25000 40 [combination_sum,same_customer]',
      'INV-101=30000+INV-102=25000 15 [same_customer,oldest_first]',
    ]);
    assert.deepEqual(await suggest(payment, 1), [
      'INV-101=30000+INV-103=25000 40 [combination_sum,same_customer]',
    ]);
  });

  it('matches unidentified cash across customers by reference, proposing the invoice’s customer', async () => {
    const cash = await w.books.payment(null, 70_000, w.today, { reference: 'WIRE REF INV-201 BOLT' });
    const result = await w.matching.suggest(w.books.orgId, cash.id);
    assert.equal(result.customerId, null);
    assert.deepEqual(result.suggestions.map(show), [
      'INV-201=70000 85 [reference_invoice_number,exact_amount]',
      'INV-104=70000 40 [exact_amount]',
    ]);
    assert.equal(result.suggestions[0].customerId, bolt.id);
    assert.equal(result.suggestions[1].customerId, acme.id);
  });

  it('finds an exact amount among a long history beyond the 50 oldest invoices', async () => {
    const big = await w.books.customer({ name: 'Bigco' });
    for (let n = 0; n < 55; n++) await w.books.invoice(big, 1_000, addDays(w.today, -200 + n));
    const newest = await w.books.invoice(big, 777, addDays(w.today, -5), { number: 'BIG-LAST' });
    const payment = await w.books.payment(big, 777, w.today);
    const result = await w.matching.suggest(w.books.orgId, payment.id);
    assert.equal(show(result.suggestions[0]), 'BIG-LAST=777 50 [exact_amount,same_customer]');
    assert.equal(result.suggestions[0].applications[0].invoiceId, newest.id);
    assert.ok(result.invoicesConsidered <= 51, `considered ${result.invoicesConsidered} invoices`);
  });

  it('hands out amounts applyPayment accepts as they are', async () => {
    const buyer = await w.books.customer({ name: 'Buyer' });
    const x = await w.books.invoice(buyer, 12_000, issued(20), { number: 'BUY-1' });
    const y = await w.books.invoice(buyer, 8_000, issued(10), { number: 'BUY-2' });
    const payment = await w.books.payment(buyer, 20_000, w.today, { reference: 'BUY-1/BUY-2' });
    const [top] = (await w.matching.suggest(w.books.orgId, payment.id)).suggestions;
    assert.equal(
      show(top),
      'BUY-1=12000+BUY-2=8000 90 [reference_invoice_number,reference_invoice_number,combination_sum,same_customer,oldest_first]',
    );
    const applied = await w.payments.applyPayment(
      w.money(),
      payment.id,
      top.applications.map(({ invoiceId, amount }) => ({ invoiceId, amount })),
    );
    assert.equal(applied.status, 'applied');
    assert.deepEqual(
      [
        (await reread.invoice(w.db.dataSource, w.books.orgId, x.id)).status,
        (await reread.invoice(w.db.dataSource, w.books.orgId, y.id)).status,
      ],
      ['paid', 'paid'],
    );
  });

  it('writes nothing', async () => {
    const payment = await w.books.payment(acme, 70_000, w.today, { reference: 'INV-104' });
    const before = await orgDigest(w.db.dataSource, w.books.orgId);
    await w.matching.suggest(w.books.orgId, payment.id);
    assert.deepEqual(await orgDigest(w.db.dataSource, w.books.orgId), before);
  });

  it('refuses payments with no cash to match and a limit out of range', async () => {
    const used = await w.books.pay(await w.books.invoice(acme, 1_000, issued(5)), 1_000, w.today);
    await rejectsWith(
      w.matching.suggest(w.books.orgId, used.id),
      RuleViolationError,
      new RegExp(`Payment ${used.number} is fully applied; there is no unapplied cash to match`),
    );
    const voided = await w.books.payment(acme, 1_000, w.today, { status: 'void' });
    await rejectsWith(w.matching.suggest(w.books.orgId, voided.id), RuleViolationError, /is void/);
    const open = await w.books.payment(acme, 1_000, w.today);
    await rejectsWith(
      w.matching.suggest(w.books.orgId, open.id, 0),
      InvalidArgumentError,
      /^limit must be a whole number from 1 to 20/,
    );
  });
});
