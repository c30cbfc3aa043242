import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../../../src/identity/user.entity';
import type { Activity } from '../../../../src/receivables/activities/activity.entity';
import type {
  ActivityFilter,
  ActivityQueries,
} from '../../../../src/receivables/activities/activity.queries';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import type { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';
import { buildQueries, rejectsWith, tamperCursor, walk } from './queries';

/**
 * The organization works in America/New_York (UTC−4 after 2026-03-08).
 *
 *   activity  customer  invoice  type       occurred (UTC)                  local day
 *   A1        Acme      -        call       2026-03-10T12:00:00Z            03-10   "Called AP, promised payment"
 *   A2        Acme      I1       email_out  2026-03-11T03:30:00Z            03-10   600-character body, subject "Reminder"
 *   A3        Bolt      -        note       2026-03-11T05:00:00Z            03-11   by Alice
 *   A4        Bolt      -        meeting    2026-03-11T05:00:00Z (same)     03-11
 *   A5        Acme      -        system     2026-03-12T15:00:00.123456Z     03-12
 *   A6        Acme      -        system     2026-03-12T15:00:00.123457Z     03-12   one microsecond after A5
 */
describe('activity search', () => {
  let db: TestDatabase;
  let books: Books;
  let other: Books;
  let activities: ActivityQueries;
  let alice: User;
  let bolt: Customer;
  let invoice: Invoice;
  let a: Record<'A1' | 'A2' | 'A3' | 'A4' | 'A5' | 'A6', Activity>;
  let foreignCustomer: Customer;

  const of = (...keys: (keyof typeof a)[]): string[] => keys.map((k) => a[k].id);
  const tie = (desc: boolean, ...keys: (keyof typeof a)[]): string[] => {
    const sorted = of(...keys).sort();
    return desc ? sorted.reverse() : sorted;
  };
  const search = async (filter: ActivityFilter): Promise<string[]> =>
    (await activities.search(books.orgId, filter, { limit: 500 })).items.map((r) => r.id);
  const newestFirst = (): string[] => [...of('A6', 'A5'), ...tie(true, 'A3', 'A4'), ...of('A2', 'A1')];

  before(async () => {
    db = await createTestDatabase();
    activities = buildQueries(db.dataSource).activities;
    books = await Books.create(db.dataSource, { timeZone: 'America/New_York' });
    alice = await books.member('collector', { name: 'Alice' });
    const acme = await books.customer({ name: 'Acme Corp' });
    bolt = await books.customer({ name: 'Bolt Industries' });
    invoice = await books.invoice(acme, 1000, '2026-03-01');
    a = {
      A1: await books.activity(acme, {
        type: 'call',
        body: 'Called AP, promised payment',
        occurredAt: new Date('2026-03-10T12:00:00Z'),
      }),
      A2: await books.activity(acme, {
        type: 'email_out',
        invoiceId: invoice.id,
        subject: 'Reminder',
        body: 'x'.repeat(600),
        occurredAt: new Date('2026-03-11T03:30:00Z'),
      }),
      A3: await books.activity(bolt, {
        type: 'note',
        authorUserId: alice.id,
        body: 'Left a voicemail',
        occurredAt: new Date('2026-03-11T05:00:00Z'),
      }),
      A4: await books.activity(bolt, {
        type: 'meeting',
        body: 'Quarterly review',
        occurredAt: new Date('2026-03-11T05:00:00Z'),
      }),
      A5: await books.activity(acme, {
        type: 'system',
        body: 'Status changed',
        occurredAt: new Date('2026-03-12T15:00:00Z'),
      }),
      A6: await books.activity(acme, {
        type: 'system',
        body: 'Status changed again',
        occurredAt: new Date('2026-03-12T15:00:00Z'),
      }),
    };
    // JavaScript dates stop at milliseconds; PostgreSQL keeps microseconds, and so must cursors.
    await db.dataSource.query(
      `UPDATE activities SET occurred_at = '2026-03-12T15:00:00.123456Z' WHERE id = $1`,
      [a.A5.id],
    );
    await db.dataSource.query(
      `UPDATE activities SET occurred_at = '2026-03-12T15:00:00.123457Z' WHERE id = $1`,
      [a.A6.id],
    );
    other = await Books.create(db.dataSource);
    foreignCustomer = await other.customer({ name: 'Acme Corp' });
    await other.activity(foreignCustomer, { body: 'Called AP, promised payment' });
  });
  after(async () => db.drop());

  it('lists newest first with customer, invoice, author and a bounded body', async () => {
    const page = await activities.search(books.orgId);
    assert.deepEqual(
      page.items.map((r) => r.id),
      newestFirst(),
    );
    const a2 = page.items.find((r) => r.id === a.A2.id)!;
    assert.deepEqual(
      [
        a2.customerName,
        a2.invoiceId,
        a2.invoiceNumber,
        a2.type,
        a2.subject,
        a2.body.length,
        a2.bodyTruncated,
        a2.occurredAt,
      ],
      [
        'Acme Corp',
        invoice.id,
        invoice.number,
        'email_out',
        'Reminder',
        500,
        true,
        '2026-03-11T03:30:00.000Z',
      ],
    );
    const a3 = page.items.find((r) => r.id === a.A3.id)!;
    assert.deepEqual([a3.authorName, a3.body, a3.bodyTruncated], ['Alice', 'Left a voicemail', false]);
  });

  it('filters by calendar days in the organization time zone', async () => {
    assert.deepEqual(await search({ occurredOn: { from: '2026-03-10', to: '2026-03-10' } }), of('A2', 'A1'));
    assert.deepEqual(
      await search({ occurredOn: { from: '2026-03-11', to: '2026-03-11' } }),
      tie(true, 'A3', 'A4'),
    );
    assert.deepEqual(await search({ occurredOn: { from: '2026-03-12' } }), of('A6', 'A5'));
    assert.deepEqual(await search({ occurredOn: { to: '2026-03-09' } }), []);
  });

  it('filters by type, customer, invoice, author and text', async () => {
    assert.deepEqual(await search({ type: ['note'] }), of('A3'));
    assert.deepEqual(await search({ type: ['call', 'meeting'] }), of('A4', 'A1'));
    assert.deepEqual(await search({ customerIds: [bolt.id] }), tie(true, 'A3', 'A4'));
    assert.deepEqual(await search({ invoiceIds: [invoice.id] }), of('A2'));
    assert.deepEqual(await search({ authorUserIds: [alice.id] }), of('A3'));
    assert.deepEqual(await search({ text: 'PROMISED' }), of('A1'));
    assert.deepEqual(await search({ text: 'reminder' }), of('A2'));
  });

  it('pages exactly once through rows a microsecond apart and rows at the same instant', async () => {
    for (const direction of ['desc', 'asc'] as const) {
      const want = direction === 'desc' ? newestFirst() : [...newestFirst()].reverse();
      for (const limit of [1, 2, 4]) {
        const { rows } = await walk((cursor) =>
          activities.search(books.orgId, { direction }, { limit, cursor }),
        );
        assert.deepEqual(
          rows.map((r) => r.id),
          want,
          `${direction} limit ${limit}`,
        );
      }
    }
  });

  it('rejects bad input and foreign ids', async () => {
    await rejectsWith(
      activities.search(books.orgId, { type: ['fax'] } as unknown as ActivityFilter),
      'invalid_argument',
      'type',
    );
    await rejectsWith(
      activities.search(books.orgId, { occurredOn: { from: '2026-03-10T00:00:00Z' } }),
      'invalid_argument',
      'occurredOn.from',
    );
    await rejectsWith(
      activities.search(books.orgId, { sort: 'subject' } as unknown as ActivityFilter),
      'invalid_argument',
      'sort',
    );
    const first = await activities.search(books.orgId, {}, { limit: 1 });
    for (const value of ['2026-03-12', '2026-03-12T15:00:00.123Z', 12]) {
      await rejectsWith(
        activities.search(books.orgId, {}, { cursor: tamperCursor(first.nextCursor!, value) }),
        'invalid_argument',
        'cursor',
      );
    }
    await rejectsWith(
      activities.search(books.orgId, { customerIds: [foreignCustomer.id] }),
      'not_found',
      foreignCustomer.id,
    );
    await rejectsWith(
      activities.search(books.orgId, { authorUserIds: ['00000000-0000-4000-8000-000000000000'] }),
      'not_found',
      'user',
    );
  });

  it('keeps organizations apart', async () => {
    assert.deepEqual(await search({ text: 'promised payment' }), of('A1'));
    assert.equal((await activities.search(other.orgId)).items.length, 1);
  });
});
