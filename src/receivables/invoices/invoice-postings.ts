import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { NotFoundError, RuleViolationError } from '../../common/errors/app-error';
import { describeAmount } from '../commands/money-input';
import { Invoice } from './invoice.entity';
import type { InvoiceStatus } from './invoice.entity';

/**
 * What every money command does to an invoice: lock it, check that cash or credit may settle it,
 * and move its amounts so that the CHECK constraints (balance = total − paid − credited − written
 * off; 0 once void) hold after every statement, exactly as test/factories/books.ts posts them.
 *
 * Lock order, for every money command: first the payment or credit memo being used, then the
 * invoices in ascending id order. Two commands touching the same rows therefore always queue in
 * the same order and never deadlock, and the second one reads the balances the first left.
 */

/** The amounts of an invoice a command changes, for audit records and results. */
export interface InvoiceAmounts {
  amountPaid: number;
  amountCredited: number;
  amountWrittenOff: number;
  balance: number;
  status: InvoiceStatus;
}

/** One invoice in an audit record: what the command put against it, its amounts before and after. */
export interface InvoiceAudit {
  invoiceId: string;
  invoiceNumber: string;
  amount: number;
  before: InvoiceAmounts;
  after: InvoiceAmounts;
}

export function invoiceAmounts(invoice: Invoice): InvoiceAmounts {
  return {
    amountPaid: invoice.amountPaid,
    amountCredited: invoice.amountCredited,
    amountWrittenOff: invoice.amountWrittenOff,
    balance: invoice.balance,
    status: invoice.status,
  };
}

/**
 * SELECT … FOR UPDATE of the organization's invoices with these ids, in id order. An id that is
 * not one of the organization's invoices (another organization's included) is "not found".
 */
export async function lockInvoices(
  manager: EntityManager,
  orgId: string,
  ids: readonly string[],
): Promise<Map<string, Invoice>> {
  const sorted = [...new Set(ids)].sort();
  const rows = await manager.getRepository(Invoice).find({
    where: { orgId, id: In(sorted) },
    order: { id: 'ASC' },
    lock: { mode: 'pessimistic_write' },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined) throw new NotFoundError('invoice', missing);
  return byId;
}

/** Where settling cash or credit comes from, as the rules need to see it. */
export interface SettlementSource {
  /** "payment PMT-260301-0001" or "credit memo CM-00012". */
  label: string;
  customerId: string;
  currency: string;
}

/**
 * The rules for putting cash or credit against an invoice: same customer (a parent's payment does
 * not settle a child's invoice: docs/adr/0007-money-commands.md), same currency, an invoice that
 * still owes money, and no more than it owes.
 */
export function assertCanSettle(invoice: Invoice, amount: number, source: SettlementSource): void {
  const name = `Invoice ${invoice.number}`;
  if (invoice.customerId !== source.customerId) {
    throw new RuleViolationError(
      `${name} belongs to a different customer than ${source.label}; apply it only to its own customer's invoices, or record the money under the invoice's customer.`,
      { invoiceId: invoice.id, rule: 'same_customer' },
    );
  }
  if (invoice.currency !== source.currency) {
    throw new RuleViolationError(
      `${name} is in ${invoice.currency} but ${source.label} is in ${source.currency}; apply it only to ${source.currency} invoices (no currency conversion happens on application).`,
      { invoiceId: invoice.id, rule: 'same_currency' },
    );
  }
  if (invoice.status === 'void') {
    throw new RuleViolationError(
      `${name} is void and owes nothing; choose an invoice with an open balance.`,
      {
        invoiceId: invoice.id,
        rule: 'invoice_open',
      },
    );
  }
  if (invoice.status === 'written_off') {
    throw new RuleViolationError(
      `${name} was written off and owes nothing; choose an invoice with an open balance, or leave the money unapplied.`,
      { invoiceId: invoice.id, rule: 'invoice_open' },
    );
  }
  if (invoice.balance === 0) {
    throw new RuleViolationError(
      `${name} is already settled in full (balance 0); choose an invoice with an open balance.`,
      { invoiceId: invoice.id, rule: 'invoice_open' },
    );
  }
  if (amount > invoice.balance) {
    throw new RuleViolationError(
      `Applying ${describeAmount(amount, invoice.currency)} to ${name} would exceed its open balance; apply at most ${describeAmount(invoice.balance, invoice.currency)}.`,
      { invoiceId: invoice.id, rule: 'no_over_application', balance: invoice.balance },
    );
  }
}

/**
 * Recomputes balance, status and closed_on after paid / credited / written-off amounts changed
 * (Books.settle): balance 0 is paid and closed on `on`; otherwise partially paid or open again.
 * A void invoice stays void and owes nothing. Write-offs set their own status afterwards.
 */
export function resettle(invoice: Invoice, on: string): void {
  if (invoice.status === 'void') {
    invoice.balance = 0;
    return;
  }
  invoice.balance = invoice.total - invoice.amountPaid - invoice.amountCredited - invoice.amountWrittenOff;
  invoice.status =
    invoice.balance === 0 ? 'paid' : invoice.balance < invoice.total ? 'partially_paid' : 'open';
  invoice.closedOn = invoice.balance === 0 ? on : null;
}

export async function saveInvoiceAmounts(manager: EntityManager, invoice: Invoice): Promise<void> {
  await manager.getRepository(Invoice).update(
    { orgId: invoice.orgId, id: invoice.id },
    {
      amountPaid: invoice.amountPaid,
      amountCredited: invoice.amountCredited,
      amountWrittenOff: invoice.amountWrittenOff,
      balance: invoice.balance,
      status: invoice.status,
      closedOn: invoice.closedOn,
      writtenOffOn: invoice.writtenOffOn,
    },
  );
}

/** The day an application takes effect: its base day, but not before the invoice was issued. */
export function applicationDay(base: string, invoice: Invoice, today: string): string {
  const day = invoice.issueDate > base ? invoice.issueDate : base;
  return day > today ? today : day;
}

/** One invoice as a money command left it, for results an MCP tool returns. */
export interface SettledInvoice {
  invoiceId: string;
  invoiceNumber: string;
  /** The part of this command put against (or taken back from) the invoice, minor units. */
  amount: number;
  balanceBefore: number;
  balance: number;
  statusBefore: InvoiceStatus;
  status: InvoiceStatus;
}

/** An application of money (a payment or a credit memo) to one invoice, as posted. */
export interface PostedApplication extends SettledInvoice {
  applicationId: string;
  appliedOn: string;
}

/**
 * Posts inserted application rows onto their (locked) invoices: raises amount_paid or
 * amount_credited, resettles balance and status, and returns both the results and the audit
 * before/after of each invoice. Payments and credit memos settle invoices the same way.
 */
export function postApplications(
  invoices: Map<string, Invoice>,
  applications: { invoiceId: string; amount: number; appliedOn: string; applicationId: string }[],
  column: 'amountPaid' | 'amountCredited',
): { results: PostedApplication[]; audit: InvoiceAudit[] } {
  const audit: InvoiceAudit[] = [];
  const results = applications.map((application): PostedApplication => {
    const invoice = invoices.get(application.invoiceId) as Invoice;
    const before = invoiceAmounts(invoice);
    invoice[column] += application.amount;
    resettle(invoice, application.appliedOn);
    audit.push({
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      amount: application.amount,
      before,
      after: invoiceAmounts(invoice),
    });
    return {
      applicationId: application.applicationId,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      amount: application.amount,
      appliedOn: application.appliedOn,
      balanceBefore: before.balance,
      balance: invoice.balance,
      statusBefore: before.status,
      status: invoice.status,
    };
  });
  return { results, audit };
}
