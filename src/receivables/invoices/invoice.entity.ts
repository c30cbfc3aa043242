import { Check, Column, Entity, ForeignKey, Index } from 'typeorm';
import { CurrencyColumn, DateOnlyColumn, MoneyColumn, UpdatedAtColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

export const INVOICE_STATUSES = ['open', 'partially_paid', 'paid', 'void', 'written_off'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** Statuses that still carry a balance someone has to collect. */
export const OPEN_INVOICE_STATUSES: readonly InvoiceStatus[] = ['open', 'partially_paid'];

@Entity({ name: 'invoices' })
@ForeignKey('customers', ['orgId', 'customerId'], ['orgId', 'id'])
@ForeignKey('subsidiaries', ['orgId', 'subsidiaryId'], ['orgId', 'id'])
@Index('UQ_invoices_number', ['orgId', 'number'], { unique: true })
@Index('IDX_invoices_customer_due', ['orgId', 'customerId', 'dueDate'])
@Index('IDX_invoices_due', ['orgId', 'dueDate', 'id'])
@Index('IDX_invoices_issue', ['orgId', 'issueDate', 'id'])
// Aging, worklists and "what is open" read only the small open slice of a large history.
@Index('IDX_invoices_open_due', ['orgId', 'dueDate', 'id'], { where: 'balance > 0' })
@Index('IDX_invoices_closed_on', ['orgId', 'closedOn'])
@Check('CHK_invoices_balance', 'balance = total - amount_paid - amount_credited - amount_written_off')
@Check('CHK_invoices_amounts', 'total >= 0 AND amount_paid >= 0 AND amount_credited >= 0 AND amount_written_off >= 0 AND balance >= 0')
@Check('CHK_invoices_dates', 'due_date >= issue_date')
export class Invoice extends OrgScoped {
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ name: 'subsidiary_id', type: 'uuid', nullable: true })
  subsidiaryId: string | null;

  /** The document number customers quote ("INV-1042"); unique per organization. */
  @Column({ type: 'text' })
  number: string;

  @Column({ name: 'po_number', type: 'text', nullable: true })
  poNumber: string | null;

  @DateOnlyColumn('issue_date')
  issueDate: string;

  @DateOnlyColumn('due_date')
  dueDate: string;

  @Column({ name: 'terms_days', type: 'integer' })
  termsDays: number;

  @CurrencyColumn()
  currency: string;

  @MoneyColumn('total')
  total: number;

  @MoneyColumn('amount_paid')
  amountPaid: number;

  @MoneyColumn('amount_credited')
  amountCredited: number;

  @MoneyColumn('amount_written_off')
  amountWrittenOff: number;

  /** What is still owed: total − paid − credited − written off (a CHECK keeps it so). */
  @MoneyColumn('balance')
  balance: number;

  @Column({ type: 'enum', enum: INVOICE_STATUSES, enumName: 'invoice_status', default: 'open' })
  status: InvoiceStatus;

  /** Day the balance reached zero (paid, credited, written off) or the invoice was voided. */
  @DateOnlyColumn('closed_on', { nullable: true })
  closedOn: string | null;

  @DateOnlyColumn('written_off_on', { nullable: true })
  writtenOffOn: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'text', nullable: true })
  memo: string | null;

  @UpdatedAtColumn()
  updatedAt: Date;
}
