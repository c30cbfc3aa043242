import type { Random } from './random';

/**
 * How a customer pays, the thing AR teams actually manage. Each profile decides when an invoice
 * gets paid relative to its due date, how often it is disputed or never paid at all, and how
 * reliable the customer's promises are. Figures follow the bands in reference/domain.md §4
 * (Tesorio's customer score: 0–15 days beyond terms great, 15–45 good, 45–90 poor, >90 risk).
 */
export const PROFILES = [
  'prompt',
  'slightly_late',
  'chronically_late',
  'partial_payer',
  'disputer',
  'deteriorating',
] as const;
export type Profile = (typeof PROFILES)[number];

export const PROFILE_WEIGHTS: Readonly<Record<Profile, number>> = {
  prompt: 32,
  slightly_late: 27,
  chronically_late: 12,
  partial_payer: 9,
  disputer: 9,
  deteriorating: 11,
};

export interface Behaviour {
  /** Probability that an invoice is disputed. */
  disputeRate: number;
  /** Probability that an invoice is short-paid (a small deduction nobody agreed to). */
  shortPayRate: number;
  /** Probability that a late invoice gets a promise to pay from the customer. */
  promiseRate: number;
  /** Probability that a promise is made with a date the customer then meets. */
  keepRate: number;
  /** Whether invoices are usually paid in instalments. */
  instalments: boolean;
  /** Days after the due date the invoice is paid, or null when it is never paid. */
  payDelay(rng: Random, monthsAgo: number): number | null;
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

export const BEHAVIOURS: Readonly<Record<Profile, Behaviour>> = {
  prompt: {
    disputeRate: 0.005,
    shortPayRate: 0.01,
    promiseRate: 0.25,
    keepRate: 0.85,
    instalments: false,
    payDelay: (rng) => (rng.chance(0.002) ? null : clamp(Math.round(rng.normal(-1, 3)), -9, 5)),
  },
  slightly_late: {
    disputeRate: 0.01,
    shortPayRate: 0.015,
    promiseRate: 0.3,
    keepRate: 0.75,
    instalments: false,
    payDelay: (rng) => (rng.chance(0.004) ? null : clamp(Math.round(4 + Math.abs(rng.normal(0, 11))), 1, 40)),
  },
  chronically_late: {
    disputeRate: 0.02,
    shortPayRate: 0.02,
    promiseRate: 0.5,
    keepRate: 0.4,
    instalments: false,
    payDelay: (rng) => (rng.chance(0.035) ? null : clamp(Math.round(rng.normal(50, 20)), 16, 120)),
  },
  partial_payer: {
    disputeRate: 0.02,
    shortPayRate: 0.06,
    promiseRate: 0.5,
    keepRate: 0.35,
    instalments: true,
    payDelay: (rng) => (rng.chance(0.02) ? null : clamp(Math.round(rng.normal(10, 9)), -3, 40)),
  },
  disputer: {
    disputeRate: 0.14,
    shortPayRate: 0.02,
    promiseRate: 0.3,
    keepRate: 0.6,
    instalments: false,
    payDelay: (rng) => (rng.chance(0.015) ? null : clamp(Math.round(rng.normal(14, 9)), 0, 50)),
  },
  deteriorating: {
    disputeRate: 0.02,
    shortPayRate: 0.02,
    promiseRate: 0.55,
    keepRate: 0.25,
    instalments: false,
    // Paid on time until about eight months ago, then later and later, and recently not at all.
    payDelay: (rng, monthsAgo) => {
      if (monthsAgo >= 8) return rng.chance(0.004) ? null : clamp(Math.round(rng.normal(2, 4)), -6, 15);
      const decline = (8 - monthsAgo) / 8;
      if (rng.chance(0.02 + 0.22 * decline)) return null;
      return clamp(Math.round(rng.normal(6 + 80 * decline, 12)), 0, 140);
    },
  },
};

export function riskFor(profile: Profile, rng: Random): 'low' | 'medium' | 'high' {
  switch (profile) {
    case 'prompt':
      return rng.weighted({ low: 90, medium: 10, high: 0 });
    case 'slightly_late':
      return rng.weighted({ low: 60, medium: 35, high: 5 });
    case 'chronically_late':
      return rng.weighted({ low: 5, medium: 40, high: 55 });
    case 'partial_payer':
      return rng.weighted({ low: 10, medium: 50, high: 40 });
    case 'disputer':
      return rng.weighted({ low: 30, medium: 55, high: 15 });
    case 'deteriorating':
      return rng.weighted({ low: 25, medium: 45, high: 30 });
  }
}
