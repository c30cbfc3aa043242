import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ConflictError, InvalidArgumentError } from '../../common/errors/app-error';
import { AuditEntry } from '../audit/audit-entry.entity';
import { IdempotencyKey } from '../idempotency/idempotency-key.entity';
import type { CommandContext } from './actor';

export interface AuditRecord {
  action: string;
  targetType: string;
  targetId: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/** What a command's body gets: the transaction's manager (always use it, never the DataSource). */
export interface CommandScope {
  manager: EntityManager;
  orgId: string;
  context: CommandContext;
  audit: (record: AuditRecord) => Promise<void>;
}

const MAX_KEY_LENGTH = 200;

/** Stable JSON (sorted keys) so the same input always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Runs one write command as one transaction with its audit record (STYLE.md, Transactions). The
 * body must write at least one audit entry; if it does not, or if any write fails — the audit
 * insert included — nothing is committed (security.md K6).
 *
 * With an idempotency key the command happens once: a transaction-scoped advisory lock serialises
 * concurrent retries of one key, a stored result is returned as is, and the same key with different
 * input is refused (IETF Idempotency-Key draft; Stripe's semantics).
 */
@Injectable()
export class CommandRunner {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(
    context: CommandContext,
    command: string,
    input: unknown,
    body: (scope: CommandScope) => Promise<T>,
  ): Promise<T> {
    const key = context.idempotencyKey;
    if (key !== undefined && (key.length === 0 || key.length > MAX_KEY_LENGTH)) {
      throw new InvalidArgumentError(`An idempotency key must be 1 to ${MAX_KEY_LENGTH} characters.`, {
        field: 'idempotencyKey',
      });
    }
    const requestHash = createHash('sha256')
      .update(`${command}\n${canonical(input)}`)
      .digest('hex');
    return this.dataSource.transaction(async (manager) => {
      if (key !== undefined) {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
          `${context.orgId}:${key}`,
        ]);
        const previous = await manager.getRepository(IdempotencyKey).findOneBy({ orgId: context.orgId, key });
        if (previous) {
          if (previous.command !== command || previous.requestHash !== requestHash) {
            throw new ConflictError(
              `The idempotency key "${key}" was already used for a different request; use a new key for a new action.`,
              { field: 'idempotencyKey' },
            );
          }
          return previous.response as T;
        }
      }
      let audited = 0;
      const scope: CommandScope = {
        manager,
        orgId: context.orgId,
        context,
        audit: async (record) => {
          const entry: Partial<AuditEntry> = {
            orgId: context.orgId,
            actorType: context.actor.type,
            actorUserId: context.actor.userId,
            clientId: context.actor.clientId,
            action: record.action,
            targetType: record.targetType,
            targetId: record.targetId,
            reason: record.reason ?? null,
            details: record.details ?? {},
          };
          await manager.getRepository(AuditEntry).save(entry);
          audited++;
        },
      };
      const result = await body(scope);
      if (audited === 0) throw new Error(`Command ${command} wrote no audit record; refusing to commit.`);
      if (key !== undefined) {
        const stored: Partial<IdempotencyKey> = {
          orgId: context.orgId,
          key,
          command,
          requestHash,
          response: result,
        };
        await manager.getRepository(IdempotencyKey).save(stored);
      }
      return result;
    });
  }
}
