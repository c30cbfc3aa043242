import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Response } from 'express';
import type { RedisConnections } from '../../common/redis/redis-connections';
import { RedisUnavailableError } from '../../common/redis/redis.errors';
import { SseRelay } from './sse-relay';
import { SseSessions } from './sse-sessions';

/** Stand-ins for the two ioredis connections; `up` says whether each answers commands. */
class FakeConnection extends EventEmitter {
  up = true;
  constructor(private readonly calls: string[]) {
    super();
  }
  private answer(call: string): Promise<string> {
    if (!this.up) return Promise.reject(new Error('Connection is closed.'));
    this.calls.push(call);
    return Promise.resolve('OK');
  }
  /** Subscribers per channel as the server would count them, and what PUBLISH reached. */
  readonly listening = new Set<string>();
  readonly records = new Map<string, string>();
  readonly delivered: string[] = [];
  set(key: string, value: string): Promise<string> {
    this.records.set(key, value);
    return this.answer(`SET ${key}`);
  }
  get(key: string): Promise<string | null> {
    return Promise.resolve(this.records.get(key) ?? null);
  }
  publish(channel: string, message: string): Promise<number> {
    if (!this.listening.has(channel)) return Promise.resolve(0);
    this.delivered.push(message);
    return Promise.resolve(1);
  }
  subscribe(channel: string): Promise<string> {
    return this.answer(`SUBSCRIBE ${channel}`);
  }
}

function relayOnFakes(): {
  relay: SseRelay;
  sessions: SseSessions;
  client: FakeConnection;
  subscriber: FakeConnection;
  calls: string[];
} {
  const calls: string[] = [];
  const client = new FakeConnection(calls);
  const subscriber = new FakeConnection(calls);
  const connections = {
    enabled: true,
    client,
    subscriber,
    async run<T>(operation: string, command: (connection: FakeConnection) => Promise<T>): Promise<T> {
      try {
        return await command(client);
      } catch (error) {
        throw new RedisUnavailableError(operation, error);
      }
    },
    describeError: (error: unknown) => String(error),
  } as unknown as RedisConnections;
  const sessions = new SseSessions();
  const relay = new SseRelay(connections, sessions);
  relay.onModuleInit();
  return { relay, sessions, client, subscriber, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('announcing a legacy SSE stream to other replicas', () => {
  it('subscribes before writing the record that sends other replicas’ answers here', async () => {
    const { relay, sessions, calls } = relayOnFakes();
    const session = sessions.open('grant-1', new EventEmitter() as unknown as Response);
    await relay.announce(session);
    assert.deepEqual(calls, [`SUBSCRIBE sse:${session.id}`, `SET sse:session:${session.id}`]);
  });

  it('writes no record while the subscriber is down, and completes the repair when it is back', async () => {
    const { relay, sessions, client, subscriber, calls } = relayOnFakes();
    const session = sessions.open('grant-1', new EventEmitter() as unknown as Response);
    await relay.announce(session);
    calls.length = 0;

    // Redis restarted: the command connection is back first, the subscriber still reconnecting.
    subscriber.up = false;
    client.emit('ready');
    await settle();
    assert.deepEqual(calls, [], 'no record points other replicas at a stream nobody listens for');

    subscriber.up = true;
    subscriber.emit('ready');
    await settle();
    assert.deepEqual(calls, [`SUBSCRIBE sse:${session.id}`, `SET sse:session:${session.id}`]);
  });

  it('publishes again while the holder’s subscription lags its record, then gives up when the record goes', async () => {
    const { relay, sessions, client } = relayOnFakes();
    const session = sessions.open('grant-1', new EventEmitter() as unknown as Response);
    await relay.announce(session);
    // The record is back, the holder's subscription not yet: it arrives 300 ms later.
    setTimeout(() => client.listening.add(`sse:${session.id}`), 300);
    assert.equal(await relay.publish(session.id, '{"id":5}'), true);
    assert.deepEqual(client.delivered, ['{"id":5}']);

    client.listening.clear();
    client.records.clear(); // the stream closed: no record, no waiting
    const started = Date.now();
    assert.equal(await relay.publish(session.id, '{"id":6}'), false);
    assert.ok(Date.now() - started < 200, 'no retry without a holder');
  });
});
