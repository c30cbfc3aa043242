import { Injectable } from '@nestjs/common';
import { RuleViolationError } from '../../common/errors/app-error';
import type { CommandContext } from '../commands/actor';
import { readInput, requireAmount, requireId, requireText } from '../commands/command-input';
import { CommandRunner } from '../commands/command-runner';
import { describeAmount } from '../commands/money-input';
import { orgToday } from '../commands/org-records';
import { invoiceAmounts, lockInvoices, resettle, saveInvoiceAmounts } from './invoice-postings';
import type { InvoiceStatus } from './invoice.entity';

/** A write-off is justified in writing: the reason is kept in the audit log. */
const MAX_REASON_LENGTH = 500;

export interface WriteOffInput {
  /** Minor units; defaults to the whole open balance. */
  amount?: number;
  /** Why the money will not be collected (bankruptcy, small balance, settlement...). */
  reason: string;
}

export interface WriteOffResult {
  invoiceId: string;
  invoiceNumber: string;
  customerId: string;
  currency: string;
  /** Written off by this command, minor units. */
  amount: number;
  writtenOffOn: string;
  /** Everything written off on this invoice so far. */
  amountWrittenOff: number;
  balanceBefore: number;
  balance: number;
  statusBefore: InvoiceStatus;
  status: InvoiceStatus;
}

const WRITE_OFF_FIELDS = ['amount', 'reason'] as const satisfies readonly (keyof WriteOffInput)[];

/** Changes to an invoice's money: write-offs (bad debt, small balances). */
@Injectable()
export class InvoiceCommands {
  constructor(private readonly runner: CommandRunner) {}

  /**
   * Writes off all or part of an invoice's open balance. Writing off the rest of the balance
   * closes the invoice as written_off; a part leaves it partially paid with a smaller balance.
   */
  async writeOff(context: CommandContext, invoiceId: string, input: WriteOffInput): Promise<WriteOffResult> {
    const orgId = requireId(context.orgId, 'orgId');
    const f = readInput(input, WRITE_OFF_FIELDS, 'write-off');
    const request = {
      invoiceId: requireId(invoiceId, 'invoiceId'),
      amount: f.amount === undefined || f.amount === null ? null : requireAmount(f.amount, 'amount'),
      reason: requireText(f.reason, 'reason', MAX_REASON_LENGTH),
    };
    return this.runner.run(context, 'invoice.write_off', request, async (scope) => {
      const { manager } = scope;
      const invoice = (await lockInvoices(manager, orgId, [request.invoiceId])).get(request.invoiceId)!;
      const name = `Invoice ${invoice.number}`;
      if (invoice.status === 'void') {
        throw new RuleViolationError(`${name} is void and owes nothing; there is nothing to write off.`, {
          invoiceId: invoice.id,
          rule: 'invoice_open',
        });
      }
      if (invoice.status === 'written_off') {
        throw new RuleViolationError(
          `${name} is already written off in full; there is nothing left to write off.`,
          {
            invoiceId: invoice.id,
            rule: 'invoice_open',
          },
        );
      }
      if (invoice.balance === 0) {
        throw new RuleViolationError(
          `${name} is settled in full (status ${invoice.status}, balance 0); there is nothing to write off.`,
          { invoiceId: invoice.id, rule: 'invoice_open' },
        );
      }
      const amount = request.amount ?? invoice.balance;
      if (amount > invoice.balance) {
        throw new RuleViolationError(
          `${name} owes only ${describeAmount(invoice.balance, invoice.currency)}; write off at most that much (omit the amount to write off the whole balance).`,
          { invoiceId: invoice.id, rule: 'no_over_write_off', balance: invoice.balance },
        );
      }

      const today = await orgToday(manager, orgId);
      const before = invoiceAmounts(invoice);
      invoice.amountWrittenOff += amount;
      // One date per invoice in the schema: the latest write-off's (docs/adr/0007-money-commands.md).
      invoice.writtenOffOn = today;
      resettle(invoice, today);
      if (invoice.balance === 0) invoice.status = 'written_off';
      await saveInvoiceAmounts(manager, invoice);

      await scope.audit({
        action: 'invoice.write_off',
        targetType: 'invoice',
        targetId: invoice.id,
        reason: request.reason,
        details: {
          number: invoice.number,
          currency: invoice.currency,
          amount,
          before,
          after: invoiceAmounts(invoice),
        },
      });
      return {
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        customerId: invoice.customerId,
        currency: invoice.currency,
        amount,
        writtenOffOn: today,
        amountWrittenOff: invoice.amountWrittenOff,
        balanceBefore: before.balance,
        balance: invoice.balance,
        statusBefore: before.status,
        status: invoice.status,
      };
    });
  }
}
