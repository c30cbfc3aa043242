import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupCells } from './aging-cells';
import type { AgingCells } from './aging-cells';

describe('groupCells', () => {
  const cells: AgingCells = {
    buckets: [
      { customerId: 'acme', subsidiaryId: null, currency: 'USD', bucket: 1, amount: 100, invoiceCount: 1 },
      { customerId: 'acme', subsidiaryId: 'east', currency: 'USD', bucket: 1, amount: 50, invoiceCount: 2 },
      { customerId: 'beta', subsidiaryId: null, currency: 'EUR', bucket: 2, amount: 70, invoiceCount: 1 },
      { customerId: 'gone', subsidiaryId: null, currency: 'USD', bucket: 1, amount: 5, invoiceCount: 1 },
    ],
    credits: [
      { kind: 'cash', customerId: null, currency: 'USD', amount: 7, count: 1, oldestDate: '2026-03-10' },
      { kind: 'cash', customerId: 'acme', currency: 'USD', amount: 3, count: 2, oldestDate: '2026-03-02' },
      { kind: 'credit_memo', customerId: 'beta', currency: 'EUR', amount: 4, count: 1, oldestDate: null },
    ],
  };
  const customers = new Map([
    ['acme', { collectorUserId: 'dana', subsidiaryId: 'west' }],
    ['beta', { collectorUserId: 'dana', subsidiaryId: null }],
  ]);

  it('sums the cells of a group, currency and bucket into one row', () => {
    const { bucketRows, creditRows } = groupCells(cells, 'collector', customers);
    assert.deepEqual(bucketRows, [
      { groupKey: 'dana', currency: 'USD', bucket: 1, amount: 150, invoiceCount: 3 },
      { groupKey: 'dana', currency: 'EUR', bucket: 2, amount: 70, invoiceCount: 1 },
      { groupKey: null, currency: 'USD', bucket: 1, amount: 5, invoiceCount: 1 },
    ]);
    assert.deepEqual(creditRows, [
      { kind: 'cash', groupKey: null, currency: 'USD', amount: 7, count: 1, oldestDate: '2026-03-10' },
      { kind: 'cash', groupKey: 'dana', currency: 'USD', amount: 3, count: 2, oldestDate: '2026-03-02' },
      { kind: 'credit_memo', groupKey: 'dana', currency: 'EUR', amount: 4, count: 1, oldestDate: null },
    ]);
  });

  it('puts an invoice under its own subsidiary before its customer’s, and credits under the customer’s', () => {
    const { bucketRows, creditRows } = groupCells(cells, 'subsidiary', customers);
    assert.deepEqual(
      bucketRows.map((r) => [r.groupKey, r.currency, r.amount]),
      [
        ['west', 'USD', 100],
        ['east', 'USD', 50],
        [null, 'EUR', 70],
        [null, 'USD', 5],
      ],
    );
    assert.deepEqual(
      creditRows.map((r) => [r.kind, r.groupKey, r.amount]),
      [
        ['cash', null, 7],
        ['cash', 'west', 3],
        ['credit_memo', null, 4],
      ],
    );
  });

  it('keeps the oldest date of the credits it merges, and groups by currency or not at all', () => {
    const { creditRows } = groupCells(cells, 'none', customers);
    assert.deepEqual(creditRows[0], {
      kind: 'cash',
      groupKey: null,
      currency: 'USD',
      amount: 10,
      count: 3,
      oldestDate: '2026-03-02',
    });
    const byCurrency = groupCells(cells, 'currency', customers).bucketRows;
    assert.deepEqual(
      byCurrency.map((r) => [r.groupKey, r.bucket, r.amount]),
      [
        ['USD', 1, 155],
        ['EUR', 2, 70],
      ],
    );
    assert.deepEqual(
      groupCells(cells, 'customer', customers).bucketRows.map((r) => [r.groupKey, r.amount]),
      [
        ['acme', 150],
        ['beta', 70],
        ['gone', 5],
      ],
    );
  });
});
