import { Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, LessThan } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import { LoginSession } from './login-session.entity';

const PREFIX = 'tmcp_ls_';

export interface ActiveSession {
  /** The raw cookie value; never stored, never logged. */
  rawId: string;
  idHash: string;
  userId: string | null;
}

export function hashSessionId(rawId: string): string {
  return createHash('sha256').update(rawId, 'utf8').digest('hex');
}

/**
 * Browser sign-in sessions for our own pages. The CSRF token is derived from the session secret
 * (HMAC), so it needs no storage and is worthless without the HttpOnly cookie it is tied to.
 */
@Injectable()
export class LoginSessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** The live session for a cookie value, or null when unknown or expired. */
  async find(rawId: string | undefined): Promise<ActiveSession | null> {
    if (!rawId?.startsWith(PREFIX)) return null;
    const idHash = hashSessionId(rawId);
    // A disabled user's browser is signed out on its next request, like their tokens.
    const [row] = await this.dataSource.query<{ userId: string | null }[]>(
      `SELECT s.user_id AS "userId" FROM login_sessions s LEFT JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = $1 AND s.expires_at > now() AND (u.id IS NULL OR NOT u.disabled)
          AND (s.user_id IS NULL OR u.id IS NOT NULL)`,
      [idHash],
    );
    if (!row) return null;
    return { rawId, idHash, userId: row.userId };
  }

  /** A new session, anonymous or signed in. */
  async start(
    userId: string | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ActiveSession> {
    const rawId = PREFIX + randomBytes(32).toString('base64url');
    const idHash = hashSessionId(rawId);
    const expiresAt = new Date(Date.now() + this.config.oauth.loginSessionSeconds * 1000);
    await manager.getRepository(LoginSession).insert({ idHash, userId, expiresAt });
    return { rawId, idHash, userId };
  }

  /**
   * Sign-in replaces the session (a fresh id defeats session fixation, OWASP Session Management)
   * and calls `moved` inside the same transaction so what was bound to the old session follows.
   */
  async signIn(
    previous: ActiveSession | null,
    userId: string,
    moved: (manager: EntityManager, fromHash: string, toHash: string) => Promise<void>,
  ): Promise<ActiveSession> {
    return this.dataSource.transaction(async (manager) => {
      const next = await this.start(userId, manager);
      if (previous) {
        await moved(manager, previous.idHash, next.idHash);
        await manager.getRepository(LoginSession).delete({ idHash: previous.idHash });
      }
      return next;
    });
  }

  async end(session: ActiveSession): Promise<void> {
    await this.dataSource.getRepository(LoginSession).delete({ idHash: session.idHash });
  }

  /** Ends every browser session of a user (password change, account disabled). */
  async endAllFor(userId: string): Promise<void> {
    await this.dataSource.getRepository(LoginSession).delete({ userId });
  }

  async deleteExpired(): Promise<number> {
    const result = await this.dataSource
      .getRepository(LoginSession)
      .delete({ expiresAt: LessThan(new Date()) });
    return result.affected ?? 0;
  }

  csrfToken(session: ActiveSession): string {
    return createHmac('sha256', session.rawId).update('csrf').digest('base64url');
  }

  /** Synchronizer-token check (OWASP CSRF): the form's token must match this session's. */
  verifyCsrf(session: ActiveSession, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.csrfToken(session));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
