import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../../../src/identity/user.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { CUSTOMER_SORTS } from '../../../../src/receivables/customers/customer.queries';
import type {
  ContactFilter,
  CustomerFilter,
  CustomerQueries,
  CustomerRow,
} from '../../../../src/receivables/customers/customer.queries';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { buildQueries, rejectsWith, tamperCursor, walk } from './queries';

/**
 * Five customers on 2026-03-31 (edges [30, 60, 90]):
 *
 *   customer          currency  parent  collector  open USD  overdue  open count  oldest dpd  other currencies
 *   Parent Holdings   USD       -       Alice       10000         0   1           null        -
 *   Kid One           USD       Parent  Bob         60000     40000   3           60          EUR 5000 (overdue 5000)
 *   Kid Two           USD       Parent  -           40000     40000   1           14          -
 *   zeta ltd          EUR       -       Alice           0         0   0           null        -  (its invoice is paid)
 *   Empty Co          USD       -       -               0         0   0           null        -
 *
 * Kid One: 40000 due 2026-01-30 (60 days), 20000 due 2026-04-10 (current), EUR 5000 due 2026-01-31 (59).
 * Kid Two: 60000 due 2026-03-17 with 20000 paid (14 days). Parent: 10000 due 2026-04-19.
 */
const AS_OF = '2026-03-31';

describe('customer search', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let customers: CustomerQueries;
  let alice: User;
  let bob: User;
  let c: Record<'P' | 'K1' | 'K2' | 'Z' | 'E', Customer>;
  let foreign: Customer;

  const ids = (rows: { id: string }[]): string[] => rows.map((r) => r.id);
  const of = (...keys: (keyof typeof c)[]): string[] => keys.map((k) => c[k].id);
  const byId = (...keys: (keyof typeof c)[]): string[] => of(...keys).sort();
  const search = async (filter: CustomerFilter): Promise<string[]> =>
    ids((await customers.search(books.orgId, { asOf: AS_OF, ...filter }, { limit: 500 })).items);

  before(async () => {
    db = await createTestDatabase();
    customers = buildQueries(db.dataSource).customers;
    books = await Books.create(db.dataSource);
    alice = await books.member('collector', { name: 'Alice' });
    bob = await books.member('collector', { name: 'Bob' });
    const parent = await books.customer({
      name: 'Parent Holdings',
      externalId: 'ERP-100',
      collectorUserId: alice.id,
      tags: ['enterprise'],
    });
    c = {
      P: parent,
      K1: await books.customer({
        name: 'Kid One',
        parentId: parent.id,
        collectorUserId: bob.id,
        riskLevel: 'high',
      }),
      K2: await books.customer({ name: 'Kid Two', parentId: parent.id, status: 'on_hold' }),
      Z: await books.customer({
        name: 'zeta ltd',
        currency: 'EUR',
        collectorUserId: alice.id,
        tags: ['smb'],
      }),
      E: await books.customer({ name: 'Empty Co', status: 'inactive' }),
    };
    await books.invoice(c.P, 10000, '2026-03-20');
    await books.invoice(c.K1, 40000, '2025-12-31');
    await books.invoice(c.K1, 20000, '2026-03-11');
    await books.invoice(c.K1, 5000, '2026-01-01', { currency: 'EUR' });
    await books.pay(await books.invoice(c.K2, 60000, '2026-02-15'), 20000, '2026-03-01');
    await books.pay(await books.invoice(c.Z, 40000, '2026-01-10'), 40000, '2026-02-01');

    other = await Books.create(db.dataSource);
    foreign = await other.customer({ name: 'Kid Three' });
    await other.invoice(foreign, 999999, '2025-01-01');
  });
  after(async () => db.drop());

  it('summarizes each customer with balances, counts, oldest overdue and collector', async () => {
    const page = await customers.search(books.orgId, { asOf: AS_OF });
    assert.equal(page.asOf, AS_OF);
    const rows = new Map(page.items.map((r) => [r.id, r]));
    const pick = (r: CustomerRow) => [
      r.openBalance,
      r.overdueBalance,
      r.openInvoiceCount,
      r.oldestDaysPastDue,
    ];
    assert.deepEqual(pick(rows.get(c.P.id)!), [10000, 0, 1, null]);
    assert.deepEqual(pick(rows.get(c.K1.id)!), [60000, 40000, 3, 60]);
    assert.deepEqual(pick(rows.get(c.K2.id)!), [40000, 40000, 1, 14]);
    assert.deepEqual(pick(rows.get(c.Z.id)!), [0, 0, 0, null]);
    assert.deepEqual(pick(rows.get(c.E.id)!), [0, 0, 0, null]);
    const k1 = rows.get(c.K1.id)!;
    assert.deepEqual(k1.collector, { userId: bob.id, name: 'Bob', email: bob.email });
    assert.deepEqual(k1.otherCurrencyBalances, [
      { currency: 'EUR', openBalance: 5000, overdueBalance: 5000 },
    ]);
    assert.equal(k1.parentId, c.P.id);
    assert.equal(k1.riskLevel, 'high');
    assert.equal(rows.get(c.K2.id)!.collector, null);
    assert.deepEqual(rows.get(c.P.id)!.otherCurrencyBalances, []);
    assert.deepEqual(
      {
        externalId: rows.get(c.P.id)!.externalId,
        tags: rows.get(c.P.id)!.tags,
        currency: rows.get(c.Z.id)!.currency,
      },
      { externalId: 'ERP-100', tags: ['enterprise'], currency: 'EUR' },
    );
  });

  it('derives the same balances whichever sort computes them', async () => {
    const figures = (rows: CustomerRow[]) =>
      Object.fromEntries(
        rows.map((r) => [
          r.id,
          [r.openBalance, r.overdueBalance, r.openInvoiceCount, r.oldestDaysPastDue, r.otherCurrencyBalances],
        ]),
      );
    const byName = figures((await customers.search(books.orgId, { asOf: AS_OF })).items);
    for (const sort of ['open_balance', 'overdue_balance', 'oldest_days_past_due'] as const) {
      assert.deepEqual(
        figures((await customers.search(books.orgId, { asOf: AS_OF, sort })).items),
        byName,
        sort,
      );
    }
  });

  it('measures overdue on the as-of day', async () => {
    const early = await customers.search(books.orgId, { asOf: '2026-03-17', customerIds: [c.K2.id] });
    // Due on 2026-03-17 itself: not yet overdue.
    assert.deepEqual([early.items[0].overdueBalance, early.items[0].oldestDaysPastDue], [0, null]);
  });

  it('filters by status, risk, parent, collector, tags, text and currency', async () => {
    assert.deepEqual(await search({ status: ['on_hold'] }), of('K2'));
    assert.deepEqual(await search({ status: ['inactive', 'on_hold'] }), of('E', 'K2'));
    assert.deepEqual(await search({ riskLevel: ['high'] }), of('K1'));
    assert.deepEqual(await search({ parentId: c.P.id }), of('K1', 'K2'));
    assert.deepEqual(await search({ collectorUserIds: [alice.id] }), of('P', 'Z'));
    assert.deepEqual(await search({ hasCollector: false }), of('E', 'K2'));
    assert.deepEqual(await search({ hasCollector: true }), of('K1', 'P', 'Z'));
    assert.deepEqual(await search({ tags: ['smb', 'nope'] }), of('Z'));
    assert.deepEqual(await search({ text: 'erp-100' }), of('P'));
    assert.deepEqual(await search({ text: 'KID' }), of('K1', 'K2'));
    assert.deepEqual(await search({ text: 'Ltd' }), of('Z'));
    assert.deepEqual(await search({ currency: 'EUR' }), of('Z'));
    assert.deepEqual(await search({ customerIds: [c.Z.id, c.K1.id] }), of('K1', 'Z'));
  });

  it('filters by open and overdue balances', async () => {
    assert.deepEqual(await search({ hasOpenBalance: true }), of('K1', 'K2', 'P'));
    assert.deepEqual(await search({ hasOpenBalance: false }), of('E', 'Z'));
    assert.deepEqual(await search({ overdueOnly: true }), of('K1', 'K2'));
    assert.deepEqual(await search({ overdueOnly: true, asOf: '2026-03-17' }), of('K1'));
    assert.deepEqual(await search({ openBalance: { min: 40000 } }), of('K1', 'K2'));
    assert.deepEqual(await search({ openBalance: { max: 0 } }), of('E', 'Z'));
    assert.deepEqual(await search({ openBalance: { min: 10000, max: 40000 } }), of('K2', 'P'));
    assert.deepEqual(await search({ overdueBalance: { min: 1, max: 40000 } }), of('K1', 'K2'));
  });

  it('sorts by name and by derived balances, ties broken by id', async () => {
    // C collation in the test cluster: upper case sorts before lower case.
    assert.deepEqual(await search({}), of('E', 'K1', 'K2', 'P', 'Z'));
    assert.deepEqual(await search({ sort: 'name', direction: 'desc' }), of('Z', 'P', 'K2', 'K1', 'E'));
    assert.deepEqual(await search({ sort: 'open_balance' }), [...byId('E', 'Z'), ...of('P', 'K2', 'K1')]);
    assert.deepEqual(await search({ sort: 'open_balance', direction: 'desc' }), [
      ...of('K1', 'K2', 'P'),
      ...byId('E', 'Z').reverse(),
    ]);
    assert.deepEqual(await search({ sort: 'overdue_balance' }), [
      ...byId('E', 'P', 'Z'),
      ...byId('K1', 'K2'),
    ]);
    assert.deepEqual(await search({ sort: 'oldest_days_past_due', direction: 'desc' }), [
      ...of('K1', 'K2'),
      ...byId('E', 'P', 'Z').reverse(),
    ]);
  });

  it('pages through every sort returning each customer exactly once', async () => {
    for (const sort of CUSTOMER_SORTS) {
      for (const direction of ['asc', 'desc'] as const) {
        const all = await search({ sort, direction });
        assert.equal(all.length, 5);
        for (const limit of [1, 2, 4]) {
          const { rows } = await walk((cursor) =>
            customers.search(books.orgId, { asOf: AS_OF, sort, direction }, { limit, cursor }),
          );
          assert.deepEqual(ids(rows), all, `${sort} ${direction} limit ${limit}`);
        }
      }
    }
  });

  it('refuses reused, malformed and tampered cursors', async () => {
    const first = await customers.search(books.orgId, { asOf: AS_OF, sort: 'open_balance' }, { limit: 2 });
    await rejectsWith(
      customers.search(
        books.orgId,
        { asOf: AS_OF, sort: 'overdue_balance' },
        { limit: 2, cursor: first.nextCursor! },
      ),
      'invalid_argument',
      'different search',
    );
    await rejectsWith(
      customers.search(
        books.orgId,
        { asOf: AS_OF, sort: 'open_balance', hasOpenBalance: true },
        { cursor: first.nextCursor! },
      ),
      'invalid_argument',
      'different search',
    );
    await rejectsWith(
      customers.search(
        books.orgId,
        { asOf: AS_OF, sort: 'open_balance' },
        { cursor: tamperCursor(first.nextCursor!, 'lots') },
      ),
      'invalid_argument',
      'cursor',
    );
    const byName = await customers.search(books.orgId, { asOf: AS_OF }, { limit: 2 });
    await rejectsWith(
      customers.search(books.orgId, { asOf: AS_OF }, { cursor: tamperCursor(byName.nextCursor!, 7) }),
      'invalid_argument',
      'cursor',
    );
    await rejectsWith(
      customers.search(books.orgId, { asOf: AS_OF }, { cursor: tamperCursor(byName.nextCursor!, 'a\u0000') }),
      'invalid_argument',
      'cursor',
    );
    // Sorting by overdue balance depends on the as-of day, so its cursor does too.
    const overdue = await customers.search(
      books.orgId,
      { asOf: AS_OF, sort: 'overdue_balance' },
      { limit: 2 },
    );
    await rejectsWith(
      customers.search(
        books.orgId,
        { asOf: '2026-04-01', sort: 'overdue_balance' },
        { cursor: overdue.nextCursor! },
      ),
      'invalid_argument',
      'different search',
    );
  });

  it('answers bad filter values with invalid_argument naming the field', async () => {
    const bad: [unknown, string][] = [
      [{ status: ['closed'] }, 'status'],
      [{ riskLevel: 'extreme' }, 'riskLevel'],
      [{ parentId: 'nope' }, 'parentId'],
      [{ collectorUserIds: ['x'] }, 'collectorUserIds'],
      [{ hasCollector: 1 }, 'hasCollector'],
      [{ tags: [] }, 'tags'],
      [{ text: '' }, 'text'],
      [{ currency: 'EURO' }, 'currency'],
      [{ openBalance: { min: 10, max: 5 } }, 'openBalance'],
      [{ overdueBalance: { min: 0.5 } }, 'overdueBalance.min'],
      [{ asOf: '2026-13-01' }, 'asOf'],
      [{ sort: 'balance' }, 'sort'],
      [{ name: 'Acme' }, 'name'],
    ];
    for (const [filter, field] of bad) {
      await rejectsWith(customers.search(books.orgId, filter as CustomerFilter), 'invalid_argument', field);
    }
    await rejectsWith(customers.search(books.orgId, {}, { limit: 0 }), 'invalid_argument', 'limit');
  });

  it('keeps organizations apart', async () => {
    assert.ok(!(await search({ text: 'Kid' })).includes(foreign.id));
    await rejectsWith(customers.search(books.orgId, { customerIds: [foreign.id] }), 'not_found', foreign.id);
    await rejectsWith(customers.search(books.orgId, { parentId: foreign.id }), 'not_found', foreign.id);
    await rejectsWith(customers.search(other.orgId, { parentId: c.P.id }), 'not_found', c.P.id);
    const theirs = await customers.search(other.orgId, { asOf: AS_OF });
    assert.deepEqual(
      theirs.items.map((r) => [r.id, r.openBalance]),
      [[foreign.id, 999999]],
    );
  });
});

describe('contact search', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let customers: CustomerQueries;
  let kid: Customer;
  let names: (filter: ContactFilter) => Promise<string[]>;
  let foreignContactCustomer: Customer;

  before(async () => {
    db = await createTestDatabase();
    customers = buildQueries(db.dataSource).customers;
    books = await Books.create(db.dataSource);
    kid = await books.customer({ name: 'Kid One' });
    const parent = await books.customer({ name: 'Parent Holdings' });
    await books.contact(kid, {
      name: 'Ann AP',
      email: 'ann@kid.test',
      title: 'AP Manager',
      isPrimary: true,
      isBilling: true,
    });
    await books.contact(kid, { name: 'Bert', email: null, optedOut: true });
    await books.contact(parent, { name: 'Carl Controller', email: 'carl@parent.test', isBilling: true });
    other = await Books.create(db.dataSource);
    foreignContactCustomer = await other.customer({ name: 'Elsewhere' });
    await other.contact(foreignContactCustomer, { name: 'Ann Elsewhere', title: 'AP Manager' });
    names = async (filter) => (await customers.searchContacts(books.orgId, filter)).items.map((r) => r.name);
  });
  after(async () => db.drop());

  it('lists contacts with their customer, filtered by customer, flags and text', async () => {
    const page = await customers.searchContacts(books.orgId, { customerIds: [kid.id] });
    assert.deepEqual(
      page.items.map((r) => [r.name, r.customerName, r.email, r.title, r.isPrimary, r.isBilling, r.optedOut]),
      [
        ['Ann AP', 'Kid One', 'ann@kid.test', 'AP Manager', true, true, false],
        ['Bert', 'Kid One', null, null, false, false, true],
      ],
    );
    assert.deepEqual(await names({ isPrimary: true }), ['Ann AP']);
    assert.deepEqual(await names({ isBilling: true }), ['Ann AP', 'Carl Controller']);
    assert.deepEqual(await names({ optedOut: true }), ['Bert']);
    assert.deepEqual(await names({ text: 'manager' }), ['Ann AP']);
    assert.deepEqual(await names({ text: 'PARENT.test' }), ['Carl Controller']);
    assert.deepEqual(await names({ direction: 'desc' }), ['Carl Controller', 'Bert', 'Ann AP']);
  });

  it('pages through contacts exactly once each', async () => {
    const { rows, pages } = await walk((cursor) =>
      customers.searchContacts(books.orgId, {}, { limit: 1, cursor }),
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      ['Ann AP', 'Bert', 'Carl Controller'],
    );
    assert.equal(pages, 3);
  });

  it('rejects bad input and foreign ids', async () => {
    await rejectsWith(
      customers.searchContacts(books.orgId, { isPrimary: 'yes' as unknown as boolean }),
      'invalid_argument',
      'isPrimary',
    );
    await rejectsWith(
      customers.searchContacts(books.orgId, { customerIds: ['1'] }),
      'invalid_argument',
      'customerIds',
    );
    await rejectsWith(
      customers.searchContacts(books.orgId, { email: 'x' } as ContactFilter),
      'invalid_argument',
      'email',
    );
    await rejectsWith(
      customers.searchContacts(books.orgId, { customerIds: [foreignContactCustomer.id] }),
      'not_found',
      foreignContactCustomer.id,
    );
    assert.deepEqual(await names({ text: 'Ann' }), ['Ann AP']);
    const theirs = await customers.searchContacts(other.orgId, {});
    assert.deepEqual(
      theirs.items.map((r) => r.name),
      ['Ann Elsewhere'],
    );
  });
});
