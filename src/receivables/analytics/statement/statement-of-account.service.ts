import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidArgumentError } from '../../../common/errors/app-error';
import { todayIn } from '../../shared/calendar';
import { OrgSettingsReader } from '../../shared/org-settings';
import { resolveChoice, resolvePeriod } from '../shared/analytics-input';
import type { Period } from '../shared/analytics-input';
import {
  openCreditMemosAsOfSql,
  openInvoicesAsOfSql,
  unappliedCashAsOfSql,
} from '../shared/as-of-balances.sql';
import { requireCustomer } from '../shared/lookups';
import { money } from '../shared/money';
import type { Money } from '../shared/money';
import { runReportQueries } from '../shared/report-queries';
import type { ReportQuery } from '../shared/report-queries';
import { SqlParams } from '../shared/sql-params';
import { AGING_BASES, agingBuckets, bucketLowerBounds, resolveBucketEdges } from '../aging/aging-buckets';
import type { AgingBasis, AgingBucket } from '../aging/aging-buckets';
import type { AgingAmounts } from '../aging/aging.service';

export interface StatementQuery {
  from: string;
  to: string;
  /** Aging of what is open at `to`; defaults: the organization's settings. */
  basis?: AgingBasis;
  bucketEdges?: number[];
}

export type StatementLineType = 'invoice' | 'payment' | 'credit_memo' | 'write_off';

/** One document; debits raise what the customer owes, credits lower it. */
export interface StatementLine {
  date: string;
  type: StatementLineType;
  documentId: string;
  number: string;
  description: string;
  debit: number;
  credit: number;
  /** What the customer owes after this line, in the section's currency. */
  balance: number;
}

/** The statement in one currency (a customer billed in two currencies gets two sections). */
export interface StatementSection {
  currency: string;
  /** What the customer owed at the end of the day before `from`. */
  openingBalance: Money;
  lines: StatementLine[];
  totalDebits: Money;
  totalCredits: Money;
  /** Opening balance + debits − credits. */
  closingBalance: Money;
  /** The closing balance as it stands at `to`: open invoices less unapplied cash and unused credit. */
  closingBreakdown: { openInvoices: Money; unappliedCash: Money; unusedCredit: Money };
  /** Aging of the invoices open at `to`. */
  aging: AgingAmounts;
}

export interface StatementOfAccount {
  customer: { id: string; name: string };
  period: Period;
  basis: AgingBasis;
  buckets: AgingBucket[];
  sections: StatementSection[];
}

/** A statement is read by people: past this many lines, ask for a shorter period instead. */
export const MAX_STATEMENT_LINES = 5000;
const MAX_STATEMENT_DAYS = 3 * 366;

interface BalanceRow {
  currency: string;
  amount: number;
}

interface LineRow {
  date: string;
  type: StatementLineType;
  documentId: string;
  number: string;
  description: string;
  currency: string;
  amount: number;
}

interface AgingRow {
  currency: string;
  bucket: number;
  amount: number;
  invoiceCount: number;
}

interface OpenItemRow {
  kind: 'invoice' | 'cash' | 'credit';
  currency: string;
  amount: number;
}

/**
 * Statement of account of one customer: opening balance, every invoice, payment, credit memo and
 * write-off in the period with a running balance, closing balance, and the aging of what is open.
 * The customer's balance on a day is Σ invoices − Σ payments received − Σ credit memos − Σ
 * write-offs dated by then (void documents never count); applying cash or credit to an invoice
 * moves nothing in it, so applications are not lines.
 */
@Injectable()
export class StatementOfAccountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orgSettings: OrgSettingsReader,
  ) {}

  async statement(orgId: string, customerId: string, query: StatementQuery): Promise<StatementOfAccount> {
    const settings = await this.orgSettings.load(orgId);
    const period = resolvePeriod(query.from, query.to, todayIn(settings.timeZone), MAX_STATEMENT_DAYS);
    const basis = resolveChoice(query.basis, 'basis', AGING_BASES, settings.agingBasis);
    const edges = resolveBucketEdges(query.bucketEdges, settings.agingBucketEdges);
    const customer = await requireCustomer(this.dataSource, orgId, customerId);
    const buckets = agingBuckets(basis, edges);

    const { opening, lines, aging, openItems } = await runReportQueries(this.dataSource, async (q) => ({
      opening: await this.openingBalances(q, orgId, customer.id, period.from),
      lines: await this.lines(q, orgId, customer.id, period),
      aging: await this.aging(q, orgId, customer.id, period.to, basis, edges),
      openItems: await this.openItems(q, orgId, customer.id, period.to),
    }));

    const currencies = [
      ...new Set([...opening, ...lines, ...aging, ...openItems].map((r) => r.currency)),
    ].sort();
    const sections = currencies.map((currency): StatementSection => {
      let balance = opening.find((o) => o.currency === currency)?.amount ?? 0;
      const openingBalance = balance;
      let debits = 0;
      let credits = 0;
      const sectionLines = lines
        .filter((l) => l.currency === currency)
        .map((l): StatementLine => {
          const debit = l.amount > 0 ? l.amount : 0;
          const credit = l.amount < 0 ? -l.amount : 0;
          balance += l.amount;
          debits += debit;
          credits += credit;
          return {
            date: l.date,
            type: l.type,
            documentId: l.documentId,
            number: l.number,
            description: l.description,
            debit,
            credit,
            balance,
          };
        });
      const open = (kind: OpenItemRow['kind']) =>
        openItems.filter((o) => o.kind === kind && o.currency === currency).reduce((s, o) => s + o.amount, 0);
      const agingAmounts: AgingAmounts = {
        currency,
        buckets: buckets.map((b) => ({ key: b.key, amount: 0, invoiceCount: 0 })),
        total: 0,
        invoiceCount: 0,
      };
      for (const row of aging.filter((a) => a.currency === currency)) {
        agingAmounts.buckets[row.bucket].amount += row.amount;
        agingAmounts.buckets[row.bucket].invoiceCount += row.invoiceCount;
        agingAmounts.total += row.amount;
        agingAmounts.invoiceCount += row.invoiceCount;
      }
      return {
        currency,
        openingBalance: money(openingBalance, currency),
        lines: sectionLines,
        totalDebits: money(debits, currency),
        totalCredits: money(credits, currency),
        closingBalance: money(balance, currency),
        closingBreakdown: {
          openInvoices: money(open('invoice'), currency),
          unappliedCash: money(open('cash'), currency),
          unusedCredit: money(open('credit'), currency),
        },
        aging: agingAmounts,
      };
    });
    return { customer: { id: customer.id, name: customer.name }, period, basis, buckets, sections };
  }

  private openingBalances(
    q: ReportQuery,
    orgId: string,
    customerId: string,
    from: string,
  ): Promise<BalanceRow[]> {
    return q<BalanceRow>(
      `SELECT currency, SUM(amount)::bigint AS amount FROM (
         SELECT currency::text AS currency, total AS amount FROM invoices
          WHERE org_id = $1 AND customer_id = $2 AND issue_date < $3::date AND status <> 'void'
         UNION ALL
         SELECT currency::text, -amount_written_off FROM invoices
          WHERE org_id = $1 AND customer_id = $2 AND written_off_on < $3::date AND status <> 'void'
         UNION ALL
         SELECT currency::text, -amount FROM payments
          WHERE org_id = $1 AND customer_id = $2 AND received_on < $3::date AND status <> 'void'
         UNION ALL
         SELECT currency::text, -amount FROM credit_memos
          WHERE org_id = $1 AND customer_id = $2 AND issued_on < $3::date AND status <> 'void'
       ) movement GROUP BY currency`,
      [orgId, customerId, from],
    );
  }

  private async lines(q: ReportQuery, orgId: string, customerId: string, period: Period): Promise<LineRow[]> {
    const rows = await q<LineRow>(
      `SELECT * FROM (
         SELECT issue_date::text AS date, 'invoice' AS type, id AS "documentId", number,
                'Invoice, due ' || due_date::text AS description, currency::text AS currency, total AS amount, 1 AS kind
           FROM invoices
          WHERE org_id = $1 AND customer_id = $2 AND issue_date BETWEEN $3::date AND $4::date AND status <> 'void'
         UNION ALL
         SELECT received_on::text, 'payment', id, number,
                'Payment (' || method::text || COALESCE(', ref ' || reference, '') || ')', currency::text, -amount, 2
           FROM payments
          WHERE org_id = $1 AND customer_id = $2 AND received_on BETWEEN $3::date AND $4::date AND status <> 'void'
         UNION ALL
         SELECT issued_on::text, 'credit_memo', id, number,
                'Credit memo' || COALESCE(' (' || reason || ')', ''), currency::text, -amount, 3
           FROM credit_memos
          WHERE org_id = $1 AND customer_id = $2 AND issued_on BETWEEN $3::date AND $4::date AND status <> 'void'
         UNION ALL
         SELECT written_off_on::text, 'write_off', id, number,
                'Write-off of ' || number, currency::text, -amount_written_off, 4
           FROM invoices
          WHERE org_id = $1 AND customer_id = $2 AND written_off_on BETWEEN $3::date AND $4::date
            AND amount_written_off > 0 AND status <> 'void'
       ) line
       ORDER BY date, kind, number
       LIMIT ${MAX_STATEMENT_LINES + 1}`,
      [orgId, customerId, period.from, period.to],
    );
    if (rows.length > MAX_STATEMENT_LINES) {
      throw new InvalidArgumentError(
        `The statement from ${period.from} to ${period.to} has more than ${MAX_STATEMENT_LINES} lines: ask for a shorter period (its opening balance carries everything before it).`,
        { field: 'from' },
      );
    }
    return rows;
  }

  private aging(
    q: ReportQuery,
    orgId: string,
    customerId: string,
    asOf: string,
    basis: AgingBasis,
    edges: number[],
  ): Promise<AgingRow[]> {
    const p = new SqlParams();
    const placeholders = { org: p.add(orgId), asOf: p.add(asOf), customer: p.add(customerId) };
    const bounds = p.add(bucketLowerBounds(basis, edges));
    const ageFrom = basis === 'due_date' ? 'due_date' : 'issue_date';
    return q<AgingRow>(
      `WITH open_invoice AS (${openInvoicesAsOfSql(placeholders)})
       SELECT currency, width_bucket(${placeholders.asOf}::date - ${ageFrom}, ${bounds}::int[]) AS bucket,
              SUM(balance)::bigint AS amount, COUNT(*)::int AS "invoiceCount"
         FROM open_invoice GROUP BY 1, 2`,
      p.values,
    );
  }

  private openItems(q: ReportQuery, orgId: string, customerId: string, asOf: string): Promise<OpenItemRow[]> {
    const p = new SqlParams();
    const placeholders = { org: p.add(orgId), asOf: p.add(asOf), customer: p.add(customerId) };
    return q<OpenItemRow>(
      `SELECT 'invoice' AS kind, currency, SUM(balance)::bigint AS amount FROM (${openInvoicesAsOfSql(placeholders)}) i GROUP BY 2
       UNION ALL
       SELECT 'cash', currency, SUM(amount)::bigint FROM (${unappliedCashAsOfSql(placeholders)}) c GROUP BY 2
       UNION ALL
       SELECT 'credit', currency, SUM(amount)::bigint FROM (${openCreditMemosAsOfSql(placeholders)}) m GROUP BY 2`,
      p.values,
    );
  }
}
