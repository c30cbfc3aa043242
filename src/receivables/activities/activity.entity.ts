import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { OrgScoped } from '../shared/org-scoped.columns';

export const ACTIVITY_TYPES = [
  'note',
  'email_out',
  'email_in',
  'call',
  'meeting',
  'status_change',
  'system',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Everything that happened on an account: notes, calls, emails, status changes. */
@Entity({ name: 'activities' })
@ForeignKey('customers', ['orgId', 'customerId'], ['orgId', 'id'])
@ForeignKey('invoices', ['orgId', 'invoiceId'], ['orgId', 'id'])
@ForeignKey('memberships', ['orgId', 'authorUserId'], ['orgId', 'userId'])
@Index('IDX_activities_customer', ['orgId', 'customerId', 'occurredAt'])
@Index('IDX_activities_invoice', ['orgId', 'invoiceId', 'occurredAt'])
@Index('IDX_activities_occurred', ['orgId', 'occurredAt', 'id'])
export class Activity extends OrgScoped {
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ name: 'invoice_id', type: 'uuid', nullable: true })
  invoiceId: string | null;

  @Column({ type: 'enum', enum: ACTIVITY_TYPES, enumName: 'activity_type' })
  type: ActivityType;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'author_user_id', type: 'uuid', nullable: true })
  authorUserId: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
