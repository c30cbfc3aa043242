import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns';
import { User } from '../user.entity';

/**
 * A browser's sign-in to our own pages (login, consent, connected apps). The cookie holds a random
 * value; only its SHA-256 is stored, so a copy of this table signs nobody in.
 */
@Entity({ name: 'login_sessions' })
@Index('IDX_login_sessions_user', ['userId'])
@Index('IDX_login_sessions_expires', ['expiresAt'])
export class LoginSession {
  @PrimaryColumn({ name: 'id_hash', type: 'text' })
  idHash: string;

  /** Null until the browser signs in (an anonymous session still carries CSRF protection). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  @ForeignKey(() => User, { onDelete: 'CASCADE' })
  userId: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
