import { DEMO_ORGANIZATIONS, SCALE_ORGANIZATION } from './demo-logins';
import type { OrgPlan } from './org-books.generator';

/**
 * The demo organizations' shape. Sizes are chosen so the default books seed in a few seconds on
 * PostgreSQL (and well under the 30-second budget on the embedded database) while every list,
 * aging bucket and worklist in the product has something in it.
 */
export const HISTORY_MONTHS = 18;

/** Share of customers each collector looks after, by e-mail; everyone else with a role is staff. */
export const COLLECTOR_WEIGHTS: Readonly<Record<string, number>> = {
  'collector@acme.example': 40,
  'collector2@acme.example': 40,
  'dana@demo.example': 20,
  'collector@globex.example': 50,
  'collector2@globex.example': 50,
  'samir@initech.example': 34,
  'michael@initech.example': 33,
  'joanna@initech.example': 33,
};

export const ACME_PLAN: OrgPlan = {
  key: 'acme',
  ...DEMO_ORGANIZATIONS.acme,
  catalog: 'manufacturing',
  customers: 200,
  invoices: 5_000,
  months: HISTORY_MONTHS,
  customerNumber: (n) => `C-${10_000 + n}`,
  invoiceNumber: (n) => `INV-${104_000 + n}`,
  markets: [
    { locale: 'us', currency: 'USD', subsidiary: 'us', weight: 86 },
    { locale: 'ca', currency: 'CAD', subsidiary: 'ca', weight: 14 },
  ],
  subsidiaries: [
    { key: 'us', name: 'Acme Manufacturing Inc.', currency: 'USD', externalId: 'SUB-US-01' },
    { key: 'ca', name: 'Acme Manufacturing Canada Ltd.', currency: 'CAD', externalId: 'SUB-CA-01' },
  ],
  unidentifiedPayments: 7,
  light: false,
};

export const GLOBEX_PLAN: OrgPlan = {
  key: 'globex',
  ...DEMO_ORGANIZATIONS.globex,
  catalog: 'software',
  customers: 130,
  invoices: 3_000,
  months: HISTORY_MONTHS,
  customerNumber: (n) => `KD-${20_000 + n}`,
  invoiceNumber: (n) => `GX-${61_000 + n}`,
  markets: [
    { locale: 'de', currency: 'EUR', subsidiary: 'de', weight: 38 },
    { locale: 'fr', currency: 'EUR', subsidiary: 'de', weight: 12 },
    { locale: 'nl', currency: 'EUR', subsidiary: 'de', weight: 9 },
    { locale: 'it', currency: 'EUR', subsidiary: 'de', weight: 7 },
    { locale: 'uk', currency: 'GBP', subsidiary: 'uk', weight: 28 },
    { locale: 'us', currency: 'USD', subsidiary: 'de', weight: 6 },
  ],
  subsidiaries: [
    { key: 'de', name: 'Globex Europe GmbH', currency: 'EUR', externalId: 'GX-DE' },
    { key: 'uk', name: 'Globex UK Ltd', currency: 'GBP', externalId: 'GX-UK' },
  ],
  unidentifiedPayments: 5,
  light: false,
};

/** One organization with `invoices` invoices and proportionally many customers and payments. */
export function scalePlan(invoices: number): OrgPlan {
  return {
    key: 'scale',
    ...SCALE_ORGANIZATION,
    catalog: 'manufacturing',
    customers: Math.max(20, Math.round(invoices / 170)),
    invoices,
    months: HISTORY_MONTHS,
    customerNumber: (n) => `S-${100_000 + n}`,
    invoiceNumber: (n) => `IT-${String(n).padStart(7, '0')}`,
    markets: [{ locale: 'us', currency: 'USD', subsidiary: 'us', weight: 1 }],
    subsidiaries: [{ key: 'us', name: 'Initech Inc.', currency: 'USD', externalId: 'IT-US' }],
    unidentifiedPayments: Math.min(200, Math.max(5, Math.round(invoices / 20_000))),
    light: true,
  };
}
