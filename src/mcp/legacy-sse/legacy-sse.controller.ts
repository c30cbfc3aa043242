import { Controller, Get, Logger, NotFoundException, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BearerAuthGuard } from '../../oauth/tokens/bearer-auth.guard';
import type { Principal } from '../../oauth/tokens/principal';
import { OriginGuard } from '../origin.guard';
import { LoopbackDispatcher } from './loopback-dispatcher';
import { SseSessions } from './sse-sessions';

const KEEPALIVE_MS = 25_000;

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05) for older clients ("Type: SSE" in Cursor's and
 * others' settings): GET opens an event stream whose first event names the URL to POST messages
 * to; each POSTed message is answered on that stream. Both sides sit behind the same Origin and
 * bearer guards as /v1/mcp, and the session is bound to the grant that opened it.
 */
@Controller('v1/sse')
@UseGuards(OriginGuard, BearerAuthGuard)
export class LegacySseController implements BeforeApplicationShutdown {
  private readonly logger = new Logger('LegacySse');

  constructor(
    private readonly sessions: SseSessions,
    private readonly dispatcher: LoopbackDispatcher,
  ) {}

  @Get()
  open(@Req() request: Request, @Res() response: Response): void {
    const principal = request.user as Principal;
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no'); // nginx ingress: do not buffer the stream
    response.flushHeaders();
    const session = this.sessions.open(principal.grantId, response);
    this.sessions.send(session, 'endpoint', `/v1/sse/messages?sessionId=${session.id}`);
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    response.on('close', () => clearInterval(keepalive));
  }

  @Post('messages')
  async message(
    @Query('sessionId') sessionId: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const principal = request.user as Principal;
    const session = typeof sessionId === 'string' ? this.sessions.find(sessionId) : undefined;
    // Another grant's session id is treated as unknown: possession of an id grants nothing (J3).
    if (!session || session.grantId !== principal.grantId) {
      throw new NotFoundException('Unknown or closed SSE session; open a new stream with GET /v1/sse.');
    }
    const message = JSON.stringify(request.body);
    response.status(202).json({ accepted: true });
    try {
      const result = await this.dispatcher.dispatch(message, {
        authorization: request.headers.authorization as string,
        host: request.headers.host as string,
      });
      if (result.body.trim() !== '') this.sessions.send(session, 'message', result.body.replace(/\n/g, ''));
    } catch (error) {
      this.logger.warn(`Could not process a legacy SSE message: ${String(error)}`);
    }
  }

  /** Streams never end on their own: close them first so the HTTP server can drain and stop. */
  beforeApplicationShutdown(): void {
    this.sessions.closeAll();
  }
}
