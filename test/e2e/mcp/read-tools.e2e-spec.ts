import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { todayIn } from '../../../src/receivables/shared/calendar';
import { addDays, Books } from '../../factories/books';
import { obtainTokens } from '../../support/oauth-flows';
import { READ_TOOLS } from '../../support/tool-catalogue';
import { startOAuthTestApp } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

/**
 * The read tools over HTTP, as a connected assistant uses them: a collector signs in through the
 * real OAuth flow (ar:read only), the official SDK v2 client calls each tool, and every answer is
 * checked against the small books seeded below. The client validates structuredContent against
 * each tool's outputSchema, so a schema that lies fails here too.
 *
 * Acme books (org base USD, UTC, buckets 30/60/90), T = today, amounts in cents:
 *   Acme (USD, collector C)
 *     A1  100,000 issued T-100, due T-70 → 70 days past due (61-90), open dispute (pricing), 2 lines
 *     A2   50,000 issued T-40,  due T-10 → P1 20,000 applied T-5 → balance 30,000 (1-30)
 *     CM1  10,000 credit memo issued T-20, unused
 *     task "Call Acme AP" assigned to C, due T-1 (overdue), high; a note (T-3 days) and an email on A1 (T-1 day)
 *     contacts Alice (primary, billing), Bob
 *   Beta (USD, collector C)
 *     B1   80,000 issued T-10, due T+20 → current; pending promise for T+5 covering all of it
 *     B2   60,000 issued T-90, due T-60, paid in full by P2 on T-50 (10 days beyond terms)
 *     P3   25,000 received T-2, unapplied
 *     a done task; contact Carol (opted out); a call
 *   Gamma (EUR, collector C)
 *     G1  100,000 EUR issued T-45, due T-15 → 15 days past due; EUR→USD 1.1 → USD 110,000
 * Another organization holds Zeta with Z1: its ids must never be visible.
 */

interface PageOf<T> {
  items: T[];
  hasMore: boolean;
  nextCursor: string | null;
}
type Row = Record<string, unknown> & { id: string };
interface MoneyValue {
  amount: number;
  currency: string;
}

describe('read tools over MCP (SDK v2 client, real OAuth token)', () => {
  let app: OAuthTestApp;
  let client: Client;
  const T = todayIn('UTC');
  const ids: Record<string, string> = {};
  let collectorId: string;
  let otherMemberId: string;

  before(async () => {
    app = await startOAuthTestApp();
    const books = await Books.create(app.dataSource, { name: 'Acme Books' });
    collectorId = await app.createUser('collector@acme.test', [{ orgId: books.orgId, role: 'collector' }]);

    const acme = await books.customer({ name: 'Acme Corp', collectorUserId: collectorId });
    const beta = await books.customer({ name: 'Beta LLC', collectorUserId: collectorId });
    const gamma = await books.customer({ name: 'Gamma GmbH', currency: 'EUR', collectorUserId: collectorId });
    // Dated well back: the KPI trend converts every month's sales history, also months before G1.
    await books.rate('EUR', 'USD', addDays(T, -400), '1.1');

    const a1 = await books.invoice(acme, 100_000, addDays(T, -100), { number: 'A1', poNumber: 'PO-777' });
    await books.invoiceLine(a1, 1, {
      description: 'Widgets',
      quantity: '10',
      unitPrice: 6_000,
      amount: 60_000,
    });
    await books.invoiceLine(a1, 2, {
      description: 'Gadgets',
      quantity: '4',
      unitPrice: 10_000,
      amount: 40_000,
    });
    const a2 = await books.invoice(acme, 50_000, addDays(T, -40), { number: 'A2', tags: ['key-account'] });
    const p1 = await books.pay(a2, 20_000, addDays(T, -5));
    const cm1 = await books.creditMemo(acme, 10_000, addDays(T, -20), {
      number: 'CM1',
      reason: 'returned goods',
    });
    const dispute = await books.dispute(a1, { description: 'Price differs from the quote' });
    const task = await books.task({
      title: 'Call Acme AP',
      customerId: acme.id,
      assigneeUserId: collectorId,
      dueOn: addDays(T, -1),
      type: 'call',
      priority: 'high',
    });
    await books.task({ title: 'Done already', customerId: beta.id, status: 'done', dueOn: addDays(T, -3) });
    const note = await books.activity(acme, {
      type: 'note',
      body: 'Customer asked for a copy of A1.',
      occurredAt: new Date(Date.now() - 3 * 86_400_000),
    });
    const email = await books.activity(acme, {
      type: 'email_out',
      invoiceId: a1.id,
      subject: 'Reminder: A1 is overdue',
      body: 'Please pay A1.',
      occurredAt: new Date(Date.now() - 86_400_000),
    });
    await books.activity(beta, { type: 'call', body: 'Left a voicemail.' });
    const alice = await books.contact(acme, { name: 'Alice AP', isPrimary: true, isBilling: true });
    await books.contact(acme, { name: 'Bob Buyer' });
    await books.contact(beta, { name: 'Carol', optedOut: true });

    const b1 = await books.invoice(beta, 80_000, addDays(T, -10), { number: 'B1' });
    const promise = await books.promise(beta, [b1], addDays(T, 5));
    const b2 = await books.invoice(beta, 60_000, addDays(T, -90), { number: 'B2' });
    const p2 = await books.pay(b2, 60_000, addDays(T, -50));
    const p3 = await books.payment(beta, 25_000, addDays(T, -2), { reference: 'WIRE-9' });
    const g1 = await books.invoice(gamma, 100_000, addDays(T, -45), { number: 'G1' });

    const other = await Books.create(app.dataSource, { name: 'Zeta Books' });
    const zeta = await other.customer({ name: 'Zeta' });
    const z1 = await other.invoice(zeta, 999_900, addDays(T, -50), { number: 'A1' });
    otherMemberId = (await other.member('collector')).id;

    Object.assign(ids, {
      acme: acme.id,
      beta: beta.id,
      gamma: gamma.id,
      a1: a1.id,
      a2: a2.id,
      b1: b1.id,
      b2: b2.id,
      g1: g1.id,
      p1: p1.id,
      p2: p2.id,
      p3: p3.id,
      cm1: cm1.id,
      dispute: dispute.id,
      task: task.id,
      note: note.id,
      email: email.id,
      alice: alice.id,
      promise: promise.id,
      zeta: zeta.id,
      z1: z1.id,
    });

    const tokens = await obtainTokens(
      app,
      { email: 'collector@acme.test', orgId: books.orgId },
      { overrides: { scope: 'ar:read offline_access' } },
    );
    client = new Client({ name: 'read-tools-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(app.resource), {
        requestInit: { headers: { Authorization: `Bearer ${tokens.access_token}` } },
      }),
    );
  });

  after(async () => {
    await client?.close();
    await app?.stop();
  });

  async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    return client.callTool({ name, arguments: args });
  }

  function textOf(result: CallToolResult): string {
    return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  }

  /** Calls a tool that must succeed; returns its structuredContent (already schema-checked by the SDK). */
  async function ok<T = Record<string, unknown>>(
    name: string,
    args: Record<string, unknown> = {},
  ): Promise<T> {
    const result = await call(name, args);
    assert.notEqual(result.isError, true, `${name} failed: ${textOf(result)}`);
    assert.ok(result.structuredContent, `${name} returned no structuredContent`);
    assert.ok(textOf(result).length > 0, `${name} returned no text rendering`);
    return result.structuredContent as T;
  }

  /** Calls a tool that must fail; returns the error text. */
  async function fails(name: string, args: Record<string, unknown>): Promise<string> {
    const result = await call(name, args);
    assert.equal(
      result.isError,
      true,
      `${name} should have failed: ${JSON.stringify(result.structuredContent)}`,
    );
    return textOf(result);
  }

  const idsOf = (page: PageOf<Row>): string[] => page.items.map((r) => r.id);

  describe('tools/list', () => {
    it('lists every read tool as read-only, with an output schema and a described input', async () => {
      const { tools } = await client.listTools();
      for (const name of READ_TOOLS) {
        const tool = tools.find((t) => t.name === name);
        assert.ok(tool, `${name} is not listed`);
        assert.equal(tool.annotations?.readOnlyHint, true, `${name} readOnlyHint`);
        assert.equal(tool.annotations?.destructiveHint, false, `${name} destructiveHint`);
        assert.equal(tool.annotations?.idempotentHint, true, `${name} idempotentHint`);
        assert.equal(tool.annotations?.openWorldHint, false, `${name} openWorldHint`);
        assert.ok(tool.annotations?.title, `${name} has no title`);
        assert.ok(tool.outputSchema, `${name} has no outputSchema`);
        assert.ok((tool.description ?? '').length > 60, `${name} description is too thin`);
        const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
        for (const [field, schema] of Object.entries(properties)) {
          assert.ok(schema.description, `${name}.${field} has no description`);
        }
        assert.equal(tool.inputSchema.additionalProperties, false, `${name} input is not strict`);
      }
    });
  });

  describe('invoices', () => {
    it('search_invoices overdueOnly returns exactly the past-due invoices, oldest due date first', async () => {
      const page = await ok<PageOf<Row> & { asOf: string }>('search_invoices', { overdueOnly: true });
      assert.equal(page.asOf, T);
      assert.deepEqual(idsOf(page), [ids.a1, ids.g1, ids.a2]);
      const a1 = page.items[0];
      assert.equal(a1.daysPastDue, 70);
      assert.equal(a1.agingBucket, '61-90');
      assert.equal(a1.disputed, true);
      assert.equal(a1.balance, 100_000);
      assert.equal(page.items[2].balance, 30_000);
      assert.equal(page.hasMore, false);
      assert.equal(page.nextCursor, null);
    });

    it('pages with limit 1: hasMore and a nextCursor that yields the next row, to the end', async () => {
      const first = await ok<PageOf<Row>>('search_invoices', { overdueOnly: true, limit: 1 });
      assert.deepEqual(idsOf(first), [ids.a1]);
      assert.equal(first.hasMore, true);
      assert.ok(first.nextCursor);
      const second = await ok<PageOf<Row>>('search_invoices', {
        overdueOnly: true,
        limit: 1,
        cursor: first.nextCursor,
      });
      assert.deepEqual(idsOf(second), [ids.g1]);
      const third = await ok<PageOf<Row>>('search_invoices', {
        overdueOnly: true,
        limit: 2,
        cursor: second.nextCursor,
      });
      assert.deepEqual(idsOf(third), [ids.a2]);
      assert.equal(third.hasMore, false);
      assert.equal(third.nextCursor, null);
    });

    it('filters by days past due, bucket, promise, tags, text and currency; full view adds columns', async () => {
      const late = await ok<PageOf<Row>>('search_invoices', {
        daysPastDue: { min: 11 },
        sort: 'days_past_due',
      });
      assert.deepEqual(idsOf(late), [ids.g1, ids.a1]);
      const bucket = await ok<PageOf<Row>>('search_invoices', { agingBucket: ['1-30'] });
      assert.deepEqual(idsOf(bucket).sort(), [ids.a2, ids.g1].sort());
      const promised = await ok<PageOf<Row>>('search_invoices', { hasPromise: true });
      assert.deepEqual(idsOf(promised), [ids.b1]);
      const tagged = await ok<PageOf<Row>>('search_invoices', { tags: ['key-account'] });
      assert.deepEqual(idsOf(tagged), [ids.a2]);
      const byPo = await ok<PageOf<Row>>('search_invoices', { text: 'po-777', view: 'full' });
      assert.deepEqual(idsOf(byPo), [ids.a1]);
      assert.equal(byPo.items[0].poNumber, 'PO-777');
      assert.equal(byPo.items[0].issueDate, addDays(T, -100));
      const eur = await ok<PageOf<Row>>('search_invoices', { currency: 'EUR' });
      assert.deepEqual(idsOf(eur), [ids.g1]);
      const paid = await ok<PageOf<Row>>('search_invoices', { status: ['paid'], customerIds: [ids.beta] });
      assert.deepEqual(idsOf(paid), [ids.b2]);
      assert.equal(paid.items[0].daysPastDue, null);
    });

    it('get_invoice by number and by id shows lines, payments, disputes and activity', async () => {
      const byNumber = await ok<{ invoice: Record<string, unknown> }>('get_invoice', { number: 'A1' });
      const a1 = byNumber.invoice as {
        id: string;
        lines: { description: string; amount: number }[];
        disputes: { id: string }[];
        activities: { items: { id: string }[]; totalCount: number };
        customer: { id: string; collector: { userId: string } | null };
      };
      assert.equal(a1.id, ids.a1);
      assert.deepEqual(
        a1.lines.map((l) => [l.description, l.amount]),
        [
          ['Widgets', 60_000],
          ['Gadgets', 40_000],
        ],
      );
      assert.deepEqual(
        a1.disputes.map((d) => d.id),
        [ids.dispute],
      );
      assert.deepEqual(
        a1.activities.items.map((a) => a.id),
        [ids.email],
      );
      assert.equal(a1.customer.collector?.userId, collectorId);

      const byId = await ok<{ invoice: Record<string, unknown> }>('get_invoice', { invoiceId: ids.a2 });
      const a2 = byId.invoice as {
        balance: number;
        paymentApplications: { paymentId: string; amount: number }[];
      };
      assert.equal(a2.balance, 30_000);
      assert.deepEqual(
        a2.paymentApplications.map((p) => [p.paymentId, p.amount]),
        [[ids.p1, 20_000]],
      );
    });

    it('refuses bad input with a message that names the problem', async () => {
      assert.match(await fails('search_invoices', { status: ['late'] }), /status/);
      assert.match(await fails('search_invoices', { overdue: true }), /overdue/);
      assert.match(
        await fails('search_invoices', { agingBucket: ['91-120'] }),
        /agingBucket must be one of current, 1-30, 31-60, 61-90, 90\+/,
      );
      assert.match(await fails('get_invoice', {}), /exactly one of invoiceId or number/);
      assert.match(await fails('get_invoice', { number: 'NOPE-1' }), /No invoice numbered "NOPE-1"/);
    });

    it('a cursor from another search is refused, not silently applied', async () => {
      const first = await ok<PageOf<Row>>('search_invoices', { overdueOnly: true, limit: 1 });
      const text = await fails('search_invoices', { openOnly: true, limit: 1, cursor: first.nextCursor });
      assert.match(text, /cursor belongs to a different search/);
    });
  });

  describe('customers', () => {
    it('search_customers: past-due customers, longest overdue first, with balances', async () => {
      const late = await ok<PageOf<Row>>('search_customers', {
        overdueOnly: true,
        sort: 'oldest_days_past_due',
        direction: 'desc',
      });
      assert.deepEqual(idsOf(late), [ids.acme, ids.gamma]);
      assert.equal(late.items[0].openBalance, 130_000);
      assert.equal(late.items[1].currency, 'EUR');
      assert.match(await fails('search_customers', { sort: 'size' }), /sort/);
    });

    it('get_customer: balances and every bounded list of the account', async () => {
      const { customer } = await ok<{ customer: Row & Record<string, { items: Row[] }> }>('get_customer', {
        customerId: ids.acme,
      });
      assert.equal(customer.name, 'Acme Corp');
      const ofList = (list: string): string[] => customer[list].items.map((r) => r.id);
      assert.deepEqual(ofList('openInvoices').sort(), [ids.a1, ids.a2].sort());
      assert.deepEqual(ofList('openDisputes'), [ids.dispute]);
      assert.deepEqual(ofList('openCredits'), [ids.cm1]);
      assert.deepEqual(ofList('openTasks'), [ids.task]);
      assert.ok(ofList('contacts').includes(ids.alice));
      assert.match(await fails('get_customer', { customerId: ids.zeta }), /No customer with id/);
    });
  });

  describe('payments, credit memos, disputes, promises, tasks, contacts', () => {
    it('search_payments: unapplied cash only, and everything newest first', async () => {
      const unapplied = await ok<PageOf<Row>>('search_payments', { unappliedOnly: true, view: 'full' });
      assert.deepEqual(idsOf(unapplied), [ids.p3]);
      assert.equal(unapplied.items[0].unappliedAmount, 25_000);
      assert.equal(unapplied.items[0].reference, 'WIRE-9');
      const all = await ok<PageOf<Row>>('search_payments', {});
      assert.deepEqual(idsOf(all), [ids.p3, ids.p1, ids.p2]);
      const acme = await ok<PageOf<Row>>('search_payments', { customerIds: [ids.acme] });
      assert.deepEqual(idsOf(acme), [ids.p1]);
    });

    it('get_payment: where the money went, and an unknown id is not found', async () => {
      const { payment } = await ok<{ payment: Row & { applications: Row[] } }>('get_payment', {
        paymentId: ids.p1,
      });
      assert.equal(payment.amount, 20_000);
      assert.equal(payment.unappliedAmount, 0);
      assert.deepEqual(
        payment.applications.map((a) => [a.invoiceId, a.amount, a.unappliedOn]),
        [[ids.a2, 20_000, null]],
      );
      const unapplied = await ok<{ payment: Row & { applications: Row[] } }>('get_payment', {
        paymentId: ids.p3,
      });
      assert.deepEqual(unapplied.payment.applications, []);
      assert.match(await fails('get_payment', { paymentId: ids.z1 }), /No payment with id/);
    });

    it('search_payments rejects an impossible date with the field named', async () => {
      assert.match(
        await fails('search_payments', { receivedOn: { from: '2026-13-01' } }),
        /receivedOn\.from must be a calendar date/,
      );
    });

    it('search_credit_memos: open credit, and an empty amount range is refused', async () => {
      const open = await ok<PageOf<Row>>('search_credit_memos', { openOnly: true });
      assert.deepEqual(idsOf(open), [ids.cm1]);
      assert.equal(open.items[0].remainingAmount, 10_000);
      assert.equal(open.items[0].reason, 'returned goods');
      assert.match(
        await fails('search_credit_memos', { amount: { min: 500, max: 100 } }),
        /amount is empty: min \(500\) is greater than max \(100\)/,
      );
    });

    it('get_credit_memo, get_dispute, get_promise, get_task, get_contact: the search row, by id', async () => {
      const { creditMemo } = await ok<{ creditMemo: Row & { applications: Row[] } }>('get_credit_memo', {
        creditMemoId: ids.cm1,
      });
      assert.deepEqual(
        [creditMemo.number, creditMemo.remainingAmount, creditMemo.reason, creditMemo.applications],
        ['CM1', 10_000, 'returned goods', []],
      );
      const { dispute } = await ok<{ dispute: Row }>('get_dispute', { disputeId: ids.dispute });
      assert.deepEqual(
        [dispute.invoiceId, dispute.description, dispute.status],
        [ids.a1, 'Price differs from the quote', 'open'],
      );
      const { promise } = await ok<{ promise: Row & { invoices: Row[] } }>('get_promise', {
        promiseId: ids.promise,
      });
      assert.deepEqual(
        [promise.customerId, promise.promisedOn, promise.status, promise.invoices.map((i) => i.invoiceId)],
        [ids.beta, addDays(T, 5), 'pending', [ids.b1]],
      );
      const { task } = await ok<{ task: Row }>('get_task', { taskId: ids.task });
      assert.deepEqual([task.title, task.overdue, task.assigneeUserId], ['Call Acme AP', true, collectorId]);
      const { contact } = await ok<{ contact: Row }>('get_contact', { contactId: ids.alice });
      assert.deepEqual([contact.name, contact.customerId, contact.isBilling], ['Alice AP', ids.acme, true]);
      // An id of another kind is not found under this one; a malformed id is refused by the schema.
      assert.match(await fails('get_dispute', { disputeId: ids.task }), /No dispute with id/);
      assert.match(await fails('get_task', { taskId: ids.dispute }), /No task with id/);
      assert.match(await fails('get_contact', { contactId: 'alice' }), /contactId/);
    });

    it('search_disputes: open disputes, full view with the description; a forged cursor is refused', async () => {
      const open = await ok<PageOf<Row>>('search_disputes', { openOnly: true, view: 'full' });
      assert.deepEqual(idsOf(open), [ids.dispute]);
      assert.equal(open.items[0].invoiceId, ids.a1);
      assert.equal(open.items[0].description, 'Price differs from the quote');
      assert.match(await fails('search_disputes', { cursor: 'not-a-cursor' }), /cursor is not valid/);
    });

    it('search_promises: pending promises with the invoices they cover', async () => {
      const pending = await ok<PageOf<Row & { invoices: { invoiceId: string; amount: number }[] }>>(
        'search_promises',
        { status: ['pending'] },
      );
      assert.deepEqual(idsOf(pending), [ids.promise]);
      assert.deepEqual(
        pending.items[0].invoices.map((i) => [i.invoiceId, i.amount]),
        [[ids.b1, 80_000]],
      );
      assert.equal(pending.items[0].promisedOn, addDays(T, 5));
      assert.match(await fails('search_promises', { status: [] }), /status/);
    });

    it('search_tasks: my overdue tasks; an empty due range is refused', async () => {
      const mine = await ok<PageOf<Row>>('search_tasks', { assignedToMe: true, overdueOnly: true });
      assert.deepEqual(idsOf(mine), [ids.task]);
      assert.equal(mine.items[0].overdue, true);
      const done = await ok<PageOf<Row>>('search_tasks', { status: ['done'] });
      assert.equal(done.items.length, 1);
      assert.equal(done.items[0].customerId, ids.beta);
      assert.match(await fails('search_tasks', { dueOn: { from: T, to: addDays(T, -5) } }), /dueOn is empty/);
    });

    it('search_contacts: the billing contacts of a customer; a malformed id is refused', async () => {
      const billing = await ok<PageOf<Row>>('search_contacts', { customerIds: [ids.acme], isBilling: true });
      assert.deepEqual(idsOf(billing), [ids.alice]);
      const optedOut = await ok<PageOf<Row>>('search_contacts', { optedOut: true });
      assert.deepEqual(
        optedOut.items.map((c) => c.name),
        ['Carol'],
      );
      assert.match(await fails('search_contacts', { customerIds: ['not-a-uuid'] }), /customerIds/);
    });
  });

  describe('timeline', () => {
    it('get_timeline lists a customer’s events newest first, paged, and narrows to one invoice', async () => {
      const all = await ok<PageOf<Row>>('get_timeline', { customerId: ids.acme });
      assert.deepEqual(idsOf(all), [ids.email, ids.note]);
      const first = await ok<PageOf<Row>>('get_timeline', { customerId: ids.acme, limit: 1 });
      assert.deepEqual(idsOf(first), [ids.email]);
      assert.equal(first.hasMore, true);
      const next = await ok<PageOf<Row>>('get_timeline', {
        customerId: ids.acme,
        limit: 1,
        cursor: first.nextCursor,
      });
      assert.deepEqual(idsOf(next), [ids.note]);
      assert.equal(next.hasMore, false);
      const invoice = await ok<PageOf<Row>>('get_timeline', { invoiceId: ids.a1 });
      assert.deepEqual(idsOf(invoice), [ids.email]);
      assert.equal(invoice.items[0].subject, 'Reminder: A1 is overdue');
    });

    it('get_timeline needs a customer or an invoice', async () => {
      assert.match(await fails('get_timeline', {}), /customerId or invoiceId/);
    });
  });

  describe('analytics', () => {
    it('get_aging: buckets in the base currency, per currency, credits beside it, net receivable', async () => {
      interface Amounts {
        currency: string;
        buckets: { key: string; amount: number; invoiceCount: number }[];
        total: number;
        invoiceCount: number;
      }
      const aging = await ok<{
        asOf: string;
        totals: { base: Amounts; byCurrency: Amounts[] };
        unappliedCash: { base: MoneyValue };
        openCreditMemos: { base: MoneyValue };
        netReceivable: MoneyValue;
      }>('get_aging', {});
      assert.equal(aging.asOf, T);
      assert.deepEqual(
        aging.totals.base.buckets.map((b) => [b.key, b.amount, b.invoiceCount]),
        [
          ['current', 80_000, 1],
          ['1-30', 140_000, 2],
          ['31-60', 0, 0],
          ['61-90', 100_000, 1],
          ['over_90', 0, 0],
        ],
      );
      assert.equal(aging.totals.base.total, 320_000);
      assert.deepEqual(
        aging.totals.byCurrency.map((a) => [a.currency, a.total]),
        [
          ['EUR', 100_000],
          ['USD', 210_000],
        ],
      );
      assert.deepEqual(aging.unappliedCash.base, { amount: 25_000, currency: 'USD' });
      assert.deepEqual(aging.openCreditMemos.base, { amount: 10_000, currency: 'USD' });
      assert.deepEqual(aging.netReceivable, { amount: 285_000, currency: 'USD' });
    });

    it('get_aging as of a past day, for one customer, and grouped by customer with paging', async () => {
      const past = await ok<{ totals: { base: { total: number } } }>('get_aging', {
        asOf: addDays(T, -30),
        customerId: ids.acme,
      });
      // 30 days ago A1 was open in full and A2 not yet paid: 100,000 + 50,000.
      assert.equal(past.totals.base.total, 150_000);
      const grouped = await ok<{ groups: PageOf<{ key: string; base: { total: number } }> }>('get_aging', {
        groupBy: 'customer',
        limit: 2,
      });
      assert.deepEqual(
        grouped.groups.items.map((g) => [g.key, g.base.total]),
        [
          [ids.acme, 130_000],
          [ids.gamma, 110_000],
        ],
      );
      assert.equal(grouped.groups.hasMore, true);
      const rest = await ok<{ groups: PageOf<{ key: string }> }>('get_aging', {
        groupBy: 'customer',
        limit: 2,
        cursor: grouped.groups.nextCursor,
      });
      assert.deepEqual(
        rest.groups.items.map((g) => g.key),
        [ids.beta],
      );
    });

    it('get_aging refuses a future day and unordered bucket edges', async () => {
      assert.match(await fails('get_aging', { asOf: addDays(T, 3) }), /in the future/);
      assert.match(
        await fails('get_aging', { bucketEdges: [60, 30] }),
        /bucketEdges is not strictly ascending/,
      );
    });

    it('get_kpis for a custom 30-day period: DSO, best possible DSO, ADD and past-due % from the books', async () => {
      const kpis = await ok<{
        period: { from: string; to: string; days: number };
        inputs: { creditSales: MoneyValue; endingAr: MoneyValue; endingCurrentAr: MoneyValue };
        dso: { days: number | null };
        bestPossibleDso: { days: number | null };
        averageDaysDelinquent: { days: number | null };
        pastDuePercent: { percent: number | null };
        countBackDso: { days: number | null };
        cei: { percent: number | null };
      }>('get_kpis', { from: addDays(T, -29), to: T });
      assert.equal(kpis.period.days, 30);
      assert.deepEqual(kpis.inputs.creditSales, { amount: 80_000, currency: 'USD' });
      assert.deepEqual(kpis.inputs.endingAr, { amount: 320_000, currency: 'USD', asOf: T });
      assert.deepEqual(kpis.inputs.endingCurrentAr, { amount: 80_000, currency: 'USD' });
      assert.equal(kpis.dso.days, 120);
      assert.equal(kpis.bestPossibleDso.days, 30);
      assert.equal(kpis.averageDaysDelinquent.days, 90);
      assert.equal(kpis.pastDuePercent.percent, 75);
      assert.equal(typeof kpis.countBackDso.days, 'number');
      assert.equal(typeof kpis.cei.percent, 'number');
    });

    it('get_kpis with a named period (last month) and get_kpi_trend month by month', async () => {
      const lastMonth = await ok<{ period: { from: string; to: string } }>('get_kpis', {
        period: 'last_month',
      });
      const monthStart = `${T.slice(0, 7)}-01`;
      assert.equal(lastMonth.period.to, addDays(monthStart, -1));
      assert.equal(lastMonth.period.from, `${addDays(monthStart, -1).slice(0, 7)}-01`);
      const trend = await ok<{ months: { from: string; to: string }[] }>('get_kpi_trend', { months: 3 });
      assert.equal(trend.months.length, 3);
      assert.equal(trend.months[2].to, lastMonth.period.to);
      assert.ok(trend.months[0].from < trend.months[1].from && trend.months[1].from < trend.months[2].from);
      assert.match(await fails('get_kpis', { from: addDays(T, -10) }), /both from and to/);
      assert.match(await fails('get_kpis', { period: 'last_month', from: T, to: T }), /period or from\/to/);
      assert.match(await fails('get_kpi_trend', { months: 30 }), /months/);
    });

    it('get_top_overdue_customers ranks by past-due balance with the oldest invoice and flags', async () => {
      const top = await ok<{
        customersOverdue: number;
        totalOverdue: MoneyValue;
        customers: {
          rank: number;
          customerId: string;
          overdue: MoneyValue;
          disputed: boolean;
          oldestOverdueInvoice: { invoiceId: string; daysPastDue: number };
          collector: { userId: string } | null;
        }[];
      }>('get_top_overdue_customers', { limit: 1 });
      assert.equal(top.customersOverdue, 2);
      assert.deepEqual(top.totalOverdue, { amount: 240_000, currency: 'USD' });
      assert.equal(top.customers.length, 1);
      const [acme] = top.customers;
      assert.equal(acme.customerId, ids.acme);
      assert.deepEqual(acme.overdue, { amount: 130_000, currency: 'USD' });
      assert.equal(acme.disputed, true);
      assert.deepEqual(acme.oldestOverdueInvoice.invoiceId, ids.a1);
      assert.equal(acme.oldestOverdueInvoice.daysPastDue, 70);
      assert.equal(acme.collector?.userId, collectorId);
      assert.match(await fails('get_top_overdue_customers', { limit: 0 }), /limit/);
    });

    it('get_payment_behaviour: every payer slowest first, or one customer even without history', async () => {
      const all = await ok<
        PageOf<{
          customerId: string;
          averageDaysBeyondTerms: number;
          averageDaysToPay: number;
          scoreBand: string;
        }>
      >('get_payment_behaviour', {});
      assert.deepEqual(
        all.items.map((b) => [b.customerId, b.averageDaysToPay, b.averageDaysBeyondTerms, b.scoreBand]),
        [[ids.beta, 40, 10, 'great']],
      );
      const acme = await ok<PageOf<{ customerId: string; scoreBand: string }>>('get_payment_behaviour', {
        customerId: ids.acme,
      });
      assert.deepEqual(
        acme.items.map((b) => [b.customerId, b.scoreBand]),
        [[ids.acme, 'no_history']],
      );
    });

    it('get_cash_forecast: week 1 holds what is late, due or promised; the disputed invoice is left out', async () => {
      const forecast = await ok<{
        weeks: { week: number; expected: MoneyValue; promised: MoneyValue; invoiceCount: number }[];
        excludedDisputed: { amount: MoneyValue; invoiceCount: number } | null;
        total: MoneyValue;
      }>('get_cash_forecast', { method: 'due_date' });
      assert.equal(forecast.weeks.length, 13);
      assert.deepEqual(forecast.weeks[0].expected, { amount: 220_000, currency: 'USD' });
      assert.deepEqual(forecast.weeks[0].promised, { amount: 80_000, currency: 'USD' });
      assert.equal(forecast.weeks[0].invoiceCount, 3);
      assert.ok(forecast.weeks.slice(1).every((w) => w.expected.amount === 0));
      assert.deepEqual(forecast.excludedDisputed, {
        amount: { amount: 100_000, currency: 'USD' },
        invoiceCount: 1,
        byCurrency: [{ amount: 100_000, currency: 'USD' }],
      });
      assert.deepEqual(forecast.total, { amount: 220_000, currency: 'USD' });
      assert.match(await fails('get_cash_forecast', { method: 'guess' }), /method/);
    });

    it('get_statement_of_account: opening balance, documents with running balance, closing breakdown', async () => {
      const statement = await ok<{
        sections: {
          currency: string;
          openingBalance: MoneyValue;
          lines: { type: string; number: string; debit: number; credit: number; balance: number }[];
          closingBalance: MoneyValue;
          closingBreakdown: { openInvoices: MoneyValue; unusedCredit: MoneyValue };
        }[];
      }>('get_statement_of_account', { customerId: ids.acme, from: addDays(T, -120), to: T });
      assert.equal(statement.sections.length, 1);
      const [usd] = statement.sections;
      assert.deepEqual(usd.openingBalance, { amount: 0, currency: 'USD' });
      assert.deepEqual(
        usd.lines.map((l) => [l.type, l.debit, l.credit, l.balance]),
        [
          ['invoice', 100_000, 0, 100_000],
          ['invoice', 50_000, 0, 150_000],
          ['credit_memo', 0, 10_000, 140_000],
          ['payment', 0, 20_000, 120_000],
        ],
      );
      assert.deepEqual(usd.closingBalance, { amount: 120_000, currency: 'USD' });
      assert.deepEqual(usd.closingBreakdown.openInvoices, { amount: 130_000, currency: 'USD' });
      assert.deepEqual(usd.closingBreakdown.unusedCredit, { amount: 10_000, currency: 'USD' });
      assert.match(
        await fails('get_statement_of_account', { customerId: ids.acme, from: T, to: addDays(T, -1) }),
        /is after to/,
      );
    });

    it('get_collector_worklist defaults to the signed-in collector, highest priority first, with reasons', async () => {
      const worklist = await ok<
        PageOf<{ customerId: string; score: number; reasons: { code: string }[] }> & {
          collectorUserId: string;
        }
      >('get_collector_worklist', {});
      assert.equal(worklist.collectorUserId, collectorId);
      assert.deepEqual(
        worklist.items.map((e) => e.customerId),
        [ids.acme, ids.gamma],
      );
      assert.deepEqual(worklist.items[0].reasons.map((r) => r.code).sort(), [
        'days_past_due',
        'open_dispute',
        'overdue_amount',
        'task_due',
      ]);
      const everyone = await ok<{ collectorUserId: string | null }>('get_collector_worklist', {
        allAccounts: true,
      });
      assert.equal(everyone.collectorUserId, null);
      assert.match(
        await fails('get_collector_worklist', { allAccounts: true, collectorUserId: collectorId }),
        /not both/,
      );
    });
  });

  describe('organization scoping', () => {
    it('an id from another organization is "not found", whatever the tool', async () => {
      const notFound = /No invoice with id .* exists in this organization/;
      assert.match(await fails('get_invoice', { invoiceId: ids.z1 }), notFound);
      assert.match(
        await fails('get_invoice', { invoiceId: ids.z1 }),
        /ids of other organizations are never visible/,
      );
      assert.match(await fails('search_invoices', { customerIds: [ids.zeta] }), /No customer with id/);
      assert.match(await fails('get_timeline', { invoiceId: ids.z1 }), /No invoice with id/);
      assert.match(
        await fails('get_statement_of_account', { customerId: ids.zeta, from: addDays(T, -10), to: T }),
        /No customer with id/,
      );
      assert.match(
        await fails('get_collector_worklist', { collectorUserId: otherMemberId }),
        /No member with id/,
      );
      // The same invoice number in the other organization is not this one's.
      const a1 = await ok<{ invoice: { id: string } }>('get_invoice', { number: 'A1' });
      assert.equal(a1.invoice.id, ids.a1);
    });
  });
});
