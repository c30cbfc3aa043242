import type { Role } from '../identity/membership.entity';
import { addMonths } from '../receivables/shared/calendar';
import type { TableBuffer } from './bulk-writer';
import {
  CA_COMPANY_STEMS,
  CONTACT_TITLES,
  CUSTOMER_NOTES,
  DISPUTE_DESCRIPTIONS,
  EU_COMPANY_PARTS,
  FIRST_NAMES,
  LAST_NAMES,
  OPEN_TASK_TITLES,
  PAUSE_REASONS,
  PRODUCTS,
  US_COMPANY_STEMS,
  US_INDUSTRIES,
  US_SUFFIXES,
  WRITE_OFF_REASONS,
} from './demo-data.catalog';
import type { Locale, Product } from './demo-data.catalog';
import type { TABLES } from './demo-data.tables';
import { businessDay, compactDate, isoOf, stamp, toDay, weekday } from './demo-calendar';
import type { Day } from './demo-calendar';
import { BEHAVIOURS, PROFILE_WEIGHTS, riskFor } from './payment-behaviour';
import type { Behaviour, Profile } from './payment-behaviour';
import type { Random } from './random';

/** What one organization's books look like; see demo-data.plans.ts for the real ones. */
export interface OrgPlan {
  /** Names the random stream, so each organization's books depend only on the seed and this key. */
  key: string;
  name: string;
  baseCurrency: string;
  timeZone: string;
  catalog: keyof typeof PRODUCTS;
  customers: number;
  invoices: number;
  months: number;
  customerNumber: (n: number) => string;
  invoiceNumber: (n: number) => string;
  markets: readonly Market[];
  subsidiaries: readonly SubsidiaryPlan[];
  unidentifiedPayments: number;
  /** Fewer lines, contacts, notes and reminders: the scale organization is about invoice volume. */
  light: boolean;
}

export interface Market {
  locale: Locale;
  currency: string;
  subsidiary: string;
  weight: number;
}

export interface SubsidiaryPlan {
  key: string;
  name: string;
  currency: string;
  externalId: string;
}

export interface OrgMember {
  userId: string;
  role: Role;
  /** Share of customers assigned to this collector. */
  collectorWeight?: number;
}

export type DemoBuffers = { [K in keyof typeof TABLES]: TableBuffer<(typeof TABLES)[K]['columns']> };

export interface OrgStats {
  customers: number;
  customersByProfile: Record<Profile, number>;
  invoices: number;
  /** Open receivables in base-currency-agnostic minor units per aging bucket (days past due). */
  openByBucket: Record<AgingBucket, number>;
}

export type AgingBucket = 'current' | '1-30' | '31-60' | '61-90' | '90+';

type Tier = 'enterprise' | 'mid_market' | 'smb';
type PaymentMethod = 'ach' | 'wire' | 'check' | 'card' | 'other';

interface ContactPlan {
  id: string;
  name: string;
  email: string | null;
  title: string;
}

interface CustomerPlan {
  index: number;
  id: string;
  name: string;
  coreName: string;
  parentIndex: number | null;
  market: Market;
  subsidiaryId: string;
  terms: number;
  tier: Tier;
  profile: Profile;
  behaviour: Behaviour;
  /** The customer's own habit on top of its profile, in days. */
  bias: number;
  collectorId: string | null;
  risk: 'low' | 'medium' | 'high';
  startDay: Day;
  endDay: Day;
  createdDay: Day;
  batchWeekday: number | null;
  method: PaymentMethod;
  domain: string;
  contacts: ContactPlan[];
  pausedUntil: Day | null;
  /** Median invoice in minor units. */
  medianInvoice: number;
  weight: number;
  issueDays: Int32Array;
  numbers: Int32Array;
}

interface MoneyEvent {
  day: Day;
  amount: number;
  kind: 'payment' | 'credit' | 'write_off';
}

interface DisputeSim {
  id: string;
  opened: Day;
  amount: number;
  reason: (typeof DISPUTE_REASON_KEYS)[number];
  status: 'open' | 'in_review' | 'resolved' | 'rejected' | 'withdrawn';
  resolved: Day | null;
  creditMemo: CreditMemoSim | null;
  owner: string | null;
}

interface InvoiceSim {
  id: string;
  number: string;
  issue: Day;
  due: Day;
  total: number;
  voidOn: Day | null;
  voidReason: string | null;
  /** Active payment applications, credit applications and the write-off: everything that lowers the balance. */
  events: MoneyEvent[];
  paid: number;
  credited: number;
  writtenOff: number;
  writeOffDay: Day | null;
  dispute: DisputeSim | null;
  pieces: { day: Day; amount: number }[];
  pendingPromise: boolean;
}

interface CreditMemoSim {
  id: string;
  number: string;
  issued: Day;
  amount: number;
  applied: number;
  reason: string;
  lastDay: Day;
}

interface ApplicationSim {
  invoice: InvoiceSim;
  amount: number;
  day: Day;
  unappliedOn: Day | null;
  by: string | null;
}

interface PaymentSim {
  received: Day;
  amount: number;
  applications: ApplicationSim[];
  /** Invoice numbers on the remittance advice (also when cash application has not happened yet). */
  remittance: string[];
}

const DISPUTE_REASON_KEYS = [
  'pricing',
  'quantity',
  'damaged_goods',
  'not_received',
  'duplicate_billing',
  'service_issue',
  'other',
] as const;

const TIER_INVOICE_WEIGHT: Record<Tier, number> = { enterprise: 5, mid_market: 2.2, smb: 1 };
/** Median invoice in major units of US dollars; other currencies scale by CURRENCY_FACTOR. */
const TIER_MEDIAN: Record<Tier, number> = { enterprise: 24_000, mid_market: 6_500, smb: 1_300 };
const CURRENCY_FACTOR: Record<string, number> = { USD: 1, CAD: 1.35, EUR: 0.92, GBP: 0.79 };
const STARTING_RATE: Record<string, number> = { 'CAD>USD': 0.735, 'GBP>EUR': 1.165, 'USD>EUR': 0.921 };

const US_PLACES = [
  'of Ohio',
  'of Texas',
  'of Georgia',
  'of the Carolinas',
  'of Michigan',
  'of Oregon',
  'of Arizona',
  'of Colorado',
  'of Illinois',
  'of New England',
  'of Tennessee',
  'of Nevada',
  'of Iowa',
  'of Kansas',
  'of Utah',
  'of Virginia',
];
const REGIONS: Record<Locale, readonly string[]> = {
  us: ['West', 'East', 'Midwest', 'Southeast', 'Gulf Coast', 'Pacific Northwest'],
  ca: ['Ontario', 'Québec', 'Prairies', 'British Columbia'],
  de: ['Nord', 'Süd', 'West', 'Ost'],
  fr: ['Nord', 'Sud-Ouest', 'Île-de-France'],
  nl: ['Noord', 'Zuid'],
  it: ['Nord', 'Centro', 'Sud'],
  uk: ['North', 'Midlands', 'Scotland', 'South East'],
};
const SUBSIDIARY_LABEL: Record<Locale, string> = {
  us: 'USA Inc.',
  ca: 'Canada Ltd.',
  de: 'Deutschland GmbH',
  fr: 'France SAS',
  nl: 'Nederland B.V.',
  it: 'Italia S.r.l.',
  uk: 'UK Ltd',
};

/** Days before today an invoice must be past due before a write-off is considered. */
const WRITE_OFF_AFTER = 200;

/**
 * Generates one organization's books: subsidiaries, exchange rates, customers and contacts, then
 * each customer's 18-month history, simulated forward in time so that every balance, status and
 * date agrees with the applications and credits that produced it.
 */
export class OrgBooksGenerator {
  private readonly todayDay: Day;
  private readonly windowStart: Day;
  private readonly subsidiaryIds = new Map<string, string>();
  private readonly customers: CustomerPlan[] = [];
  private readonly paymentCounters = new Map<Day, number>();
  private readonly creditCounters = new Map<Day, number>();
  private collectors: OrgMember[] = [];
  private managers: string[] = [];
  private readonly stats: OrgStats;

  constructor(
    readonly plan: OrgPlan,
    readonly orgId: string,
    private readonly rng: Random,
    readonly today: string,
    private readonly members: readonly OrgMember[],
    private readonly out: DemoBuffers,
  ) {
    this.todayDay = toDay(today);
    this.windowStart = toDay(addMonths(today, -plan.months));
    this.stats = {
      customers: plan.customers,
      customersByProfile: {
        prompt: 0,
        slightly_late: 0,
        chronically_late: 0,
        partial_payer: 0,
        disputer: 0,
        deteriorating: 0,
      },
      invoices: 0,
      openByBucket: { current: 0, '1-30': 0, '31-60': 0, '61-90': 0, '90+': 0 },
    };
  }

  /** Exchange rates, customers and contacts: everything the histories refer to. */
  prepare(): void {
    // Members are known by now (they are written after the organization they belong to).
    this.collectors = this.members.filter((m) => m.collectorWeight);
    this.managers = this.members
      .filter((m) => m.role === 'manager' || m.role === 'admin')
      .map((m) => m.userId);
    if (this.collectors.length === 0 || this.managers.length === 0) {
      throw new Error(`${this.plan.name} needs at least one collector and one manager or admin.`);
    }
    this.writeExchangeRates();
    this.planCustomers();
    this.scheduleInvoices();
    for (const customer of this.customers) this.writeCustomer(customer);
  }

  /**
   * Each customer's history, then the unidentified cash. `afterCustomer` runs between customers,
   * so the caller can flush to the database while memory stays bounded (the scale organization has
   * a million invoices); a customer's rows never refer to another customer's.
   */
  async simulate(afterCustomer: () => Promise<void>): Promise<OrgStats> {
    for (const customer of this.customers) {
      this.simulateCustomer(customer, this.rng.fork('history', customer.index));
      customer.issueDays = new Int32Array(0);
      customer.numbers = new Int32Array(0);
      await afterCustomer();
    }
    this.writeUnidentifiedPayments();
    return this.stats;
  }

  // ---------------------------------------------------------------- organization

  /** The organization and its subsidiaries; must be buffered before any membership in it. */
  writeOrganization(): void {
    const { plan } = this;
    const created = this.windowStart - 400;
    this.out.organizations.push({
      id: this.orgId,
      name: plan.name,
      base_currency: plan.baseCurrency,
      time_zone: plan.timeZone,
      created_at: this.at(created, 540),
    });
    const rng = this.rng.fork('subsidiaries');
    for (const sub of plan.subsidiaries) {
      const id = rng.uuid();
      this.subsidiaryIds.set(sub.key, id);
      this.out.subsidiaries.push({
        org_id: this.orgId,
        id,
        created_at: this.at(created, 600),
        name: sub.name,
        currency: sub.currency,
        external_id: sub.externalId,
      });
    }
  }

  /** Daily rates into the base currency, a mean-reverting random walk around a plausible level. */
  private writeExchangeRates(): void {
    const foreign = [...new Set(this.plan.markets.map((m) => m.currency))].filter(
      (c) => c !== this.plan.baseCurrency,
    );
    for (const currency of foreign) {
      const rng = this.rng.fork('rates', currency);
      const start = STARTING_RATE[`${currency}>${this.plan.baseCurrency}`] ?? 1;
      let drift = 0;
      for (let day = this.windowStart - 31; day <= this.todayDay; day++) {
        drift = 0.995 * drift + rng.normal(0, 0.0035);
        this.out.exchangeRates.push({
          org_id: this.orgId,
          from_currency: currency,
          to_currency: this.plan.baseCurrency,
          rate_date: isoOf(day),
          rate: (start * Math.exp(drift)).toFixed(6),
        });
      }
    }
  }

  // ---------------------------------------------------------------- customers

  private planCustomers(): void {
    const rng = this.rng.fork('customers');
    const names = new Set<string>();
    const marketWeights = Object.fromEntries(this.plan.markets.map((m, i) => [String(i), m.weight]));
    const collectorWeights = Object.fromEntries(
      this.collectors.map((m, i) => [String(i), m.collectorWeight ?? 0]),
    );
    let parent: CustomerPlan | null = null;
    let childrenLeft = 0;

    for (let index = 0; index < this.plan.customers; index++) {
      const isChild = parent !== null && childrenLeft > 0;
      let market = this.plan.markets[Number(rng.weighted(marketWeights))];
      let tier: Tier = rng.weighted({ enterprise: 12, mid_market: 33, smb: 55 });
      if (isChild) {
        tier =
          parent!.tier === 'enterprise' ? rng.weighted({ enterprise: 30, mid_market: 70, smb: 0 }) : 'smb';
        market = rng.chance(0.7) ? parent!.market : market;
      }
      const { name, coreName } = isChild
        ? this.childName(parent!, market, names, rng)
        : this.companyName(market.locale, names, rng);
      names.add(name);

      const profile = rng.weighted(PROFILE_WEIGHTS);
      const joinedDuringWindow = rng.chance(0.16);
      const startDay = joinedDuringWindow ? this.windowStart + rng.int(30, 470) : this.windowStart;
      const churned = rng.chance(0.05);
      const endDay = churned ? Math.min(this.todayDay, startDay + rng.int(120, 420)) : this.todayDay;
      const collector: OrgMember | null = isChild
        ? this.collectorOf(parent!)
        : rng.chance(0.07)
          ? null
          : this.collectors[Number(rng.weighted(collectorWeights))];
      const batch = tier !== 'smb' && rng.chance(0.65);
      const customer: CustomerPlan = {
        index,
        id: rng.uuid(),
        name,
        coreName,
        parentIndex: isChild ? parent!.index : null,
        market,
        subsidiaryId: this.subsidiaryIds.get(market.subsidiary)!,
        terms: Number(
          tier === 'enterprise'
            ? rng.weighted({ '30': 30, '45': 35, '60': 35 })
            : tier === 'mid_market'
              ? rng.weighted({ '15': 8, '30': 62, '45': 20, '60': 10 })
              : rng.weighted({ '15': 30, '30': 70 }),
        ),
        tier,
        profile,
        behaviour: BEHAVIOURS[profile],
        bias: Math.round(rng.normal(0, 2.5)),
        collectorId: collector?.userId ?? null,
        risk: riskFor(profile, rng),
        startDay,
        endDay,
        createdDay: joinedDuringWindow ? startDay - rng.int(3, 20) : this.windowStart - rng.int(30, 1500),
        batchWeekday: batch ? rng.int(2, 5) : null,
        method: this.paymentMethod(market.locale, tier, rng),
        domain: `${slug(coreName)}.example`,
        contacts: [],
        pausedUntil: null,
        medianInvoice: Math.round(
          TIER_MEDIAN[tier] * (CURRENCY_FACTOR[market.currency] ?? 1) * 100 * (0.6 + 0.8 * rng.next()),
        ),
        weight: 0,
        issueDays: new Int32Array(0),
        numbers: new Int32Array(0),
      };
      customer.contacts = this.planContacts(customer, rng);
      customer.weight = TIER_INVOICE_WEIGHT[tier] * (endDay - startDay + 1) * (0.6 + 0.8 * rng.next());
      if (rng.chance(0.05)) customer.pausedUntil = this.todayDay + rng.int(5, 60);
      this.customers.push(customer);
      this.stats.customersByProfile[profile]++;

      if (isChild) {
        childrenLeft--;
      } else if ((tier === 'enterprise' && rng.chance(0.3)) || (tier === 'mid_market' && rng.chance(0.05))) {
        parent = customer;
        childrenLeft = rng.int(1, 3);
      }
    }
  }

  private collectorOf(customer: CustomerPlan): OrgMember | null {
    return this.collectors.find((m) => m.userId === customer.collectorId) ?? null;
  }

  private companyName(locale: Locale, taken: Set<string>, rng: Random): { name: string; coreName: string } {
    for (let attempt = 0; ; attempt++) {
      let core: string;
      let suffix: string;
      if (locale === 'us' || locale === 'ca') {
        core = `${rng.pick(locale === 'ca' ? CA_COMPANY_STEMS : US_COMPANY_STEMS)} ${rng.pick(US_INDUSTRIES)}`;
        suffix = locale === 'ca' ? rng.pick(['Ltd.', 'Inc.']) : rng.pick(US_SUFFIXES);
        if (attempt >= 6) core = `${core} ${rng.pick(US_PLACES)}`;
      } else {
        const parts = EU_COMPANY_PARTS[locale];
        core = `${rng.pick(parts.stems)} ${rng.pick(parts.industries)}`;
        suffix = rng.pick(parts.suffixes);
        if (attempt >= 6) core = `${core} ${rng.pick(REGIONS[locale])}`;
      }
      if (attempt >= 20) core = `${core} ${attempt}`;
      const name = `${core} ${suffix}`;
      if (!taken.has(name)) return { name, coreName: core };
    }
  }

  private childName(
    parent: CustomerPlan,
    market: Market,
    taken: Set<string>,
    rng: Random,
  ): { name: string; coreName: string } {
    const sameCountry = market.locale === parent.market.locale;
    for (let attempt = 0; ; attempt++) {
      const numbered = attempt > 6 ? ` ${attempt}` : '';
      const core = sameCountry
        ? `${parent.coreName} – ${rng.pick(REGIONS[market.locale])}${numbered}`
        : `${parent.coreName}${attempt > 0 ? ` ${rng.pick(REGIONS[market.locale])}` : ''}${numbered}`;
      const name = sameCountry ? core : `${core} ${SUBSIDIARY_LABEL[market.locale]}`;
      if (!taken.has(name)) return { name, coreName: core };
    }
  }

  private paymentMethod(locale: Locale, tier: Tier, rng: Random): PaymentMethod {
    if (locale !== 'us' && locale !== 'ca')
      return rng.weighted({ wire: 75, other: 15, card: 10, ach: 0, check: 0 });
    if (tier === 'enterprise') return rng.weighted({ ach: 55, wire: 40, check: 5, card: 0, other: 0 });
    if (tier === 'mid_market') return rng.weighted({ ach: 55, check: 30, wire: 15, card: 0, other: 0 });
    return rng.weighted({ check: 40, ach: 35, card: 25, wire: 0, other: 0 });
  }

  private planContacts(customer: CustomerPlan, rng: Random): ContactPlan[] {
    const locale = customer.market.locale;
    const person = (): { name: string; email: string } => {
      const first = rng.pick(FIRST_NAMES[locale]);
      const last = rng.pick(LAST_NAMES[locale]);
      return { name: `${first} ${last}`, email: `${slug(first, '')}.${slug(last, '')}@${customer.domain}` };
    };
    const count = this.plan.light ? rng.int(1, 2) : rng.weighted({ '1': 25, '2': 40, '3': 35 });
    const primary = person();
    const contacts: ContactPlan[] = [{ id: rng.uuid(), ...primary, title: rng.pick(CONTACT_TITLES.primary) }];
    if (Number(count) >= 2) {
      const ap = person();
      contacts.push({
        id: rng.uuid(),
        name: ap.name,
        email: rng.chance(0.5) ? `ap@${customer.domain}` : ap.email,
        title: rng.pick(CONTACT_TITLES.billing),
      });
    }
    if (Number(count) >= 3)
      contacts.push({ id: rng.uuid(), ...person(), title: rng.pick(CONTACT_TITLES.other) });
    return contacts;
  }

  private writeCustomer(c: CustomerPlan): void {
    const rng = this.rng.fork('customer-row', c.index);
    const tags: string[] = [c.tier === 'mid_market' ? 'mid-market' : c.tier];
    if (c.tier === 'enterprise' && rng.chance(0.4)) tags.push('strategic');
    if (c.tier === 'mid_market' && rng.chance(0.06)) tags.push('strategic');
    if (rng.chance(0.08)) tags.push('reseller');
    if (c.market.locale === 'us' && rng.chance(0.03)) tags.push('government');
    if (c.startDay > this.todayDay - 120) tags.push('new-account');
    if (c.profile === 'partial_payer' && rng.chance(0.5)) tags.push('payment-plan');

    const creditLimitBase = { enterprise: 2_000_000, mid_market: 250_000, smb: 25_000 }[c.tier];
    const creditLimit = rng.chance(0.1)
      ? null
      : Math.round(
          (creditLimitBase * (0.5 + 2 * rng.next()) * (CURRENCY_FACTOR[c.market.currency] ?? 1)) / 5_000,
        ) *
        5_000 *
        100;
    const inactive = c.endDay < this.todayDay - 120;
    const status = inactive ? 'inactive' : c.risk === 'high' && rng.chance(0.2) ? 'on_hold' : 'active';

    this.out.customers.push({
      org_id: this.orgId,
      id: c.id,
      created_at: this.at(c.createdDay, officeMinute(rng)),
      name: c.name,
      external_id: this.plan.customerNumber(c.index + 1),
      parent_id: c.parentIndex === null ? null : this.customers[c.parentIndex].id,
      subsidiary_id: c.subsidiaryId,
      currency: c.market.currency,
      payment_terms_days: c.terms,
      credit_limit: creditLimit,
      risk_level: c.risk,
      collector_user_id: c.collectorId,
      tags,
      status,
      dunning_paused_until: c.pausedUntil === null ? null : isoOf(c.pausedUntil),
      dunning_pause_reason: c.pausedUntil === null ? null : rng.pick(PAUSE_REASONS),
      updated_at: this.at(Math.max(c.createdDay, this.todayDay - rng.int(1, 90)), officeMinute(rng)),
    });

    // One contact per customer opts out of collection e-mails: the product must honour it.
    const optOut = c.contacts.length === 3 && rng.chance(0.6) ? 2 : -1;
    c.contacts.forEach((contact, i) => {
      const locale = c.market.locale;
      this.out.contacts.push({
        org_id: this.orgId,
        id: contact.id,
        created_at: this.at(c.createdDay, 600 + i),
        customer_id: c.id,
        name: contact.name,
        email: contact.email,
        phone: rng.chance(0.85) ? phoneNumber(locale, rng) : null,
        title: contact.title,
        is_primary: i === 0,
        is_billing: i === 1 || c.contacts.length === 1,
        opted_out: i === optOut,
        updated_at: this.at(c.createdDay, 600 + i),
      });
    });
  }

  // ---------------------------------------------------------------- invoice schedule

  /**
   * Spreads exactly `plan.invoices` invoices over the customers (by size and active period), then
   * numbers them in issue-date order across the organization, as an ERP would.
   */
  private scheduleInvoices(): void {
    const { customers } = this;
    const target = this.plan.invoices;
    const base = target >= customers.length ? 1 : 0;
    const totalWeight = customers.reduce((sum, c) => sum + c.weight, 0);
    const spare = target - base * customers.length;
    const exact = customers.map((c) => (spare * c.weight) / totalWeight);
    const counts = exact.map((x) => base + Math.floor(x));
    let missing = target - counts.reduce((a, b) => a + b, 0);
    const byRemainder = exact
      .map((x, i) => [x - Math.floor(x), i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (let k = 0; missing > 0; k = (k + 1) % byRemainder.length, missing--) counts[byRemainder[k][1]]++;

    const maxCount = Math.max(1, ...counts);
    const keys = new Float64Array(target);
    let cursor = 0;
    customers.forEach((c, ci) => {
      const rng = this.rng.fork('schedule', ci);
      const days = new Int32Array(counts[ci]);
      for (let k = 0; k < days.length; k++) {
        const raw = c.startDay + rng.int(0, c.endDay - c.startDay);
        days[k] = Math.max(c.startDay - 2, businessDay(raw, c.endDay));
      }
      days.sort();
      c.issueDays = days;
      c.numbers = new Int32Array(days.length);
      for (let k = 0; k < days.length; k++) {
        keys[cursor++] = ((days[k] - this.windowStart + 10) * customers.length + ci) * maxCount + k;
      }
    });
    if ((this.todayDay - this.windowStart + 20) * customers.length * maxCount >= Number.MAX_SAFE_INTEGER) {
      throw new Error('Too many invoices to number in one pass.');
    }
    keys.sort();
    for (let rank = 0; rank < keys.length; rank++) {
      const key = keys[rank];
      const k = key % maxCount;
      const ci = Math.floor(key / maxCount) % customers.length;
      customers[ci].numbers[k] = rank + 1;
    }
    this.stats.invoices = target;
  }

  // ---------------------------------------------------------------- one customer's history

  private simulateCustomer(c: CustomerPlan, rng: Random): void {
    const invoices: InvoiceSim[] = [];
    const credits: CreditMemoSim[] = [];
    for (let k = 0; k < c.issueDays.length; k++) {
      const invoice = this.createInvoice(c, c.issueDays[k], c.numbers[k], rng);
      this.planSettlement(c, invoice, credits, rng);
      invoices.push(invoice);
    }
    const payments = this.receivePayments(c, invoices, rng);
    this.writeOffStaleBalances(c, invoices, rng);
    this.recordPromises(c, invoices, rng);
    this.recordCollectionsWork(c, invoices, rng);
    this.writeHistory(c, invoices, credits, payments, rng);
  }

  private createInvoice(c: CustomerPlan, issue: Day, seq: number, rng: Random): InvoiceSim {
    const id = rng.uuid();
    const number = this.plan.invoiceNumber(seq);
    const products = PRODUCTS[this.plan.catalog];
    const lineCount = this.plan.light
      ? rng.chance(0.75)
        ? 1
        : 2
      : Number(rng.weighted({ '1': 40, '2': 30, '3': 20, '4': 10 }));
    const target = Math.min(c.medianInvoice * 25, Math.max(4_000, rng.logNormal(c.medianInvoice, 0.7)));
    const chosen = new Set<Product>();
    while (chosen.size < lineCount) chosen.add(rng.pick(products));
    const shares = [...chosen].map(() => 0.3 + rng.next());
    const shareTotal = shares.reduce((a, b) => a + b, 0);
    const created = this.at(issue, officeMinute(rng));
    let total = 0;
    let position = 0;
    for (const product of chosen) {
      const factor = CURRENCY_FACTOR[c.market.currency] ?? 1;
      // Even cents, so a half hour of an hourly rate is still a whole number of cents.
      const unitPrice =
        2 * Math.round((rng.int(product.price[0] * 100, product.price[1] * 100) * factor) / 2);
      const lineTarget = (target * shares[position]) / shareTotal;
      let quantity: string;
      let amount: number;
      if (product.hourly) {
        const halves = Math.max(1, Math.round((2 * lineTarget) / unitPrice));
        quantity = halves % 2 === 0 ? String(halves / 2) : (halves / 2).toFixed(1);
        amount = (halves * unitPrice) / 2;
      } else {
        const units = Math.max(1, Math.round(lineTarget / unitPrice));
        quantity = String(units);
        amount = units * unitPrice;
      }
      total += amount;
      position++;
      this.out.invoiceLines.push({
        org_id: this.orgId,
        id: rng.uuid(),
        created_at: created,
        invoice_id: id,
        position,
        description: product.description,
        quantity,
        unit_price: unitPrice,
        amount,
      });
    }
    return {
      id,
      number,
      issue,
      due: issue + c.terms,
      total,
      voidOn: null,
      voidReason: null,
      events: [],
      paid: 0,
      credited: 0,
      writtenOff: 0,
      writeOffDay: null,
      dispute: null,
      pieces: [],
      pendingPromise: false,
    };
  }

  /** Decides how this invoice gets settled: voided, disputed, credited, paid (in pieces) or not at all. */
  private planSettlement(c: CustomerPlan, invoice: InvoiceSim, credits: CreditMemoSim[], rng: Random): void {
    const { todayDay } = this;
    if (rng.chance(0.004) && invoice.issue + 3 <= todayDay) {
      invoice.voidOn = invoice.issue + rng.int(1, Math.min(10, todayDay - invoice.issue));
      invoice.voidReason = rng.pick([
        'billed to the wrong entity',
        'duplicate of an earlier invoice',
        'order cancelled before shipment',
      ]);
      return;
    }
    const monthsAgo = (todayDay - invoice.issue) / 30.4;
    const delay = c.behaviour.payDelay(rng, monthsAgo);
    const payDay = delay === null ? null : Math.max(invoice.issue + 1, invoice.due + delay + c.bias);

    if (rng.chance(c.behaviour.disputeRate)) {
      const opened = invoice.issue + rng.int(4, 30);
      if (opened <= todayDay && (payDay === null || opened < payDay)) {
        this.planDispute(c, invoice, payDay, credits, opened, rng);
        return;
      }
    }

    let due = invoice.total;
    if (rng.chance(0.03)) {
      const issued = invoice.issue + rng.int(3, 40);
      if (issued <= todayDay) {
        const amount = Math.max(100, Math.round(invoice.total * (0.03 + 0.22 * rng.next())));
        const memo = this.creditMemo(
          issued,
          amount,
          rng.pick([
            'Volume rebate',
            `Returned goods, RMA-${rng.int(10000, 99999)}`,
            'Pricing adjustment',
            'Goodwill credit for late delivery',
          ]),
          rng,
        );
        credits.push(memo);
        // A credit issued after the invoice was paid stays open on the account for later use.
        if (payDay === null || issued < payDay) {
          const applied = Math.min(invoice.total, rng.chance(0.2) ? Math.round(amount / 2) : amount);
          const day = Math.min(todayDay, issued + rng.int(0, 3), payDay === null ? todayDay : payDay - 1);
          this.applyCredit(invoice, memo, applied, Math.max(issued, day), rng);
          due -= applied;
        }
      }
    }
    if (due <= 0 || payDay === null) return;
    if (c.behaviour.instalments && rng.chance(0.7)) {
      const parts = rng.int(2, 3);
      let left = due;
      let day = payDay;
      for (let p = 0; p < parts - 1; p++) {
        const amount = Math.round((left * (0.3 + 0.4 * rng.next())) / 100) * 100;
        if (amount <= 0 || amount >= left) continue;
        invoice.pieces.push({ day, amount });
        left -= amount;
        day += rng.int(14, 35);
      }
      invoice.pieces.push({ day, amount: left });
    } else if (rng.chance(c.behaviour.shortPayRate) && due > 2_000) {
      const deduction = Math.max(100, Math.round(due * (0.005 + 0.03 * rng.next())));
      invoice.pieces.push({ day: payDay, amount: due - deduction });
    } else {
      invoice.pieces.push({ day: payDay, amount: due });
    }
  }

  private planDispute(
    c: CustomerPlan,
    invoice: InvoiceSim,
    payDay: number | null,
    credits: CreditMemoSim[],
    opened: Day,
    rng: Random,
  ): void {
    const { todayDay } = this;
    const reason = rng.pick(DISPUTE_REASON_KEYS);
    const amount = rng.chance(0.35)
      ? invoice.total
      : Math.max(
          100,
          Math.min(invoice.total, Math.round((invoice.total * (0.1 + 0.5 * rng.next())) / 100) * 100),
        );
    const age = todayDay - opened;
    let status: DisputeSim['status'];
    if (age < 45) status = rng.chance(0.5) ? 'open' : 'in_review';
    else if (age < 150 && rng.chance(0.2)) status = 'in_review';
    else status = rng.weighted({ resolved: 55, rejected: 30, withdrawn: 15 });
    const resolved =
      status === 'open' || status === 'in_review' ? null : opened + rng.int(7, Math.min(60, age));
    const dispute: DisputeSim = {
      id: rng.uuid(),
      opened,
      amount,
      reason,
      status,
      resolved,
      creditMemo: null,
      owner: rng.chance(0.6) ? (c.collectorId ?? rng.pick(this.managers)) : rng.pick(this.managers),
    };
    invoice.dispute = dispute;

    // Customers often pay the part nobody argues about, and hold the rest.
    const undisputed = invoice.total - amount;
    const paysUndisputed = undisputed > 0 && payDay !== null && rng.chance(0.6);
    if (paysUndisputed) invoice.pieces.push({ day: payDay, amount: undisputed });
    if (resolved === null) return;

    let remaining = invoice.total - (paysUndisputed ? undisputed : 0);
    if (status === 'resolved') {
      const memo = this.creditMemo(resolved, amount, `Dispute resolution: ${reason.replace('_', ' ')}`, rng);
      credits.push(memo);
      dispute.creditMemo = memo;
      this.applyCredit(invoice, memo, amount, resolved, rng);
      remaining -= amount;
    }
    if (remaining > 0 && payDay !== null) {
      invoice.pieces.push({ day: Math.max(payDay, resolved + rng.int(2, 20)), amount: remaining });
    }
  }

  private creditMemo(issued: Day, amount: number, reason: string, rng: Random): CreditMemoSim {
    const n = (this.creditCounters.get(issued) ?? 0) + 1;
    this.creditCounters.set(issued, n);
    return {
      id: rng.uuid(),
      number: `CM-${compactDate(issued)}-${String(n).padStart(3, '0')}`,
      issued,
      amount,
      applied: 0,
      reason,
      lastDay: issued,
    };
  }

  private applyCredit(invoice: InvoiceSim, memo: CreditMemoSim, amount: number, day: Day, rng: Random): void {
    memo.applied += amount;
    memo.lastDay = Math.max(memo.lastDay, day);
    invoice.credited += amount;
    invoice.events.push({ day, amount, kind: 'credit' });
    this.out.creditApplications.push({
      org_id: this.orgId,
      id: rng.uuid(),
      created_at: this.at(day, 660),
      credit_memo_id: memo.id,
      invoice_id: invoice.id,
      amount,
      applied_on: isoOf(day),
    });
  }

  /**
   * Turns planned payment pieces into payments: batch payers pay everything due that week in one
   * run; cash application can lag receipt (so recent cash may still be unapplied); a few payments
   * overpay, and a few are first applied to the wrong invoice and then moved.
   */
  private receivePayments(c: CustomerPlan, invoices: InvoiceSim[], rng: Random): PaymentSim[] {
    const { todayDay } = this;
    const groups = new Map<Day, Map<InvoiceSim, number>>();
    for (const invoice of invoices) {
      for (const piece of invoice.pieces) {
        let day = businessDay(piece.day, todayDay + 7);
        if (c.batchWeekday !== null) day += (c.batchWeekday - weekday(day) + 7) % 7;
        day = Math.max(day, invoice.issue);
        if (day > todayDay) continue;
        const group = groups.get(day) ?? new Map<InvoiceSim, number>();
        group.set(invoice, (group.get(invoice) ?? 0) + piece.amount);
        groups.set(day, group);
      }
    }
    const payments: PaymentSim[] = [];
    for (const received of [...groups.keys()].sort((a, b) => a - b)) {
      const group = [...groups.get(received)!].map(([invoice, amount]) => ({ invoice, amount }));
      const lag = c.method === 'check' ? rng.int(1, 3) : rng.chance(0.75) ? 0 : rng.int(1, 2);
      const amount = group.reduce((sum, g) => sum + g.amount, 0);
      const payment: PaymentSim = {
        received,
        amount,
        applications: [],
        remittance: group.map((g) => g.invoice.number),
      };
      if (received + lag <= todayDay) {
        const by = rng.chance(0.6) ? null : (c.collectorId ?? rng.pick(this.managers));
        let day = received + lag;
        // Misapplied to another invoice first, then moved to the right one.
        if (group.length === 1 && rng.chance(0.006)) {
          const wrong = invoices.find(
            (i) => i !== group[0].invoice && i.issue <= received && i.total >= group[0].amount,
          );
          const fixed = day + rng.int(1, 3);
          if (wrong && fixed <= todayDay) {
            payment.applications.push({
              invoice: wrong,
              amount: group[0].amount,
              day,
              unappliedOn: fixed,
              by,
            });
            day = fixed;
          }
        }
        for (const g of group) {
          payment.applications.push({ invoice: g.invoice, amount: g.amount, day, unappliedOn: null, by });
          g.invoice.paid += g.amount;
          g.invoice.events.push({ day, amount: g.amount, kind: 'payment' });
        }
      }
      if (rng.chance(0.012))
        payment.amount += Math.max(500, Math.round(amount * (0.005 + 0.035 * rng.next())));
      payments.push(payment);
    }
    // Now and then a customer pays on account, ahead of the invoice: unapplied cash to match later.
    if (rng.chance(0.04) && c.endDay === todayDay) {
      payments.push({
        received: businessDay(todayDay - rng.int(1, 40), todayDay),
        amount: Math.round((c.medianInvoice * (0.5 + rng.next())) / 100) * 100,
        applications: [],
        remittance: [],
      });
    }
    return payments;
  }

  private writeOffStaleBalances(c: CustomerPlan, invoices: InvoiceSim[], rng: Random): void {
    for (const invoice of invoices) {
      if (invoice.voidOn !== null || invoice.due > this.todayDay - WRITE_OFF_AFTER) continue;
      if (invoice.dispute && (invoice.dispute.status === 'open' || invoice.dispute.status === 'in_review'))
        continue;
      const balance = invoice.total - invoice.paid - invoice.credited;
      if (balance <= 0) continue;
      const small = balance < invoice.total * 0.05;
      if (!rng.chance(small ? 0.75 : 0.45)) continue;
      const lastEvent = invoice.events.reduce((max, e) => Math.max(max, e.day), invoice.issue);
      const day = businessDay(Math.max(invoice.due + rng.int(180, 300), lastEvent + 14), this.todayDay);
      if (day > this.todayDay || day <= lastEvent) continue;
      invoice.writtenOff = balance;
      invoice.writeOffDay = day;
      invoice.events.push({ day, amount: balance, kind: 'write_off' });
    }
  }

  // ---------------------------------------------------------------- promises, notes, tasks

  private recordPromises(c: CustomerPlan, invoices: InvoiceSim[], rng: Random): void {
    const { todayDay } = this;
    for (const invoice of invoices) {
      if (invoice.voidOn !== null) continue;
      const paidOff = this.paidOffOn(invoice);
      const lateBy = (paidOff ?? todayDay) - invoice.due;
      if (lateBy <= 7 || !rng.chance(c.behaviour.promiseRate * (this.plan.light ? 0.2 : 1))) continue;
      // A promise that will be kept is typically made shortly before the money actually moves.
      const keeps = paidOff !== null && rng.chance(c.behaviour.keepRate);
      let made = keeps ? Math.max(invoice.due + 3, paidOff - rng.int(2, 21)) : invoice.due + rng.int(3, 20);
      for (let attempt = 0; attempt < 2; attempt++) {
        if (made > todayDay || (paidOff !== null && made >= paidOff)) break;
        if (invoice.writeOffDay !== null && made >= invoice.writeOffDay) break;
        // Nobody calls for a promise over a few cents of short payment.
        if (balanceAt(invoice, made) < Math.max(10_000, invoice.total * 0.05)) break;
        const others =
          attempt === 0 && rng.chance(0.3)
            ? invoices
                .filter((o) => o !== invoice && o.voidOn === null && o.due < made && balanceAt(o, made) > 0)
                .slice(0, 2)
            : [];
        const covered = [invoice, ...others];
        const promisedOn =
          keeps && attempt === 0 ? Math.max(made + 2, paidOff + rng.int(0, 3)) : made + rng.int(3, 14);
        const status = this.writePromise(c, covered, made, promisedOn, rng);
        if (status !== 'broken' || !rng.chance(0.5)) break;
        made = promisedOn + rng.int(2, 7);
      }
    }

    // Collectors are working the currently overdue invoices: some have a promise due soon.
    for (const invoice of invoices) {
      if (invoice.pendingPromise || invoice.voidOn !== null || invoice.writeOffDay !== null) continue;
      if (invoice.due >= todayDay - 3 || balanceAt(invoice, todayDay) <= 0) continue;
      if (invoice.dispute && invoice.dispute.resolved === null) continue;
      if (!rng.chance((0.15 + c.behaviour.promiseRate * 0.2) * (this.plan.light ? 0.2 : 1))) continue;
      const made = Math.max(invoice.due + 1, todayDay - rng.int(0, 6));
      this.writePromise(c, [invoice], made, todayDay + rng.int(1, 21), rng);
    }
  }

  /**
   * Writes a promise made on `made` to pay the covered invoices' balances by `promisedOn`, with the
   * status that the applications actually recorded give it (kept only if paid in full by the date).
   */
  private writePromise(c: CustomerPlan, covered: InvoiceSim[], made: Day, promisedOn: Day, rng: Random) {
    const { todayDay } = this;
    const amounts = covered.map((i) => balanceAt(i, made));
    const amount = amounts.reduce((a, b) => a + b, 0);
    const until = Math.min(promisedOn, todayDay);
    const received = covered.reduce(
      (sum, inv, k) =>
        sum +
        Math.min(
          amounts[k],
          inv.events
            .filter((e) => e.kind === 'payment' && e.day > made && e.day <= until)
            .reduce((s, e) => s + e.amount, 0),
        ),
      0,
    );
    const disputedMeanwhile = covered.some(
      (i) => i.dispute && i.dispute.opened > made && i.dispute.opened <= until,
    );
    const status: 'pending' | 'kept' | 'partially_kept' | 'broken' | 'cancelled' = disputedMeanwhile
      ? 'cancelled'
      : received >= amount
        ? 'kept'
        : promisedOn >= todayDay
          ? 'pending'
          : received > 0
            ? 'partially_kept'
            : 'broken';
    if (status === 'pending') covered.forEach((i) => (i.pendingPromise = true));
    const id = rng.uuid();
    const contact = c.contacts[c.contacts.length > 1 && rng.chance(0.6) ? 1 : 0];
    const author = c.collectorId ?? rng.pick(this.managers);
    const source = rng.weighted({ call: 55, email: 30, portal: 10, meeting: 5 });
    const numbers = covered.map((i) => i.number).join(', ');
    const settledDay =
      status === 'pending' ? made : Math.min(todayDay, status === 'kept' ? until : promisedOn + 1);
    this.out.promises.push({
      org_id: this.orgId,
      id,
      created_at: this.at(made, officeMinute(rng)),
      customer_id: c.id,
      contact_id: contact.id,
      amount,
      currency: c.market.currency,
      promised_on: isoOf(promisedOn),
      status,
      source,
      note:
        source === 'portal'
          ? 'Payment date scheduled by the customer in the payment portal.'
          : `${contact.name} (${contact.title}) confirmed payment of ${money(amount, c.market.currency)} for ${numbers}.`,
      created_by_user_id: author,
      updated_at: this.at(settledDay, 1000),
    });
    covered.forEach((invoice, k) =>
      this.out.promiseInvoices.push({
        org_id: this.orgId,
        promise_id: id,
        invoice_id: invoice.id,
        amount: amounts[k],
      }),
    );
    if (!this.plan.light) {
      this.activity(
        c,
        covered[0],
        source === 'email' ? 'email_in' : source === 'meeting' ? 'meeting' : 'call',
        made,
        author,
        `Promise to pay ${money(amount, c.market.currency)} by ${isoOf(promisedOn)}`,
        `${contact.name} promised payment of ${money(amount, c.market.currency)} for ${numbers} by ${isoOf(promisedOn)}.`,
        rng,
      );
    }
    // Follow-ups for promises still pending are the collectors' open work; a sample of old ones is history.
    if (status === 'pending' || (!this.plan.light && rng.chance(0.25))) {
      this.task(
        c,
        covered[0],
        {
          title: `Confirm payment promised for ${isoOf(promisedOn)}`,
          type: 'follow_up',
          priority: amount > c.medianInvoice * 3 ? 'high' : 'normal',
          status: status === 'pending' ? 'open' : status === 'cancelled' ? 'cancelled' : 'done',
          assignee: author,
          created: made,
          dueOn: promisedOn + 1,
          completed: status === 'pending' ? null : Math.min(todayDay, promisedOn + rng.int(1, 3)),
        },
        rng,
      );
    }
    if (status === 'broken' && !this.plan.light && promisedOn + 2 < todayDay) {
      this.activity(
        c,
        covered[0],
        'note',
        promisedOn + rng.int(1, 2),
        author,
        'Promise missed',
        `No payment received by ${isoOf(promisedOn)} as promised by ${contact.name}; following up.`,
        rng,
      );
    }
    return status;
  }

  /** Reminders, dispute and write-off notes, account notes, and the collectors' open work. */
  private recordCollectionsWork(c: CustomerPlan, invoices: InvoiceSim[], rng: Random): void {
    const { todayDay } = this;
    const currency = c.market.currency;
    const billing = c.contacts[c.contacts.length > 1 ? 1 : 0];
    for (const invoice of invoices) {
      if (invoice.voidOn !== null) {
        this.activity(
          c,
          invoice,
          'status_change',
          invoice.voidOn,
          rng.pick(this.managers),
          `Invoice ${invoice.number} voided`,
          `Voided: ${invoice.voidReason}.`,
          rng,
        );
        continue;
      }
      if (!this.plan.light) {
        for (const [after, label, probability] of [
          [7, 'Reminder', 0.6],
          [30, 'Final notice', 0.5],
        ] as const) {
          const day = invoice.due + after;
          if (day >= todayDay || balanceAt(invoice, day) <= 0 || !rng.chance(probability)) continue;
          this.activity(
            c,
            invoice,
            'email_out',
            day,
            null,
            `${label}: invoice ${invoice.number} is ${after} days past due`,
            `Automated reminder sent to ${billing.email ?? billing.name}: ${money(balanceAt(invoice, day), currency)} was due on ${isoOf(invoice.due)}.`,
            rng,
          );
        }
      }
      const dispute = invoice.dispute;
      if (dispute) {
        const description = rng.pick(DISPUTE_DESCRIPTIONS[dispute.reason]);
        this.activity(
          c,
          invoice,
          'email_in',
          dispute.opened,
          dispute.owner,
          `Dispute raised on ${invoice.number}`,
          description,
          rng,
        );
        if (dispute.resolved !== null) {
          const text =
            dispute.status === 'resolved'
              ? `Dispute resolved: credit memo ${dispute.creditMemo!.number} issued for ${money(dispute.amount, currency)}.`
              : dispute.status === 'rejected'
                ? 'Dispute rejected: proof of delivery and signed quote sent to the customer.'
                : 'Customer withdrew the dispute after reviewing the documents.';
          this.activity(
            c,
            invoice,
            'status_change',
            dispute.resolved,
            dispute.owner,
            `Dispute ${dispute.status}`,
            text,
            rng,
          );
        }
        this.task(
          c,
          invoice,
          {
            title: `Review dispute on ${invoice.number}`,
            type: 'review',
            priority: dispute.amount > c.medianInvoice * 2 ? 'high' : 'normal',
            status: dispute.resolved === null ? 'open' : 'done',
            assignee: dispute.owner,
            created: dispute.opened,
            dueOn: dispute.opened + 14,
            completed: dispute.resolved,
          },
          rng,
        );
        this.writeDispute(c, invoice, dispute, description);
      }
      if (invoice.writeOffDay !== null) {
        this.activity(
          c,
          invoice,
          'status_change',
          invoice.writeOffDay,
          rng.pick(this.managers),
          `Invoice ${invoice.number} written off`,
          `Wrote off ${money(invoice.writtenOff, currency)}: ${rng.pick(WRITE_OFF_REASONS)}.`,
          rng,
        );
      }
    }

    if (!this.plan.light) {
      const notes = rng.int(0, 3);
      for (let n = 0; n < notes; n++) {
        const day = rng.int(Math.max(c.startDay, this.windowStart), Math.max(c.startDay, todayDay - 1));
        this.activity(
          c,
          null,
          'note',
          day,
          c.collectorId ?? rng.pick(this.managers),
          null,
          rng.pick(CUSTOMER_NOTES),
          rng,
        );
      }
      if (c.tier === 'enterprise') {
        for (let day = c.startDay + rng.int(20, 90); day < todayDay; day += rng.int(80, 100)) {
          this.activity(
            c,
            null,
            'meeting',
            day,
            rng.pick(this.managers),
            'Quarterly business review',
            'Reviewed open items, upcoming orders and the payment schedule with the finance team.',
            rng,
          );
        }
      }
    }

    // The collector's worklist: a call for customers with something seriously overdue.
    const overdue = invoices.filter(
      (i) => i.voidOn === null && i.due < todayDay && balanceAt(i, todayDay) > 0,
    );
    if (overdue.length > 0 && rng.chance(0.6)) {
      const oldest = overdue[0];
      const owed = overdue.reduce((sum, i) => sum + balanceAt(i, todayDay), 0);
      const daysLate = todayDay - oldest.due;
      this.task(
        c,
        oldest,
        {
          title: `${rng.pick(OPEN_TASK_TITLES)}: ${overdue.length} overdue invoice${overdue.length > 1 ? 's' : ''}`,
          type: rng.chance(0.7) ? 'call' : 'email',
          priority: daysLate > 90 ? 'urgent' : daysLate > 60 ? 'high' : daysLate > 30 ? 'normal' : 'low',
          status: 'open',
          assignee: c.collectorId ?? rng.pick(this.managers),
          created: todayDay - rng.int(1, 20),
          dueOn: todayDay + rng.int(-12, 10),
          completed: null,
          description: `${money(owed, currency)} overdue; oldest ${oldest.number} is ${daysLate} days past due.`,
        },
        rng,
      );
    }
  }

  // ---------------------------------------------------------------- rows

  private writeHistory(
    c: CustomerPlan,
    invoices: InvoiceSim[],
    credits: CreditMemoSim[],
    payments: PaymentSim[],
    rng: Random,
  ): void {
    const { todayDay } = this;
    const currency = c.market.currency;
    for (const invoice of invoices) {
      const balance = invoice.total - invoice.paid - invoice.credited - invoice.writtenOff;
      const lastEvent = invoice.events.reduce((max, e) => Math.max(max, e.day), invoice.issue);
      const status =
        invoice.voidOn !== null
          ? 'void'
          : invoice.writeOffDay !== null
            ? 'written_off'
            : balance === 0
              ? 'paid'
              : balance < invoice.total
                ? 'partially_paid'
                : 'open';
      const closedOn = invoice.voidOn ?? (balance === 0 ? lastEvent : null);
      if (status === 'open' || status === 'partially_paid') {
        const late = todayDay - invoice.due;
        const bucket: AgingBucket =
          late <= 0 ? 'current' : late <= 30 ? '1-30' : late <= 60 ? '31-60' : late <= 90 ? '61-90' : '90+';
        this.stats.openByBucket[bucket] += Math.round(balance / (CURRENCY_FACTOR[currency] ?? 1));
      }
      const tags: string[] = [];
      if (invoice.dispute && invoice.dispute.resolved === null) tags.push('disputed');
      if (c.tier === 'enterprise' && rng.chance(0.1)) tags.push('milestone-billing');
      this.out.invoices.push({
        org_id: this.orgId,
        id: invoice.id,
        created_at: this.at(invoice.issue, 480),
        customer_id: c.id,
        subsidiary_id: c.subsidiaryId,
        number: invoice.number,
        po_number: c.tier !== 'smb' && rng.chance(0.8) ? `PO-${rng.int(100000, 999999)}` : null,
        issue_date: isoOf(invoice.issue),
        due_date: isoOf(invoice.due),
        terms_days: c.terms,
        currency,
        total: invoice.total,
        amount_paid: invoice.paid,
        amount_credited: invoice.credited,
        amount_written_off: invoice.writtenOff,
        // Voiding cancels the invoice: nothing is owed, so searches and balances never see it as open.
        balance: status === 'void' ? 0 : balance,
        status,
        closed_on: closedOn === null ? null : isoOf(closedOn),
        written_off_on: invoice.writeOffDay === null ? null : isoOf(invoice.writeOffDay),
        tags,
        memo: invoice.voidReason === null ? null : `Voided: ${invoice.voidReason}.`,
        updated_at: this.at(Math.max(lastEvent, invoice.voidOn ?? 0), 1020),
      });
    }

    for (const memo of credits) {
      const remaining = memo.amount - memo.applied;
      this.out.creditMemos.push({
        org_id: this.orgId,
        id: memo.id,
        created_at: this.at(memo.issued, 600),
        customer_id: c.id,
        number: memo.number,
        issued_on: isoOf(memo.issued),
        currency,
        amount: memo.amount,
        remaining_amount: remaining,
        status: remaining === memo.amount ? 'open' : remaining === 0 ? 'applied' : 'partially_applied',
        reason: memo.reason,
        updated_at: this.at(memo.lastDay, 660),
      });
    }

    for (const payment of payments) {
      const id = rng.uuid();
      const active = payment.applications.filter((a) => a.unappliedOn === null);
      const applied = active.reduce((sum, a) => sum + a.amount, 0);
      const n = (this.paymentCounters.get(payment.received) ?? 0) + 1;
      this.paymentCounters.set(payment.received, n);
      const method = c.method;
      const listed = payment.remittance.slice(0, 4);
      const more = payment.remittance.length - listed.length;
      this.out.payments.push({
        org_id: this.orgId,
        id,
        created_at: this.at(payment.received, 570),
        customer_id: c.id,
        number: `PMT-${compactDate(payment.received)}-${String(n).padStart(4, '0')}`,
        received_on: isoOf(payment.received),
        amount: payment.amount,
        currency,
        method,
        reference: paymentReference(method, payment.received, rng),
        memo:
          listed.length === 0
            ? 'Payment on account; no invoice referenced.'
            : `Remittance: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
        applied_amount: applied,
        unapplied_amount: payment.amount - applied,
        status: applied === 0 ? 'unapplied' : applied === payment.amount ? 'applied' : 'partially_applied',
        updated_at: this.at(
          payment.applications.reduce((max, a) => Math.max(max, a.unappliedOn ?? a.day), payment.received),
          900,
        ),
      });
      for (const application of payment.applications) {
        this.out.paymentApplications.push({
          org_id: this.orgId,
          id: rng.uuid(),
          created_at: this.at(application.day, 840),
          payment_id: id,
          invoice_id: application.invoice.id,
          amount: application.amount,
          applied_on: isoOf(application.day),
          unapplied_on: application.unappliedOn === null ? null : isoOf(application.unappliedOn),
          applied_by_user_id: application.by,
        });
      }
    }
  }

  private writeDispute(c: CustomerPlan, invoice: InvoiceSim, dispute: DisputeSim, description: string): void {
    this.out.disputes.push({
      org_id: this.orgId,
      id: dispute.id,
      created_at: this.at(dispute.opened, 700),
      customer_id: c.id,
      invoice_id: invoice.id,
      amount: dispute.amount,
      currency: c.market.currency,
      reason: dispute.reason,
      description,
      status: dispute.status,
      owner_user_id: dispute.owner,
      opened_on: isoOf(dispute.opened),
      resolved_on: dispute.resolved === null ? null : isoOf(dispute.resolved),
      resolution:
        dispute.status === 'resolved'
          ? `Credit memo ${dispute.creditMemo!.number} issued.`
          : dispute.status === 'rejected'
            ? 'Rejected: invoice is correct as billed.'
            : dispute.status === 'withdrawn'
              ? 'Withdrawn by the customer.'
              : null,
      credit_memo_id: dispute.creditMemo?.id ?? null,
      updated_at: this.at(dispute.resolved ?? dispute.opened, 720),
    });
  }

  private activity(
    c: CustomerPlan,
    invoice: InvoiceSim | null,
    type: 'note' | 'email_out' | 'email_in' | 'call' | 'meeting' | 'status_change',
    day: Day,
    author: string | null,
    subject: string | null,
    body: string,
    rng: Random,
  ): void {
    if (day > this.todayDay) return;
    // Nothing has happened yet later today: today's activities are early in the morning.
    const minute = day === this.todayDay ? 15 * rng.int(0, 4) : officeMinute(rng);
    const at = this.at(day, minute);
    this.out.activities.push({
      org_id: this.orgId,
      id: rng.uuid(),
      created_at: at,
      customer_id: c.id,
      invoice_id: invoice?.id ?? null,
      type,
      subject,
      body,
      author_user_id: author,
      occurred_at: at,
    });
  }

  private task(
    c: CustomerPlan,
    invoice: InvoiceSim | null,
    task: {
      title: string;
      type: 'call' | 'email' | 'follow_up' | 'review' | 'other';
      priority: 'low' | 'normal' | 'high' | 'urgent';
      status: 'open' | 'done' | 'cancelled';
      assignee: string | null;
      created: Day;
      dueOn: Day;
      completed: Day | null;
      description?: string;
    },
    rng: Random,
  ): void {
    const created = Math.min(task.created, this.todayDay);
    const completed =
      task.completed === null ? null : Math.max(created, Math.min(task.completed, this.todayDay));
    this.out.tasks.push({
      org_id: this.orgId,
      id: rng.uuid(),
      created_at: this.at(created, day0(created, this.todayDay, 500)),
      customer_id: c.id,
      invoice_id: invoice?.id ?? null,
      title: task.title,
      description: task.description ?? null,
      type: task.type,
      priority: task.priority,
      status: task.status,
      assignee_user_id: task.assignee,
      due_on: isoOf(task.dueOn),
      created_by_user_id: c.collectorId ?? this.managers[0],
      completed_at:
        completed === null || task.status !== 'done'
          ? null
          : this.at(completed, day0(completed, this.todayDay, 960)),
      updated_at: this.at(completed ?? created, day0(completed ?? created, this.todayDay, 960)),
    });
  }

  /** Cash nobody can match yet: wires without remittance advice, from no known customer. */
  private writeUnidentifiedPayments(): void {
    const rng = this.rng.fork('unidentified');
    for (let n = 0; n < this.plan.unidentifiedPayments; n++) {
      const received = businessDay(this.todayDay - rng.int(1, 75), this.todayDay);
      const counter = (this.paymentCounters.get(received) ?? 0) + 1;
      this.paymentCounters.set(received, counter);
      const amount = rng.int(250, 4_000_000);
      this.out.payments.push({
        org_id: this.orgId,
        id: rng.uuid(),
        created_at: this.at(received, 570),
        customer_id: null,
        number: `PMT-${compactDate(received)}-${String(counter).padStart(4, '0')}`,
        received_on: isoOf(received),
        amount,
        currency: this.plan.baseCurrency,
        method: 'wire',
        reference: paymentReference('wire', received, rng),
        memo: rng.pick([
          'Unidentified wire: no remittance advice, payer name truncated by the bank.',
          'Unidentified deposit: reference does not match any invoice or customer.',
          'Unidentified payment received through the lockbox without remittance details.',
        ]),
        applied_amount: 0,
        unapplied_amount: amount,
        status: 'unapplied',
        updated_at: this.at(received, 570),
      });
    }
  }

  private paidOffOn(invoice: InvoiceSim): Day | null {
    const balance = invoice.total - invoice.paid - invoice.credited;
    if (balance > 0) return null;
    return invoice.events.reduce(
      (max, e) => (e.kind === 'write_off' ? max : Math.max(max, e.day)),
      invoice.issue,
    );
  }

  private at(day: Day, minute: number): string {
    return stamp(day, minute, this.plan.timeZone);
  }
}

function balanceAt(invoice: InvoiceSim, day: Day): number {
  let balance = invoice.total;
  for (const e of invoice.events) if (e.day <= day) balance -= e.amount;
  return balance;
}

/** Office hours in quarter-hour steps: few distinct timestamps, so their strings can be shared. */
function officeMinute(rng: Random): number {
  return 480 + 15 * rng.int(0, 40);
}

/** A time early on `day` if it is today (so nothing is stamped in the future), else `minute`. */
function day0(day: Day, today: Day, minute: number): number {
  return day >= today ? 30 : minute;
}

function slug(text: string, separator = '-'): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^${separator}|${separator}$`, 'g'), '');
}

function money(minor: number, currency: string): string {
  const major = (minor / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${currency} ${major}`;
}

function phoneNumber(locale: Locale, rng: Random): string {
  const digits = (n: number): string => String(rng.int(0, 10 ** n - 1)).padStart(n, '0');
  switch (locale) {
    case 'us':
    case 'ca':
      return `+1 ${rng.int(201, 989)}-555-01${digits(2)}`;
    case 'uk':
      return `+44 20 7946 0${digits(3)}`;
    case 'de':
      return `+49 ${rng.pick(['30', '40', '89', '69', '221'])} ${digits(7)}`;
    case 'fr':
      return `+33 1 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`;
    case 'nl':
      return `+31 20 ${digits(7)}`;
    case 'it':
      return `+39 02 ${digits(8)}`;
  }
}

function paymentReference(method: PaymentMethod, day: Day, rng: Random): string {
  switch (method) {
    case 'check':
      return `Check ${rng.int(1000, 99999)}`;
    case 'ach':
      return `ACH trace ${rng.int(10_000_000, 99_999_999)}${rng.int(1_000_000, 9_999_999)}`;
    case 'wire':
      return `FT${compactDate(day)}${rng.int(100000, 999999)}`;
    case 'card':
      return `Card ending ${rng.int(1000, 9999)}`;
    case 'other':
      return `SEPA direct debit ${compactDate(day)}-${rng.int(1000, 9999)}`;
  }
}
