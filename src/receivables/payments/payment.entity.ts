import { Check, Column, Entity, ForeignKey, Index } from 'typeorm';
import { CurrencyColumn, DateOnlyColumn, MoneyColumn, UpdatedAtColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

export const PAYMENT_METHODS = ['ach', 'wire', 'check', 'card', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const PAYMENT_STATUSES = ['unapplied', 'partially_applied', 'applied', 'void'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

@Entity({ name: 'payments' })
@ForeignKey('customers', ['orgId', 'customerId'], ['orgId', 'id'])
@Index('IDX_payments_customer_received', ['orgId', 'customerId', 'receivedOn'])
@Index('IDX_payments_received', ['orgId', 'receivedOn', 'id'])
// Unapplied cash, in received order; the trailing columns let aging read it from the index alone.
@Index(
  'IDX_payments_unapplied',
  ['orgId', 'receivedOn', 'id', 'customerId', 'currency', 'unappliedAmount', 'status', 'number'],
  { where: 'unapplied_amount > 0' },
)
@Check(
  'CHK_payments_amounts',
  'amount > 0 AND applied_amount >= 0 AND unapplied_amount = amount - applied_amount AND unapplied_amount >= 0',
)
export class Payment extends OrgScoped {
  /** Null for unidentified cash that nobody has matched to a customer yet. */
  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId: string | null;

  /** Our receipt number ("PMT-000123"). */
  @Column({ type: 'text' })
  // Trigram GIN indexes for "contains" searches, written by hand in the migration (TypeORM cannot
  // describe operator classes).
  @Index('IDX_payments_number_trgm', { synchronize: false })
  number: string;

  @DateOnlyColumn('received_on')
  receivedOn: string;

  @MoneyColumn('amount')
  amount: number;

  @CurrencyColumn()
  currency: string;

  @Column({ type: 'enum', enum: PAYMENT_METHODS, enumName: 'payment_method' })
  method: PaymentMethod;

  /** Check number, wire reference or remittance id as the bank reported it. */
  @Column({ type: 'text', nullable: true })
  @Index('IDX_payments_reference_trgm', { synchronize: false })
  reference: string | null;

  @Column({ type: 'text', nullable: true })
  memo: string | null;

  @MoneyColumn('applied_amount')
  appliedAmount: number;

  @MoneyColumn('unapplied_amount')
  unappliedAmount: number;

  @Column({ type: 'enum', enum: PAYMENT_STATUSES, enumName: 'payment_status', default: 'unapplied' })
  status: PaymentStatus;

  @UpdatedAtColumn()
  updatedAt: Date;
}
