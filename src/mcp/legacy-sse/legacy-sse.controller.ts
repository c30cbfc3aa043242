import { Controller, Get, Logger, NotFoundException, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BearerAuthGuard } from '../../oauth/tokens/bearer-auth.guard';
import type { Principal } from '../../oauth/tokens/principal';
import { OriginGuard } from '../origin.guard';
import { LoopbackDispatcher } from './loopback-dispatcher';
import { SseRelay } from './sse-relay';
import { SseSessions } from './sse-sessions';

const KEEPALIVE_MS = 25_000;

const unknownSession = (): NotFoundException =>
  new NotFoundException('Unknown or closed SSE session; open a new stream with GET /v1/sse.');

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05) for older clients ("Type: SSE" in Cursor's and
 * others' settings): GET opens an event stream whose first event names the URL to POST messages
 * to; each POSTed message is answered on that stream. Both sides sit behind the same Origin and
 * bearer guards as /v1/mcp, and the session is bound to the grant that opened it. With several
 * replicas the POST may reach one that does not hold the stream; SseRelay carries the answer over
 * Redis to the one that does (ADR 0011).
 */
@Controller('v1/sse')
@UseGuards(OriginGuard, BearerAuthGuard)
export class LegacySseController implements BeforeApplicationShutdown {
  private readonly logger = new Logger('LegacySse');

  constructor(
    private readonly sessions: SseSessions,
    private readonly relay: SseRelay,
    private readonly dispatcher: LoopbackDispatcher,
  ) {}

  @Get()
  async open(@Req() request: Request, @Res() response: Response): Promise<void> {
    const principal = request.user as Principal;
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no'); // nginx ingress: do not buffer the stream
    response.flushHeaders();
    const session = this.sessions.open(principal.grantId, response);
    const keepalive = setInterval(() => {
      response.write(': keepalive\n\n');
      void this.relay.refresh(session);
    }, KEEPALIVE_MS);
    keepalive.unref();
    response.on('close', () => {
      clearInterval(keepalive);
      void this.relay.withdraw(session.id);
    });
    // Reachable from every replica before the client learns the id it will POST to.
    await this.relay.announce(session);
    if (!response.writableEnded && !response.destroyed) {
      this.sessions.send(session, 'endpoint', `/v1/sse/messages?sessionId=${session.id}`);
    }
  }

  @Post('messages')
  async message(
    @Query('sessionId') sessionId: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const principal = request.user as Principal;
    if (typeof sessionId !== 'string') throw unknownSession();
    const local = this.sessions.find(sessionId);
    // Another grant's session id is treated as unknown: possession of an id grants nothing (J3).
    if (local) {
      if (local.grantId !== principal.grantId) throw unknownSession();
      return this.answer(request, response, (body) => this.sessions.send(local, 'message', body));
    }
    // Not held here: with Redis, another replica may hold it (a 503 if Redis cannot say).
    const remote = await this.relay.lookup(sessionId);
    if (!remote || remote.grantId !== principal.grantId || remote.replica === this.relay.replicaId) {
      throw unknownSession();
    }
    return this.answer(request, response, async (body) => {
      if (!(await this.relay.publish(sessionId, body))) {
        this.logger.warn('A legacy SSE answer was dropped: the stream it belonged to had just closed.');
      }
    });
  }

  /**
   * 202 at once, then the message through this replica's own /v1/mcp (the caller's token checked
   * again there) and its answer, if any, to `deliver`.
   */
  private async answer(
    request: Request,
    response: Response,
    deliver: (body: string) => void | Promise<void>,
  ): Promise<void> {
    const message = JSON.stringify(request.body);
    response.status(202).json({ accepted: true });
    try {
      const result = await this.dispatcher.dispatch(message, {
        authorization: request.headers.authorization as string,
        host: request.headers.host as string,
      });
      if (result.body.trim() !== '') await deliver(result.body.replace(/[\r\n]/g, ''));
    } catch (error) {
      this.logger.warn(`Could not process a legacy SSE message: ${String(error)}`);
    }
  }

  /** Streams never end on their own: close them first so the HTTP server can drain and stop. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.withdrawAll();
    this.sessions.closeAll();
  }
}
