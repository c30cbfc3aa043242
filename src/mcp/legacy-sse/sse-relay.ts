import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { RedisConnections } from '../../common/redis/redis-connections';
import { SseSessions } from './sse-sessions';
import type { SseSession } from './sse-sessions';

/** A session record outlives its last refresh (the stream's keepalive, every 25 s) by this much. */
export const SSE_SESSION_TTL_MS = 60_000;

/** How long an answer waits for the holder's subscription (its Redis reconnects back off to 2 s). */
export const PUBLISH_GRACE_MS = 3000;
const PUBLISH_RETRY_MS = 100;

/** Where another replica's POST finds a stream: which grant opened it and which replica holds it. */
export interface SseSessionRecord {
  grantId: string;
  replica: string;
}

const recordKey = (sessionId: string): string => `sse:session:${sessionId}`;
const channel = (sessionId: string): string => `sse:${sessionId}`;
const sessionOf = (channelName: string): string => channelName.slice('sse:'.length);

/**
 * Legacy SSE across replicas (ADR 0011). The stream lives on the replica that opened it (A); a POST
 * may land on any replica (B). With Redis, A records `sse:session:<id>` → {grantId, replica} and
 * subscribes to `sse:<id>`; B, not holding the stream, reads the record, runs the message through
 * its own /v1/mcp (the caller's token is checked there, on B) and publishes the answer on `sse:<id>`
 * for A to write to the stream. Without Redis every method is a no-op and a POST on a replica that
 * does not hold the stream is answered 404, as before.
 */
@Injectable()
export class SseRelay implements OnModuleInit {
  private readonly logger = new Logger('LegacySse');
  /** Names this replica in session records: the pod name, plus randomness for in-process replicas. */
  readonly replicaId = `${hostname()}-${randomBytes(4).toString('hex')}`;
  /** Sessions announced (or being announced) by this replica. */
  private readonly announced = new Set<string>();

  constructor(
    private readonly redis: RedisConnections,
    private readonly sessions: SseSessions,
  ) {}

  get enabled(): boolean {
    return this.redis.enabled;
  }

  onModuleInit(): void {
    const { client, subscriber } = this.redis;
    if (!client || !subscriber) return;
    subscriber.on('message', (channelName: string, message: string) => this.deliver(channelName, message));
    // Redis keeps nothing across a restart: put back this replica's records and subscriptions. The
    // two connections come back independently; whichever is ready last completes the repair.
    client.on('ready', () => void this.reannounce());
    subscriber.on('ready', () => void this.reannounce());
  }

  /**
   * Makes a stream reachable from other replicas; called before the client learns the session id.
   * If Redis is down the stream still works for POSTs that reach this replica (it is re-announced
   * when Redis is back), so a failure is logged, not thrown.
   */
  async announce(session: SseSession): Promise<void> {
    if (!this.enabled) return;
    this.announced.add(session.id);
    await this.publishRoute(session).catch((error: unknown) =>
      this.logger.warn(
        `A legacy SSE stream opened while Redis is unreachable answers only POSTs to this replica until Redis is back: ${this.redis.describeError(error)}`,
      ),
    );
  }

  /** On the stream's keepalive: keeps the record alive, and repairs what a Redis blip lost. */
  async refresh(session: SseSession): Promise<void> {
    if (!this.enabled || !this.announced.has(session.id)) return;
    await this.publishRoute(session).catch(() => undefined); // the connection logs outages
  }

  /** The stream closed: other replicas must answer 404 from now on. */
  async withdraw(sessionId: string): Promise<void> {
    if (!this.enabled || !this.announced.delete(sessionId)) return;
    await Promise.all([
      this.redis.run('SSE record delete', (client) => client.del(recordKey(sessionId))),
      this.onSubscriber('SSE unsubscribe', (subscriber) => subscriber.unsubscribe(channel(sessionId))),
    ]).catch(() => undefined); // the record expires on its own within SSE_SESSION_TTL_MS
  }

  /** Shutdown: withdraw every stream of this replica at once. */
  async withdrawAll(): Promise<void> {
    await Promise.all([...this.announced].map((id) => this.withdraw(id)));
  }

  /**
   * The record of a stream held by some replica, or undefined when none holds it. Throws
   * RedisUnavailableError when Redis cannot say (the caller answers 503, not a misleading 404).
   */
  async lookup(sessionId: string): Promise<SseSessionRecord | undefined> {
    if (!this.enabled) return undefined;
    const raw = await this.redis.run('SSE session lookup', (client) => client.get(recordKey(sessionId)));
    if (raw === null) return undefined;
    try {
      const record = JSON.parse(raw) as Partial<SseSessionRecord>;
      if (typeof record.grantId !== 'string' || typeof record.replica !== 'string') return undefined;
      return { grantId: record.grantId, replica: record.replica };
    } catch {
      return undefined;
    }
  }

  /**
   * Hands an answer to the replica holding the stream; false when no replica listened. Redis
   * delivers a message only to those subscribed at that instant, and right after Redis comes back
   * the holder's subscription can lag its record by a reconnect: while the record still names a
   * holder, a message nobody received is published again, for up to PUBLISH_GRACE_MS.
   */
  async publish(sessionId: string, message: string): Promise<boolean> {
    const deadline = Date.now() + PUBLISH_GRACE_MS;
    for (;;) {
      const receivers = await this.redis.run('SSE publish', (client) =>
        client.publish(channel(sessionId), message),
      );
      if (receivers > 0) return true;
      if (Date.now() >= deadline || !(await this.lookup(sessionId))) return false;
      await new Promise((resolve) => setTimeout(resolve, PUBLISH_RETRY_MS));
    }
  }

  /**
   * The subscription, then the record (refreshing its lifetime), so other replicas can answer. In
   * that order: a record is what sends other replicas' answers here, and an answer published before
   * this replica listens is lost (seen when the command connection came back before the subscriber).
   */
  private async publishRoute(session: SseSession): Promise<void> {
    const record: SseSessionRecord = { grantId: session.grantId, replica: this.replicaId };
    // Subscribing to a channel already subscribed to changes nothing.
    await this.onSubscriber('SSE subscribe', (subscriber) => subscriber.subscribe(channel(session.id)));
    await this.redis.run('SSE session record', (client) =>
      client.set(recordKey(session.id), JSON.stringify(record), 'PX', SSE_SESSION_TTL_MS),
    );
  }

  private async onSubscriber<T>(operation: string, command: (subscriber: Redis) => Promise<T>): Promise<T> {
    const { subscriber } = this.redis;
    if (!subscriber) throw new Error('Redis is not configured.');
    return this.redis.run(operation, () => command(subscriber));
  }

  /** A message published for one of this replica's streams: write it as an SSE "message" event. */
  private deliver(channelName: string, message: string): void {
    if (!channelName.startsWith('sse:')) return;
    const session = this.sessions.find(sessionOf(channelName));
    // Line breaks would end the SSE event early; JSON never needs them.
    if (session) this.sessions.send(session, 'message', message.replace(/[\r\n]/g, ''));
  }

  private async reannounce(): Promise<void> {
    const open = [...this.announced].map((id) => this.sessions.find(id)).filter((s) => s !== undefined);
    await Promise.all(open.map((session) => this.publishRoute(session))).catch((error: unknown) =>
      this.logger.warn(`Could not re-announce legacy SSE streams: ${this.redis.describeError(error)}`),
    );
  }
}
