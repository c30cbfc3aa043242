import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Membership } from '../../src/identity/membership.entity';
import type { Role } from '../../src/identity/membership.entity';
import { Organization } from '../../src/identity/organization.entity';
import { User } from '../../src/identity/user.entity';
import { Activity } from '../../src/receivables/activities/activity.entity';
import { CreditApplication } from '../../src/receivables/credits/credit-application.entity';
import { CreditMemo } from '../../src/receivables/credits/credit-memo.entity';
import { ExchangeRate } from '../../src/receivables/currency/exchange-rate.entity';
import { Contact } from '../../src/receivables/customers/contact.entity';
import { Customer } from '../../src/receivables/customers/customer.entity';
import { Subsidiary } from '../../src/receivables/customers/subsidiary.entity';
import { Dispute } from '../../src/receivables/disputes/dispute.entity';
import { InvoiceLine } from '../../src/receivables/invoices/invoice-line.entity';
import { Invoice } from '../../src/receivables/invoices/invoice.entity';
import { PaymentApplication } from '../../src/receivables/payments/payment-application.entity';
import { Payment } from '../../src/receivables/payments/payment.entity';
import { PromiseInvoice } from '../../src/receivables/promises/promise-invoice.entity';
import { PromiseToPay } from '../../src/receivables/promises/promise-to-pay.entity';
import { Task } from '../../src/receivables/tasks/task.entity';

/**
 * Hand-built books for tests: small, explicit, with every amount visible in the test that uses it.
 * Amounts are minor units (cents). Postings keep invoice, payment and credit balances consistent
 * exactly as the write commands do, so the CHECK constraints hold.
 */
let counter = 0;
const next = (): number => ++counter;

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export class Books {
  constructor(
    readonly ds: DataSource,
    readonly orgId: string,
  ) {}

  static async create(ds: DataSource, org: Partial<Organization> = {}): Promise<Books> {
    const saved = await ds.getRepository(Organization).save({
      name: `Org ${next()}`,
      baseCurrency: 'USD',
      timeZone: 'UTC',
      agingBasis: 'due_date',
      agingBucketEdges: [30, 60, 90],
      ...org,
    });
    return new Books(ds, saved.id);
  }

  async member(role: Role = 'collector', user: Partial<User> = {}): Promise<User> {
    const n = next();
    const saved = await this.ds.getRepository(User).save({
      email: `user${n}-${randomUUID().slice(0, 8)}@example.test`,
      name: `User ${n}`,
      passwordHash: 'not-a-real-hash',
      ...user,
    });
    await this.ds.getRepository(Membership).insert({ orgId: this.orgId, userId: saved.id, role });
    return saved;
  }

  async customer(fields: Partial<Customer> = {}): Promise<Customer> {
    return this.ds.getRepository(Customer).save({
      orgId: this.orgId,
      name: `Customer ${next()}`,
      currency: 'USD',
      paymentTermsDays: 30,
      ...fields,
    });
  }

  async contact(customer: Customer, fields: Partial<Contact> = {}): Promise<Contact> {
    return this.ds.getRepository(Contact).save({
      orgId: this.orgId,
      customerId: customer.id,
      name: `Contact ${next()}`,
      email: `ap${next()}@customer.test`,
      ...fields,
    });
  }

  /** An open invoice of `total` cents issued on `issueDate`, due `terms` days later. */
  async invoice(
    customer: Customer,
    total: number,
    issueDate: string,
    fields: Partial<Invoice> & { terms?: number } = {},
  ): Promise<Invoice> {
    const { terms = customer.paymentTermsDays, ...rest } = fields;
    // A void invoice is cancelled: it owes nothing and is closed the day it was voided.
    const voided = rest.status === 'void' ? { balance: 0, closedOn: issueDate } : {};
    return this.ds.getRepository(Invoice).save({
      orgId: this.orgId,
      customerId: customer.id,
      number: `INV-${String(next()).padStart(5, '0')}`,
      issueDate,
      dueDate: addDays(issueDate, terms),
      termsDays: terms,
      currency: customer.currency,
      total,
      balance: total,
      status: 'open',
      ...voided,
      ...rest,
    });
  }

  async payment(
    customer: Customer | null,
    amount: number,
    receivedOn: string,
    fields: Partial<Payment> = {},
  ) {
    return this.ds.getRepository(Payment).save({
      orgId: this.orgId,
      customerId: customer?.id ?? null,
      number: `PMT-${String(next()).padStart(5, '0')}`,
      receivedOn,
      amount,
      currency: customer?.currency ?? 'USD',
      method: 'ach' as const,
      appliedAmount: 0,
      unappliedAmount: amount,
      status: 'unapplied' as const,
      ...fields,
    });
  }

  /** Applies `amount` of a payment to an invoice on `appliedOn`, updating both balances. */
  async apply(
    payment: Payment,
    invoice: Invoice,
    amount: number,
    appliedOn: string,
  ): Promise<PaymentApplication> {
    const application = await this.ds.getRepository(PaymentApplication).save({
      orgId: this.orgId,
      paymentId: payment.id,
      invoiceId: invoice.id,
      amount,
      appliedOn,
    });
    payment.appliedAmount += amount;
    payment.unappliedAmount -= amount;
    payment.status = payment.unappliedAmount === 0 ? 'applied' : 'partially_applied';
    await this.ds.getRepository(Payment).save(payment);
    invoice.amountPaid += amount;
    await this.settle(invoice, appliedOn);
    return application;
  }

  /** Receives a payment and applies all of it to one invoice, the common case. */
  async pay(invoice: Invoice, amount: number, on: string): Promise<Payment> {
    const customer = await this.ds
      .getRepository(Customer)
      .findOneByOrFail({ orgId: this.orgId, id: invoice.customerId });
    const payment = await this.payment(customer, amount, on);
    await this.apply(payment, invoice, amount, on);
    return payment;
  }

  async creditMemo(customer: Customer, amount: number, issuedOn: string, fields: Partial<CreditMemo> = {}) {
    return this.ds.getRepository(CreditMemo).save({
      orgId: this.orgId,
      customerId: customer.id,
      number: `CM-${String(next()).padStart(5, '0')}`,
      issuedOn,
      currency: customer.currency,
      amount,
      remainingAmount: amount,
      ...fields,
    });
  }

  async applyCredit(memo: CreditMemo, invoice: Invoice, amount: number, appliedOn: string) {
    await this.ds.getRepository(CreditApplication).save({
      orgId: this.orgId,
      creditMemoId: memo.id,
      invoiceId: invoice.id,
      amount,
      appliedOn,
    });
    memo.remainingAmount -= amount;
    memo.status = memo.remainingAmount === 0 ? 'applied' : 'partially_applied';
    await this.ds.getRepository(CreditMemo).save(memo);
    invoice.amountCredited += amount;
    await this.settle(invoice, appliedOn);
  }

  async writeOff(invoice: Invoice, on: string): Promise<void> {
    invoice.amountWrittenOff += invoice.balance;
    invoice.writtenOffOn = on;
    await this.settle(invoice, on);
    invoice.status = 'written_off';
    await this.ds.getRepository(Invoice).save(invoice);
  }

  private async settle(invoice: Invoice, on: string): Promise<void> {
    invoice.balance = invoice.total - invoice.amountPaid - invoice.amountCredited - invoice.amountWrittenOff;
    invoice.status =
      invoice.balance === 0 ? 'paid' : invoice.balance < invoice.total ? 'partially_paid' : 'open';
    invoice.closedOn = invoice.balance === 0 ? on : null;
    await this.ds.getRepository(Invoice).save(invoice);
  }

  async dispute(invoice: Invoice, fields: Partial<Dispute> = {}): Promise<Dispute> {
    return this.ds.getRepository(Dispute).save({
      orgId: this.orgId,
      customerId: invoice.customerId,
      invoiceId: invoice.id,
      amount: invoice.balance,
      currency: invoice.currency,
      reason: 'pricing' as const,
      openedOn: invoice.issueDate,
      ...fields,
    });
  }

  async promise(
    customer: Customer,
    invoices: Invoice[],
    promisedOn: string,
    fields: Partial<PromiseToPay> = {},
  ) {
    const amount = invoices.reduce((sum, i) => sum + i.balance, 0);
    const promise = await this.ds.getRepository(PromiseToPay).save({
      orgId: this.orgId,
      customerId: customer.id,
      amount,
      currency: customer.currency,
      promisedOn,
      ...fields,
    });
    await this.ds.getRepository(PromiseInvoice).insert(
      invoices.map((i) => ({
        orgId: this.orgId,
        promiseId: promise.id,
        invoiceId: i.id,
        amount: i.balance,
      })),
    );
    return promise;
  }

  async activity(customer: Customer, fields: Partial<Activity> = {}): Promise<Activity> {
    return this.ds.getRepository(Activity).save({
      orgId: this.orgId,
      customerId: customer.id,
      type: 'note' as const,
      body: `Note ${next()}`,
      occurredAt: new Date(),
      ...fields,
    });
  }

  async task(fields: Partial<Task> = {}): Promise<Task> {
    return this.ds.getRepository(Task).save({ orgId: this.orgId, title: `Task ${next()}`, ...fields });
  }

  async rate(from: string, to: string, rateDate: string, rate: string): Promise<void> {
    await this.ds
      .getRepository(ExchangeRate)
      .insert({ orgId: this.orgId, fromCurrency: from, toCurrency: to, rateDate, rate });
  }

  async subsidiary(name: string, currency = 'USD'): Promise<Subsidiary> {
    return this.ds.getRepository(Subsidiary).save({ orgId: this.orgId, name, currency });
  }

  /**
   * Takes an application back on `on` (the row stays, with unapplied_on set), restoring the
   * payment's unapplied cash and the invoice's balance as the unapply command does. `invoice`
   * is updated in place.
   */
  async unapply(application: PaymentApplication, invoice: Invoice, on: string): Promise<void> {
    application.unappliedOn = on;
    await this.ds.getRepository(PaymentApplication).save(application);
    const payment = await this.ds
      .getRepository(Payment)
      .findOneByOrFail({ orgId: this.orgId, id: application.paymentId });
    payment.appliedAmount -= application.amount;
    payment.unappliedAmount += application.amount;
    payment.status = payment.appliedAmount === 0 ? 'unapplied' : 'partially_applied';
    await this.ds.getRepository(Payment).save(payment);
    invoice.amountPaid -= application.amount;
    await this.settle(invoice, on);
  }

  /** A line of an invoice; amounts are not checked against the invoice total. */
  async invoiceLine(
    invoice: Invoice,
    position: number,
    fields: Partial<InvoiceLine> = {},
  ): Promise<InvoiceLine> {
    return this.ds.getRepository(InvoiceLine).save({
      orgId: this.orgId,
      invoiceId: invoice.id,
      position,
      description: `Line ${position}`,
      quantity: '1',
      unitPrice: 0,
      amount: 0,
      ...fields,
    });
  }
}
