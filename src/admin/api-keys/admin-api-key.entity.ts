import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns';

/**
 * A key support staff use on the admin listener (DESIGN.md "Admin endpoint"). Created, listed and
 * revoked with the CLI; the value (`tmcp_ak_` + 256 random bits) is shown once and only its SHA-256
 * is stored, so a leaked table opens nothing. Revoked keys stay as the record of who had access.
 */
@Entity({ name: 'admin_api_keys' })
@Index('UQ_admin_api_keys_key_hash', ['keyHash'], { unique: true })
export class AdminApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** What the key is for, e.g. "support-oncall"; shown in every audit entry it writes. */
  @Column({ type: 'text' })
  name: string;

  /** SHA-256 (hex) of the key value; a 256-bit random value needs no slow hash. */
  @Column({ name: 'key_hash', type: 'text', select: false })
  keyHash: string;

  @CreatedAtColumn()
  createdAt: Date;

  /** Free text: the operator who created it (the CLI runs in a pod with no identity of its own). */
  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy: string | null;

  /** Updated at most once a minute, like a grant's last use. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
