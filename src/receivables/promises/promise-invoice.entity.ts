import { Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { MoneyColumn } from '../../database/columns';

/** An invoice a promise covers, and how much of it. */
@Entity({ name: 'promise_invoices' })
@ForeignKey('promises_to_pay', ['orgId', 'promiseId'], ['orgId', 'id'], { onDelete: 'CASCADE' })
// Cascades like the promise's key: a link without its invoice means nothing, and deleting an
// organization deletes its invoices and promises in no fixed order.
@ForeignKey('invoices', ['orgId', 'invoiceId'], ['orgId', 'id'], { onDelete: 'CASCADE' })
@Index('IDX_promise_invoices_invoice', ['orgId', 'invoiceId'])
export class PromiseInvoice {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @PrimaryColumn({ name: 'promise_id', type: 'uuid' })
  promiseId: string;

  @PrimaryColumn({ name: 'invoice_id', type: 'uuid' })
  invoiceId: string;

  @MoneyColumn('amount')
  amount: number;
}
