import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError, InvalidArgumentError } from '../../../../src/common/errors/app-error';
import { Activity } from '../../../../src/receivables/activities/activity.entity';
import { CommandRunner } from '../../../../src/receivables/commands/command-runner';
import type { CommandScope } from '../../../../src/receivables/commands/command-runner';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { CLIENT_ID, auditOf, commandWorld, failsAndChangesNothing, orgDigest, rejectsWith } from './commands';
import type { CommandWorld } from './commands';

/**
 * The runner every write goes through (STYLE.md, Transactions; security.md K6): the command's rows
 * and its audit entry commit together or not at all, and an idempotency key makes a retried
 * command act once.
 */
describe('CommandRunner', () => {
  let w: CommandWorld;
  let runner: CommandRunner;
  let acme: Customer;
  let bodyRuns = 0;

  /** A command body that writes one note and audits it, counting how often it really ran. */
  const writeNote =
    (body: string) =>
    async (scope: CommandScope): Promise<{ id: string; body: string }> => {
      const { manager, orgId } = scope;
      bodyRuns++;
      const note = await manager
        .getRepository(Activity)
        .save({ orgId, customerId: acme.id, type: 'note' as const, body, occurredAt: new Date() });
      await scope.audit({
        action: 'test.note',
        targetType: 'activity',
        targetId: note.id,
        details: { body },
      });
      return { id: note.id, body };
    };

  const notes = async (orgId = w.books.orgId): Promise<string[]> =>
    (
      await w.db.dataSource.query<{ body: string }[]>(
        `SELECT body FROM activities WHERE org_id = $1 ORDER BY body`,
        [orgId],
      )
    ).map((r) => r.body);

  before(async () => {
    w = await commandWorld();
    runner = w.app.get(CommandRunner);
    acme = await w.books.customer({ name: 'Acme' });
  });
  after(async () => w.close());

  it('commits the command’s row and its audit entry together', async () => {
    const result = await runner.run(w.ctx(), 'test.note', { body: 'first' }, writeNote('first'));
    assert.deepEqual(await notes(), ['first']);
    const [entry] = await auditOf(w.db.dataSource, w.books.orgId, result.id);
    assert.deepEqual(
      [entry.action, entry.actorType, entry.actorUserId, entry.clientId, entry.targetType, entry.details],
      ['test.note', 'user', w.alice.id, CLIENT_ID, 'activity', { body: 'first' }],
    );
  });

  it('leaves nothing behind when the body throws after writing', async () => {
    await failsAndChangesNothing(
      w.books,
      () =>
        runner.run(w.ctx(), 'test.note', {}, async (scope) => {
          await writeNote('doomed')(scope);
          throw new Error('the body failed after its writes');
        }),
      Error,
      /the body failed after its writes/,
    );
  });

  it('leaves nothing behind when the audit insert itself fails (fails closed, security.md K6)', async () => {
    await failsAndChangesNothing(
      w.books,
      () =>
        runner.run(w.ctx(), 'test.note', {}, async (scope) => {
          const { manager, orgId } = scope;
          await manager.getRepository(Activity).save({
            orgId,
            customerId: acme.id,
            type: 'note' as const,
            body: 'unaudited',
            occurredAt: new Date(),
          });
          // target_type is NOT NULL: the audit row cannot be written.
          await scope.audit({ action: 'test.note', targetType: null as unknown as string, targetId: null });
          return 'never';
        }),
      Error,
      /target_type/,
    );
    assert.ok(!(await notes()).includes('unaudited'));
  });

  it('refuses to commit a body that wrote no audit entry', async () => {
    await failsAndChangesNothing(
      w.books,
      () =>
        runner.run(w.ctx(), 'test.silent', {}, async ({ manager, orgId }) => {
          await manager.getRepository(Activity).save({
            orgId,
            customerId: acme.id,
            type: 'note' as const,
            body: 'silent',
            occurredAt: new Date(),
          });
          return 'never';
        }),
      Error,
      /wrote no audit record/,
    );
  });

  it('acts once for the same key and input and returns the first result again', async () => {
    const runsBefore = bodyRuns;
    const first = await runner.run(w.ctx('retry-1'), 'test.note', { body: 'once' }, writeNote('once'));
    const again = await runner.run(w.ctx('retry-1'), 'test.note', { body: 'once' }, writeNote('once'));
    assert.deepEqual(again, first);
    assert.equal(bodyRuns - runsBefore, 1);
    assert.deepEqual(
      (await notes()).filter((b) => b === 'once'),
      ['once'],
    );
    assert.equal((await auditOf(w.db.dataSource, w.books.orgId, first.id)).length, 1);
  });

  it('refuses the same key with a different input and changes nothing', async () => {
    await runner.run(w.ctx('retry-2'), 'test.note', { body: 'original' }, writeNote('original'));
    await failsAndChangesNothing(
      w.books,
      () => runner.run(w.ctx('retry-2'), 'test.note', { body: 'changed' }, writeNote('changed')),
      ConflictError,
      /idempotency key "retry-2" was already used for a different request/,
    );
    await rejectsWith(
      runner.run(w.ctx('retry-2'), 'test.other', { body: 'original' }, writeNote('original')),
      ConflictError,
      /different request/,
    );
  });

  it('acts once when two calls with one key race each other', async () => {
    const runsBefore = bodyRuns;
    const [a, b] = await Promise.all([
      runner.run(w.ctx('race-1'), 'test.note', { body: 'raced' }, writeNote('raced')),
      runner.run(w.ctx('race-1'), 'test.note', { body: 'raced' }, writeNote('raced')),
    ]);
    assert.deepEqual(a, b);
    assert.equal(bodyRuns - runsBefore, 1);
    assert.deepEqual(
      (await notes()).filter((x) => x === 'raced'),
      ['raced'],
    );
  });

  it('keeps idempotency keys per organization', async () => {
    const bolt = await w.other.customer({ name: 'Bolt' });
    const inB = await runner.run(
      { ...w.otherCtx(), idempotencyKey: 'retry-1' },
      'test.note',
      { body: 'once' },
      async (scope) => {
        const { manager, orgId } = scope;
        const note = await manager.getRepository(Activity).save({
          orgId,
          customerId: bolt.id,
          type: 'note' as const,
          body: 'once in B',
          occurredAt: new Date(),
        });
        await scope.audit({ action: 'test.note', targetType: 'activity', targetId: note.id });
        return { id: note.id };
      },
    );
    assert.deepEqual(await notes(w.other.orgId), ['once in B']);
    assert.ok(inB.id);
  });

  it('refuses an empty or over-long idempotency key before doing anything', async () => {
    const before = await orgDigest(w.db.dataSource, w.books.orgId);
    await rejectsWith(
      runner.run(w.ctx(''), 'test.note', {}, writeNote('x')),
      InvalidArgumentError,
      /1 to 200/,
    );
    await rejectsWith(
      runner.run(w.ctx('k'.repeat(201)), 'test.note', {}, writeNote('x')),
      InvalidArgumentError,
      /1 to 200/,
    );
    assert.deepEqual(await orgDigest(w.db.dataSource, w.books.orgId), before);
  });
});
