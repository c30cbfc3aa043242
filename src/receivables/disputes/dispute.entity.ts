import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { CurrencyColumn, DateOnlyColumn, MoneyColumn, UpdatedAtColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

export const DISPUTE_STATUSES = ['open', 'in_review', 'resolved', 'rejected', 'withdrawn'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
/** A dispute in one of these is still being worked and holds collections on its invoice. */
export const ACTIVE_DISPUTE_STATUSES: readonly DisputeStatus[] = ['open', 'in_review'];
export const DISPUTE_REASONS = [
  'pricing',
  'quantity',
  'damaged_goods',
  'not_received',
  'duplicate_billing',
  'service_issue',
  'other',
] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

@Entity({ name: 'disputes' })
@ForeignKey('customers', ['orgId', 'customerId'], ['orgId', 'id'])
@ForeignKey('invoices', ['orgId', 'invoiceId'], ['orgId', 'id'])
@ForeignKey('memberships', ['orgId', 'ownerUserId'], ['orgId', 'userId'])
@ForeignKey('credit_memos', ['orgId', 'creditMemoId'], ['orgId', 'id'])
@Index('IDX_disputes_invoice', ['orgId', 'invoiceId'])
@Index('IDX_disputes_customer', ['orgId', 'customerId'])
@Index('IDX_disputes_opened', ['orgId', 'openedOn', 'id'])
export class Dispute extends OrgScoped {
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ name: 'invoice_id', type: 'uuid' })
  invoiceId: string;

  /** The part of the invoice in dispute. */
  @MoneyColumn('amount')
  amount: number;

  @CurrencyColumn()
  currency: string;

  @Column({ type: 'enum', enum: DISPUTE_REASONS, enumName: 'dispute_reason' })
  reason: DisputeReason;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'enum', enum: DISPUTE_STATUSES, enumName: 'dispute_status', default: 'open' })
  status: DisputeStatus;

  @Column({ name: 'owner_user_id', type: 'uuid', nullable: true })
  ownerUserId: string | null;

  @DateOnlyColumn('opened_on')
  openedOn: string;

  @DateOnlyColumn('resolved_on', { nullable: true })
  resolvedOn: string | null;

  @Column({ type: 'text', nullable: true })
  resolution: string | null;

  /** Credit memo issued to settle it, if any. */
  @Column({ name: 'credit_memo_id', type: 'uuid', nullable: true })
  creditMemoId: string | null;

  @UpdatedAtColumn()
  updatedAt: Date;
}
