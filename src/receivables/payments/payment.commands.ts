import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { InvalidArgumentError, RuleViolationError } from '../../common/errors/app-error';
import type { CommandContext } from '../commands/actor';
import {
  MAX_LINE_LENGTH,
  optionalText,
  readInput,
  requireAmount,
  requireCurrency,
  requireDate,
  requireId,
  requireOneOf,
} from '../commands/command-input';
import { CommandRunner } from '../commands/command-runner';
import { describeAmount, parseApplicationLines, sumAmounts } from '../commands/money-input';
import type { ApplicationLine } from '../commands/money-input';
import { authorOf, findInOrg, orgToday } from '../commands/org-records';
import { Customer } from '../customers/customer.entity';
import {
  applicationDay,
  assertCanSettle,
  invoiceAmounts,
  lockInvoices,
  postApplications,
  resettle,
  saveInvoiceAmounts,
} from '../invoices/invoice-postings';
import type { InvoiceAudit, SettledInvoice } from '../invoices/invoice-postings';
import { PaymentApplication } from './payment-application.entity';
import { Payment, PAYMENT_METHODS } from './payment.entity';
import type { PaymentMethod, PaymentStatus } from './payment.entity';

/** Longest memo kept on a payment (remittance advice text is pasted here). */
const MAX_MEMO_LENGTH = 2_000;

export interface RecordPaymentInput {
  /** The paying customer (required: unidentified cash comes from bank imports, not from here). */
  customerId: string;
  /** Minor units, greater than 0. */
  amount: number;
  /** The customer's currency or one the customer is invoiced in. */
  currency: string;
  /** YYYY-MM-DD; not after today in the organization's time zone. */
  receivedOn: string;
  method: PaymentMethod;
  /** Check number, wire reference or remittance id, at most 200 characters. */
  reference?: string | null;
  memo?: string | null;
  /** Invoices to settle right away; the rest of the amount stays unapplied. */
  applications?: ApplicationLine[];
}

/** One application a command made, with the invoice as it left it. */
export interface PaymentApplicationResult extends SettledInvoice {
  applicationId: string;
  /** The day the application takes effect (see docs/adr/0007-money-commands.md). */
  appliedOn: string;
}

export interface PaymentState {
  appliedAmount: number;
  unappliedAmount: number;
  status: PaymentStatus;
}

export interface RecordPaymentResult extends PaymentState {
  paymentId: string;
  number: string;
  customerId: string;
  receivedOn: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  reference: string | null;
  applications: PaymentApplicationResult[];
}

export interface ApplyPaymentResult extends PaymentState {
  paymentId: string;
  paymentNumber: string;
  /** The payment's customer; for cash that had none, the customer this application identified. */
  customerId: string;
  amount: number;
  currency: string;
  applications: PaymentApplicationResult[];
}

export interface UnapplyPaymentResult {
  paymentId: string;
  paymentNumber: string;
  invoiceId: string;
  invoiceNumber: string;
  currency: string;
  /** What was taken back, minor units. */
  amountUnapplied: number;
  unappliedOn: string;
  /** What of this payment is still applied to this invoice. */
  stillApplied: number;
  payment: PaymentState;
  invoice: Omit<SettledInvoice, 'invoiceId' | 'invoiceNumber' | 'amount'>;
}

const RECORD_FIELDS = [
  'customerId',
  'amount',
  'currency',
  'receivedOn',
  'method',
  'reference',
  'memo',
  'applications',
] as const satisfies readonly (keyof RecordPaymentInput)[];

function paymentState(payment: Payment): PaymentState {
  return {
    appliedAmount: payment.appliedAmount,
    unappliedAmount: payment.unappliedAmount,
    status: payment.status,
  };
}

/** Status from the amounts (Books.apply / Books.unapply); a void payment stays void. */
function restatus(payment: Payment): void {
  if (payment.status === 'void') return;
  payment.status =
    payment.appliedAmount === 0
      ? 'unapplied'
      : payment.unappliedAmount === 0
        ? 'applied'
        : 'partially_applied';
}

/** 'PMT-YYMMDD-' as the ERP import and demo data number receipts. */
function numberPrefix(receivedOn: string): string {
  return `PMT-${receivedOn.slice(2, 4)}${receivedOn.slice(5, 7)}${receivedOn.slice(8, 10)}-`;
}

/**
 * Cash receipts and cash application: record a payment, apply it to invoices, take an application
 * back. Every method is one transaction through the CommandRunner with its audit record; rows are
 * locked payment first, then invoices by id (invoices/invoice-postings.ts), so concurrent
 * applications queue instead of over-applying.
 */
@Injectable()
export class PaymentCommands {
  constructor(private readonly runner: CommandRunner) {}

  /** Records money received from a customer, optionally applying part or all of it at once. */
  async recordPayment(context: CommandContext, input: RecordPaymentInput): Promise<RecordPaymentResult> {
    const orgId = requireId(context.orgId, 'orgId');
    const f = readInput(input, RECORD_FIELDS, 'payment');
    const request = {
      customerId: requireId(f.customerId, 'customerId'),
      amount: requireAmount(f.amount, 'amount'),
      currency: requireCurrency(f.currency, 'currency'),
      receivedOn: requireDate(f.receivedOn, 'receivedOn'),
      method: requireOneOf(f.method, PAYMENT_METHODS, 'method'),
      reference: optionalText(f.reference, 'reference', MAX_LINE_LENGTH) ?? null,
      memo: optionalText(f.memo, 'memo', MAX_MEMO_LENGTH) ?? null,
      applications: parseApplicationLines(f.applications, 'applications', { allowEmpty: true }),
    };
    const toApply = sumAmounts(request.applications);
    if (toApply > request.amount) {
      throw new RuleViolationError(
        `The applications add up to ${describeAmount(toApply, request.currency)}, more than the payment's ${describeAmount(request.amount, request.currency)}; lower them so they total at most the amount received.`,
        { field: 'applications', rule: 'no_over_application' },
      );
    }

    return this.runner.run(context, 'payment.record', request, async (scope) => {
      const { manager } = scope;
      const today = await orgToday(manager, orgId);
      if (request.receivedOn > today) {
        throw new InvalidArgumentError(
          `receivedOn ${request.receivedOn} is in the future (today is ${today} in the organization's time zone); record a payment once the money has arrived, with the day it arrived.`,
          { field: 'receivedOn' },
        );
      }
      const customer = await findInOrg(manager, Customer, orgId, request.customerId, 'customer');
      await this.assertAcceptedCurrency(manager, customer, request.currency);
      const appliedBy = await authorOf(manager, context);

      const number = await this.nextNumber(manager, orgId, request.receivedOn);
      const payment = await manager.getRepository(Payment).save(
        manager.getRepository(Payment).create({
          orgId,
          customerId: customer.id,
          number,
          receivedOn: request.receivedOn,
          amount: request.amount,
          currency: request.currency,
          method: request.method,
          reference: request.reference,
          memo: request.memo,
          appliedAmount: 0,
          unappliedAmount: request.amount,
          status: 'unapplied',
        }),
      );
      // Applications made with the receipt are part of it and take its date (as a customer
      // payment in the ERP does); applying later is dated the day it is done.
      const { lines: applications, audit: invoiceAudit } =
        request.applications.length === 0
          ? { lines: [], audit: [] }
          : await this.postApplications(manager, payment, request.applications, {
              day: request.receivedOn,
              today,
              appliedBy,
            });
      await scope.audit({
        action: 'payment.record',
        targetType: 'payment',
        targetId: payment.id,
        details: {
          number,
          customerId: customer.id,
          amount: request.amount,
          currency: request.currency,
          receivedOn: request.receivedOn,
          method: request.method,
          reference: request.reference,
          payment: { before: null, after: paymentState(payment) },
          invoices: invoiceAudit,
        },
      });
      return {
        paymentId: payment.id,
        number,
        customerId: customer.id,
        receivedOn: request.receivedOn,
        amount: request.amount,
        currency: request.currency,
        method: request.method,
        reference: request.reference,
        ...paymentState(payment),
        applications,
      };
    });
  }

  /** Applies unapplied cash of a payment to open invoices of its customer. */
  async applyPayment(
    context: CommandContext,
    paymentId: string,
    applications: ApplicationLine[],
  ): Promise<ApplyPaymentResult> {
    const orgId = requireId(context.orgId, 'orgId');
    const request = {
      paymentId: requireId(paymentId, 'paymentId'),
      applications: parseApplicationLines(applications, 'applications', { allowEmpty: false }),
    };
    return this.runner.run(context, 'payment.apply', request, async (scope) => {
      const { manager } = scope;
      const payment = await findInOrg(manager, Payment, orgId, request.paymentId, 'payment', { lock: true });
      if (payment.status === 'void') {
        throw new RuleViolationError(
          `Payment ${payment.number} is void; there is no cash to apply. Apply another payment.`,
          { paymentId: payment.id, rule: 'payment_not_void' },
        );
      }
      if (payment.unappliedAmount === 0) {
        throw new RuleViolationError(
          `Payment ${payment.number} is already fully applied; unapply part of it first, or apply another payment.`,
          { paymentId: payment.id, rule: 'no_over_application' },
        );
      }
      const today = await orgToday(manager, orgId);
      const before = { customerId: payment.customerId, ...paymentState(payment) };
      const appliedBy = await authorOf(manager, context);
      const { lines, audit: invoiceAudit } = await this.postApplications(
        manager,
        payment,
        request.applications,
        {
          day: today,
          today,
          appliedBy,
        },
      );
      await scope.audit({
        action: 'payment.apply',
        targetType: 'payment',
        targetId: payment.id,
        details: {
          number: payment.number,
          currency: payment.currency,
          amount: sumAmounts(lines),
          payment: { before, after: { customerId: payment.customerId, ...paymentState(payment) } },
          invoices: invoiceAudit,
        },
      });
      return {
        paymentId: payment.id,
        paymentNumber: payment.number,
        customerId: payment.customerId!,
        amount: payment.amount,
        currency: payment.currency,
        ...paymentState(payment),
        applications: lines,
      };
    });
  }

  /**
   * Takes back all (amount omitted) or part of what a payment applied to one invoice: the cash
   * becomes unapplied again and the invoice reopens by the same amount. Application rows are kept
   * with unapplied_on set (docs/adr/0003), newest first; a partly taken-back row is replaced by one
   * for the part that stays.
   */
  async unapplyPayment(
    context: CommandContext,
    paymentId: string,
    invoiceId: string,
    amount?: number,
  ): Promise<UnapplyPaymentResult> {
    const orgId = requireId(context.orgId, 'orgId');
    const request = {
      paymentId: requireId(paymentId, 'paymentId'),
      invoiceId: requireId(invoiceId, 'invoiceId'),
      amount: amount === undefined || amount === null ? null : requireAmount(amount, 'amount'),
    };
    return this.runner.run(context, 'payment.unapply', request, async (scope) => {
      const { manager } = scope;
      const payment = await findInOrg(manager, Payment, orgId, request.paymentId, 'payment', { lock: true });
      const invoice = (await lockInvoices(manager, orgId, [request.invoiceId])).get(request.invoiceId)!;
      const active = await manager.getRepository(PaymentApplication).find({
        where: { orgId, paymentId: payment.id, invoiceId: invoice.id, unappliedOn: IsNull() },
        order: { appliedOn: 'DESC', createdAt: 'DESC', id: 'DESC' },
        lock: { mode: 'pessimistic_write' },
      });
      const applied = sumAmounts(active);
      if (applied === 0) {
        throw new RuleViolationError(
          `Payment ${payment.number} has nothing applied to invoice ${invoice.number}; look at the invoice's payment applications to find the payment to unapply.`,
          { paymentId: payment.id, invoiceId: invoice.id, rule: 'application_exists' },
        );
      }
      const take = request.amount ?? applied;
      if (take > applied) {
        throw new RuleViolationError(
          `Only ${describeAmount(applied, payment.currency)} of payment ${payment.number} is applied to invoice ${invoice.number}; unapply at most that much.`,
          { paymentId: payment.id, invoiceId: invoice.id, rule: 'no_over_unapplication', applied },
        );
      }
      const today = await orgToday(manager, orgId);
      const paymentBefore = paymentState(payment);
      const invoiceBefore = invoiceAmounts(invoice);
      const repo = manager.getRepository(PaymentApplication);
      let left = take;
      let unappliedOn = today;
      for (const row of active) {
        if (left === 0) break;
        // Never before the application itself took effect (an application dated ahead by an import).
        const on = row.appliedOn > today ? row.appliedOn : today;
        unappliedOn = on;
        await repo.update({ orgId, id: row.id }, { unappliedOn: on });
        if (row.amount > left) {
          // The part that stays applied continues from the same day, so balances as of any date
          // count the original amount before it and the remainder after it.
          await repo.insert({
            orgId,
            paymentId: row.paymentId,
            invoiceId: row.invoiceId,
            amount: row.amount - left,
            appliedOn: on,
            appliedByUserId: row.appliedByUserId,
          });
          left = 0;
        } else {
          left -= row.amount;
        }
      }

      payment.appliedAmount -= take;
      payment.unappliedAmount += take;
      restatus(payment);
      await this.savePayment(manager, payment);
      invoice.amountPaid -= take;
      resettle(invoice, today);
      await saveInvoiceAmounts(manager, invoice);

      await scope.audit({
        action: 'payment.unapply',
        targetType: 'payment',
        targetId: payment.id,
        details: {
          number: payment.number,
          currency: payment.currency,
          amount: take,
          payment: { before: paymentBefore, after: paymentState(payment) },
          invoices: [
            {
              invoiceId: invoice.id,
              invoiceNumber: invoice.number,
              amount: take,
              before: invoiceBefore,
              after: invoiceAmounts(invoice),
            },
          ],
        },
      });
      return {
        paymentId: payment.id,
        paymentNumber: payment.number,
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        currency: payment.currency,
        amountUnapplied: take,
        unappliedOn,
        stillApplied: applied - take,
        payment: paymentState(payment),
        invoice: {
          balanceBefore: invoiceBefore.balance,
          balance: invoice.balance,
          statusBefore: invoiceBefore.status,
          status: invoice.status,
        },
      };
    });
  }

  /**
   * Checks and posts applications of a locked payment: lock the invoices, apply the rules
   * (invoices/invoice-postings.ts#assertCanSettle, total ≤ unapplied cash), then write the
   * applications, the invoices' new balances and the payment's applied / unapplied amounts.
   * Cash with no customer yet takes the customer of the invoices it settles.
   */
  private async postApplications(
    manager: EntityManager,
    payment: Payment,
    lines: ApplicationLine[],
    when: { day: string; today: string; appliedBy: string | null },
  ): Promise<{ lines: PaymentApplicationResult[]; audit: InvoiceAudit[] }> {
    const invoices = await lockInvoices(
      manager,
      payment.orgId,
      lines.map((l) => l.invoiceId),
    );
    let customerId = payment.customerId;
    if (customerId === null) {
      const customers = new Set(lines.map((l) => invoices.get(l.invoiceId)!.customerId));
      if (customers.size > 1) {
        throw new RuleViolationError(
          `Payment ${payment.number} has no customer yet and these invoices belong to ${customers.size} different customers; apply it to invoices of one customer, who then becomes the payment's customer.`,
          { paymentId: payment.id, rule: 'same_customer' },
        );
      }
      customerId = [...customers][0];
    }
    const source = { label: `payment ${payment.number}`, customerId, currency: payment.currency };
    for (const line of lines) assertCanSettle(invoices.get(line.invoiceId)!, line.amount, source);
    const total = sumAmounts(lines);
    if (total > payment.unappliedAmount) {
      throw new RuleViolationError(
        `The applications add up to ${describeAmount(total, payment.currency)} but payment ${payment.number} has only ${describeAmount(payment.unappliedAmount, payment.currency)} unapplied; lower the amounts to that total at most.`,
        { paymentId: payment.id, rule: 'no_over_application', unappliedAmount: payment.unappliedAmount },
      );
    }

    const rows = lines.map((line) => ({
      orgId: payment.orgId,
      paymentId: payment.id,
      invoiceId: line.invoiceId,
      amount: line.amount,
      appliedOn: applicationDay(when.day, invoices.get(line.invoiceId)!, when.today),
      appliedByUserId: when.appliedBy,
    }));
    const inserted = await manager.getRepository(PaymentApplication).insert(rows);

    const { results, audit } = postApplications(
      invoices,
      rows.map((row, n) => ({ ...row, applicationId: String(inserted.identifiers[n].id) })),
      'amountPaid',
    );
    for (const invoice of invoices.values()) await saveInvoiceAmounts(manager, invoice);

    payment.customerId = customerId;
    payment.appliedAmount += total;
    payment.unappliedAmount -= total;
    restatus(payment);
    await this.savePayment(manager, payment);
    return { lines: results, audit };
  }

  private async savePayment(manager: EntityManager, payment: Payment): Promise<void> {
    await manager.getRepository(Payment).update(
      { orgId: payment.orgId, id: payment.id },
      {
        customerId: payment.customerId,
        appliedAmount: payment.appliedAmount,
        unappliedAmount: payment.unappliedAmount,
        status: payment.status,
      },
    );
  }

  /**
   * A customer pays in its own currency or in one it is invoiced in (an invoice may be billed in
   * another currency than the customer's default, e.g. by a foreign subsidiary). Cash in any
   * other currency could never be applied here: it is converted at the bank first.
   */
  private async assertAcceptedCurrency(
    manager: EntityManager,
    customer: Customer,
    currency: string,
  ): Promise<void> {
    if (customer.currency === currency) return;
    const [invoiced] = await manager.query<unknown[]>(
      'SELECT 1 FROM invoices WHERE org_id = $1 AND customer_id = $2 AND currency = $3 LIMIT 1',
      [customer.orgId, customer.id, currency],
    );
    if (invoiced) return;
    const rows = await manager.query<{ currency: string }[]>(
      'SELECT DISTINCT currency::text AS currency FROM invoices WHERE org_id = $1 AND customer_id = $2',
      [customer.orgId, customer.id],
    );
    const accepted = [...new Set([customer.currency, ...rows.map((r) => r.currency)])].sort();
    throw new RuleViolationError(
      `${customer.name} is billed in ${accepted.join(', ')}, not ${currency}; record the payment in ${accepted.length === 1 ? accepted[0] : `one of those currencies`}, as the amount the bank credited after conversion.`,
      { field: 'currency', rule: 'accepted_currency', accepted },
    );
  }

  /**
   * The next receipt number of the day, 'PMT-YYMMDD-NNNN'. A transaction-scoped advisory lock on
   * (organization, day) keeps two receipts recorded at the same moment from sharing a number.
   */
  private async nextNumber(manager: EntityManager, orgId: string, receivedOn: string): Promise<string> {
    const prefix = numberPrefix(receivedOn);
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `payment-number:${orgId}:${receivedOn}`,
    ]);
    const [row] = await manager.query<{ last: number | null }[]>(
      `SELECT max(substring(number FROM ${prefix.length + 1})::int) AS last
         FROM payments WHERE org_id = $1 AND received_on = $2 AND number ~ $3`,
      [orgId, receivedOn, `^${prefix}[0-9]{1,9}$`],
    );
    return `${prefix}${String((row?.last ?? 0) + 1).padStart(4, '0')}`;
  }
}
