import { Injectable } from '@nestjs/common';
import { RuleViolationError } from '../../common/errors/app-error';
import type { CommandContext } from '../commands/actor';
import { requireId } from '../commands/command-input';
import { CommandRunner } from '../commands/command-runner';
import { describeAmount, parseApplicationLines, sumAmounts } from '../commands/money-input';
import type { ApplicationLine } from '../commands/money-input';
import { findInOrg, orgToday } from '../commands/org-records';
import {
  applicationDay,
  assertCanSettle,
  lockInvoices,
  postApplications,
  saveInvoiceAmounts,
} from '../invoices/invoice-postings';
import type { SettledInvoice } from '../invoices/invoice-postings';
import { CreditApplication } from './credit-application.entity';
import { CreditMemo } from './credit-memo.entity';
import type { CreditMemoStatus } from './credit-memo.entity';

export interface CreditApplicationResult extends SettledInvoice {
  applicationId: string;
  appliedOn: string;
}

export interface ApplyCreditMemoResult {
  creditMemoId: string;
  creditMemoNumber: string;
  customerId: string;
  currency: string;
  /** The memo's full amount, minor units. */
  amount: number;
  /** Credit still unused after this command. */
  remainingAmount: number;
  status: CreditMemoStatus;
  applications: CreditApplicationResult[];
}

/**
 * Credit memo application: settles open invoices of the memo's customer with its unused credit,
 * under the same rules as cash (invoices/invoice-postings.ts#assertCanSettle). One transaction
 * through the CommandRunner; the memo is locked first, then the invoices by id.
 */
@Injectable()
export class CreditCommands {
  constructor(private readonly runner: CommandRunner) {}

  async applyCreditMemo(
    context: CommandContext,
    creditMemoId: string,
    applications: ApplicationLine[],
  ): Promise<ApplyCreditMemoResult> {
    const orgId = requireId(context.orgId, 'orgId');
    const request = {
      creditMemoId: requireId(creditMemoId, 'creditMemoId'),
      applications: parseApplicationLines(applications, 'applications', { allowEmpty: false }),
    };
    return this.runner.run(context, 'credit_memo.apply', request, async (scope) => {
      const { manager } = scope;
      const memo = await findInOrg(manager, CreditMemo, orgId, request.creditMemoId, 'credit memo', {
        lock: true,
      });
      if (memo.status === 'void') {
        throw new RuleViolationError(
          `Credit memo ${memo.number} is void; there is no credit to apply. Apply another credit memo.`,
          { creditMemoId: memo.id, rule: 'credit_memo_not_void' },
        );
      }
      if (memo.remainingAmount === 0) {
        throw new RuleViolationError(
          `Credit memo ${memo.number} is already fully applied; there is no credit left on it.`,
          { creditMemoId: memo.id, rule: 'no_over_application' },
        );
      }
      const invoices = await lockInvoices(
        manager,
        orgId,
        request.applications.map((l) => l.invoiceId),
      );
      const source = {
        label: `credit memo ${memo.number}`,
        customerId: memo.customerId,
        currency: memo.currency,
      };
      for (const line of request.applications) {
        assertCanSettle(invoices.get(line.invoiceId)!, line.amount, source);
      }
      const total = sumAmounts(request.applications);
      if (total > memo.remainingAmount) {
        throw new RuleViolationError(
          `The applications add up to ${describeAmount(total, memo.currency)} but credit memo ${memo.number} has only ${describeAmount(memo.remainingAmount, memo.currency)} left; lower the amounts to that total at most.`,
          { creditMemoId: memo.id, rule: 'no_over_application', remainingAmount: memo.remainingAmount },
        );
      }

      const today = await orgToday(manager, orgId);
      const rows = request.applications.map((line) => ({
        orgId,
        creditMemoId: memo.id,
        invoiceId: line.invoiceId,
        amount: line.amount,
        appliedOn: applicationDay(today, invoices.get(line.invoiceId)!, today),
      }));
      const inserted = await manager.getRepository(CreditApplication).insert(rows);
      const { results: lines, audit: invoiceAudit } = postApplications(
        invoices,
        rows.map((row, n) => ({ ...row, applicationId: String(inserted.identifiers[n].id) })),
        'amountCredited',
      );
      for (const invoice of invoices.values()) await saveInvoiceAmounts(manager, invoice);

      const memoBefore = { remainingAmount: memo.remainingAmount, status: memo.status };
      memo.remainingAmount -= total;
      memo.status = memo.remainingAmount === 0 ? 'applied' : 'partially_applied';
      await manager
        .getRepository(CreditMemo)
        .update({ orgId, id: memo.id }, { remainingAmount: memo.remainingAmount, status: memo.status });

      await scope.audit({
        action: 'credit_memo.apply',
        targetType: 'credit_memo',
        targetId: memo.id,
        details: {
          number: memo.number,
          currency: memo.currency,
          amount: total,
          creditMemo: {
            before: memoBefore,
            after: { remainingAmount: memo.remainingAmount, status: memo.status },
          },
          invoices: invoiceAudit,
        },
      });
      return {
        creditMemoId: memo.id,
        creditMemoNumber: memo.number,
        customerId: memo.customerId,
        currency: memo.currency,
        amount: memo.amount,
        remainingAmount: memo.remainingAmount,
        status: memo.status,
        applications: lines,
      };
    });
  }
}
