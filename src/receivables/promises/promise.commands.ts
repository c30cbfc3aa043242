import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { InvalidArgumentError, NotFoundError, RuleViolationError } from '../../common/errors/app-error';
import { formatMoney } from '../analytics/shared/money';
import type { CommandContext } from '../commands/actor';
import {
  MAX_BODY_LENGTH,
  MAX_LINE_LENGTH,
  optionalId,
  optionalOneOf,
  optionalText,
  readInput,
  requireAmount,
  requireCurrency,
  requireDate,
  requireId,
  requireIdList,
} from '../commands/command-input';
import { CommandRunner } from '../commands/command-runner';
import { authorOf, findInOrg, iso, orgToday } from '../commands/org-records';
import { Contact } from '../customers/contact.entity';
import { Customer } from '../customers/customer.entity';
import { Invoice, OPEN_INVOICE_STATUSES } from '../invoices/invoice.entity';
import { addDays, daysBetween } from '../shared/calendar';
import { PromiseInvoice } from './promise-invoice.entity';
import { PROMISE_SOURCES, PromiseToPay } from './promise-to-pay.entity';
import type { PromiseSource, PromiseStatus } from './promise-to-pay.entity';

/** A promise covers at most this many invoices (a statement's worth). */
export const MAX_INVOICES_PER_PROMISE = 100;
/** Promises further out than this are plans, not promises; record them as tasks or notes. */
export const MAX_PROMISE_HORIZON_DAYS = 366;
/**
 * Days after the promised date a payment still counts as keeping the promise (bank transfers land
 * a day or two late). Organizations have no setting for it yet, so it is 0 for everyone: a
 * per-organization value would be a new column on organizations.
 */
export const PROMISE_GRACE_DAYS = 0;

export interface RecordPromiseInput {
  customerId: string;
  /** Open invoices of that customer the promise covers (1 to 100). */
  invoiceIds: string[];
  /** Promised amount in minor units; at most the covered invoices' open balance. */
  amount: number;
  /** Must be the covered invoices' currency. */
  currency: string;
  /** YYYY-MM-DD, today or later in the organization's time zone, at most a year ahead. */
  promisedOn: string;
  /** Who at the customer made the promise; one of the customer's contacts. */
  contactId?: string;
  /** How the promise was made; defaults to call. */
  source?: PromiseSource;
  note?: string;
}

export interface PromiseInvoiceResult {
  invoiceId: string;
  invoiceNumber: string;
  /** Part of the promise meant for this invoice. */
  amount: number;
}

export interface PromiseResult {
  id: string;
  customerId: string;
  contactId: string | null;
  amount: number;
  currency: string;
  promisedOn: string;
  status: PromiseStatus;
  source: PromiseSource;
  note: string | null;
  createdByUserId: string | null;
  createdAt: string;
  invoices: PromiseInvoiceResult[];
}

export interface PromiseEvaluationChange {
  promiseId: string;
  customerId: string;
  promisedOn: string;
  currency: string;
  promisedAmount: number;
  /** Payments applied to the covered invoices from the day the promise was made to its deadline. */
  appliedAmount: number;
  status: Extract<PromiseStatus, 'kept' | 'partially_kept' | 'broken'>;
}

export interface PromiseEvaluationResult {
  asOf: string;
  graceDays: number;
  /** Pending promises looked at. */
  evaluated: number;
  /** Promises whose status changed, oldest promised date first. */
  changes: PromiseEvaluationChange[];
  /** Promises still pending: not yet paid in full, and their deadline not yet passed. */
  stillPending: number;
}

async function loadPromise(
  manager: EntityManager,
  orgId: string,
  promise: PromiseToPay,
): Promise<PromiseResult> {
  const invoices = await manager.query<PromiseInvoiceResult[]>(
    `SELECT pi.invoice_id AS "invoiceId", i.number AS "invoiceNumber", pi.amount
       FROM promise_invoices pi JOIN invoices i ON i.org_id = pi.org_id AND i.id = pi.invoice_id
      WHERE pi.org_id = $1 AND pi.promise_id = $2
      ORDER BY i.due_date, i.number`,
    [orgId, promise.id],
  );
  return {
    id: promise.id,
    customerId: promise.customerId,
    contactId: promise.contactId,
    amount: promise.amount,
    currency: promise.currency,
    promisedOn: promise.promisedOn,
    status: promise.status,
    source: promise.source,
    note: promise.note,
    createdByUserId: promise.createdByUserId,
    createdAt: iso(promise.createdAt)!,
    invoices,
  };
}

/**
 * Promises to pay: recording one against open invoices, cancelling it, and deciding from the
 * payments that arrived whether it was kept.
 */
@Injectable()
export class PromiseCommands {
  constructor(private readonly runner: CommandRunner) {}

  async recordPromise(context: CommandContext, input: RecordPromiseInput): Promise<PromiseResult> {
    const f = readInput(
      input,
      ['customerId', 'invoiceIds', 'amount', 'currency', 'promisedOn', 'contactId', 'source', 'note'],
      'promise',
    );
    const promise = {
      customerId: requireId(f.customerId, 'customerId'),
      invoiceIds: requireIdList(f.invoiceIds, 'invoiceIds', MAX_INVOICES_PER_PROMISE),
      amount: requireAmount(f.amount, 'amount'),
      currency: requireCurrency(f.currency, 'currency'),
      promisedOn: requireDate(f.promisedOn, 'promisedOn'),
      contactId: optionalId(f.contactId, 'contactId') ?? null,
      source: optionalOneOf(f.source, PROMISE_SOURCES, 'source') ?? 'call',
      note: optionalText(f.note, 'note', MAX_BODY_LENGTH) ?? null,
    };
    return this.runner.run(context, 'promise.record', promise, async (scope) => {
      const { manager, orgId } = scope;
      const customer = await findInOrg(manager, Customer, orgId, promise.customerId, 'customer');
      const today = await orgToday(manager, orgId);
      if (promise.promisedOn < today) {
        throw new RuleViolationError(
          `promisedOn ${promise.promisedOn} is in the past; a promise to pay is for today (${today}) or a later day.`,
          { field: 'promisedOn' },
        );
      }
      if (daysBetween(today, promise.promisedOn) > MAX_PROMISE_HORIZON_DAYS) {
        throw new RuleViolationError(
          `promisedOn ${promise.promisedOn} is more than a year away; record a promise for a date within ${MAX_PROMISE_HORIZON_DAYS} days.`,
          { field: 'promisedOn' },
        );
      }
      if (promise.contactId) {
        const contact = await findInOrg(manager, Contact, orgId, promise.contactId, 'contact');
        if (contact.customerId !== customer.id) {
          throw new InvalidArgumentError(
            `Contact ${contact.name} works for another customer, not ${customer.name}; name one of ${customer.name}'s contacts or omit contactId.`,
            { field: 'contactId', id: contact.id },
          );
        }
      }
      const invoices = await this.coveredInvoices(
        manager,
        orgId,
        customer,
        promise.invoiceIds,
        promise.currency,
      );
      const openBalance = invoices.reduce((sum, i) => sum + i.balance, 0);
      if (promise.amount > openBalance) {
        throw new RuleViolationError(
          `The promised ${formatMoney(promise.amount, promise.currency)} is more than the ${formatMoney(openBalance, promise.currency)} still open on the covered invoices; promise at most that, or cover more invoices.`,
          { field: 'amount', openBalance },
        );
      }
      const saved = await manager.getRepository(PromiseToPay).save({
        orgId,
        customerId: customer.id,
        contactId: promise.contactId,
        amount: promise.amount,
        currency: promise.currency,
        promisedOn: promise.promisedOn,
        status: 'pending' as const,
        source: promise.source,
        note: promise.note,
        createdByUserId: await authorOf(manager, context),
      });
      // The promised money goes to the oldest debt first, as customers' remittances usually do;
      // the cash forecast reads this split to move each invoice's promised part.
      let left = promise.amount;
      const split: PromiseInvoice[] = [];
      for (const invoice of invoices) {
        const amount = Math.min(left, invoice.balance);
        if (amount === 0) break;
        split.push({ orgId, promiseId: saved.id, invoiceId: invoice.id, amount });
        left -= amount;
      }
      await manager.getRepository(PromiseInvoice).insert(split);
      const result = await loadPromise(
        manager,
        orgId,
        await findInOrg(manager, PromiseToPay, orgId, saved.id, 'promise'),
      );
      await scope.audit({
        action: 'promise.record',
        targetType: 'promise',
        targetId: saved.id,
        details: { before: null, after: result },
      });
      return result;
    });
  }

  /** Cancels a pending promise (the customer withdrew it, or it was recorded by mistake). */
  async cancelPromise(
    context: CommandContext,
    promiseId: string,
    options: { reason?: string } = {},
  ): Promise<PromiseResult> {
    const id = requireId(promiseId, 'promiseId');
    const f = readInput(options, ['reason'], 'promise cancellation');
    const reason = optionalText(f.reason, 'reason', MAX_LINE_LENGTH) ?? null;
    return this.runner.run(context, 'promise.cancel', { promiseId: id, reason }, async (scope) => {
      const { manager, orgId } = scope;
      const promise = await findInOrg(manager, PromiseToPay, orgId, id, 'promise', { lock: true });
      if (promise.status !== 'pending') {
        throw new RuleViolationError(
          `This promise is already ${promise.status.replace('_', ' ')}; only a pending promise can be cancelled.`,
          { promiseId: id, status: promise.status },
        );
      }
      const before = await loadPromise(manager, orgId, promise);
      await manager.getRepository(PromiseToPay).update({ orgId, id }, { status: 'cancelled' });
      const after = await loadPromise(
        manager,
        orgId,
        await findInOrg(manager, PromiseToPay, orgId, id, 'promise'),
      );
      await scope.audit({
        action: 'promise.cancel',
        targetType: 'promise',
        targetId: id,
        reason,
        details: { before, after },
      });
      return after;
    });
  }

  /**
   * Settles pending promises from the payments applied to their invoices since the day each was
   * made: kept once those reach the promised amount; once the promised date (plus grace days) has
   * passed, partially_kept when some money came and broken when none did. Others stay pending.
   * Payments that were unapplied again by `asOf` do not count. Meant for a daily job (a system
   * actor) and for a user who wants the statuses brought up to date now.
   */
  async evaluatePromises(
    context: CommandContext,
    options: { asOf?: string } = {},
  ): Promise<PromiseEvaluationResult> {
    const f = readInput(options, ['asOf'], 'promise evaluation');
    const requested = f.asOf === undefined ? undefined : requireDate(f.asOf, 'asOf');
    return this.runner.run(context, 'promise.evaluate', { asOf: requested }, async (scope) => {
      const { manager, orgId } = scope;
      const today = await orgToday(manager, orgId);
      const asOf = requested ?? today;
      if (asOf > today) {
        throw new InvalidArgumentError(
          `asOf ${asOf} is in the future; promises can be evaluated as of today (${today}) or an earlier day.`,
          { field: 'asOf' },
        );
      }
      // Lock the pending promises first so a concurrent cancellation or evaluation waits for us.
      await manager.query(
        `SELECT id FROM promises_to_pay WHERE org_id = $1 AND status = 'pending' ORDER BY id FOR UPDATE`,
        [orgId],
      );
      const rows = await manager.query<
        {
          id: string;
          customerId: string;
          promisedOn: string;
          currency: string;
          amount: number;
          applied: number;
        }[]
      >(
        `SELECT p.id, p.customer_id AS "customerId", to_char(p.promised_on, 'YYYY-MM-DD') AS "promisedOn",
                p.currency, p.amount,
                COALESCE((
                  SELECT SUM(pa.amount)
                    FROM payment_applications pa
                   WHERE pa.org_id = p.org_id
                     AND pa.invoice_id IN (SELECT pi.invoice_id FROM promise_invoices pi
                                            WHERE pi.org_id = p.org_id AND pi.promise_id = p.id)
                     AND pa.applied_on >= (p.created_at AT TIME ZONE o.time_zone)::date
                     AND pa.applied_on <= LEAST($2::date, p.promised_on + $3::int)
                     AND (pa.unapplied_on IS NULL OR pa.unapplied_on > $2::date)
                ), 0)::bigint AS applied
           FROM promises_to_pay p
           JOIN organizations o ON o.id = p.org_id
          WHERE p.org_id = $1 AND p.status = 'pending'
            AND (p.created_at AT TIME ZONE o.time_zone)::date <= $2::date
          ORDER BY p.promised_on, p.id`,
        [orgId, asOf, PROMISE_GRACE_DAYS],
      );
      const changes: PromiseEvaluationChange[] = [];
      for (const row of rows) {
        const deadlinePassed = asOf > addDays(row.promisedOn, PROMISE_GRACE_DAYS);
        const status =
          row.applied >= row.amount
            ? 'kept'
            : !deadlinePassed
              ? null
              : row.applied > 0
                ? 'partially_kept'
                : 'broken';
        if (!status) continue;
        changes.push({
          promiseId: row.id,
          customerId: row.customerId,
          promisedOn: row.promisedOn,
          currency: row.currency,
          promisedAmount: row.amount,
          appliedAmount: row.applied,
          status,
        });
      }
      for (const status of ['kept', 'partially_kept', 'broken'] as const) {
        const ids = changes.filter((c) => c.status === status).map((c) => c.promiseId);
        if (ids.length > 0)
          await manager.getRepository(PromiseToPay).update({ orgId, id: In(ids) }, { status });
      }
      for (const change of changes) {
        await scope.audit({
          action: 'promise.evaluate',
          targetType: 'promise',
          targetId: change.promiseId,
          details: { asOf, before: { status: 'pending' }, after: { status: change.status }, ...change },
        });
      }
      const result: PromiseEvaluationResult = {
        asOf,
        graceDays: PROMISE_GRACE_DAYS,
        evaluated: rows.length,
        changes,
        stillPending: rows.length - changes.length,
      };
      // The run itself is recorded too, so "evaluated, nothing changed" is visible in the log.
      await scope.audit({
        action: 'promise.evaluate',
        targetType: 'organization',
        targetId: orgId,
        details: {
          asOf,
          evaluated: result.evaluated,
          changed: changes.length,
          stillPending: result.stillPending,
        },
      });
      return result;
    });
  }

  /**
   * The invoices a new promise covers, oldest due first: all in the organization, all the
   * customer's, all still open and all in the promise's currency. Locked FOR SHARE so a payment
   * cannot change their balances between the check and the insert.
   */
  private async coveredInvoices(
    manager: EntityManager,
    orgId: string,
    customer: Customer,
    ids: string[],
    currency: string,
  ): Promise<Invoice[]> {
    // Locked in id order, the order every money command locks invoices in (invoice-postings.ts),
    // so a promise recorded while a payment is applied never deadlocks with it.
    const invoices = await manager.getRepository(Invoice).find({
      where: { orgId, id: In(ids) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_read' },
    });
    const byId = new Map(invoices.map((i) => [i.id, i]));
    const missing = ids.find((id) => !byId.has(id));
    if (missing) throw new NotFoundError('invoice', missing);
    // Judged in the caller's order, so the error names the first offending invoice they listed.
    for (const invoice of ids.map((id) => byId.get(id) as Invoice)) {
      if (invoice.customerId !== customer.id) {
        throw new InvalidArgumentError(
          `Invoice ${invoice.number} belongs to another customer, not ${customer.name}; a promise covers one customer's invoices.`,
          { field: 'invoiceIds', id: invoice.id },
        );
      }
      if (!OPEN_INVOICE_STATUSES.includes(invoice.status) || invoice.balance <= 0) {
        throw new RuleViolationError(
          `Invoice ${invoice.number} is ${invoice.status.replace('_', ' ')} with nothing left to pay; a promise covers open invoices only.`,
          { field: 'invoiceIds', id: invoice.id, status: invoice.status },
        );
      }
      if (invoice.currency !== currency) {
        throw new RuleViolationError(
          `Invoice ${invoice.number} is in ${invoice.currency}, not ${currency}; a promise is in its invoices' currency, so record one promise per currency.`,
          { field: 'currency', id: invoice.id },
        );
      }
    }
    return invoices.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
  }
}
