import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { DateOnlyColumn, UpdatedAtColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

export const TASK_TYPES = ['call', 'email', 'follow_up', 'review', 'other'] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

@Entity({ name: 'tasks' })
@ForeignKey('customers', ['orgId', 'customerId'], ['orgId', 'id'])
@ForeignKey('invoices', ['orgId', 'invoiceId'], ['orgId', 'id'])
@ForeignKey('memberships', ['orgId', 'assigneeUserId'], ['orgId', 'userId'])
@ForeignKey('memberships', ['orgId', 'createdByUserId'], ['orgId', 'userId'])
@Index('IDX_tasks_assignee', ['orgId', 'assigneeUserId', 'status', 'dueOn'])
@Index('IDX_tasks_customer', ['orgId', 'customerId'])
@Index('IDX_tasks_due', ['orgId', 'dueOn', 'id'])
export class Task extends OrgScoped {
  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ name: 'invoice_id', type: 'uuid', nullable: true })
  invoiceId: string | null;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'enum', enum: TASK_TYPES, enumName: 'task_type', default: 'follow_up' })
  type: TaskType;

  @Column({ type: 'enum', enum: TASK_PRIORITIES, enumName: 'task_priority', default: 'normal' })
  priority: TaskPriority;

  @Column({ type: 'enum', enum: TASK_STATUSES, enumName: 'task_status', default: 'open' })
  status: TaskStatus;

  @Column({ name: 'assignee_user_id', type: 'uuid', nullable: true })
  assigneeUserId: string | null;

  @DateOnlyColumn('due_on', { nullable: true })
  dueOn: string | null;

  @Column({ name: 'created_by_user_id', type: 'uuid', nullable: true })
  createdByUserId: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @UpdatedAtColumn()
  updatedAt: Date;
}
