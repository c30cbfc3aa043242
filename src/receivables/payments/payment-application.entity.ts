import { Check, Column, Entity, ForeignKey, Index } from 'typeorm';
import { DateOnlyColumn, MoneyColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

/**
 * Part of a payment settling part of an invoice. Unapplying keeps the row and sets unapplied_on,
 * so balances as of any past date can be rebuilt.
 */
@Entity({ name: 'payment_applications' })
@ForeignKey('payments', ['orgId', 'paymentId'], ['orgId', 'id'])
@ForeignKey('invoices', ['orgId', 'invoiceId'], ['orgId', 'id'])
@ForeignKey('memberships', ['orgId', 'appliedByUserId'], ['orgId', 'userId'])
@Index('IDX_payment_applications_payment', ['orgId', 'paymentId'])
@Index('IDX_payment_applications_invoice', ['orgId', 'invoiceId'])
@Index('IDX_payment_applications_applied_on', ['orgId', 'appliedOn'])
// Balances as of a past date look up applications taken back after it; unapplying is rare, so
// the partial index stays tiny.
@Index('IDX_payment_applications_unapplied_on', ['orgId', 'unappliedOn'], {
  where: 'unapplied_on IS NOT NULL',
})
@Check('CHK_payment_applications_amount', 'amount > 0')
export class PaymentApplication extends OrgScoped {
  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId: string;

  @Column({ name: 'invoice_id', type: 'uuid' })
  invoiceId: string;

  @MoneyColumn('amount')
  amount: number;

  @DateOnlyColumn('applied_on')
  appliedOn: string;

  @DateOnlyColumn('unapplied_on', { nullable: true })
  unappliedOn: string | null;

  @Column({ name: 'applied_by_user_id', type: 'uuid', nullable: true })
  appliedByUserId: string | null;
}
