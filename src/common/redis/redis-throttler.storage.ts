import type { ThrottlerStorage } from '@nestjs/throttler';
import { randomUUID } from 'node:crypto';
import type { RedisConnections } from './redis-connections';
import { RedisScript } from './redis-script';

/** The record increment() answers (the package does not export its name). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One atomic step per request, mirroring @nestjs/throttler 6.7.1's in-memory storage
 * (ThrottlerStorageService) so a limit means the same with one replica or several:
 * - hits are a sliding log: each hit stops counting `ttl` after it was made (a sorted set scored by
 *   that moment);
 * - `timeToExpire` is the fixed window the X-RateLimit-Reset header reports;
 * - with a block duration, the hit past the limit blocks the key for that long, hits while blocked
 *   are not counted, and when the block ends counting starts afresh;
 * - without one (blockDuration <= 0) a hit at the limit is refused without being counted.
 * Time is Redis' clock (TIME), so replicas with skewed clocks still agree.
 *
 * KEYS: hits, window, block. ARGV: ttl ms, limit, block duration ms, a unique member for this hit.
 * The block key holds when the block ends and outlives it by `ttl`, so its end is noticed.
 */
const INCREMENT = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockDuration = tonumber(ARGV[3])

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local windowLeft = redis.call('PTTL', KEYS[2])
if windowLeft <= 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ttl)
  windowLeft = ttl
end
local timeToExpire = math.ceil(windowLeft / 1000)

local function hit()
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ttl)
end

if blockDuration <= 0 then
  local hits = redis.call('ZCARD', KEYS[1])
  if hits >= limit then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    local untilFree = timeToExpire
    if oldest[2] then untilFree = math.ceil((tonumber(oldest[2]) - now) / 1000) end
    return { hits + 1, timeToExpire, 1, untilFree }
  end
  hit()
  return { hits + 1, timeToExpire, 0, 0 }
end

local blockedUntil = tonumber(redis.call('GET', KEYS[3]) or '0')
if blockedUntil > now then
  return { redis.call('ZCARD', KEYS[1]), timeToExpire, 1, math.ceil((blockedUntil - now) / 1000) }
end
if blockedUntil > 0 then
  redis.call('DEL', KEYS[1], KEYS[3])
end
hit()
local hits = redis.call('ZCARD', KEYS[1])
if hits > limit then
  redis.call('SET', KEYS[3], now + blockDuration, 'PX', blockDuration + ttl)
  return { hits, timeToExpire, 1, math.ceil(blockDuration / 1000) }
end
return { hits, timeToExpire, 0, 0 }
`);

/**
 * @nestjs/throttler storage in Redis, so a limit holds across replicas. When Redis cannot be
 * reached, increment() throws RedisUnavailableError: the guarded request is refused (fail closed,
 * 503), never let through uncounted — see ADR 0011 for why that suits the limits stored here.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly redis: RedisConnections) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // The hash tag keeps one tracker's keys in one slot should Redis ever be a cluster.
    const prefix = `throttle:{${key}}:${throttlerName}`;
    const reply = await this.redis.run('rate-limit check', (client) =>
      INCREMENT.run(
        client,
        [`${prefix}:hits`, `${prefix}:window`, `${prefix}:block`],
        [Math.ceil(ttl), limit, Math.ceil(blockDuration), randomUUID()],
      ),
    );
    const [totalHits, timeToExpire, blocked, timeToBlockExpire] = reply as [number, number, number, number];
    return { totalHits, timeToExpire, isBlocked: blocked === 1, timeToBlockExpire };
  }
}
