import { z } from 'zod';
import { currency, isoDate, money } from './common-schemas';

/**
 * Filter and output pieces the read tools share beyond common-schemas.ts. Limits mirror what the
 * receivables filters accept (shared/filters.ts), so a model learns them from the schema instead
 * of from an error.
 */

/** At most this many ids in one filter (receivables MAX_IDS_PER_FILTER). */
const MAX_IDS = 100;
/** At most this many tags in one filter (receivables MAX_TAGS_PER_FILTER). */
const MAX_TAGS = 20;
/** Days past due beyond this are input mistakes (receivables filters). */
const MAX_DAYS = 36_500;

export const idList = (what: string) =>
  z
    .array(z.string().uuid())
    .min(1)
    .max(MAX_IDS)
    .describe(`Only rows of these ${what} ids (up to ${MAX_IDS}; ids come from search and get tools)`);

export const dateRange = (what: string) =>
  z
    .object({
      from: isoDate('First day, inclusive,').optional(),
      to: isoDate('Last day, inclusive,').optional(),
    })
    .strict()
    .describe(`${what}: from and/or to, both inclusive`);

export const daysRange = (what: string) =>
  z
    .object({
      min: z
        .number()
        .int()
        .min(-MAX_DAYS)
        .max(MAX_DAYS)
        .optional()
        .describe('Inclusive lower bound in days (negative: not yet due, -7 = due in 7 days)'),
      max: z.number().int().min(-MAX_DAYS).max(MAX_DAYS).optional().describe('Inclusive upper bound in days'),
    })
    .strict()
    .describe(what);

export const tagList = (what: string) =>
  z.array(z.string().min(1).max(100)).min(1).max(MAX_TAGS).describe(`${what} (up to ${MAX_TAGS})`);

/** An amount with its currency, as every analytics figure is given. */
export const moneyValue = z
  .object({ amount: money, currency })
  .describe('Integer minor units (cents) of the ISO-4217 currency');

/** The rate a converted figure used, so the user can check it. */
export const exchangeRateQuote = z.object({
  fromCurrency: z.string(),
  toCurrency: z.string(),
  rate: z.string().describe('Units of toCurrency per 1 fromCurrency, as a decimal string'),
  rateDate: z
    .string()
    .nullable()
    .describe('Date of the stored rate used (latest on or before the day asked)'),
  inverted: z.boolean().describe('True when the reciprocal of the opposite stored pair was used'),
});
