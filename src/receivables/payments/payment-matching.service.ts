import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidArgumentError, NotFoundError, RuleViolationError } from '../../common/errors/app-error';
import { formatMoney } from '../analytics/shared/money';
import { parseUuid } from '../shared/filters';
import { isoDate } from '../shared/keyset-search';

/**
 * Cash-application suggestions: for a payment with unapplied cash, which open invoices to apply it
 * to, ranked, each with the reasons and the amounts to send to PaymentCommands.applyPayment.
 * Read-only: nothing is written and nothing audited.
 *
 * Candidates are bounded so a customer with thousands of open invoices costs the same as one with
 * ten: the customer's 50 oldest open invoices in the payment's currency, the invoices whose number
 * or PO number the payment's reference or memo mentions, and up to 10 whose balance equals the
 * unapplied amount. Cash with no customer yet is matched across customers by reference and exact
 * amount only, one customer per suggestion.
 *
 * A suggestion's score (0–100) is the sum of:
 *   +45  the reference or memo names every invoice in it (by invoice or PO number); +20 some of them
 *   +40  one invoice whose open balance equals the unapplied amount exactly
 *   +30 / +25 / +20  two / three / more invoices whose balances add up to it exactly
 *   +10  the invoices are the payment's own customer's
 *   +5   they are that customer's oldest open invoices, in order (apply oldest first)
 * Ties go to the suggestion whose first invoice is due earliest, then to fewer invoices.
 */

export const MATCH_REASON_CODES = [
  'reference_invoice_number',
  'reference_po_number',
  'exact_amount',
  'combination_sum',
  'same_customer',
  'oldest_first',
] as const;
export type MatchReasonCode = (typeof MATCH_REASON_CODES)[number];

export interface MatchReason {
  code: MatchReasonCode;
  /** A sentence saying why, naming the invoices. */
  detail: string;
}

export interface ProposedApplication {
  invoiceId: string;
  invoiceNumber: string;
  poNumber: string | null;
  dueDate: string;
  /** The invoice's open balance now, minor units. */
  balance: number;
  /** What to apply to it, minor units: pass { invoiceId, amount } to applyPayment. */
  amount: number;
}

export interface MatchSuggestion {
  rank: number;
  score: number;
  reasons: MatchReason[];
  /** The customer whose invoices these are (for unidentified cash, the customer it would get). */
  customerId: string;
  applications: ProposedApplication[];
  totalAmount: number;
  /** Cash that would stay unapplied after this suggestion. */
  leavesUnapplied: number;
}

export interface PaymentMatchResult {
  paymentId: string;
  paymentNumber: string;
  customerId: string | null;
  currency: string;
  unappliedAmount: number;
  /** How many open invoices were looked at (bounded; see the class comment). */
  invoicesConsidered: number;
  suggestions: MatchSuggestion[];
}

export const DEFAULT_MATCH_LIMIT = 5;
export const MAX_MATCH_LIMIT = 20;
/** The customer's oldest open invoices looked at, and searched for combinations. */
const OLDEST_CANDIDATES = 50;
const EXACT_CANDIDATES = 10;
const REFERENCE_CANDIDATES = 50;
/** Most invoices a combination may have: C(50,3) ≈ 20,000 sums, a few milliseconds. */
const MAX_COMBINATION_SIZE = 3;
const MAX_TOKENS = 50;

interface PaymentRow {
  id: string;
  number: string;
  customerId: string | null;
  currency: string;
  reference: string | null;
  memo: string | null;
  unappliedAmount: number;
  status: string;
}

interface Candidate {
  id: string;
  number: string;
  poNumber: string | null;
  customerId: string;
  issueDate: string;
  dueDate: string;
  balance: number;
  /** How the payment's text names this invoice, if it does. */
  mentioned: 'reference_invoice_number' | 'reference_po_number' | null;
}

interface Allocation {
  customerId: string;
  lines: { candidate: Candidate; amount: number }[];
}

const INVOICE_COLUMNS = `id, number, po_number AS "poNumber", customer_id AS "customerId",
  ${isoDate('issue_date')} AS "issueDate", ${isoDate('due_date')} AS "dueDate", balance`;
/** Open for cash: a balance left and a status that takes payments (not void or written off). */
const OPEN = `balance > 0 AND status IN ('open', 'partially_paid')`;
const OLDEST_FIRST = 'ORDER BY due_date, issue_date, id';

/** Upper-cased words of the payment's text that could be a document number (they hold a digit). */
export function referenceTokens(texts: readonly (string | null)[]): string[] {
  const tokens = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const raw of text.toUpperCase().split(/[\s,;:#=()[\]{}<>"'`/\\|+&]+/)) {
      const token = raw.replace(/^[.\-_*]+|[.\-_*]+$/g, '');
      if (token.length >= 3 && token.length <= 60 && /\d/.test(token)) tokens.add(token);
    }
  }
  return [...tokens].slice(0, MAX_TOKENS);
}

/** True when `needle` occurs in `text` as a whole word (not inside a longer number). */
export function mentions(text: string, needle: string): boolean {
  if (needle.length < 3) return false;
  const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Z0-9]/.test(c);
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    if (!isWordChar(text[at - 1]) && !isWordChar(text[at + needle.length])) return true;
  }
  return false;
}

function byAge(a: Candidate, b: Candidate): number {
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  if (a.issueDate !== b.issueDate) return a.issueDate < b.issueDate ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Applies `cash` to the candidates in order until it runs out. */
function fill(customerId: string, candidates: readonly Candidate[], cash: number): Allocation {
  const lines: Allocation['lines'] = [];
  let left = cash;
  for (const candidate of candidates) {
    if (left === 0) break;
    const amount = Math.min(candidate.balance, left);
    lines.push({ candidate, amount });
    left -= amount;
  }
  return { customerId, lines };
}

/** Every set of 2..3 candidates whose balances add up exactly to `cash`, oldest sets first. */
function exactCombinations(customerId: string, candidates: readonly Candidate[], cash: number): Allocation[] {
  const found: Allocation[] = [];
  const n = candidates.length;
  const whole = (picked: Candidate[]): Allocation => ({
    customerId,
    lines: picked.map((candidate) => ({ candidate, amount: candidate.balance })),
  });
  for (let i = 0; i < n; i++) {
    const a = candidates[i];
    if (a.balance >= cash) continue;
    for (let j = i + 1; j < n; j++) {
      const b = candidates[j];
      const two = a.balance + b.balance;
      if (two === cash) found.push(whole([a, b]));
      if (MAX_COMBINATION_SIZE < 3 || two >= cash) continue;
      for (let k = j + 1; k < n; k++) {
        if (two + candidates[k].balance === cash) found.push(whole([a, b, candidates[k]]));
      }
    }
  }
  return found;
}

function exactBonus(count: number): number {
  return count === 1 ? 40 : count === 2 ? 30 : count === 3 ? 25 : 20;
}

@Injectable()
export class PaymentMatching {
  constructor(private readonly dataSource: DataSource) {}

  async suggest(
    orgId: string,
    paymentId: string,
    limit: number = DEFAULT_MATCH_LIMIT,
  ): Promise<PaymentMatchResult> {
    const org = parseUuid(orgId, 'orgId');
    const id = parseUuid(paymentId, 'paymentId');
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_MATCH_LIMIT) {
      throw new InvalidArgumentError(
        `limit must be a whole number from 1 to ${MAX_MATCH_LIMIT}; got ${JSON.stringify(limit)}.`,
        { field: 'limit' },
      );
    }
    const [payment] = await this.dataSource.query<PaymentRow[]>(
      `SELECT id, number, customer_id AS "customerId", currency::text AS currency, reference, memo,
              unapplied_amount AS "unappliedAmount", status
         FROM payments WHERE org_id = $1 AND id = $2`,
      [org, id],
    );
    if (!payment) throw new NotFoundError('payment', id);
    if (payment.status === 'void') {
      throw new RuleViolationError(`Payment ${payment.number} is void; there is no cash to match.`, {
        paymentId: id,
      });
    }
    if (payment.unappliedAmount === 0) {
      throw new RuleViolationError(
        `Payment ${payment.number} is fully applied; there is no unapplied cash to match. Unapply part of it first to re-match it.`,
        { paymentId: id },
      );
    }

    const cash = payment.unappliedAmount;
    const text = [payment.reference, payment.memo].filter(Boolean).join(' ').toUpperCase();
    const tokens = referenceTokens([payment.reference, payment.memo]);
    const { oldest, pool } = await this.candidates(org, payment, tokens);
    for (const candidate of pool) {
      candidate.mentioned = mentions(text, candidate.number.toUpperCase())
        ? 'reference_invoice_number'
        : candidate.poNumber !== null && mentions(text, candidate.poNumber.toUpperCase())
          ? 'reference_po_number'
          : null;
    }

    const allocations: Allocation[] = [];
    const byCustomer = new Map<string, Candidate[]>();
    for (const candidate of pool) {
      byCustomer.set(candidate.customerId, [...(byCustomer.get(candidate.customerId) ?? []), candidate]);
    }
    for (const [customerId, candidates] of byCustomer) {
      for (const c of candidates) if (c.balance === cash) allocations.push(fill(customerId, [c], cash));
      allocations.push(...exactCombinations(customerId, candidates, cash));
      const named = candidates.filter((c) => c.mentioned !== null);
      if (named.length > 0) allocations.push(fill(customerId, named, cash));
    }
    if (payment.customerId !== null && oldest.length > 0) {
      allocations.push(fill(payment.customerId, oldest, cash));
    }

    const suggestions = new Map<string, Omit<MatchSuggestion, 'rank'>>();
    for (const allocation of allocations) {
      const key = allocation.lines.map((l) => `${l.candidate.id}:${l.amount}`).join(',');
      if (!suggestions.has(key)) suggestions.set(key, this.score(allocation, payment, oldest));
    }
    const ranked = [...suggestions.entries()]
      .sort(([ka, a], [kb, b]) => {
        if (a.score !== b.score) return b.score - a.score;
        const dueA = a.applications[0].dueDate;
        const dueB = b.applications[0].dueDate;
        if (dueA !== dueB) return dueA < dueB ? -1 : 1;
        if (a.applications.length !== b.applications.length)
          return a.applications.length - b.applications.length;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      })
      .slice(0, limit)
      .map(([, s], n) => ({ rank: n + 1, ...s }));

    return {
      paymentId: payment.id,
      paymentNumber: payment.number,
      customerId: payment.customerId,
      currency: payment.currency,
      unappliedAmount: cash,
      invoicesConsidered: pool.length,
      suggestions: ranked,
    };
  }

  /** The bounded candidate set (see the class comment), oldest first, each invoice once. */
  private async candidates(
    orgId: string,
    payment: PaymentRow,
    tokens: string[],
  ): Promise<{ oldest: Candidate[]; pool: Candidate[] }> {
    const query = (where: string, params: unknown[], limit: number): Promise<Candidate[]> =>
      this.dataSource.query<Candidate[]>(
        `SELECT ${INVOICE_COLUMNS} FROM invoices
          WHERE org_id = $1 AND currency = $2 AND ${OPEN} AND ${where} ${OLDEST_FIRST} LIMIT ${limit}`,
        [orgId, payment.currency, ...params],
      );
    let oldest: Candidate[] = [];
    const found: Candidate[][] = [];
    if (payment.customerId !== null) {
      // All three read the customer's open slice through IDX_invoices_open_customer.
      oldest = await query('customer_id = $3', [payment.customerId], OLDEST_CANDIDATES);
      found.push(oldest);
      found.push(
        await query(
          'customer_id = $3 AND balance = $4',
          [payment.customerId, payment.unappliedAmount],
          EXACT_CANDIDATES,
        ),
      );
      if (tokens.length > 0) {
        found.push(
          await query(
            'customer_id = $3 AND (upper(number) = ANY($4) OR upper(po_number) = ANY($4))',
            [payment.customerId, tokens],
            REFERENCE_CANDIDATES,
          ),
        );
      }
    } else {
      found.push(await query('balance = $3', [payment.unappliedAmount], EXACT_CANDIDATES));
      if (tokens.length > 0) {
        // Exact number lookups (UQ_invoices_number), as written and upper-cased.
        const variants = [...new Set([...tokens, ...tokens.map((t) => t.toLowerCase())])];
        found.push(
          await query('(number = ANY($3) OR po_number = ANY($3))', [variants], REFERENCE_CANDIDATES),
        );
      }
    }
    const pool = new Map<string, Candidate>();
    for (const list of found)
      for (const c of list) if (!pool.has(c.id)) pool.set(c.id, { ...c, mentioned: null });
    return { oldest: oldest.map((c) => pool.get(c.id)!), pool: [...pool.values()].sort(byAge) };
  }

  private score(
    allocation: Allocation,
    payment: PaymentRow,
    oldest: readonly Candidate[],
  ): Omit<MatchSuggestion, 'rank'> {
    const { lines } = allocation;
    const reasons: MatchReason[] = [];
    let score = 0;
    const total = lines.reduce((sum, l) => sum + l.amount, 0);
    const money = (amount: number): string => formatMoney(amount, payment.currency);
    const numbers = lines.map((l) => l.candidate.number).join(', ');

    const named = lines.filter((l) => l.candidate.mentioned !== null);
    if (named.length > 0) score += named.length === lines.length ? 45 : 20;
    for (const { candidate } of named) {
      reasons.push(
        candidate.mentioned === 'reference_po_number'
          ? {
              code: 'reference_po_number',
              detail: `The payment's reference or memo mentions PO ${candidate.poNumber} of invoice ${candidate.number}.`,
            }
          : {
              code: 'reference_invoice_number',
              detail: `The payment's reference or memo mentions invoice ${candidate.number}.`,
            },
      );
    }
    if (total === payment.unappliedAmount && lines.every((l) => l.amount === l.candidate.balance)) {
      score += exactBonus(lines.length);
      reasons.push(
        lines.length === 1
          ? {
              code: 'exact_amount',
              detail: `Invoice ${numbers} has an open balance of exactly the unapplied ${money(total)}.`,
            }
          : {
              code: 'combination_sum',
              detail: `The open balances of invoices ${numbers} add up exactly to the unapplied ${money(total)}.`,
            },
      );
    }
    if (payment.customerId !== null && allocation.customerId === payment.customerId) {
      score += 10;
      reasons.push({ code: 'same_customer', detail: "The invoices belong to the payment's own customer." });
    }
    if (
      payment.customerId !== null &&
      lines.length <= oldest.length &&
      lines.every((l, n) => oldest[n].id === l.candidate.id)
    ) {
      score += 5;
      reasons.push({
        code: 'oldest_first',
        detail:
          lines.length === 1
            ? `Invoice ${numbers} is the customer's oldest open invoice.`
            : `Invoices ${numbers} are the customer's oldest open invoices, applied oldest first.`,
      });
    }
    return {
      score: Math.min(score, 100),
      reasons,
      customerId: allocation.customerId,
      applications: lines.map(({ candidate, amount }) => ({
        invoiceId: candidate.id,
        invoiceNumber: candidate.number,
        poNumber: candidate.poNumber,
        dueDate: candidate.dueDate,
        balance: candidate.balance,
        amount,
      })),
      totalAmount: total,
      leavesUnapplied: payment.unappliedAmount - total,
    };
  }
}
