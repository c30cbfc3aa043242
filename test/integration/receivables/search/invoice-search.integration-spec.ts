import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../../../src/identity/user.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { INVOICE_SORTS } from '../../../../src/receivables/invoices/invoice.queries';
import type {
  InvoiceFilter,
  InvoiceQueries,
  InvoiceRow,
} from '../../../../src/receivables/invoices/invoice.queries';
import { todayIn } from '../../../../src/receivables/shared/calendar';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { buildQueries, rejectsWith, tamperCursor, walk } from './queries';

/**
 * Seven hand-built invoices, aged on 2026-03-31 with the default edges [30, 60, 90]:
 *
 *   inv  customer  total    balance  issued      due         days past due  bucket   notes
 *   A1   Acme      100000   100000   2026-03-15  2026-04-14  -14            current
 *   A2   Acme       50000    50000   2026-02-01  2026-03-03   28            1-30     PO-777, tag priority
 *   A3   Acme       75000    50000   2025-12-01  2025-12-31   90            61-90    25000 paid; open dispute
 *   B1   Bolt      200000   200000   2025-11-01  2025-12-01  120            90+      pending promise
 *   B2   Bolt       30000    30000   2026-01-15  2026-02-14   45            31-60    tags priority, legal
 *   B3   Bolt       40000        0   2026-01-01  2026-01-31   null          null     paid 2026-02-10
 *   C1   Cobalt     90000    90000   2026-02-20  2026-03-22    9            1-30     EUR; resolved dispute, broken promise
 *
 * Acme's collector is Alice, Bolt's is Bob, Cobalt has none.
 */
const AS_OF = '2026-03-31';

describe('invoice search', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let invoices: InvoiceQueries;
  let alice: User;
  let acme: Customer;
  let bolt: Customer;
  let cobalt: Customer;
  let inv: Record<'A1' | 'A2' | 'A3' | 'B1' | 'B2' | 'B3' | 'C1', Invoice>;
  let foreignCustomer: Customer;
  let foreignMember: User;
  let foreignInvoice: Invoice;

  const numbers = (rows: InvoiceRow[]): string[] => rows.map((r) => r.number);
  const named = (...keys: (keyof typeof inv)[]): string[] => keys.map((k) => inv[k].number);
  const search = async (filter: InvoiceFilter, limit = 500): Promise<string[]> =>
    numbers((await invoices.search(books.orgId, { asOf: AS_OF, ...filter }, { limit })).items);

  before(async () => {
    db = await createTestDatabase();
    invoices = buildQueries(db.dataSource).invoices;
    books = await Books.create(db.dataSource);
    alice = await books.member('collector', { name: 'Alice' });
    const bob = await books.member('collector', { name: 'Bob' });
    acme = await books.customer({ name: 'Acme Corp', collectorUserId: alice.id });
    bolt = await books.customer({ name: 'Bolt Industries', collectorUserId: bob.id });
    cobalt = await books.customer({ name: 'Cobalt GmbH', currency: 'EUR' });
    inv = {
      A1: await books.invoice(acme, 100000, '2026-03-15'),
      A2: await books.invoice(acme, 50000, '2026-02-01', { poNumber: 'PO-777', tags: ['priority'] }),
      A3: await books.invoice(acme, 75000, '2025-12-01'),
      B1: await books.invoice(bolt, 200000, '2025-11-01'),
      B2: await books.invoice(bolt, 30000, '2026-01-15', { tags: ['priority', 'legal'] }),
      B3: await books.invoice(bolt, 40000, '2026-01-01'),
      C1: await books.invoice(cobalt, 90000, '2026-02-20'),
    };
    await books.pay(inv.A3, 25000, '2026-01-20');
    await books.dispute(inv.A3, { status: 'open' });
    await books.promise(bolt, [inv.B1], '2026-04-10');
    await books.pay(inv.B3, 40000, '2026-02-10');
    await books.dispute(inv.C1, { status: 'resolved', resolvedOn: '2026-03-25' });
    await books.promise(cobalt, [inv.C1], '2026-03-25', { status: 'broken' });

    other = await Books.create(db.dataSource);
    foreignMember = await other.member('collector');
    foreignCustomer = await other.customer({ name: 'Acme Corp', collectorUserId: foreignMember.id });
    foreignInvoice = await other.invoice(foreignCustomer, 100000, '2026-03-15', { poNumber: 'PO-777' });
  });
  after(async () => db.drop());

  it('returns compact rows with days past due, aging bucket, disputed and promise flags', async () => {
    const page = await invoices.search(books.orgId, { asOf: AS_OF });
    assert.equal(page.asOf, AS_OF);
    assert.equal(page.hasMore, false);
    assert.equal(page.nextCursor, null);
    const summary = page.items.map((r) => [
      r.number,
      r.customerName,
      r.dueDate,
      r.balance,
      r.daysPastDue,
      r.agingBucket,
      r.disputed,
      r.hasPromise,
      r.status,
    ]);
    assert.deepEqual(summary, [
      [inv.B1.number, 'Bolt Industries', '2025-12-01', 200000, 120, '90+', false, true, 'open'],
      [inv.A3.number, 'Acme Corp', '2025-12-31', 50000, 90, '61-90', true, false, 'partially_paid'],
      [inv.B3.number, 'Bolt Industries', '2026-01-31', 0, null, null, false, false, 'paid'],
      [inv.B2.number, 'Bolt Industries', '2026-02-14', 30000, 45, '31-60', false, false, 'open'],
      [inv.A2.number, 'Acme Corp', '2026-03-03', 50000, 28, '1-30', false, false, 'open'],
      [inv.C1.number, 'Cobalt GmbH', '2026-03-22', 90000, 9, '1-30', false, false, 'open'],
      [inv.A1.number, 'Acme Corp', '2026-04-14', 100000, -14, 'current', false, false, 'open'],
    ]);
    const a3 = page.items[1];
    assert.deepEqual(
      {
        total: a3.total,
        paid: a3.amountPaid,
        credited: a3.amountCredited,
        issueDate: a3.issueDate,
        currency: a3.currency,
      },
      { total: 75000, paid: 25000, credited: 0, issueDate: '2025-12-01', currency: 'USD' },
    );
    assert.equal(page.items[2].closedOn, '2026-02-10');
    assert.equal(page.items[4].poNumber, 'PO-777');
    assert.deepEqual(page.items[3].tags, ['priority', 'legal']);
    assert.equal(page.items[5].currency, 'EUR');
  });

  it('measures days past due from today in the organization time zone when asOf is omitted', async () => {
    const page = await invoices.search(books.orgId, {}, { limit: 1 });
    assert.equal(page.asOf, todayIn('UTC'));
  });

  it('filters by status, open and overdue shortcuts', async () => {
    assert.deepEqual(await search({ status: ['partially_paid'] }), named('A3'));
    assert.deepEqual(await search({ status: ['paid', 'partially_paid'] }), named('A3', 'B3'));
    assert.deepEqual(await search({ openOnly: true }), named('B1', 'A3', 'B2', 'A2', 'C1', 'A1'));
    assert.deepEqual(await search({ overdueOnly: true }), named('B1', 'A3', 'B2', 'A2', 'C1'));
    // Overdue depends on the as-of day: on 2026-03-03 A2 is due that very day, not yet overdue.
    assert.deepEqual(await search({ overdueOnly: true, asOf: '2026-03-03' }), named('B1', 'A3', 'B2'));
  });

  it('filters by days past due and aging bucket on the as-of day', async () => {
    assert.deepEqual(await search({ daysPastDue: { min: 30, max: 90 } }), named('A3', 'B2'));
    assert.deepEqual(await search({ daysPastDue: { min: 91 } }), named('B1'));
    assert.deepEqual(await search({ daysPastDue: { max: 0 } }), named('A1'));
    assert.deepEqual(await search({ daysPastDue: { min: -14, max: -14 } }), named('A1'));
    assert.deepEqual(await search({ agingBucket: ['1-30'] }), named('A2', 'C1'));
    assert.deepEqual(await search({ agingBucket: ['current', '90+'] }), named('B1', 'A1'));
    assert.deepEqual(await search({ agingBucket: ['61-90'] }), named('A3'));
    // One day later A3 is 91 days past due and moves to 90+.
    assert.deepEqual(await search({ agingBucket: ['90+'], asOf: '2026-04-01' }), named('B1', 'A3'));
  });

  it('filters by issue and due date ranges, inclusive at both ends', async () => {
    assert.deepEqual(
      await search({ issueDate: { from: '2026-01-01', to: '2026-02-01' } }),
      named('B3', 'B2', 'A2'),
    );
    assert.deepEqual(await search({ dueDate: { to: '2025-12-31' } }), named('B1', 'A3'));
    assert.deepEqual(await search({ dueDate: { from: '2026-03-22' } }), named('C1', 'A1'));
  });

  it('filters by total and balance ranges in minor units', async () => {
    assert.deepEqual(await search({ total: { min: 75000, max: 100000 } }), named('A3', 'C1', 'A1'));
    assert.deepEqual(await search({ balance: { min: 50000, max: 50000 } }), named('A3', 'A2'));
    assert.deepEqual(await search({ balance: { max: 0 } }), named('B3'));
  });

  it('filters by currency, customers, collector and tags', async () => {
    assert.deepEqual(await search({ currency: 'eur' }), named('C1'));
    assert.deepEqual(await search({ customerIds: [bolt.id] }), named('B1', 'B3', 'B2'));
    assert.deepEqual(await search({ customerIds: [bolt.id, cobalt.id] }), named('B1', 'B3', 'B2', 'C1'));
    assert.deepEqual(await search({ collectorUserIds: [alice.id] }), named('A3', 'A2', 'A1'));
    assert.deepEqual(await search({ tags: ['legal'] }), named('B2'));
    assert.deepEqual(await search({ tags: ['priority', 'no-such-tag'] }), named('B2', 'A2'));
  });

  it('filters by open dispute and pending promise, ignoring closed ones', async () => {
    assert.deepEqual(await search({ disputed: true }), named('A3'));
    assert.deepEqual(await search({ disputed: false }), named('B1', 'B3', 'B2', 'A2', 'C1', 'A1'));
    assert.deepEqual(await search({ hasPromise: true }), named('B1'));
    assert.deepEqual(
      await search({ hasPromise: false, openOnly: true }),
      named('A3', 'B2', 'A2', 'C1', 'A1'),
    );
  });

  it('matches text case-insensitively in number, PO number and customer name, wildcards literally', async () => {
    assert.deepEqual(await search({ text: 'po-777' }), named('A2'));
    assert.deepEqual(await search({ text: 'BOLT' }), named('B1', 'B3', 'B2'));
    assert.deepEqual(await search({ text: inv.C1.number.toLowerCase() }), named('C1'));
    assert.deepEqual(await search({ text: 'PO-7%' }), []);
    // Looked up by the run "777", but only rows containing the whole text match.
    assert.deepEqual(await search({ text: 'xpo-777' }), []);
    assert.deepEqual(await search({ text: 'O-777' }), named('A2'));
    assert.deepEqual(await search({ text: '_' }), []);
  });

  it('combines filters with AND', async () => {
    assert.deepEqual(
      await search({ customerIds: [acme.id], overdueOnly: true, balance: { min: 50000 } }),
      named('A3', 'A2'),
    );
  });

  it('sorts by every key in both directions with id breaking ties', async () => {
    const tie = [inv.A3, inv.A2].sort((a, b) => (a.id < b.id ? -1 : 1)).map((i) => i.number);
    const expected: Record<string, string[]> = {
      due_date: named('B1', 'A3', 'B3', 'B2', 'A2', 'C1', 'A1'),
      issue_date: named('B1', 'A3', 'B3', 'B2', 'A2', 'C1', 'A1'),
      total: named('B2', 'B3', 'A2', 'A3', 'C1', 'A1', 'B1'),
      balance: [inv.B3.number, inv.B2.number, ...tie, inv.C1.number, inv.A1.number, inv.B1.number],
      number: named('A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'C1'),
      // Most days past due first when descending: the reverse of the due date.
      days_past_due: named('A1', 'C1', 'A2', 'B2', 'B3', 'A3', 'B1'),
    };
    for (const sort of INVOICE_SORTS) {
      assert.deepEqual(await search({ sort }), expected[sort], `${sort} asc`);
      assert.deepEqual(
        await search({ sort, direction: 'desc' }),
        [...expected[sort]].reverse(),
        `${sort} desc`,
      );
    }
  });

  it('pages through every sort returning each row exactly once, in the one-page order', async () => {
    for (const sort of INVOICE_SORTS) {
      for (const direction of ['asc', 'desc'] as const) {
        const all = await search({ sort, direction });
        for (const limit of [1, 2, 3, 6]) {
          const { rows, pages } = await walk((cursor) =>
            invoices.search(books.orgId, { asOf: AS_OF, sort, direction }, { limit, cursor }),
          );
          assert.deepEqual(numbers(rows), all, `${sort} ${direction} limit ${limit}`);
          assert.equal(pages, Math.ceil(all.length / limit), `${sort} ${direction} limit ${limit} pages`);
        }
      }
    }
  });

  it('says hasMore exactly when rows remain', async () => {
    const exact = await invoices.search(books.orgId, { asOf: AS_OF }, { limit: 7 });
    assert.equal(exact.items.length, 7);
    assert.equal(exact.hasMore, false);
    const short = await invoices.search(books.orgId, { asOf: AS_OF }, { limit: 6 });
    assert.equal(short.hasMore, true);
    const rest = await invoices.search(books.orgId, { asOf: AS_OF }, { limit: 6, cursor: short.nextCursor! });
    assert.deepEqual(numbers(rest.items), named('A1'));
    assert.equal(rest.hasMore, false);
  });

  it('refuses a cursor reused with other filters, sort or direction', async () => {
    const first = await invoices.search(books.orgId, { asOf: AS_OF, openOnly: true }, { limit: 2 });
    const cursor = first.nextCursor!;
    for (const filter of [
      { asOf: AS_OF },
      { asOf: AS_OF, openOnly: true, sort: 'balance' as const },
      { asOf: AS_OF, openOnly: true, direction: 'desc' as const },
      { asOf: AS_OF, openOnly: true, currency: 'USD' },
    ]) {
      await rejectsWith(
        invoices.search(books.orgId, filter, { limit: 2, cursor }),
        'invalid_argument',
        'different search',
      );
    }
    // The same filters written differently (a list in another order, asOf irrelevant here) still match.
    const again = await invoices.search(books.orgId, { openOnly: true }, { limit: 2, cursor });
    assert.equal(again.items.length, 2);
  });

  it('ties a cursor to the as-of day when the filter depends on it', async () => {
    const first = await invoices.search(books.orgId, { asOf: AS_OF, overdueOnly: true }, { limit: 2 });
    await rejectsWith(
      invoices.search(
        books.orgId,
        { asOf: '2026-04-01', overdueOnly: true },
        { limit: 2, cursor: first.nextCursor! },
      ),
      'invalid_argument',
      'different search',
    );
  });

  it('refuses malformed and tampered cursors and bad limits before querying', async () => {
    const first = await invoices.search(books.orgId, { asOf: AS_OF }, { limit: 2 });
    for (const cursor of [
      '',
      'garbage',
      tamperCursor(first.nextCursor!, 'not-a-date'),
      tamperCursor(first.nextCursor!, 5),
      tamperCursor(first.nextCursor!, null),
    ]) {
      await rejectsWith(
        invoices.search(books.orgId, { asOf: AS_OF }, { limit: 2, cursor }),
        'invalid_argument',
        'cursor',
      );
    }
    const sortedByBalance = await invoices.search(
      books.orgId,
      { asOf: AS_OF, sort: 'balance' },
      { limit: 2 },
    );
    await rejectsWith(
      invoices.search(
        books.orgId,
        { asOf: AS_OF, sort: 'balance' },
        { limit: 2, cursor: tamperCursor(sortedByBalance.nextCursor!, '1; DROP TABLE invoices') },
      ),
      'invalid_argument',
      'cursor',
    );
    for (const limit of [0, 501, 2.5, -1]) {
      await rejectsWith(invoices.search(books.orgId, {}, { limit }), 'invalid_argument', 'limit');
    }
    assert.equal((await invoices.search(books.orgId, {}, { limit: 500 })).items.length, 7);
  });

  it('answers bad filter values with an invalid_argument error naming the field', async () => {
    const bad: [unknown, string][] = [
      [{ status: ['bogus'] }, 'status'],
      [{ status: [] }, 'status'],
      [{ statuses: ['open'] }, 'statuses'],
      [{ customerIds: ['not-a-uuid'] }, 'customerIds'],
      [{ collectorUserIds: [42] }, 'collectorUserIds'],
      [{ dueDate: { from: '2026-02-30' } }, 'dueDate.from'],
      [{ dueDate: { from: '2026-03-01', to: '2026-02-01' } }, 'dueDate'],
      [{ issueDate: {} }, 'issueDate'],
      [{ issueDate: '2026-01-01' }, 'issueDate'],
      [{ total: { min: 5, max: 1 } }, 'total'],
      [{ total: { min: -1 } }, 'total.min'],
      [{ balance: { min: 1.5 } }, 'balance.min'],
      [{ balance: { min: '100' } }, 'balance.min'],
      [{ daysPastDue: { min: 'x' } }, 'daysPastDue.min'],
      [{ daysPastDue: { min: 10, max: -10 } }, 'daysPastDue'],
      [{ daysPastDue: { max: 1e9 } }, 'daysPastDue.max'],
      [{ agingBucket: ['91-120'] }, 'agingBucket'],
      [{ currency: 'US' }, 'currency'],
      [{ tags: [''] }, 'tags'],
      [{ text: '   ' }, 'text'],
      [{ text: 'a\u0000b' }, 'text'],
      [{ text: 'x'.repeat(201) }, 'text'],
      [{ sort: 'bogus' }, 'sort'],
      [{ direction: 'up' }, 'direction'],
      [{ asOf: '31/03/2026' }, 'asOf'],
      [{ disputed: 'yes' }, 'disputed'],
      [{ customerIds: Array.from({ length: 101 }, () => acme.id) }, 'customerIds'],
      ['open', 'invoice filter'],
    ];
    for (const [filter, field] of bad) {
      const error = await rejectsWith(
        invoices.search(books.orgId, filter as InvoiceFilter),
        'invalid_argument',
        field,
      );
      assert.ok(error.message.endsWith('.'), `a sentence: ${error.message}`);
    }
  });

  it('accepts a single value where a list is expected', async () => {
    assert.deepEqual(await search({ status: 'paid' as unknown as ['paid'] }), named('B3'));
  });

  it('answers not_found for an unknown customer or collector id rather than an empty page', async () => {
    await rejectsWith(
      invoices.search(books.orgId, { customerIds: ['00000000-0000-4000-8000-000000000000'] }),
      'not_found',
      'customer',
    );
    await rejectsWith(
      invoices.search(books.orgId, { collectorUserIds: ['00000000-0000-4000-8000-000000000000'] }),
      'not_found',
      'user',
    );
  });

  it('never shows another organization’s invoices and treats its ids as unknown', async () => {
    assert.ok(!(await search({})).includes(foreignInvoice.number));
    assert.deepEqual(await search({ text: 'PO-777' }), named('A2'));
    await rejectsWith(
      invoices.search(books.orgId, { customerIds: [foreignCustomer.id] }),
      'not_found',
      foreignCustomer.id,
    );
    await rejectsWith(
      invoices.search(books.orgId, { collectorUserIds: [foreignMember.id] }),
      'not_found',
      foreignMember.id,
    );
    const theirs = await invoices.search(other.orgId, { asOf: AS_OF });
    assert.deepEqual(numbers(theirs.items), [foreignInvoice.number]);
    await rejectsWith(invoices.search(other.orgId, { customerIds: [acme.id] }), 'not_found');
  });

  it('rejects an unknown or malformed organization id', async () => {
    await rejectsWith(
      invoices.search('00000000-0000-4000-8000-000000000000', {}),
      'not_found',
      'organization',
    );
    await rejectsWith(invoices.search('acme', {}), 'invalid_argument', 'orgId');
  });
});

describe('invoice search with invoice-date aging and custom bucket edges', () => {
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());

  it('names buckets from the edges and ages from the issue date', async () => {
    const { invoices } = buildQueries(db.dataSource);
    const books = await Books.create(db.dataSource, {
      agingBasis: 'invoice_date',
      agingBucketEdges: [15, 45],
      timeZone: 'Pacific/Kiritimati',
    });
    const customer = await books.customer({ name: 'Dyna' });
    // Issued 0, 15, 16, 45 and 46 days before 2026-03-31, all on net 60 so none is past due yet.
    const made = [];
    for (const issued of ['2026-03-31', '2026-03-16', '2026-03-15', '2026-02-14', '2026-02-13']) {
      made.push(await books.invoice(customer, 1000, issued, { terms: 60 }));
    }
    const page = await invoices.search(books.orgId, { asOf: AS_OF, sort: 'issue_date', direction: 'desc' });
    assert.deepEqual(
      page.items.map((r) => [r.number, r.agingBucket]),
      [
        [made[0].number, 'current'],
        [made[1].number, '1-15'],
        [made[2].number, '16-45'],
        [made[3].number, '16-45'],
        [made[4].number, '45+'],
      ],
    );
    const bucket = await invoices.search(books.orgId, {
      asOf: AS_OF,
      agingBucket: ['16-45'],
      sort: 'issue_date',
      direction: 'desc',
    });
    assert.deepEqual(
      bucket.items.map((r) => r.number),
      [made[2].number, made[3].number],
    );
    await rejectsWith(
      invoices.search(books.orgId, { agingBucket: ['1-30'] }),
      'invalid_argument',
      'current, 1-15, 16-45, 45+',
    );
    assert.equal((await invoices.search(books.orgId, {})).asOf, todayIn('Pacific/Kiritimati'));
  });

  it('follows settings changed between two searches of one process', async () => {
    const { invoices } = buildQueries(db.dataSource);
    const books = await Books.create(db.dataSource, { agingBucketEdges: [30, 60, 90], timeZone: 'UTC' });
    const customer = await books.customer({ name: 'Settled Co' });
    // Due 2026-03-11: 20 days past due on AS_OF.
    const invoice = await books.invoice(customer, 1000, '2026-02-09', { terms: 30 });
    const bucketOf = async (): Promise<string | null> =>
      (await invoices.search(books.orgId, { asOf: AS_OF })).items[0].agingBucket;
    assert.equal(await bucketOf(), '1-30');

    const change = (edges: number[], zone: string) =>
      db.dataSource.query('UPDATE organizations SET aging_bucket_edges = $2, time_zone = $3 WHERE id = $1', [
        books.orgId,
        edges,
        zone,
      ]);
    await change([10, 40], 'Pacific/Kiritimati');
    assert.equal(await bucketOf(), '11-40');
    assert.equal((await invoices.search(books.orgId, {})).asOf, todayIn('Pacific/Kiritimati'));
    // A bucket only the new edges have is accepted.
    await change([15, 45], 'UTC');
    const page = await invoices.search(books.orgId, { asOf: AS_OF, agingBucket: ['16-45'] });
    assert.deepEqual(
      page.items.map((r) => r.id),
      [invoice.id],
    );
    // A bucket no edges have is still refused, naming the ones there are.
    await rejectsWith(
      invoices.search(books.orgId, { agingBucket: ['1-30'] }),
      'invalid_argument',
      'current, 1-15, 16-45, 45+',
    );
    // An organization that is gone is not found.
    await db.dataSource.query('DELETE FROM organizations WHERE id = $1', [books.orgId]);
    await rejectsWith(invoices.search(books.orgId, {}), 'not_found', books.orgId);
  });
});
