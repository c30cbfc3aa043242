import { Check, Column, Entity, ForeignKey, Index } from 'typeorm';
import { DateOnlyColumn, MoneyColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

@Entity({ name: 'credit_applications' })
@ForeignKey('credit_memos', ['orgId', 'creditMemoId'], ['orgId', 'id'])
@ForeignKey('invoices', ['orgId', 'invoiceId'], ['orgId', 'id'])
@Index('IDX_credit_applications_credit_memo', ['orgId', 'creditMemoId'])
@Index('IDX_credit_applications_invoice', ['orgId', 'invoiceId'])
@Index('IDX_credit_applications_applied_on', ['orgId', 'appliedOn'])
@Check('CHK_credit_applications_amount', 'amount > 0')
export class CreditApplication extends OrgScoped {
  @Column({ name: 'credit_memo_id', type: 'uuid' })
  creditMemoId: string;

  @Column({ name: 'invoice_id', type: 'uuid' })
  invoiceId: string;

  @MoneyColumn('amount')
  amount: number;

  @DateOnlyColumn('applied_on')
  appliedOn: string;
}
