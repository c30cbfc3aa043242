import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { CurrencyColumn, DateOnlyColumn, MoneyColumn, UpdatedAtColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

export const PROMISE_STATUSES = ['pending', 'kept', 'partially_kept', 'broken', 'cancelled'] as const;
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];
export const PROMISE_SOURCES = ['call', 'email', 'portal', 'meeting', 'other'] as const;
export type PromiseSource = (typeof PROMISE_SOURCES)[number];

@Entity({ name: 'promises_to_pay' })
@ForeignKey('customers', ['orgId', 'customerId'], ['orgId', 'id'])
@ForeignKey('contacts', ['orgId', 'contactId'], ['orgId', 'id'])
@ForeignKey('memberships', ['orgId', 'createdByUserId'], ['orgId', 'userId'])
@Index('IDX_promises_customer', ['orgId', 'customerId'])
@Index('IDX_promises_promised', ['orgId', 'promisedOn', 'id'])
export class PromiseToPay extends OrgScoped {
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  /** Who at the customer made the promise. */
  @Column({ name: 'contact_id', type: 'uuid', nullable: true })
  contactId: string | null;

  @MoneyColumn('amount')
  amount: number;

  @CurrencyColumn()
  currency: string;

  @DateOnlyColumn('promised_on')
  promisedOn: string;

  @Column({ type: 'enum', enum: PROMISE_STATUSES, enumName: 'promise_status', default: 'pending' })
  status: PromiseStatus;

  @Column({ type: 'enum', enum: PROMISE_SOURCES, enumName: 'promise_source', default: 'call' })
  source: PromiseSource;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'created_by_user_id', type: 'uuid', nullable: true })
  createdByUserId: string | null;

  @UpdatedAtColumn()
  updatedAt: Date;
}
