import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { randomUUID } from 'node:crypto';
import { RedisConnections } from '../../../src/common/redis/redis-connections';
import { RedisUnavailableError } from '../../../src/common/redis/redis.errors';
import { RedisThrottlerStorage } from '../../../src/common/redis/redis-throttler.storage';
import { freePort } from '../../support/postgres-server';
import { startRedisServer } from '../../support/redis-server';
import type { RedisServer } from '../../support/redis-server';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The guard reads timeToBlockExpire only when the hit is blocked (for Retry-After); unblocked, the
 * in-memory storage reports whatever its arithmetic gives (0 minus now, say). Compare what is read.
 */
function meaningful(record: ThrottlerStorageRecord): ThrottlerStorageRecord {
  return { ...record, timeToBlockExpire: record.isBlocked ? record.timeToBlockExpire : 0 };
}

type Step = { hit: [ttl: number, limit: number, blockDuration: number] } | { wait: number };

/**
 * The same sequence of hits against @nestjs/throttler's in-memory storage and against ours, one
 * step at a time: every answer must be the same, so a limit means the same with one replica as with
 * several.
 */
async function sameAnswers(redis: RedisThrottlerStorage, steps: Step[]): Promise<void> {
  const memory = new ThrottlerStorageService();
  const key = randomUUID();
  try {
    for (const [index, step] of steps.entries()) {
      if ('wait' in step) {
        await sleep(step.wait);
        continue;
      }
      const [ours, theirs] = await Promise.all(
        [redis, memory].map(async (storage: ThrottlerStorage) =>
          meaningful(await storage.increment(key, ...step.hit, 'registration')),
        ),
      );
      assert.deepEqual(ours, theirs, `step ${index}: ${JSON.stringify(step)}`);
    }
  } finally {
    memory.onApplicationShutdown();
  }
}

describe('the Redis throttler storage', () => {
  let server: RedisServer;
  let connections: RedisConnections;
  let storage: RedisThrottlerStorage;

  before(async () => {
    Logger.overrideLogger(false); // the unreachable-Redis case logs its warning on purpose
    server = await startRedisServer();
    connections = new RedisConnections(server.url);
    storage = new RedisThrottlerStorage(connections);
  });
  after(async () => {
    await connections.onApplicationShutdown();
    await server.destroy();
  });

  it('answers like the in-memory storage up to the limit and while blocked (block = ttl, our setting)', async () => {
    const hit: Step = { hit: [3600_000, 3, 3600_000] };
    await sameAnswers(storage, [hit, hit, hit, hit, hit, hit]);
  });

  it('starts counting afresh when a block shorter than the window runs out, like the in-memory storage', async () => {
    const hit: Step = { hit: [60_000, 2, 300] };
    await sameAnswers(storage, [hit, hit, hit, hit, { wait: 400 }, hit, hit, hit]);
  });

  it('refuses without counting at the limit when there is no block duration, like the in-memory storage', async () => {
    const hit: Step = { hit: [60_000, 2, 0] };
    await sameAnswers(storage, [hit, hit, hit, hit]);
  });

  it('forgets each hit a window after it was made (a sliding log)', async () => {
    const hit: Step = { hit: [500, 2, 0] };
    await sameAnswers(storage, [hit, { wait: 300 }, hit, { wait: 250 }, hit, hit]);
  });

  it('keeps trackers and throttlers apart', async () => {
    const first = await storage.increment('tracker-a', 60_000, 1, 60_000, 'registration');
    await storage.increment('tracker-a', 60_000, 1, 60_000, 'registration');
    const otherTracker = await storage.increment('tracker-b', 60_000, 1, 60_000, 'registration');
    const otherThrottler = await storage.increment('tracker-a', 60_000, 1, 60_000, 'other');
    assert.equal(first.isBlocked, false);
    assert.equal(otherTracker.isBlocked, false);
    assert.equal(otherThrottler.isBlocked, false);
  });

  it('holds the count for every client of the same Redis (two replicas)', async () => {
    const second = new RedisConnections(server.url);
    try {
      const replicaB = new RedisThrottlerStorage(second);
      const key = randomUUID();
      await storage.increment(key, 60_000, 2, 60_000, 'registration');
      await replicaB.increment(key, 60_000, 2, 60_000, 'registration');
      const third = await storage.increment(key, 60_000, 2, 60_000, 'registration');
      assert.equal(third.totalHits, 3);
      assert.equal(third.isBlocked, true);
    } finally {
      await second.onApplicationShutdown();
    }
  });

  it('fails closed, fast, with RedisUnavailableError when Redis cannot be reached', async () => {
    const nowhere = new RedisConnections(`redis://127.0.0.1:${await freePort()}`);
    try {
      const started = performance.now();
      await assert.rejects(
        new RedisThrottlerStorage(nowhere).increment('k', 60_000, 1, 60_000, 'registration'),
        RedisUnavailableError,
      );
      assert.ok(performance.now() - started < 1500, 'no hang');
    } finally {
      await nowhere.onApplicationShutdown();
    }
  });
});
