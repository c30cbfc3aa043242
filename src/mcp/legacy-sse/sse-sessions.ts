import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';

/** One open legacy SSE stream: where its responses go and which grant opened it. */
export interface SseSession {
  id: string;
  grantId: string;
  stream: Response;
}

/**
 * The legacy HTTP+SSE streams open on this replica. The session id is 256 random bits (security.md
 * J4) and is bound to the grant that opened it: it is a routing handle, never a credential —
 * every POST still carries and is checked for its own bearer token (J3).
 */
@Injectable()
export class SseSessions {
  private readonly sessions = new Map<string, SseSession>();

  open(grantId: string, stream: Response): SseSession {
    const session = { id: randomBytes(32).toString('base64url'), grantId, stream };
    this.sessions.set(session.id, session);
    stream.on('close', () => this.sessions.delete(session.id));
    return session;
  }

  find(id: string): SseSession | undefined {
    return this.sessions.get(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  send(session: SseSession, event: string, data: string): void {
    session.stream.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  closeAll(): void {
    for (const session of this.sessions.values()) session.stream.end();
    this.sessions.clear();
  }
}
