import { z } from 'zod';

/** Shared argument and output pieces, so every tool describes the same thing the same way. */
export const id = (what: string) =>
  z.string().uuid().describe(`The ${what}'s id (from a search or get tool).`);

export const isoDate = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
    .describe(`${what} as YYYY-MM-DD`);

export const amountRange = (what: string) =>
  z
    .object({
      min: z.number().int().min(0).optional().describe('Inclusive lower bound in minor units (1234 = 12.34)'),
      max: z.number().int().min(0).optional().describe('Inclusive upper bound in minor units'),
    })
    .strict()
    .describe(`${what}, in integer minor units of the currency`);

export const money = z.number().int().describe('Integer minor units (cents) of the currency beside it');
export const currency = z.string().length(3).describe('ISO-4217 currency code');

export const direction = z
  .enum(['asc', 'desc'])
  .optional()
  .describe('Sort direction (default depends on the sort)');

/** Rows for tools that offer a compact view: the model asks for the full row only when it needs it. */
export const view = z
  .enum(['summary', 'full'])
  .optional()
  .describe('"summary" (default) returns the key columns of each row; "full" returns every column.');
