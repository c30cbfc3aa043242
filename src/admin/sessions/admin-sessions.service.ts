import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { normalizeEmail } from '../../identity/identity.service';
import { GrantsService } from '../../oauth/grants/grants.service';
import { AdminRecordNotFoundError } from '../admin.errors';
import { isUuid } from '../api-keys/admin-api-keys.service';
import { writeAdminAudit } from '../audit/admin-audit.writer';
import type { AdminActor } from '../shared/admin-actor';
import { decodeCursor, keysetTimestamp, toPage } from '../shared/keyset-page';
import type { AdminPage } from '../shared/keyset-page';

/** What a support person sees of a session (a grant: one user, one client, one organization). */
export interface SessionView {
  id: string;
  /** active, or why not: revoked, expired (refresh chain ended), client_disabled, user_disabled. */
  status: 'active' | 'revoked' | 'expired' | 'client_disabled' | 'user_disabled';
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string };
  client: { id: string; name: string; kind: string; disabled: boolean };
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export interface SessionFilter {
  email?: string;
  orgId?: string;
  clientId?: string;
  cursor?: string;
  limit: number;
}

export interface RevokedSession {
  session: SessionView;
  /** False when the session had already ended by revocation: nothing changed. */
  revoked: boolean;
}

export interface RevokedUserSessions {
  user: { id: string; email: string };
  revoked: number;
  organizations: { id: string; revokedSessionIds: string[] }[];
}

interface SessionRow {
  id: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  expired: boolean;
  userId: string;
  userEmail: string;
  userName: string;
  userDisabled: boolean;
  orgId: string;
  orgName: string;
  clientId: string;
  clientName: string;
  clientKind: string;
  clientDisabled: boolean;
  keysetAt: string;
}

const SESSION_COLUMNS = `
  g.id, g.scopes, g.created_at AS "createdAt", g.last_used_at AS "lastUsedAt", g.expires_at AS "expiresAt",
  g.revoked_at AS "revokedAt", g.revoked_reason AS "revokedReason", g.expires_at <= now() AS expired,
  u.id AS "userId", u.email AS "userEmail", u.name AS "userName", u.disabled AS "userDisabled",
  o.id AS "orgId", o.name AS "orgName",
  c.id AS "clientId", c.client_name AS "clientName", c.kind AS "clientKind", c.disabled_at IS NOT NULL AS "clientDisabled",
  ${keysetTimestamp('g.created_at')} AS "keysetAt"
  FROM oauth_grants g
  JOIN users u ON u.id = g.user_id
  JOIN organizations o ON o.id = g.org_id
  JOIN oauth_clients c ON c.id = g.client_id`;

function view(row: SessionRow): SessionView {
  const status: SessionView['status'] = row.revokedAt
    ? 'revoked'
    : row.expired
      ? 'expired'
      : row.clientDisabled
        ? 'client_disabled'
        : row.userDisabled
          ? 'user_disabled'
          : 'active';
  return {
    id: row.id,
    status,
    user: { id: row.userId, email: row.userEmail, name: row.userName },
    organization: { id: row.orgId, name: row.orgName },
    client: { id: row.clientId, name: row.clientName, kind: row.clientKind, disabled: row.clientDisabled },
    scopes: row.scopes,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    revokedReason: row.revokedReason,
  };
}

/**
 * Sessions (grants) for support staff: list them, end one, end all of a user's. Revocation goes
 * through GrantsService, the one revoke path: every token of the grant stops working on the next
 * request on every replica, because the token validator reads the grant from PostgreSQL each time.
 */
@Injectable()
export class AdminSessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantsService,
  ) {}

  /** Newest first, keyset-paginated; filters combine with AND. */
  async list(filter: SessionFilter): Promise<AdminPage<SessionView>> {
    const email = filter.email === undefined ? null : normalizeEmail(filter.email);
    const filters = { email, orgId: filter.orgId ?? null, clientId: filter.clientId ?? null };
    const after = decodeCursor(filter.cursor, filters, isUuid);
    const rows = await this.dataSource.query<SessionRow[]>(
      `SELECT ${SESSION_COLUMNS}
        WHERE ($1::text IS NULL OR u.email = $1)
          AND ($2::uuid IS NULL OR g.org_id = $2)
          AND ($3::text IS NULL OR g.client_id = $3)
          AND ($4::timestamptz IS NULL OR (g.created_at, g.id) < ($4::timestamptz, $5::uuid))
        ORDER BY g.created_at DESC, g.id DESC
        LIMIT $6`,
      [email, filters.orgId, filters.clientId, after?.at ?? null, after?.id ?? null, filter.limit + 1],
    );
    return toPage(rows, filter.limit, filters, (r) => ({ at: r.keysetAt, id: r.id }), view);
  }

  /** Ends one session; audited in its organization. Revoking a revoked session changes nothing. */
  async revoke(grantId: string, actor: AdminActor, reason: string): Promise<RevokedSession> {
    if (!isUuid(grantId)) throw new AdminRecordNotFoundError('session', grantId);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.find(manager, grantId, true);
      if (!before) throw new AdminRecordNotFoundError('session', grantId);
      const revoked = await this.grants.revoke(grantId, 'admin', manager);
      await writeAdminAudit(
        manager,
        { actor, reason, action: 'admin.session.revoke', targetType: 'oauth_grant', targetId: grantId },
        [
          {
            orgId: before.orgId,
            details: {
              userId: before.userId,
              userEmail: before.userEmail,
              clientId: before.clientId,
              clientName: before.clientName,
              previousStatus: view(before).status,
              changed: revoked,
            },
          },
        ],
      );
      const after = (await this.find(manager, grantId, false)) as SessionRow;
      return { session: view(after), revoked };
    });
  }

  /**
   * Ends every session of a user, in every organization, in one transaction; one audit entry per
   * organization the user belongs to (so each organization's log shows what support did to its
   * member), naming the sessions ended there.
   */
  async revokeAllForUser(email: string, actor: AdminActor, reason: string): Promise<RevokedUserSessions> {
    const normalized = normalizeEmail(email);
    return this.dataSource.transaction(async (manager) => {
      const [user] = await manager.query<{ id: string; email: string }[]>(
        `SELECT id, email FROM users WHERE email = $1`,
        [normalized],
      );
      if (!user) throw new AdminRecordNotFoundError('user', normalized);
      const live = await manager.query<{ id: string; orgId: string }[]>(
        `SELECT id, org_id AS "orgId" FROM oauth_grants
          WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at FOR UPDATE`,
        [user.id],
      );
      const memberships = await manager.query<{ orgId: string }[]>(
        `SELECT org_id AS "orgId" FROM memberships WHERE user_id = $1 ORDER BY org_id`,
        [user.id],
      );
      const byOrg = new Map<string, string[]>(memberships.map((m) => [m.orgId, []]));
      for (const grant of live) {
        if (await this.grants.revoke(grant.id, 'admin', manager)) {
          byOrg.set(grant.orgId, [...(byOrg.get(grant.orgId) ?? []), grant.id]);
        }
      }
      const organizations = [...byOrg].map(([id, revokedSessionIds]) => ({ id, revokedSessionIds }));
      await writeAdminAudit(
        manager,
        { actor, reason, action: 'admin.user_sessions.revoke', targetType: 'user', targetId: user.id },
        organizations.map((o) => ({
          orgId: o.id,
          details: { userEmail: user.email, revokedSessionIds: o.revokedSessionIds },
        })),
      );
      const revoked = organizations.reduce((n, o) => n + o.revokedSessionIds.length, 0);
      return { user, revoked, organizations };
    });
  }

  private async find(
    manager: EntityManager,
    grantId: string,
    lock: boolean,
  ): Promise<SessionRow | undefined> {
    const [row] = await manager.query<SessionRow[]>(
      `SELECT ${SESSION_COLUMNS} WHERE g.id = $1 ${lock ? 'FOR UPDATE OF g' : ''}`,
      [grantId],
    );
    return row;
  }
}
