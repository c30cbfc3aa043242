import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config.service';
import { LoginSessionsService } from '../../identity/sessions/login-sessions.service';
import type { ActiveSession } from '../../identity/sessions/login-sessions.service';
import { readCookie, sessionCookieName, setSessionCookie } from './cookies';

/** The login session of the browser making this request, read from and written to its cookie. */
@Injectable()
export class BrowserSession {
  constructor(
    private readonly sessions: LoginSessionsService,
    private readonly config: AppConfig,
  ) {}

  async current(request: Request): Promise<ActiveSession | null> {
    return this.sessions.find(readCookie(request, sessionCookieName(this.config)));
  }

  /** The current session, or a new anonymous one (so the login form has CSRF protection too). */
  async ensure(request: Request, response: Response): Promise<ActiveSession> {
    const existing = await this.current(request);
    if (existing) return existing;
    const created = await this.sessions.start(null);
    setSessionCookie(response, this.config, created.rawId);
    return created;
  }

  csrfToken(session: ActiveSession): string {
    return this.sessions.csrfToken(session);
  }

  verifyCsrf(session: ActiveSession | null, token: unknown): session is ActiveSession {
    return session !== null && this.sessions.verifyCsrf(session, token);
  }
}
