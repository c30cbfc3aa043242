import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRedisTarget, withoutRedisSecrets } from './redis-target';

describe('naming the Redis target in logs', () => {
  it('shows scheme, host, port and database, never the credentials', () => {
    const url = 'rediss://default:s3cr%40t-pass@redis.internal:6380/2';
    const shown = describeRedisTarget(url);
    assert.equal(shown, 'rediss://redis.internal:6380/2');
    assert.doesNotMatch(shown, /s3cr|default/);
  });

  it('fills in the default port and database', () => {
    assert.equal(describeRedisTarget('redis://:pw@cache'), 'redis://cache:6379/0');
  });

  it('scrubs the password, as written and decoded, from any message', () => {
    const url = 'redis://:s3cr%40t-pass@cache:6379';
    const message = 'connect failed for s3cr@t-pass (s3cr%40t-pass) at cache:6379';
    assert.equal(
      withoutRedisSecrets(message, url),
      'connect failed for [redacted] ([redacted]) at cache:6379',
    );
  });

  it('leaves a message alone when the URL has no password', () => {
    assert.equal(
      withoutRedisSecrets('connect ECONNREFUSED 127.0.0.1:6379', 'redis://127.0.0.1:6379'),
      'connect ECONNREFUSED 127.0.0.1:6379',
    );
  });
});
