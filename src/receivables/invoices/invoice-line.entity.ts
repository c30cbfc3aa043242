import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { MoneyColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

@Entity({ name: 'invoice_lines' })
@ForeignKey('invoices', ['orgId', 'invoiceId'], ['orgId', 'id'], { onDelete: 'CASCADE' })
@Index('UQ_invoice_lines_position', ['orgId', 'invoiceId', 'position'], { unique: true })
export class InvoiceLine extends OrgScoped {
  @Column({ name: 'invoice_id', type: 'uuid' })
  invoiceId: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  description: string;

  /** Quantities can be fractional (hours, kilograms); money never is. */
  @Column({ type: 'numeric', precision: 14, scale: 4 })
  quantity: string;

  @MoneyColumn('unit_price')
  unitPrice: number;

  @MoneyColumn('amount')
  amount: number;
}
