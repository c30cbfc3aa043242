import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../database/columns';
import { Organization } from './organization.entity';
import { User } from './user.entity';

export const ROLES = ['admin', 'manager', 'collector', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** A user's role in one organization; a user may belong to several. */
@Entity({ name: 'memberships' })
@Index('IDX_memberships_user', ['userId'])
export class Membership {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  @ForeignKey(() => Organization, { onDelete: 'CASCADE' })
  orgId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  @ForeignKey(() => User, { onDelete: 'CASCADE' })
  userId: string;

  @Column({ type: 'enum', enum: ROLES, enumName: 'membership_role' })
  role: Role;

  @CreatedAtColumn()
  createdAt: Date;
}
