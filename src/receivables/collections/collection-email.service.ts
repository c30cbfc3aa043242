import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidArgumentError, NotFoundError, RuleViolationError } from '../../common/errors/app-error';
import { formatMoney, sumByCurrency } from '../analytics/shared/money';
import { readInput, requireIdList, requireOneOf } from '../commands/command-input';
import { CustomerQueries } from '../customers/customer.queries';
import type { ContactRow, CustomerRow } from '../customers/customer.queries';
import { DisputeQueries } from '../disputes/dispute.queries';
import type { DisputeRow } from '../disputes/dispute.queries';
import { InvoiceQueries } from '../invoices/invoice.queries';
import type { InvoiceRow } from '../invoices/invoice.queries';
import { PromiseQueries } from '../promises/promise.queries';
import type { PromiseRow } from '../promises/promise.queries';
import { addDays } from '../shared/calendar';
import { parseUuid } from '../shared/filters';
import { OrgSettingsReader } from '../shared/org-settings';
import { MAX_PAGE_SIZE } from '../shared/pagination';
import { readConsistently } from '../shared/read-scope';
import type { ReadScope } from '../shared/read-scope';

export const EMAIL_TONES = ['friendly', 'firm', 'final'] as const;
export type EmailTone = (typeof EMAIL_TONES)[number];

/** Invoices listed one per line; the rest are summed in one sentence so the email stays readable. */
export const MAX_LISTED_INVOICES = 50;
/** A customer with more open invoices than this gets a statement, not an email. */
const MAX_SCANNED_INVOICES = 5 * MAX_PAGE_SIZE;
/** Broken promises this recent are worth recalling in a firm or final email. */
const BROKEN_PROMISE_LOOKBACK_DAYS = 90;
/** How long a final notice gives the customer. */
const FINAL_NOTICE_DAYS = 7;
const MAX_INVOICE_IDS = 100;

export interface DraftOptions {
  tone: EmailTone;
  /**
   * The invoices to chase (open invoices of this customer). Default: every overdue open invoice,
   * or for a friendly reminder with nothing overdue, every open one.
   */
  invoiceIds?: string[];
}

export interface DraftRecipient {
  contactId: string;
  name: string;
  email: string;
}

export interface DraftInvoiceLine {
  invoiceId: string;
  number: string;
  dueDate: string;
  /** Negative: due in that many days. */
  daysPastDue: number;
  balance: number;
  currency: string;
  /** "USD 1,234.56". */
  balanceFormatted: string;
}

export interface DraftExclusion {
  invoiceId: string;
  number: string;
  reason: 'disputed' | 'promised';
  /** A sentence, as the email says it. */
  detail: string;
}

export interface CollectionEmailDraft {
  customerId: string;
  customerName: string;
  tone: EmailTone;
  /** The day "past due" is counted on: today in the organization's time zone. */
  asOf: string;
  /** The primary contact, else a billing contact, with an email and not opted out; null if none. */
  to: DraftRecipient | null;
  /** Other billing contacts with an email who did not opt out. */
  cc: DraftRecipient[];
  subject: string;
  /** Plain text. */
  body: string;
  /** Every invoice the email asks to be paid (the body lists the first 50). */
  invoices: DraftInvoiceLine[];
  /** Total asked for, per currency (amounts in minor units). */
  totals: { currency: string; amount: number; formatted: string }[];
  /** Invoices left out of the demand and mentioned instead. */
  excluded: DraftExclusion[];
  /** Things to check before sending (dunning paused, nobody to send to, ...). */
  warnings: string[];
}

interface AccountState {
  customer: CustomerRow;
  contacts: ContactRow[];
  open: InvoiceRow[];
  truncated: boolean;
  pending: PromiseRow[];
  broken: PromiseRow[];
  disputes: DisputeRow[];
  orgName: string;
  today: string;
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] || 'there';
}

function dueText(days: number): string {
  if (days > 0) return `${days} ${days === 1 ? 'day' : 'days'} past due`;
  if (days === 0) return 'due today';
  return `due in ${-days} ${days === -1 ? 'day' : 'days'}`;
}

function totalsOf(lines: readonly { currency: string; balance: number }[]) {
  return sumByCurrency(lines.map((l) => ({ currency: l.currency, amount: l.balance }))).map((m) => ({
    ...m,
    formatted: formatMoney(m.amount, m.currency),
  }));
}

function joinMoney(totals: readonly { formatted: string }[]): string {
  return totals.map((t) => t.formatted).join(' and ');
}

/**
 * Drafts a collections email from the account's real state: open invoices with their days past
 * due, pending and broken promises, open disputes (disputed invoices are left out of the demand
 * and mentioned). Read-only: it sends nothing and writes nothing, so it is not audited; sending is
 * the caller's decision.
 */
@Injectable()
export class CollectionEmailDrafts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: OrgSettingsReader,
    private readonly customers: CustomerQueries,
    private readonly invoices: InvoiceQueries,
    private readonly promises: PromiseQueries,
    private readonly disputes: DisputeQueries,
  ) {}

  async draft(orgId: string, customerId: string, options: DraftOptions): Promise<CollectionEmailDraft> {
    const id = parseUuid(customerId, 'customerId');
    const f = readInput(options, ['tone', 'invoiceIds'], 'draft options');
    const tone = requireOneOf(f.tone, EMAIL_TONES, 'tone');
    const invoiceIds =
      f.invoiceIds === undefined ? undefined : requireIdList(f.invoiceIds, 'invoiceIds', MAX_INVOICE_IDS);
    return readConsistently(this.dataSource, this.settings, orgId, async (scope) => {
      const state = await this.accountState(scope, id);
      const chosen = invoiceIds ? await this.named(scope, state, invoiceIds) : this.byDefault(state, tone);
      return compose(state, tone, chosen, invoiceIds !== undefined);
    });
  }

  private async accountState(scope: ReadScope, customerId: string): Promise<AccountState> {
    const mine = { customerIds: [customerId] };
    // The search answers NotFoundError for an unknown or foreign customer id.
    const [customer] = (await this.customers.searchWithin(scope, mine, { limit: 1 })).items;
    const contacts = (await this.customers.searchContactsWithin(scope, mine, { limit: MAX_PAGE_SIZE })).items;
    const open: InvoiceRow[] = [];
    let cursor: string | undefined;
    let truncated: boolean;
    do {
      const page = await this.invoices.searchWithin(
        scope,
        { ...mine, openOnly: true, sort: 'due_date', asOf: scope.today },
        { limit: MAX_PAGE_SIZE, cursor },
      );
      open.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      truncated = page.hasMore && open.length >= MAX_SCANNED_INVOICES;
    } while (cursor && !truncated);
    const pending = (
      await this.promises.searchWithin(scope, { ...mine, status: ['pending'] }, { limit: MAX_PAGE_SIZE })
    ).items;
    const broken = (
      await this.promises.searchWithin(
        scope,
        {
          ...mine,
          status: ['broken', 'partially_kept'],
          promisedOn: { from: addDays(scope.today, -BROKEN_PROMISE_LOOKBACK_DAYS) },
          direction: 'desc',
        },
        { limit: 5 },
      )
    ).items;
    const disputes = (
      await this.disputes.searchWithin(scope, { ...mine, openOnly: true }, { limit: MAX_PAGE_SIZE })
    ).items;
    return {
      customer,
      contacts,
      open,
      truncated,
      pending,
      broken,
      disputes,
      orgName: scope.settings.name,
      today: scope.today,
    };
  }

  /** The caller's invoices, each checked: in the organization, this customer's, still open. */
  private async named(scope: ReadScope, state: AccountState, ids: string[]): Promise<InvoiceRow[]> {
    const open = new Map(state.open.map((i) => [i.id, i]));
    const chosen: InvoiceRow[] = [];
    for (const id of ids) {
      const row = open.get(id);
      if (row) {
        chosen.push(row);
        continue;
      }
      const [invoice] = await scope.manager.query<{ number: string; customerId: string; status: string }[]>(
        'SELECT number, customer_id AS "customerId", status FROM invoices WHERE org_id = $1 AND id = $2',
        [scope.orgId, id],
      );
      if (!invoice) throw new NotFoundError('invoice', id);
      if (invoice.customerId !== state.customer.id) {
        throw new InvalidArgumentError(
          `Invoice ${invoice.number} belongs to another customer, not ${state.customer.name}; draft one email per customer.`,
          { field: 'invoiceIds', id },
        );
      }
      throw new RuleViolationError(
        `Invoice ${invoice.number} is ${invoice.status.replace('_', ' ')} with nothing left to pay; leave it out of the reminder.`,
        { field: 'invoiceIds', id },
      );
    }
    return chosen.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  }

  private byDefault(state: AccountState, tone: EmailTone): InvoiceRow[] {
    if (state.open.length === 0) {
      throw new RuleViolationError(
        `${state.customer.name} has no open invoices, so there is nothing to collect.`,
        {
          customerId: state.customer.id,
        },
      );
    }
    const overdue = state.open.filter((i) => (i.daysPastDue ?? 0) > 0);
    if (overdue.length > 0) return overdue;
    if (tone === 'friendly') return state.open;
    throw new RuleViolationError(
      `No invoice of ${state.customer.name} is past due yet; a ${tone} email would be premature. Draft a friendly reminder instead.`,
      { customerId: state.customer.id },
    );
  }
}

function recipients(state: AccountState): {
  to: DraftRecipient | null;
  cc: DraftRecipient[];
  warnings: string[];
} {
  const warnings: string[] = [];
  const reachable = (c: ContactRow): c is ContactRow & { email: string } => Boolean(c.email) && !c.optedOut;
  const asRecipient = (c: ContactRow & { email: string }): DraftRecipient => ({
    contactId: c.id,
    name: c.name,
    email: c.email,
  });
  for (const c of state.contacts) {
    if (c.optedOut && (c.isPrimary || c.isBilling)) {
      warnings.push(`${c.name} asked not to be contacted by collections and is left out.`);
    }
  }
  const to =
    state.contacts.find((c) => c.isPrimary && reachable(c)) ??
    state.contacts.find((c) => c.isBilling && reachable(c));
  const cc = state.contacts.filter((c) => c.isBilling && reachable(c) && c.id !== to?.id);
  if (!to) {
    warnings.push(
      `${state.customer.name} has no primary or billing contact with an email address; add one (or set the recipient yourself) before sending.`,
    );
  }
  return {
    to: to && reachable(to) ? asRecipient(to) : null,
    cc: cc.filter(reachable).map(asRecipient),
    warnings,
  };
}

function compose(
  state: AccountState,
  tone: EmailTone,
  chosen: InvoiceRow[],
  named: boolean,
): CollectionEmailDraft {
  const { customer, today } = state;
  const excluded: DraftExclusion[] = [];
  const disputeOf = new Map(state.disputes.map((d) => [d.invoiceId, d]));
  // A promise not yet due covers its invoices: chasing them now would ignore what was agreed.
  const promisedFor = new Map<string, PromiseRow>();
  for (const p of state.pending) {
    if (p.promisedOn < today) continue;
    for (const i of p.invoices) if (!promisedFor.has(i.invoiceId)) promisedFor.set(i.invoiceId, p);
  }
  const demanded: InvoiceRow[] = [];
  for (const invoice of chosen) {
    const dispute = disputeOf.get(invoice.id);
    const promise = promisedFor.get(invoice.id);
    if (dispute) {
      excluded.push({
        invoiceId: invoice.id,
        number: invoice.number,
        reason: 'disputed',
        detail: `Invoice ${invoice.number} is not included: we are reviewing the ${formatMoney(dispute.amount, dispute.currency)} you queried (${dispute.reason.replace('_', ' ')}) and will come back to you separately.`,
      });
    } else if (promise) {
      excluded.push({
        invoiceId: invoice.id,
        number: invoice.number,
        reason: 'promised',
        detail: `Invoice ${invoice.number} is not included: thank you for your commitment to pay ${formatMoney(promise.amount, promise.currency)} by ${promise.promisedOn}.`,
      });
    } else {
      demanded.push(invoice);
    }
  }
  if (demanded.length === 0) {
    throw new RuleViolationError(
      `Every ${named ? 'named' : 'open'} invoice of ${customer.name} is disputed or covered by a promise to pay that is not yet due, so there is nothing to ask for; follow up on the dispute or the promise instead.`,
      { customerId: customer.id, excluded: excluded.map((e) => e.invoiceId) },
    );
  }
  const invoices: DraftInvoiceLine[] = demanded.map((i) => ({
    invoiceId: i.id,
    number: i.number,
    dueDate: i.dueDate,
    daysPastDue: i.daysPastDue ?? 0,
    balance: i.balance,
    currency: i.currency,
    balanceFormatted: formatMoney(i.balance, i.currency),
  }));
  const totals = totalsOf(invoices);
  const { to, cc, warnings } = recipients(state);
  if (customer.dunningPausedUntil && customer.dunningPausedUntil >= today) {
    warnings.push(
      `Dunning is paused for ${customer.name} until ${customer.dunningPausedUntil}; check that this email should go out.`,
    );
  }
  if (customer.status !== 'active') {
    warnings.push(`${customer.name} is ${customer.status.replace('_', ' ')}.`);
  }
  if (state.truncated) {
    warnings.push(
      `${customer.name} has more than ${MAX_SCANNED_INVOICES} open invoices; only the oldest ${MAX_SCANNED_INVOICES} were considered. Send a statement instead.`,
    );
  }
  const anyOverdue = invoices.some((i) => i.daysPastDue > 0);
  const amount = joinMoney(totals);
  const subject = {
    friendly: anyOverdue
      ? `Friendly reminder: ${amount} past due for ${customer.name}`
      : `Friendly reminder: upcoming invoices for ${customer.name}`,
    firm: `Overdue invoices for ${customer.name}: ${amount} past due`,
    final: `Final notice: ${amount} overdue on the ${customer.name} account`,
  }[tone];
  const body = [
    `Hello ${to ? firstName(to.name) : 'there'},`,
    '',
    opening(tone, invoices.length, anyOverdue, state.orgName),
    '',
    ...table(invoices),
    '',
    ...(state.broken.length > 0 && tone !== 'friendly' ? [brokenPromiseText(state.broken), ''] : []),
    ...excluded.map((e) => e.detail),
    ...(excluded.length > 0 ? [''] : []),
    request(tone, amount, today),
    '',
    'Kind regards,',
    'Accounts Receivable',
    state.orgName,
  ].join('\n');
  return {
    customerId: customer.id,
    customerName: customer.name,
    tone,
    asOf: today,
    to,
    cc,
    subject,
    body,
    invoices,
    totals,
    excluded,
    warnings,
  };
}

function opening(tone: EmailTone, count: number, anyOverdue: boolean, orgName: string): string {
  const invoicesWord = count === 1 ? 'invoice' : 'invoices';
  switch (tone) {
    case 'friendly':
      return anyOverdue
        ? `I hope all is well. This is a friendly reminder that the following ${invoicesWord} from ${orgName} ${count === 1 ? 'is' : 'are'} now past due:`
        : `I hope all is well. This is a friendly reminder of the following ${invoicesWord} from ${orgName}:`;
    case 'firm':
      return `Our records show that the following ${invoicesWord} from ${orgName} ${count === 1 ? 'remains' : 'remain'} unpaid past ${count === 1 ? 'its' : 'their'} due date:`;
    case 'final':
      return `Despite our earlier reminders, the following ${invoicesWord} from ${orgName} ${count === 1 ? 'is' : 'are'} still unpaid:`;
  }
}

function request(tone: EmailTone, amount: string, today: string): string {
  switch (tone) {
    case 'friendly':
      return 'If you have already sent payment, thank you, and please disregard this message. Otherwise, could you let us know when we can expect it?';
    case 'firm':
      return `Please arrange payment of ${amount} as soon as possible, or reply to let us know when it will be made. If there is a problem with any of these invoices, tell us so we can resolve it.`;
    case 'final':
      return `This is our final notice. Please pay ${amount} by ${addDays(today, FINAL_NOTICE_DAYS)}. If we do not receive payment or hear from you by then, we will have to take further steps, which may include placing your account on hold.`;
  }
}

function table(invoices: DraftInvoiceLine[]): string[] {
  const listed = invoices.slice(0, MAX_LISTED_INVOICES);
  const width = Math.max(...listed.map((i) => i.number.length));
  const statusWidth = Math.max(...listed.map((i) => dueText(i.daysPastDue).length));
  const lines = listed.map(
    (i) =>
      `  ${i.number.padEnd(width)}  due ${i.dueDate}  ${dueText(i.daysPastDue).padEnd(statusWidth)}  ${i.balanceFormatted}`,
  );
  const rest = invoices.slice(MAX_LISTED_INVOICES);
  if (rest.length > 0) {
    lines.push(
      `  … and ${rest.length} more ${rest.length === 1 ? 'invoice' : 'invoices'} totalling ${joinMoney(totalsOf(rest))}`,
    );
  }
  lines.push('', `Total: ${joinMoney(totalsOf(invoices))}`);
  return lines;
}

function brokenPromiseText(broken: PromiseRow[]): string {
  const last = broken[0];
  return `We had agreed that ${formatMoney(last.amount, last.currency)} would be paid by ${last.promisedOn}, and we have not received ${last.status === 'partially_kept' ? 'all of it' : 'it'}.`;
}
