import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueryRunner } from 'typeorm';
import { BulkWriter, sameTransaction, table, transactionPerChunk } from './bulk-writer';

const NOTES = table('notes', {
  id: 'uuid',
  body: 'text?',
  tags: 'text[]',
  kind: 'enum:note_kind',
  amount: 'bigint',
});

function fakeRunner(fail?: (sql: string) => boolean) {
  const calls: { sql: string; parameters?: unknown[] }[] = [];
  const runner = {
    isTransactionActive: false,
    query(sql: string, parameters?: unknown[]): Promise<unknown[]> {
      calls.push({ sql, parameters });
      return fail?.(sql) ? Promise.reject(new Error(`failed: ${sql.slice(0, 20)}`)) : Promise.resolve([]);
    },
    startTransaction(): Promise<void> {
      calls.push({ sql: 'BEGIN' });
      runner.isTransactionActive = true;
      return Promise.resolve();
    },
    commitTransaction(): Promise<void> {
      calls.push({ sql: 'COMMIT' });
      runner.isTransactionActive = false;
      return Promise.resolve();
    },
    rollbackTransaction(): Promise<void> {
      calls.push({ sql: 'ROLLBACK' });
      runner.isTransactionActive = false;
      return Promise.resolve();
    },
  };
  return { runner: runner as unknown as QueryRunner, calls };
}

describe('BulkWriter', () => {
  it('inserts buffered rows with one unnest statement per 5,000 rows, casting enums and arrays', async () => {
    const { runner, calls } = fakeRunner();
    const writer = new BulkWriter(sameTransaction(runner));
    const notes = writer.buffer(NOTES);
    for (let i = 0; i < 12_000; i++)
      notes.push({ id: `id-${i}`, body: i === 0 ? null : 'x', tags: [], kind: 'memo', amount: i });
    await writer.finish();
    assert.equal(calls.length, 3);
    assert.equal(
      calls[0].sql,
      'INSERT INTO "notes" ("id", "body", "tags", "kind", "amount") SELECT u."id", u."body", u."tags"::text[], ' +
        'u."kind"::"note_kind", u."amount" FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[]) ' +
        'AS u("id", "body", "tags", "kind", "amount")',
    );
    assert.deepEqual(
      calls.map((c) => (c.parameters![0] as unknown[]).length),
      [5_000, 5_000, 2_000],
    );
    assert.equal((calls[0].parameters![1] as unknown[])[0], null);
    assert.deepEqual(writer.counts(), { notes: 12_000 });
  });

  it('writes text arrays as literals, quoting what needs quoting', async () => {
    const { runner, calls } = fakeRunner();
    const writer = new BulkWriter(sameTransaction(runner));
    writer
      .buffer(NOTES)
      .push({ id: 'a', body: null, tags: ['a b', 'say "hi"', 'back\\slash'], kind: 'memo', amount: 1 });
    await writer.finish();
    assert.equal((calls[0].parameters![2] as unknown[])[0], '{"a b","say \\"hi\\"","back\\\\slash"}');
  });

  it('reports a failed insert from finish(), not as an unhandled rejection', async () => {
    const { runner } = fakeRunner(() => true);
    const writer = new BulkWriter(sameTransaction(runner));
    writer.buffer(NOTES).push({ id: 'a', body: null, tags: [], kind: 'memo', amount: 1 });
    await writer.flush();
    await assert.rejects(writer.finish(), /failed: INSERT/);
  });

  it('runs each chunk in its own transaction and rolls back a chunk that fails', async () => {
    const { runner, calls } = fakeRunner(
      (sql) => sql.includes('"notes"') && calls.filter((c) => c.sql === 'BEGIN').length === 2,
    );
    const writer = new BulkWriter(transactionPerChunk([runner]));
    const notes = writer.buffer(NOTES);
    notes.push({ id: 'a', body: null, tags: [], kind: 'memo', amount: 1 });
    await writer.flush();
    notes.push({ id: 'b', body: null, tags: [], kind: 'memo', amount: 2 });
    await assert.rejects(writer.finish(), /failed/);
    assert.deepEqual(
      calls.map((c) => c.sql.split(' ')[0]),
      ['BEGIN', 'SET', 'INSERT', 'COMMIT', 'BEGIN', 'SET', 'INSERT', 'ROLLBACK'],
    );
  });
});
