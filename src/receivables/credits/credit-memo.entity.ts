import { Check, Column, Entity, ForeignKey, Index } from 'typeorm';
import { CurrencyColumn, DateOnlyColumn, MoneyColumn, UpdatedAtColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

export const CREDIT_MEMO_STATUSES = ['open', 'partially_applied', 'applied', 'void'] as const;
export type CreditMemoStatus = (typeof CREDIT_MEMO_STATUSES)[number];

@Entity({ name: 'credit_memos' })
@ForeignKey('customers', ['orgId', 'customerId'], ['orgId', 'id'])
@Index('UQ_credit_memos_number', ['orgId', 'number'], { unique: true })
@Index('IDX_credit_memos_customer', ['orgId', 'customerId'])
@Index('IDX_credit_memos_issued', ['orgId', 'issuedOn', 'id'])
@Check('CHK_credit_memos_amounts', 'amount > 0 AND remaining_amount >= 0 AND remaining_amount <= amount')
export class CreditMemo extends OrgScoped {
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ type: 'text' })
  // Trigram GIN indexes for "contains" searches, written by hand in the migration (TypeORM cannot
  // describe operator classes).
  @Index('IDX_credit_memos_number_trgm', { synchronize: false })
  number: string;

  @DateOnlyColumn('issued_on')
  issuedOn: string;

  @CurrencyColumn()
  currency: string;

  @MoneyColumn('amount')
  amount: number;

  /** Not yet applied to any invoice. */
  @MoneyColumn('remaining_amount')
  remainingAmount: number;

  @Column({ type: 'enum', enum: CREDIT_MEMO_STATUSES, enumName: 'credit_memo_status', default: 'open' })
  status: CreditMemoStatus;

  @Column({ type: 'text', nullable: true })
  @Index('IDX_credit_memos_reason_trgm', { synchronize: false })
  reason: string | null;

  @UpdatedAtColumn()
  updatedAt: Date;
}
