import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../common/errors/app-error';
import {
  agingBucketAges,
  agingBucketNames,
  agingBucketOf,
  containsPattern,
  parseAmountRange,
  parseCurrency,
  parseDateRange,
  parseDaysRange,
  parseEnumList,
  parseTags,
  parseText,
  parseUuidList,
  readCursor,
  readFilter,
  readPageRequest,
  trigramProbe,
} from './filters';
import { encodeCursor } from './pagination';

const id = '4f3c2b1a-0000-4000-8000-000000000001';

function throwsNaming(fn: () => unknown, field: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
    assert.ok(error.message.includes(field), `"${error.message}" should name ${field}`);
    assert.equal(error.details.field, field.split(' ')[0]);
    return true;
  });
}

describe('aging buckets', () => {
  it('names buckets from the organization edges', () => {
    assert.deepEqual(agingBucketNames([30, 60, 90]), ['current', '1-30', '31-60', '61-90', '90+']);
    assert.deepEqual(agingBucketNames([15, 45]), ['current', '1-15', '16-45', '45+']);
  });

  it('puts each age in the bucket whose edges include it', () => {
    const edges = [30, 60, 90];
    const cases: [number, string][] = [
      [-5, 'current'],
      [0, 'current'],
      [1, '1-30'],
      [30, '1-30'],
      [31, '31-60'],
      [60, '31-60'],
      [61, '61-90'],
      [90, '61-90'],
      [91, '90+'],
      [4000, '90+'],
    ];
    for (const [age, bucket] of cases) assert.equal(agingBucketOf(age, edges), bucket, `age ${age}`);
  });

  it('gives each bucket its inclusive age bounds', () => {
    const edges = [30, 60, 90];
    assert.deepEqual(agingBucketAges('current', edges), { max: 0 });
    assert.deepEqual(agingBucketAges('1-30', edges), { min: 1, max: 30 });
    assert.deepEqual(agingBucketAges('61-90', edges), { min: 61, max: 90 });
    assert.deepEqual(agingBucketAges('90+', edges), { min: 91 });
  });
});

describe('filter values', () => {
  it('refuses unknown filter fields, naming the accepted ones', () => {
    assert.throws(
      () => readFilter({ statuses: ['open'] }, ['status'], 'invoice filter'),
      /no field "statuses".*status\./,
    );
    assert.throws(() => readFilter([], ['status'], 'invoice filter'), InvalidArgumentError);
    assert.deepEqual(readFilter({ status: undefined }, ['status'], 'x'), {});
  });

  it('normalizes lists: one value or many, de-duplicated and sorted', () => {
    assert.deepEqual(parseEnumList('open', ['open', 'paid'] as const, 'status'), ['open']);
    assert.deepEqual(parseEnumList(['paid', 'open', 'paid'], ['open', 'paid'] as const, 'status'), [
      'open',
      'paid',
    ]);
    assert.deepEqual(parseUuidList([id.toUpperCase(), id], 'customerIds'), [id]);
    assert.deepEqual(parseTags([' vip ', 'vip'], 'tags'), ['vip']);
    throwsNaming(() => parseEnumList([], ['open'] as const, 'status'), 'status');
    throwsNaming(() => parseUuidList(['x'], 'customerIds'), 'customerIds');
  });

  it('checks ranges: inclusive, ordered, whole amounts in minor units', () => {
    assert.deepEqual(parseAmountRange({ min: 0, max: 0 }, 'total'), { min: 0, max: 0 });
    throwsNaming(() => parseAmountRange({ min: 2, max: 1 }, 'total'), 'total');
    throwsNaming(() => parseAmountRange({ min: 10.5 }, 'total'), 'total.min');
    throwsNaming(() => parseAmountRange({ above: 3 }, 'total'), 'total');
    assert.deepEqual(parseDaysRange({ min: -30 }, 'daysPastDue'), { min: -30, max: undefined });
    throwsNaming(() => parseDaysRange({ max: 100000 }, 'daysPastDue'), 'daysPastDue.max');
    assert.deepEqual(parseDateRange({ from: '2026-02-28' }, 'dueDate'), {
      from: '2026-02-28',
      to: undefined,
    });
    throwsNaming(() => parseDateRange({ from: '2026-02-29' }, 'dueDate'), 'dueDate.from');
    throwsNaming(() => parseDateRange({ from: '2026-03-02', to: '2026-03-01' }, 'dueDate'), 'dueDate');
  });

  it('trims text, refuses blanks and NUL, and escapes LIKE wildcards', () => {
    assert.equal(parseText('  acme ', 'text'), 'acme');
    throwsNaming(() => parseText(' ', 'text'), 'text');
    throwsNaming(() => parseText('a\u0000', 'text'), 'text');
    throwsNaming(() => parseText(5, 'text'), 'text');
    assert.equal(containsPattern('50%_off\\'), '%50\\%\\_off\\\\%');
  });

  it('probes a trigram index with the runs that hold digits, or else the longest run, when not the whole text', () => {
    assert.equal(trigramProbe('IT-0278949'), '%0278949%');
    assert.equal(trigramProbe('PMT-260417-1207'), '%260417%1207%');
    assert.equal(trigramProbe('ACH trace 418632346160631'), '%418632346160631%');
    assert.equal(trigramProbe('Sierra Printing Corp.'), '%Printing%');
    assert.equal(trigramProbe('Zürich Ölwerke'), '%Ölwerke%');
    assert.equal(trigramProbe('0278949'), undefined, 'the whole text already');
    assert.equal(trigramProbe('IT-08'), undefined, 'no run of 3');
    assert.equal(trigramProbe('50%_off'), '%off%');
  });

  it('accepts currency codes in any case', () => {
    assert.equal(parseCurrency('eur', 'currency'), 'EUR');
    throwsNaming(() => parseCurrency('EU', 'currency'), 'currency');
  });
});

describe('cursors and page requests', () => {
  it('checks the sort value a cursor carries against the kind of sort key', () => {
    const date = encodeCursor({ value: '2026-01-31', id }, 'q');
    assert.deepEqual(readCursor(date, 'q', 'date'), { value: '2026-01-31', id });
    for (const [value, kind] of [
      ['2026-02-30', 'date'],
      [1.5, 'integer'],
      ['12', 'integer'],
      ['2026-01-31T00:00:00Z', 'timestamp'],
      ['critical', ['low', 'high']],
      [null, 'text'],
    ] as const) {
      assert.throws(
        () => readCursor(encodeCursor({ value, id }, 'q'), 'q', kind),
        /cursor is not valid/,
        `${String(value)} as ${String(kind)}`,
      );
    }
    assert.equal(readCursor(undefined, 'q', 'date'), undefined);
    assert.throws(() => readCursor(42, 'q', 'date'), InvalidArgumentError);
  });

  it('accepts only limit and cursor as paging options', () => {
    assert.deepEqual(readPageRequest({ limit: 5 }), { limit: 5, cursor: undefined });
    throwsNaming(() => readPageRequest({ offset: 10 }), 'offset');
    throwsNaming(() => readPageRequest('next'), 'page');
  });
});
