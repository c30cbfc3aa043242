import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  InvalidArgumentError,
  NotFoundError,
  RuleViolationError,
} from '../../../../src/common/errors/app-error';
import type { User } from '../../../../src/identity/user.entity';
import type { Customer } from '../../../../src/receivables/customers/customer.entity';
import { CustomerCommands } from '../../../../src/receivables/customers/customer.commands';
import { addDays } from '../../../factories/books';
import { assertAudited, auditOf, commandWorld, failsAndChangesNothing } from './commands';
import type { CommandWorld } from './commands';

describe('collections commands: customers (collector, tags, dunning)', () => {
  let w: CommandWorld;
  let customers: CustomerCommands;
  let bob: User;
  let viewer: User;

  const row = async (id: string) =>
    (
      await w.db.dataSource.query<Record<string, unknown>[]>(
        `SELECT collector_user_id AS "collectorUserId", tags,
                to_char(dunning_paused_until, 'YYYY-MM-DD') AS "dunningPausedUntil",
                dunning_pause_reason AS "dunningPauseReason"
           FROM customers WHERE org_id = $1 AND id = $2`,
        [w.books.orgId, id],
      )
    )[0];

  before(async () => {
    w = await commandWorld();
    customers = w.app.get(CustomerCommands);
    bob = await w.books.member('manager', { name: 'Bob Baker' });
    viewer = await w.books.member('viewer', { name: 'Vera Viewer' });
  });
  after(async () => w.close());

  describe('assignCollector', () => {
    it('assigns many customers to one collector, auditing each change, and reports those already assigned', async () => {
      const already = await w.books.customer({ collectorUserId: bob.id });
      const fresh = [await w.books.customer(), await w.books.customer({ collectorUserId: w.alice.id })];
      const result = await customers.assignCollector(w.ctx(), {
        customerIds: [fresh[0].id, already.id, fresh[1].id, fresh[0].id],
        collectorUserId: bob.id,
      });
      assert.deepEqual(result, {
        collectorUserId: bob.id,
        changed: [fresh[0].id, fresh[1].id],
        unchanged: [already.id],
      });
      for (const c of [...fresh, already]) assert.equal((await row(c.id)).collectorUserId, bob.id);
      const audit = await assertAudited(w.db.dataSource, w.books.orgId, fresh[1].id, {
        action: 'customer.assign_collector',
        targetType: 'customer',
        actorUserId: w.alice.id,
      });
      assert.deepEqual(audit.details, {
        before: { collectorUserId: w.alice.id },
        after: { collectorUserId: bob.id },
      });
      assert.equal((await auditOf(w.db.dataSource, w.books.orgId, already.id)).length, 0);
    });

    it('removes the collector when given null', async () => {
      const c = await w.books.customer({ collectorUserId: bob.id });
      await customers.assignCollector(w.ctx(), { customerIds: [c.id], collectorUserId: null });
      assert.equal((await row(c.id)).collectorUserId, null);
    });

    it('is all or nothing: unknown or foreign ids are all named and nothing is assigned', async () => {
      const mine = await w.books.customer();
      const theirs = await w.other.customer();
      const ghost = randomUUID();
      const error = await failsAndChangesNothing(
        w.books,
        () =>
          customers.assignCollector(w.ctx(), {
            customerIds: [mine.id, theirs.id, ghost],
            collectorUserId: bob.id,
          }),
        NotFoundError,
        new RegExp(
          `2 of the 3 customer ids do not exist in this organization: ${theirs.id}, ${ghost}\\. Nothing was changed`,
        ),
      );
      assert.deepEqual((error as NotFoundError).details.missingIds, [theirs.id, ghost]);
      assert.equal((await row(mine.id)).collectorUserId, null);
    });

    it('refuses a viewer, a stranger, more than 500 customers and a missing collector field', async () => {
      const c = await w.books.customer();
      await failsAndChangesNothing(
        w.books,
        () => customers.assignCollector(w.ctx(), { customerIds: [c.id], collectorUserId: viewer.id }),
        RuleViolationError,
        /Vera Viewer is a viewer in this organization and cannot be given collections work/,
      );
      await failsAndChangesNothing(
        w.books,
        () => customers.assignCollector(w.ctx(), { customerIds: [c.id], collectorUserId: w.mallory.id }),
        NotFoundError,
        new RegExp(`No member with id "${w.mallory.id}"`),
      );
      await failsAndChangesNothing(
        w.books,
        () =>
          customers.assignCollector(w.ctx(), {
            customerIds: Array.from({ length: 501 }, () => randomUUID()),
            collectorUserId: bob.id,
          }),
        InvalidArgumentError,
        /customerIds may list at most 500 ids; got 501/,
      );
      await failsAndChangesNothing(
        w.books,
        () =>
          customers.assignCollector(w.ctx(), { customerIds: [c.id] } as unknown as {
            customerIds: string[];
            collectorUserId: null;
          }),
        InvalidArgumentError,
        /collectorUserId is required/,
      );
    });

    it('assigns 500 customers in one call', async () => {
      const ids: string[] = [];
      for (let n = 0; n < 500; n++) ids.push((await w.books.customer()).id);
      const result = await customers.assignCollector(w.ctx(), {
        customerIds: ids,
        collectorUserId: w.alice.id,
      });
      assert.equal(result.changed.length, 500);
      const [{ n }] = await w.db.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM customers WHERE org_id = $1 AND id = ANY($2::uuid[]) AND collector_user_id = $3',
        [w.books.orgId, ids, w.alice.id],
      );
      assert.equal(n, 500);
    });
  });

  describe('tags', () => {
    let acme: Customer;
    before(async () => {
      acme = await w.books.customer({ name: 'Acme', tags: ['strategic'] });
    });

    it('sets tags normalised (trimmed, lower-case, hyphenated), deduplicated and sorted', async () => {
      const result = await customers.setTags(w.ctx(), acme.id, [
        '  Payment Plan ',
        'VIP',
        'vip',
        'new_account',
      ]);
      assert.deepEqual(result, {
        customerId: acme.id,
        tags: ['new-account', 'payment-plan', 'vip'],
        added: ['new-account', 'payment-plan', 'vip'],
        removed: ['strategic'],
      });
      assert.deepEqual((await row(acme.id)).tags, ['new-account', 'payment-plan', 'vip']);
      const [entry] = await auditOf(w.db.dataSource, w.books.orgId, acme.id);
      assert.deepEqual(
        [entry.action, entry.details],
        [
          'customer.set_tags',
          { before: { tags: ['strategic'] }, after: { tags: ['new-account', 'payment-plan', 'vip'] } },
        ],
      );
    });

    it('adds and removes tags, ignoring tags it already has or never had', async () => {
      const added = await customers.addTags(w.ctx(), acme.id, ['VIP', 'Reseller']);
      assert.deepEqual(
        [added.tags, added.added],
        [['new-account', 'payment-plan', 'reseller', 'vip'], ['reseller']],
      );
      const removed = await customers.removeTags(w.ctx(), acme.id, ['payment plan', 'unknown']);
      assert.deepEqual(
        [removed.tags, removed.removed],
        [['new-account', 'reseller', 'vip'], ['payment-plan']],
      );
      assert.deepEqual((await row(acme.id)).tags, ['new-account', 'reseller', 'vip']);
      const actions = (await auditOf(w.db.dataSource, w.books.orgId, acme.id)).map((a) => a.action);
      assert.deepEqual(actions.slice(-2), ['customer.add_tags', 'customer.remove_tags']);
    });

    it('clears every tag with an empty list', async () => {
      const c = await w.books.customer({ tags: ['a', 'b'] });
      assert.deepEqual((await customers.setTags(w.ctx(), c.id, [])).tags, []);
      assert.deepEqual((await row(c.id)).tags, []);
    });

    it('refuses blank, over-long or odd tags, and more than 20 on a customer', async () => {
      await failsAndChangesNothing(
        w.books,
        () => customers.addTags(w.ctx(), acme.id, ['  ']),
        InvalidArgumentError,
        /tags must not contain blank tags/,
      );
      await failsAndChangesNothing(
        w.books,
        () => customers.addTags(w.ctx(), acme.id, ['x'.repeat(41)]),
        InvalidArgumentError,
        /is longer than 40 characters/,
      );
      await failsAndChangesNothing(
        w.books,
        () => customers.addTags(w.ctx(), acme.id, ['<script>']),
        InvalidArgumentError,
        /may contain only letters, digits/,
      );
      await failsAndChangesNothing(
        w.books,
        () =>
          customers.addTags(
            w.ctx(),
            acme.id,
            Array.from({ length: 18 }, (_, n) => `t${n}`),
          ),
        RuleViolationError,
        /Acme would have 21 tags; a customer has at most 20/,
      );
    });
  });

  describe('dunning', () => {
    it('pauses dunning until a day with a reason, then resumes it', async () => {
      const c = await w.books.customer({ name: 'Paused Inc' });
      const until = addDays(w.today, 14);
      const paused = await customers.pauseDunning(w.ctx(), c.id, {
        until,
        reason: 'Disputed shipment under review',
      });
      assert.deepEqual(paused, {
        customerId: c.id,
        dunningPausedUntil: until,
        dunningPauseReason: 'Disputed shipment under review',
      });
      assert.deepEqual(
        [(await row(c.id)).dunningPausedUntil, (await row(c.id)).dunningPauseReason],
        [until, 'Disputed shipment under review'],
      );
      const audit = await assertAudited(w.db.dataSource, w.books.orgId, c.id, {
        action: 'customer.pause_dunning',
        targetType: 'customer',
        actorUserId: w.alice.id,
      });
      assert.equal(audit.reason, 'Disputed shipment under review');
      const resumed = await customers.resumeDunning(w.ctx(), c.id, { reason: 'Resolved early' });
      assert.deepEqual([resumed.dunningPausedUntil, resumed.dunningPauseReason], [null, null]);
      assert.equal((await row(c.id)).dunningPausedUntil, null);
      await assertAudited(w.db.dataSource, w.books.orgId, c.id, {
        action: 'customer.resume_dunning',
        targetType: 'customer',
        actorUserId: w.alice.id,
      });
    });

    it('refuses a pause ending in the past or more than a year away, or without a reason', async () => {
      const c = await w.books.customer();
      await failsAndChangesNothing(
        w.books,
        () => customers.pauseDunning(w.ctx(), c.id, { until: addDays(w.today, -1), reason: 'x' }),
        RuleViolationError,
        new RegExp(`until ${addDays(w.today, -1)} is in the past`),
      );
      await failsAndChangesNothing(
        w.books,
        () => customers.pauseDunning(w.ctx(), c.id, { until: addDays(w.today, 400), reason: 'x' }),
        RuleViolationError,
        /is more than a year away/,
      );
      await failsAndChangesNothing(
        w.books,
        () => customers.pauseDunning(w.ctx(), c.id, { until: w.today, reason: '' }),
        InvalidArgumentError,
        /reason must not be blank/,
      );
    });

    it('refuses to resume dunning that is not paused (never, or a pause that has ended)', async () => {
      const never = await w.books.customer({ name: 'Never Paused' });
      await failsAndChangesNothing(
        w.books,
        () => customers.resumeDunning(w.ctx(), never.id),
        RuleViolationError,
        /Dunning is not paused for Never Paused, so there is nothing to resume/,
      );
      const ended = await w.books.customer({
        dunningPausedUntil: addDays(w.today, -1),
        dunningPauseReason: 'old',
      });
      await failsAndChangesNothing(
        w.books,
        () => customers.resumeDunning(w.ctx(), ended.id),
        RuleViolationError,
        /not paused/,
      );
    });
  });

  it('treats another organization’s customers as not found and changes nothing there', async () => {
    const c = await w.books.customer({ tags: ['keep'] });
    for (const attempt of [
      () => customers.setTags(w.otherCtx(), c.id, ['stolen']),
      () => customers.addTags(w.otherCtx(), c.id, ['stolen']),
      () => customers.removeTags(w.otherCtx(), c.id, ['keep']),
      () => customers.pauseDunning(w.otherCtx(), c.id, { until: w.today, reason: 'x' }),
      () => customers.resumeDunning(w.otherCtx(), c.id),
    ]) {
      await failsAndChangesNothing(
        w.books,
        attempt,
        NotFoundError,
        new RegExp(`No customer with id "${c.id}"`),
      );
    }
    await failsAndChangesNothing(
      w.books,
      () => customers.assignCollector(w.otherCtx(), { customerIds: [c.id], collectorUserId: w.mallory.id }),
      NotFoundError,
      /1 of the 1 customer ids do not exist/,
    );
  });
});
