import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, InvalidArgumentError, RuleViolationError } from '../../common/errors/app-error';
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
  requireId,
  requireOneOf,
  requireSomeChange,
  requireText,
} from '../commands/command-input';
import { CommandRunner } from '../commands/command-runner';
import { findInOrg, orgToday, requireWorker } from '../commands/org-records';
import { CreditApplication } from '../credits/credit-application.entity';
import { CreditMemo } from '../credits/credit-memo.entity';
import { Invoice, OPEN_INVOICE_STATUSES } from '../invoices/invoice.entity';
import { ACTIVE_DISPUTE_STATUSES, DISPUTE_REASONS, Dispute } from './dispute.entity';
import type { DisputeReason, DisputeStatus } from './dispute.entity';

export const DISPUTE_OUTCOMES = ['resolved', 'rejected'] as const satisfies readonly DisputeStatus[];
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

export interface OpenDisputeInput {
  /** An open invoice without an open or in-review dispute. */
  invoiceId: string;
  reason: DisputeReason;
  /** Disputed part in minor units; defaults to the invoice's whole balance, never more than it. */
  amount?: number;
  /** What the customer says, at most 10,000 characters. */
  description?: string;
  /** The member working the dispute (collector, manager or admin). */
  ownerUserId?: string;
}

/** Omitted fields stay; null clears description or owner. */
export interface UpdateDisputeInput {
  description?: string | null;
  amount?: number;
  ownerUserId?: string | null;
  /** Only 'in_review': someone is now investigating. */
  status?: 'in_review';
}

export interface ResolveDisputeInput {
  /** resolved: the customer was right (fully or partly); rejected: the invoice stands. */
  outcome: DisputeOutcome;
  /** How it was settled, one line up to 200 characters; kept on the dispute. */
  resolution: string;
  /**
   * Settle a resolved dispute with a credit memo applied to the invoice. The memo is in the
   * invoice's currency, for `amount` (default: the disputed amount, at most the invoice balance).
   */
  creditMemo?: { amount?: number; number?: string };
}

export interface DisputeResult {
  id: string;
  invoiceId: string;
  customerId: string;
  amount: number;
  currency: string;
  reason: DisputeReason;
  description: string | null;
  status: DisputeStatus;
  ownerUserId: string | null;
  openedOn: string;
  resolvedOn: string | null;
  resolution: string | null;
  creditMemoId: string | null;
}

export interface InvoiceBalanceResult {
  id: string;
  number: string;
  status: string;
  currency: string;
  total: number;
  amountCredited: number;
  balance: number;
  closedOn: string | null;
}

export interface ResolveDisputeResult {
  dispute: DisputeResult;
  /** The credit memo issued and applied, when one was asked for. */
  creditMemo: { id: string; number: string; amount: number; currency: string; issuedOn: string } | null;
  /** The disputed invoice after the resolution (its balance drops by the credit). */
  invoice: InvoiceBalanceResult;
}

function toResult(d: Dispute): DisputeResult {
  return {
    id: d.id,
    invoiceId: d.invoiceId,
    customerId: d.customerId,
    amount: d.amount,
    currency: d.currency,
    reason: d.reason,
    description: d.description,
    status: d.status,
    ownerUserId: d.ownerUserId,
    openedOn: d.openedOn,
    resolvedOn: d.resolvedOn,
    resolution: d.resolution,
    creditMemoId: d.creditMemoId,
  };
}

function toInvoiceResult(i: Invoice): InvoiceBalanceResult {
  return {
    id: i.id,
    number: i.number,
    status: i.status,
    currency: i.currency,
    total: i.total,
    amountCredited: i.amountCredited,
    balance: i.balance,
    closedOn: i.closedOn,
  };
}

function isActive(status: DisputeStatus): boolean {
  return ACTIVE_DISPUTE_STATUSES.includes(status);
}

function assertOpenInvoice(invoice: Invoice, what: string): void {
  if (!OPEN_INVOICE_STATUSES.includes(invoice.status) || invoice.balance <= 0) {
    throw new RuleViolationError(
      `Invoice ${invoice.number} is ${invoice.status.replace('_', ' ')} with nothing left to pay; ${what}`,
      { invoiceId: invoice.id, status: invoice.status },
    );
  }
}

function assertWithinBalance(amount: number, invoice: Invoice, field: string): void {
  if (amount > invoice.balance) {
    throw new RuleViolationError(
      `${field} ${formatMoney(amount, invoice.currency)} is more than invoice ${invoice.number}'s open balance of ${formatMoney(invoice.balance, invoice.currency)}; use at most that.`,
      { field, balance: invoice.balance },
    );
  }
}

/** Customer disputes of invoices: open, work and resolve them, optionally with a credit memo. */
@Injectable()
export class DisputeCommands {
  constructor(private readonly runner: CommandRunner) {}

  async openDispute(context: CommandContext, input: OpenDisputeInput): Promise<DisputeResult> {
    const f = readInput(input, ['invoiceId', 'reason', 'amount', 'description', 'ownerUserId'], 'dispute');
    const dispute = {
      invoiceId: requireId(f.invoiceId, 'invoiceId'),
      reason: requireOneOf(f.reason, DISPUTE_REASONS, 'reason'),
      amount: f.amount === undefined ? undefined : requireAmount(f.amount, 'amount'),
      description: optionalText(f.description, 'description', MAX_BODY_LENGTH) ?? null,
      ownerUserId: optionalId(f.ownerUserId, 'ownerUserId') ?? null,
    };
    return this.runner.run(context, 'dispute.open', dispute, async (scope) => {
      const { manager, orgId } = scope;
      // The invoice lock makes "one active dispute per invoice" hold under concurrent calls.
      const invoice = await findInOrg(manager, Invoice, orgId, dispute.invoiceId, 'invoice', { lock: true });
      assertOpenInvoice(invoice, 'only an open invoice can be disputed.');
      const [active] = await manager.query<{ id: string; status: string }[]>(
        `SELECT id, status FROM disputes WHERE org_id = $1 AND invoice_id = $2 AND status = ANY($3) LIMIT 1`,
        [orgId, invoice.id, ACTIVE_DISPUTE_STATUSES],
      );
      if (active) {
        throw new RuleViolationError(
          `Invoice ${invoice.number} already has an ${active.status.replace('_', ' ')} dispute (${active.id}); update that dispute instead of opening another.`,
          { invoiceId: invoice.id, disputeId: active.id },
        );
      }
      const amount = dispute.amount ?? invoice.balance;
      assertWithinBalance(amount, invoice, 'amount');
      if (dispute.ownerUserId) await requireWorker(manager, orgId, dispute.ownerUserId, 'ownerUserId');
      const saved = await manager.getRepository(Dispute).save({
        orgId,
        customerId: invoice.customerId,
        invoiceId: invoice.id,
        amount,
        currency: invoice.currency,
        reason: dispute.reason,
        description: dispute.description,
        status: 'open' as const,
        ownerUserId: dispute.ownerUserId,
        openedOn: await orgToday(manager, orgId),
        resolvedOn: null,
        resolution: null,
        creditMemoId: null,
      });
      const result = toResult(await findInOrg(manager, Dispute, orgId, saved.id, 'dispute'));
      await scope.audit({
        action: 'dispute.open',
        targetType: 'dispute',
        targetId: saved.id,
        details: { before: null, after: result },
      });
      return result;
    });
  }

  async updateDispute(
    context: CommandContext,
    disputeId: string,
    input: UpdateDisputeInput,
  ): Promise<DisputeResult> {
    const id = requireId(disputeId, 'disputeId');
    const fields = ['description', 'amount', 'ownerUserId', 'status'] as const;
    const f = readInput(input, fields, 'dispute update');
    const changes = {
      description: optionalText(f.description, 'description', MAX_BODY_LENGTH),
      amount: f.amount === undefined ? undefined : requireAmount(f.amount, 'amount'),
      ownerUserId: optionalId(f.ownerUserId, 'ownerUserId'),
      status: optionalOneOf(f.status, ['in_review'] as const, 'status'),
    };
    requireSomeChange(changes, fields, 'A dispute update');
    return this.runner.run(context, 'dispute.update', { disputeId: id, ...changes }, async (scope) => {
      const { manager, orgId } = scope;
      const dispute = await this.activeDispute(manager, orgId, id, 'updated');
      if (changes.amount !== undefined) {
        const invoice = await findInOrg(manager, Invoice, orgId, dispute.invoiceId, 'invoice', {
          lock: true,
        });
        assertWithinBalance(changes.amount, invoice, 'amount');
      }
      if (changes.ownerUserId) await requireWorker(manager, orgId, changes.ownerUserId, 'ownerUserId');
      const before = toResult(dispute);
      const patch = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      await manager.getRepository(Dispute).update({ orgId, id }, patch);
      const after = toResult(await findInOrg(manager, Dispute, orgId, id, 'dispute'));
      await scope.audit({
        action: 'dispute.update',
        targetType: 'dispute',
        targetId: id,
        details: { before, after },
      });
      return after;
    });
  }

  async resolveDispute(
    context: CommandContext,
    disputeId: string,
    input: ResolveDisputeInput,
  ): Promise<ResolveDisputeResult> {
    const id = requireId(disputeId, 'disputeId');
    const f = readInput(input, ['outcome', 'resolution', 'creditMemo'], 'dispute resolution');
    const outcome = requireOneOf(f.outcome, DISPUTE_OUTCOMES, 'outcome');
    const resolution = requireText(f.resolution, 'resolution', MAX_LINE_LENGTH);
    let credit: { amount?: number; number?: string } | undefined;
    if (f.creditMemo !== undefined) {
      const c = readInput(f.creditMemo, ['amount', 'number'], 'creditMemo');
      credit = {
        amount: c.amount === undefined ? undefined : requireAmount(c.amount, 'creditMemo.amount'),
        number: c.number === undefined ? undefined : requireText(c.number, 'creditMemo.number', 64),
      };
      if (outcome === 'rejected') {
        throw new InvalidArgumentError(
          'A rejected dispute leaves the invoice as billed; omit creditMemo, or resolve the dispute with outcome "resolved" to credit the customer.',
          { field: 'creditMemo' },
        );
      }
    }
    const request = { disputeId: id, outcome, resolution, creditMemo: credit };
    return this.runner.run(context, 'dispute.resolve', request, async (scope) => {
      const { manager, orgId } = scope;
      const dispute = await this.activeDispute(manager, orgId, id, 'resolved');
      const invoice = await findInOrg(manager, Invoice, orgId, dispute.invoiceId, 'invoice', { lock: true });
      const before = toResult(dispute);
      const today = await orgToday(manager, orgId);
      let memo: CreditMemo | null = null;
      if (credit) {
        const amount = credit.amount ?? dispute.amount;
        if (amount > dispute.amount) {
          throw new RuleViolationError(
            `creditMemo.amount ${formatMoney(amount, dispute.currency)} is more than the ${formatMoney(dispute.amount, dispute.currency)} in dispute; credit at most the disputed amount.`,
            { field: 'creditMemo.amount' },
          );
        }
        assertOpenInvoice(invoice, 'resolve the dispute without a credit memo.');
        assertWithinBalance(amount, invoice, 'creditMemo.amount');
        memo = await this.creditInvoice(manager, orgId, invoice, amount, today, {
          number: credit.number,
          reason: `Dispute ${dispute.reason.replace('_', ' ')}: ${resolution}`,
        });
        await scope.audit({
          action: 'credit_memo.issue',
          targetType: 'credit_memo',
          targetId: memo.id,
          reason: `Settles dispute ${id}`,
          details: {
            after: {
              id: memo.id,
              number: memo.number,
              amount,
              currency: memo.currency,
              appliedTo: invoice.id,
            },
            invoice: { id: invoice.id, balanceAfter: invoice.balance, statusAfter: invoice.status },
          },
        });
      }
      await manager
        .getRepository(Dispute)
        .update(
          { orgId, id },
          { status: outcome, resolvedOn: today, resolution, creditMemoId: memo?.id ?? null },
        );
      const after = toResult(await findInOrg(manager, Dispute, orgId, id, 'dispute'));
      await scope.audit({
        action: 'dispute.resolve',
        targetType: 'dispute',
        targetId: id,
        reason: resolution,
        details: { before, after },
      });
      return {
        dispute: after,
        creditMemo: memo
          ? {
              id: memo.id,
              number: memo.number,
              amount: memo.amount,
              currency: memo.currency,
              issuedOn: memo.issuedOn,
            }
          : null,
        invoice: toInvoiceResult(invoice),
      };
    });
  }

  private async activeDispute(
    manager: EntityManager,
    orgId: string,
    id: string,
    verb: string,
  ): Promise<Dispute> {
    const dispute = await findInOrg(manager, Dispute, orgId, id, 'dispute', { lock: true });
    if (!isActive(dispute.status)) {
      throw new RuleViolationError(
        `This dispute was already ${dispute.status}${dispute.resolvedOn ? ` on ${dispute.resolvedOn}` : ''} and cannot be ${verb}; open a new dispute if the customer raises the issue again.`,
        { disputeId: id, status: dispute.status },
      );
    }
    return dispute;
  }

  /**
   * Issues a credit memo for `amount` in the invoice's currency and applies all of it to the
   * invoice, keeping both balances as the CHECK constraints and the books' invariants require
   * (ADR 0003): memo remaining 0 and applied; invoice credited, its balance and status recomputed,
   * closed today if nothing is left. `invoice` is updated in place.
   */
  private async creditInvoice(
    manager: EntityManager,
    orgId: string,
    invoice: Invoice,
    amount: number,
    today: string,
    memo: { number?: string; reason: string },
  ): Promise<CreditMemo> {
    const number = memo.number ?? (await this.nextCreditMemoNumber(manager, orgId, invoice));
    if (memo.number && (await creditMemoNumberTaken(manager, orgId, number))) {
      throw new ConflictError(
        `A credit memo numbered ${number} already exists; choose another number or omit it.`,
        {
          field: 'creditMemo.number',
        },
      );
    }
    const saved = await manager.getRepository(CreditMemo).save({
      orgId,
      customerId: invoice.customerId,
      number,
      issuedOn: today,
      currency: invoice.currency,
      amount,
      remainingAmount: 0,
      status: 'applied' as const,
      reason: memo.reason.slice(0, MAX_BODY_LENGTH),
    });
    await manager.getRepository(CreditApplication).insert({
      orgId,
      creditMemoId: saved.id,
      invoiceId: invoice.id,
      amount,
      appliedOn: today,
    });
    invoice.amountCredited += amount;
    invoice.balance = invoice.total - invoice.amountPaid - invoice.amountCredited - invoice.amountWrittenOff;
    invoice.status =
      invoice.balance === 0 ? 'paid' : invoice.balance < invoice.total ? 'partially_paid' : 'open';
    invoice.closedOn = invoice.balance === 0 ? today : null;
    await manager.getRepository(Invoice).update(
      { orgId, id: invoice.id },
      {
        amountCredited: invoice.amountCredited,
        balance: invoice.balance,
        status: invoice.status,
        closedOn: invoice.closedOn,
      },
    );
    return saved;
  }

  /** CM-<invoice number>-<n>, the first n not taken: readable, and tied to the invoice it credits. */
  private async nextCreditMemoNumber(
    manager: EntityManager,
    orgId: string,
    invoice: Invoice,
  ): Promise<string> {
    const prefix = `CM-${invoice.number}-`;
    const [{ n }] = await manager.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM credit_memos WHERE org_id = $1 AND starts_with(number, $2)',
      [orgId, prefix],
    );
    let next = n + 1;
    while (await creditMemoNumberTaken(manager, orgId, `${prefix}${next}`)) next++;
    return `${prefix}${next}`;
  }
}

async function creditMemoNumberTaken(
  manager: EntityManager,
  orgId: string,
  number: string,
): Promise<boolean> {
  const rows = await manager.query<unknown[]>(
    'SELECT 1 FROM credit_memos WHERE org_id = $1 AND number = $2',
    [orgId, number],
  );
  return rows.length > 0;
}
