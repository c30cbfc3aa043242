import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed sign-in counters, one row per account ("account:<email>") and per client address
 * ("ip:<address>"). Kept in PostgreSQL so every replica enforces the same limit (security.md H5,
 * H9) with or without Redis.
 */
@Entity({ name: 'login_throttles' })
export class LoginThrottle {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'integer', default: 0 })
  failures: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt: Date;

  /** How many times this key has been locked in the current window: each lock lasts twice as long. */
  @Column({ type: 'integer', default: 0 })
  lockouts: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;
}
