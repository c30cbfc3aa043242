import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { Metrics } from '../../observability/metrics';
import { Consent } from './consent.entity';
import { Grant } from './grant.entity';

export type RevocationReason =
  | 'user_disconnected'
  | 'client_revocation'
  | 'refresh_token_reuse'
  | 'code_replay'
  | 'admin'
  | 'password_changed';

export interface ConnectionRow {
  grantId: string;
  clientId: string;
  clientName: string;
  clientKind: string;
  redirectUris: string[];
  orgId: string;
  organizationName: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** What a connection is, in words: for get_context and support. */
export interface GrantDescription {
  userEmail: string;
  userName: string;
  clientName: string;
  organizationName: string;
}

/** Grants (one user + client + organization approval) and remembered consents. */
@Injectable()
export class GrantsService {
  /** Prometheus oauth_tokens_revoked_total; absent outside a running service (the CLI). */
  @Optional() @Inject(Metrics) private readonly metrics?: Metrics;

  constructor(private readonly dataSource: DataSource) {}

  /** Ends a grant and with it every token it issued; idempotent. */
  async revoke(
    grantId: string,
    reason: RevocationReason,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const result = await manager
      .getRepository(Grant)
      .update({ id: grantId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    this.metrics?.tokensRevoked.inc({ reason }, result.affected ?? 0); // metric hook
    return (result.affected ?? 0) > 0;
  }

  /**
   * The user disconnects an app (connected-apps page): the grant ends and its remembered consent
   * is forgotten, so connecting again asks again. Grants of other users are left alone.
   */
  async disconnect(userId: string, grantId: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(grantId)) return false;
    return this.dataSource.transaction(async (manager) => {
      const grant = await manager
        .getRepository(Grant)
        .findOneBy({ id: grantId, userId, revokedAt: IsNull() });
      if (!grant) return false;
      await this.revoke(grant.id, 'user_disconnected', manager);
      await manager.getRepository(Consent).delete({ userId, clientId: grant.clientId, orgId: grant.orgId });
      return true;
    });
  }

  async revokeAllForUser(userId: string, reason: RevocationReason): Promise<number> {
    const result = await this.dataSource
      .getRepository(Grant)
      .update({ userId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    this.metrics?.tokensRevoked.inc({ reason }, result.affected ?? 0); // metric hook
    return result.affected ?? 0;
  }

  async describe(grantId: string): Promise<GrantDescription | undefined> {
    const [row] = await this.dataSource.query<GrantDescription[]>(
      `SELECT u.email AS "userEmail", u.name AS "userName", c.client_name AS "clientName", o.name AS "organizationName"
         FROM oauth_grants g
         JOIN users u ON u.id = g.user_id
         JOIN oauth_clients c ON c.id = g.client_id
         JOIN organizations o ON o.id = g.org_id
        WHERE g.id = $1`,
      [grantId],
    );
    return row;
  }

  /** Live connections of a user across all their organizations, newest first. */
  async listActiveForUser(userId: string): Promise<ConnectionRow[]> {
    return this.dataSource.query<ConnectionRow[]>(
      `SELECT g.id AS "grantId", c.id AS "clientId", c.client_name AS "clientName", c.kind AS "clientKind",
              c.redirect_uris AS "redirectUris", g.org_id AS "orgId", o.name AS "organizationName",
              g.scopes, g.created_at AS "createdAt", g.last_used_at AS "lastUsedAt"
         FROM oauth_grants g
         JOIN oauth_clients c ON c.id = g.client_id
         JOIN organizations o ON o.id = g.org_id
        WHERE g.user_id = $1 AND g.revoked_at IS NULL AND g.expires_at > now()
        ORDER BY g.created_at DESC`,
      [userId],
    );
  }

  /** The organizations where this user already approved this client for at least these scopes. */
  async orgsWithConsent(userId: string, clientId: string, scopes: readonly string[]): Promise<string[]> {
    const rows = await this.dataSource.query<{ orgId: string }[]>(
      `SELECT c.org_id AS "orgId" FROM oauth_consents c
         JOIN memberships m ON m.org_id = c.org_id AND m.user_id = c.user_id
        WHERE c.user_id = $1 AND c.client_id = $2 AND c.scopes @> $3::text[]`,
      [userId, clientId, [...scopes]],
    );
    return rows.map((r) => r.orgId);
  }

  async rememberConsent(
    manager: EntityManager,
    consent: Pick<Consent, 'userId' | 'clientId' | 'orgId' | 'scopes'>,
  ): Promise<void> {
    await manager.getRepository(Consent).upsert(consent, { conflictPaths: ['userId', 'clientId', 'orgId'] });
  }
}
