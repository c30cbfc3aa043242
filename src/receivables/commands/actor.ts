import type { ActorType } from '../audit/audit-entry.entity';

/**
 * Who performs a write, as the receivables domain sees it. The transport layer (MCP, admin) builds
 * it from its verified principal; the domain never sees tokens or HTTP.
 */
export interface Actor {
  type: ActorType;
  /** The user acting (for MCP: the grant's user); null for system jobs. */
  userId: string | null;
  /** The OAuth client acting for the user, recorded in the audit log. */
  clientId: string | null;
}

/** Where and as whom a write runs, and the caller's idempotency key for retries. */
export interface CommandContext {
  orgId: string;
  actor: Actor;
  /** Same key + same input = the first result again, without acting twice. */
  idempotencyKey?: string;
}
