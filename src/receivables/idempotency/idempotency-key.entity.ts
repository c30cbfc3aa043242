import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/**
 * A write command's result, stored under the caller's idempotency key so a retried request
 * returns the first outcome instead of acting twice.
 */
@Entity({ name: 'idempotency_keys' })
@ForeignKey('organizations', ['orgId'], ['id'], { onDelete: 'CASCADE' })
@Index('IDX_idempotency_keys_created', ['createdAt'])
export class IdempotencyKey {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  command: string;

  /** SHA-256 of the canonical request: the same key with different input is refused. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  @Column({ type: 'jsonb' })
  response: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
