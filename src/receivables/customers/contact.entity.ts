import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { UpdatedAtColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

@Entity({ name: 'contacts' })
@ForeignKey('customers', ['orgId', 'customerId'], ['orgId', 'id'], { onDelete: 'CASCADE' })
@Index('IDX_contacts_customer', ['orgId', 'customerId'])
export class Contact extends OrgScoped {
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  /** Job title or role at the customer ("AP Manager"). */
  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ name: 'is_primary', type: 'boolean', default: false })
  isPrimary: boolean;

  /** Receives invoices and statements. */
  @Column({ name: 'is_billing', type: 'boolean', default: false })
  isBilling: boolean;

  /** Asked not to be contacted by collections. */
  @Column({ name: 'opted_out', type: 'boolean', default: false })
  optedOut: boolean;

  @UpdatedAtColumn()
  updatedAt: Date;
}
