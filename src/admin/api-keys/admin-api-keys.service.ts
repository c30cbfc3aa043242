import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { InvalidArgumentError } from '../../common/errors/app-error';
import { hashSecret } from '../../oauth/tokens/token-values';
import { AdminRecordNotFoundError } from '../admin.errors';
import { AdminApiKey } from './admin-api-key.entity';

/** Prefix of admin API keys, for secret scanners and so an MCP token is told apart at a glance. */
export const ADMIN_KEY_PREFIX = 'tmcp_ak_';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME_LENGTH = 100;

/** An admin key as listed: never its value or hash. */
export interface AdminKeySummary {
  id: string;
  name: string;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The key an authenticated admin request was made with. */
export interface AdminKeyIdentity {
  id: string;
  name: string;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Admin API keys: created, listed and revoked with the CLI; checked on every admin request. */
@Injectable()
export class AdminApiKeysService {
  constructor(private readonly dataSource: DataSource) {}

  /** Returns the key's value: shown to the operator once, never stored (only its SHA-256 is). */
  async create(input: {
    name: string;
    createdBy?: string;
  }): Promise<{ key: AdminKeySummary; value: string }> {
    const name = input.name.trim();
    if (!name || name.length > MAX_NAME_LENGTH) {
      throw new InvalidArgumentError(`A key name must be 1 to ${MAX_NAME_LENGTH} characters.`, {
        field: 'name',
      });
    }
    const value = ADMIN_KEY_PREFIX + randomBytes(32).toString('base64url');
    const saved = await this.dataSource.getRepository(AdminApiKey).save({
      name,
      keyHash: hashSecret(value),
      createdBy: input.createdBy?.trim() || null,
      lastUsedAt: null,
      revokedAt: null,
    });
    return { key: summary(saved), value };
  }

  async list(): Promise<AdminKeySummary[]> {
    const keys = await this.dataSource.getRepository(AdminApiKey).find({ order: { createdAt: 'ASC' } });
    return keys.map(summary);
  }

  /** Ends a key at once (every request reads it); `false` when it was already revoked. */
  async revoke(id: string): Promise<boolean> {
    const keys = this.dataSource.getRepository(AdminApiKey);
    if (!isUuid(id) || !(await keys.existsBy({ id }))) throw new AdminRecordNotFoundError('admin key', id);
    const result = await keys.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  /** The live key with this value, or null. Marks it used, at most once a minute (no write per request). */
  async authenticate(value: string): Promise<AdminKeyIdentity | null> {
    if (!value.startsWith(ADMIN_KEY_PREFIX) || value.length > 200) return null;
    const [key] = await this.dataSource.query<(AdminKeyIdentity & { stale: boolean })[]>(
      `SELECT id, name, (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
         FROM admin_api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hashSecret(value)],
    );
    if (!key) return null;
    if (key.stale) {
      await this.dataSource.query(`UPDATE admin_api_keys SET last_used_at = now() WHERE id = $1`, [key.id]);
    }
    return { id: key.id, name: key.name };
  }
}

function summary(key: AdminApiKey): AdminKeySummary {
  return {
    id: key.id,
    name: key.name,
    createdAt: key.createdAt,
    createdBy: key.createdBy,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}
