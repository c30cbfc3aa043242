import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { CurrencyColumn, DateOnlyColumn, MoneyColumn, UpdatedAtColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

export const CUSTOMER_STATUSES = ['active', 'on_hold', 'inactive'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

@Entity({ name: 'customers' })
@ForeignKey('customers', ['orgId', 'parentId'], ['orgId', 'id'])
@ForeignKey('subsidiaries', ['orgId', 'subsidiaryId'], ['orgId', 'id'])
// The collector must be a member of the same organization.
@ForeignKey('memberships', ['orgId', 'collectorUserId'], ['orgId', 'userId'])
@Index('UQ_customers_external_id', ['orgId', 'externalId'], {
  unique: true,
  where: 'external_id IS NOT NULL',
})
@Index('IDX_customers_name', ['orgId', 'name', 'id'])
@Index('IDX_customers_collector', ['orgId', 'collectorUserId'])
@Index('IDX_customers_parent', ['orgId', 'parentId'])
export class Customer extends OrgScoped {
  @Column({ type: 'text' })
  // Trigram GIN index for name searches; hand-written in the migration (operator class).
  @Index('IDX_customers_name_trgm', { synchronize: false })
  name: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  @Column({ name: 'subsidiary_id', type: 'uuid', nullable: true })
  subsidiaryId: string | null;

  @CurrencyColumn()
  currency: string;

  /** Default net terms for new invoices (Net 30 = 30). */
  @Column({ name: 'payment_terms_days', type: 'integer', default: 30 })
  paymentTermsDays: number;

  @MoneyColumn('credit_limit', { nullable: true, default: null })
  creditLimit: number | null;

  @Column({
    name: 'risk_level',
    type: 'enum',
    enum: RISK_LEVELS,
    enumName: 'customer_risk_level',
    default: 'low',
  })
  riskLevel: RiskLevel;

  @Column({ name: 'collector_user_id', type: 'uuid', nullable: true })
  collectorUserId: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'enum', enum: CUSTOMER_STATUSES, enumName: 'customer_status', default: 'active' })
  status: CustomerStatus;

  /** Dunning (automatic reminders) is paused until this date inclusive; null means active. */
  @DateOnlyColumn('dunning_paused_until', { nullable: true })
  dunningPausedUntil: string | null;

  @Column({ name: 'dunning_pause_reason', type: 'text', nullable: true })
  dunningPauseReason: string | null;

  @UpdatedAtColumn()
  updatedAt: Date;
}
