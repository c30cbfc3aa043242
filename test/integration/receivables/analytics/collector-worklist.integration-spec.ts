import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../../../src/common/errors/app-error';
import { CollectorWorklistService } from '../../../../src/receivables/analytics/worklist/collector-worklist.service';
import type { Worklist } from '../../../../src/receivables/analytics/worklist/collector-worklist.service';
import { ExchangeRatesService } from '../../../../src/receivables/currency/exchange-rates.service';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

const rows = (w: Worklist) => w.items.map((e) => [e.customerName, e.score]);

/**
 * As of 2026-03-31, base USD (scoring in worklist-score.ts):
 *   Acme (Alice)  $9,999.00 due 02-14 (45 days): 10 × log10(10,000) = 40; 45 ÷ 4 = 11.25 → 11.3;
 *                 a promise marked broken (03-10): 15                                     → 66.3
 *   Beta (Alice)  nothing past due; $500 promised for today: 25; two tasks due (one late): 20 → 45
 *   Gamma (Bob)   $99.00 due 03-21 (10 days): 10 × log10(100) = 20; 2.5; an open dispute: 8 → 30.5
 *   Delta (none)  €900.00 × 1.10 = $990.00 due 03-30: 10 × log10(991) = 29.96 → 30.0; 1 ÷ 4 → 0.3;
 *                 a pending promise of 03-20 never kept: 15                                → 45.3
 *   Echo (Alice)  not past due, a task due next month, a promise broken last October: not listed
 */
describe('CollectorWorklistService', () => {
  let db: TestDatabase;
  let service: CollectorWorklistService;
  let books: Books;
  let other: Books;
  let alice: string;
  let bob: string;
  const asOf = '2026-03-31';

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    service = new CollectorWorklistService(ds, new OrgSettingsReader(ds), new ExchangeRatesService(ds));
    books = await Books.create(ds);
    alice = (await books.member('collector', { name: 'Alice' })).id;
    bob = (await books.member('collector', { name: 'Bob' })).id;

    const acme = await books.customer({ name: 'Acme', collectorUserId: alice });
    const a1 = await books.invoice(acme, 999_900, '2026-01-15');
    await books.promise(acme, [a1], '2026-03-10', { status: 'broken' });

    const beta = await books.customer({ name: 'Beta', collectorUserId: alice });
    await books.promise(beta, [await books.invoice(beta, 50_000, '2026-03-16')], asOf);
    await books.task({ customerId: beta.id, dueOn: '2026-03-30', assigneeUserId: alice });
    await books.task({ customerId: beta.id, dueOn: asOf });
    await books.task({ customerId: beta.id, dueOn: '2026-03-01', status: 'done' });

    const gamma = await books.customer({ name: 'Gamma', collectorUserId: bob });
    await books.dispute(await books.invoice(gamma, 9_900, '2026-02-19'), { openedOn: '2026-03-25' });

    const delta = await books.customer({ name: 'Delta', currency: 'EUR' });
    await books.promise(delta, [await books.invoice(delta, 90_000, '2026-02-28')], '2026-03-20');
    await books.rate('EUR', 'USD', '2026-03-01', '1.10');

    const echo = await books.customer({ name: 'Echo', collectorUserId: alice });
    const e1 = await books.invoice(echo, 40_000, '2026-03-20');
    await books.task({ customerId: echo.id, dueOn: '2026-04-15' });
    await books.promise(echo, [e1], '2025-10-01', { status: 'broken' });

    other = await Books.create(ds);
    const stranger = await other.customer({ name: 'Stranger' });
    await other.invoice(stranger, 99_999_900, '2025-12-01');
    await other.task({ customerId: stranger.id, dueOn: '2026-03-01' });
  });
  after(async () => db.drop());

  it('ranks every account by score, with the reason for each part', async () => {
    const w = await service.worklist(books.orgId, { asOf });
    assert.deepEqual(rows(w), [
      ['Acme', 66.3],
      ['Delta', 45.3],
      ['Beta', 45],
      ['Gamma', 30.5],
    ]);
    const [acme, delta, beta, gamma] = w.items;
    assert.deepEqual(
      acme.reasons.map((r) => [r.code, r.points, r.detail]),
      [
        ['overdue_amount', 40, 'USD 9,999.00 past due on 1 invoice'],
        ['broken_promise', 15, '1 broken promise to pay'],
        ['days_past_due', 11.3, 'oldest past-due invoice is 45 days late'],
      ],
    );
    assert.deepEqual(acme.collector, { userId: alice, name: 'Alice' });
    assert.deepEqual(acme.overdue, { amount: 999_900, currency: 'USD' });
    assert.equal(acme.oldestDaysPastDue, 45);
    assert.deepEqual(delta.overdue, { amount: 99_000, currency: 'USD' });
    assert.equal(delta.brokenPromises, 1);
    assert.equal(delta.collector, null);
    assert.deepEqual(beta.promiseDueToday, { amount: 50_000, currency: 'USD' });
    assert.deepEqual([beta.tasksDue, beta.tasksOverdue], [2, 1]);
    assert.deepEqual(
      beta.reasons.map((r) => r.detail),
      ['promised USD 500.00 for today: check it arrived', '2 tasks due (1 overdue)'],
    );
    assert.equal(gamma.openDisputes, 1);
    assert.equal(w.scoring.length, 6);
  });

  it('pages through the list without repeating or skipping', async () => {
    const first = await service.worklist(books.orgId, { asOf, limit: 3 });
    assert.deepEqual(rows(first), [
      ['Acme', 66.3],
      ['Delta', 45.3],
      ['Beta', 45],
    ]);
    assert.equal(first.hasMore, true);
    const second = await service.worklist(books.orgId, { asOf, limit: 3, cursor: first.nextCursor! });
    assert.deepEqual(rows(second), [['Gamma', 30.5]]);
    assert.equal(second.hasMore, false);
  });

  it('narrows to one collector’s accounts', async () => {
    assert.deepEqual(rows(await service.worklist(books.orgId, { asOf, collectorUserId: alice })), [
      ['Acme', 66.3],
      ['Beta', 45],
    ]);
    assert.deepEqual(rows(await service.worklist(books.orgId, { asOf, collectorUserId: bob })), [
      ['Gamma', 30.5],
    ]);
  });

  it('refuses a collector of another organization and bad input with coded errors', async () => {
    const outsider = (await other.member('collector')).id;
    await assert.rejects(service.worklist(books.orgId, { asOf, collectorUserId: outsider }), NotFoundError);
    await assert.rejects(service.worklist(books.orgId, { collectorUserId: 'alice' }), InvalidArgumentError);
    await assert.rejects(service.worklist(books.orgId, { limit: 0 }), InvalidArgumentError);
    await assert.rejects(
      service.worklist(books.orgId, { asOf, cursor: 'not-a-cursor' }),
      InvalidArgumentError,
    );
    // A cursor is tied to its list: Alice's cursor cannot page Bob's.
    const alices = await service.worklist(books.orgId, { asOf, collectorUserId: alice, limit: 1 });
    await assert.rejects(
      service.worklist(books.orgId, { asOf, collectorUserId: bob, cursor: alices.nextCursor! }),
      /different search/,
    );
  });
});
