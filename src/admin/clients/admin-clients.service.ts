import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminRecordNotFoundError } from '../admin.errors';
import { writeAdminAudit } from '../audit/admin-audit.writer';
import type { AdminActor } from '../shared/admin-actor';
import { decodeCursor, keysetTimestamp, toPage } from '../shared/keyset-page';
import type { AdminPage } from '../shared/keyset-page';

/** An OAuth client as support staff see it: what it says it is and where it sends users. */
export interface ClientView {
  id: string;
  kind: string;
  name: string;
  /** Hosts of its redirect URIs (a private-use scheme such as cursor:// shows as "cursor:"). */
  redirectHosts: string[];
  disabled: boolean;
  disabledAt: Date | null;
  createdAt: Date;
  /** Sessions that would work right now were the client not disabled. */
  liveSessions: number;
}

export interface DisabledClient {
  client: ClientView;
  /** False when it was already disabled: nothing changed. */
  disabled: boolean;
  /** Organizations whose audit log recorded the action (those where the client ever had a session). */
  auditedOrganizations: string[];
}

interface ClientRow {
  id: string;
  kind: string;
  name: string;
  redirectUris: string[];
  disabledAt: Date | null;
  createdAt: Date;
  liveSessions: number;
  keysetAt: string;
}

const CLIENT_COLUMNS = `
  c.id, c.kind, c.client_name AS name, c.redirect_uris AS "redirectUris", c.disabled_at AS "disabledAt",
  c.created_at AS "createdAt", ${keysetTimestamp('c.created_at')} AS "keysetAt",
  (SELECT count(*)::int FROM oauth_grants g
    WHERE g.client_id = c.id AND g.revoked_at IS NULL AND g.expires_at > now()) AS "liveSessions"
  FROM oauth_clients c`;

export function redirectHost(uri: string): string {
  try {
    const url = new URL(uri);
    return url.host || url.protocol;
  } catch {
    return uri;
  }
}

function view(row: ClientRow): ClientView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    redirectHosts: [...new Set(row.redirectUris.map(redirectHost))],
    disabled: row.disabledAt !== null,
    disabledAt: row.disabledAt,
    createdAt: row.createdAt,
    liveSessions: row.liveSessions,
  };
}

/** OAuth clients for support staff: list them, disable one. */
@Injectable()
export class AdminClientsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first, keyset-paginated. */
  async list(page: { cursor?: string; limit: number }): Promise<AdminPage<ClientView>> {
    const after = decodeCursor(page.cursor, {});
    const rows = await this.dataSource.query<ClientRow[]>(
      `SELECT ${CLIENT_COLUMNS}
        WHERE ($1::timestamptz IS NULL OR (c.created_at, c.id) < ($1::timestamptz, $2::text))
        ORDER BY c.created_at DESC, c.id DESC
        LIMIT $3`,
      [after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    return toPage(rows, page.limit, {}, (r) => ({ at: r.keysetAt, id: r.id }), view);
  }

  /**
   * Disables a client: its grants stop working on the next request (the token validator, the token
   * endpoint's client authentication and /authorize all refuse a disabled client), on every replica.
   * The grants themselves are left as they are, so the record of who had connected stays readable.
   * Audited once in every organization where the client ever had a session.
   */
  async disable(clientId: string, actor: AdminActor, reason: string): Promise<DisabledClient> {
    return this.dataSource.transaction(async (manager) => {
      const [current] = await manager.query<{ disabledAt: Date | null }[]>(
        `SELECT disabled_at AS "disabledAt" FROM oauth_clients WHERE id = $1 FOR UPDATE`,
        [clientId],
      );
      if (!current) throw new AdminRecordNotFoundError('client', clientId);
      const disabled = current.disabledAt === null;
      if (disabled) {
        await manager.query(
          `UPDATE oauth_clients SET disabled_at = now(), updated_at = now() WHERE id = $1`,
          [clientId],
        );
      }
      const organizations = await manager.query<{ orgId: string; liveSessions: number }[]>(
        `SELECT org_id AS "orgId",
                count(*) FILTER (WHERE revoked_at IS NULL AND expires_at > now())::int AS "liveSessions"
           FROM oauth_grants WHERE client_id = $1 GROUP BY org_id ORDER BY org_id`,
        [clientId],
      );
      const [row] = await manager.query<ClientRow[]>(`SELECT ${CLIENT_COLUMNS} WHERE c.id = $1`, [clientId]);
      await writeAdminAudit(
        manager,
        { actor, reason, action: 'admin.client.disable', targetType: 'oauth_client', targetId: clientId },
        organizations.map((o) => ({
          orgId: o.orgId,
          details: {
            clientName: row.name,
            clientKind: row.kind,
            liveSessions: o.liveSessions,
            changed: disabled,
          },
        })),
      );
      return { client: view(row), disabled, auditedOrganizations: organizations.map((o) => o.orgId) };
    });
  }
}
