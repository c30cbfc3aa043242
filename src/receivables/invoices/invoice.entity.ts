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
// currency, total and status ride along so credit sales per period (KPIs: DSO, CEI) are summed
// from the index alone; the (org_id, issue_date, id) prefix still serves keyset pages.
@Index('IDX_invoices_issue', ['orgId', 'issueDate', 'id', 'currency', 'total', 'status'])
@Index('IDX_invoices_closed_on', ['orgId', 'closedOn'])
// Keyset pages of invoice search sorted by amount ("biggest balances first") are index ranges.
@Index('IDX_invoices_total', ['orgId', 'total', 'id'])
@Index('IDX_invoices_balance', ['orgId', 'balance', 'id'])
// A customer's open balance, overdue balance and oldest due date, read index-only (customer search).
@Index('IDX_invoices_open_customer', ['orgId', 'customerId', 'currency', 'dueDate', 'balance'], {
  where: 'balance > 0',
})
// Aging, forecasts and KPIs read the open slice with an index-only scan: every column they need
// is in this index, so a million closed invoices are never touched (analytics/shared/as-of-balances.sql.ts).
@Index(
  'IDX_invoices_open_aging',
  [
    'orgId',
    'dueDate',
    'id',
    'customerId',
    'subsidiaryId',
    'currency',
    'issueDate',
    'balance',
    'status',
    'writtenOffOn',
    'amountWrittenOff',
  ],
  { where: 'balance > 0' },
)
// One open status ("partially paid invoices due this quarter") stays an ordered due-date range.
@Index('IDX_invoices_open_status', ['orgId', 'status', 'dueDate', 'id'], { where: 'balance > 0' })
// "Disputed" and "has a promise" searches are ordered index ranges over the few flagged invoices.
@Index('IDX_invoices_disputed', ['orgId', 'dueDate', 'id'], { where: 'disputed' })
@Index('IDX_invoices_promised', ['orgId', 'dueDate', 'id'], { where: 'has_promise' })
// A void invoice is cancelled and owes nothing; every other invoice owes what is not yet settled.
@Check(
  'CHK_invoices_balance',
  "balance = CASE WHEN status = 'void' THEN 0 ELSE total - amount_paid - amount_credited - amount_written_off END",
)
@Check(
  'CHK_invoices_amounts',
  'total >= 0 AND amount_paid >= 0 AND amount_credited >= 0 AND amount_written_off >= 0 AND balance >= 0',
)
@Check('CHK_invoices_dates', 'due_date >= issue_date')
export class Invoice extends OrgScoped {
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ name: 'subsidiary_id', type: 'uuid', nullable: true })
  subsidiaryId: string | null;

  /** The document number customers quote ("INV-1042"); unique per organization. */
  @Column({ type: 'text' })
  // Trigram GIN index for "contains" searches (ILIKE '%1042%'); written by hand in the migration
  // because TypeORM cannot describe operator classes.
  @Index('IDX_invoices_number_trgm', { synchronize: false })
  number: string;

  @Column({ name: 'po_number', type: 'text', nullable: true })
  @Index('IDX_invoices_po_number_trgm', { synchronize: false })
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

  /** What is still owed: total − paid − credited − written off, and 0 once void (a CHECK keeps it so). */
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

  /**
   * Has an open or in-review dispute; kept by a trigger on disputes (docs/adr/0012), so the
   * application never writes it and no writer — command or demo seed — can leave it stale. Not
   * selected into entities: a stale copy in memory must never be saved back.
   */
  @Column({ type: 'boolean', default: false, select: false, insert: false, update: false })
  disputed?: boolean;

  /** A pending promise to pay covers it; kept by triggers on promises (docs/adr/0012). */
  @Column({
    name: 'has_promise',
    type: 'boolean',
    default: false,
    select: false,
    insert: false,
    update: false,
  })
  hasPromise?: boolean;

  @UpdatedAtColumn()
  updatedAt: Date;
}
