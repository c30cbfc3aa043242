import { InvalidArgumentError } from '../../common/errors/app-error';
import { isIsoDate } from '../shared/calendar';
import { parseUuid, readKnownFields } from '../shared/filters';

/**
 * Validation of write-command input. Commands are called by MCP tools whose zod schemas already
 * check shapes, but the domain does not rely on its callers: every value is checked again here
 * and a bad one becomes an InvalidArgumentError naming the field, never a SQL error.
 */

/** Longest free text a command stores (note bodies, descriptions). */
export const MAX_BODY_LENGTH = 10_000;
/** Longest one-line text (titles, subjects, names, reasons). */
export const MAX_LINE_LENGTH = 200;

function invalid(field: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`${field} ${message}`, { field });
}

/** The command's input object with only known fields (see readKnownFields). */
export function readInput(
  value: unknown,
  allowed: readonly string[],
  subject: string,
): Record<string, unknown> {
  return readKnownFields(value, allowed, subject, 'must be an object.');
}

/** Trimmed, non-blank text of at most `max` characters. */
export function requireText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw invalid(field, 'is required and must be text.');
  const text = value.trim();
  if (text.length === 0) throw invalid(field, 'must not be blank.');
  if (text.includes('\u0000')) throw invalid(field, 'must not contain NUL characters.');
  if (text.length > max) throw invalid(field, `must be at most ${max} characters long; got ${text.length}.`);
  return text;
}

/** Absent stays undefined (leave as is), null clears, anything else must be valid text. */
export function optionalText(value: unknown, field: string, max: number): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return requireText(value, field, max);
}

export function requireId(value: unknown, field: string): string {
  return parseUuid(value, field);
}

export function optionalId(value: unknown, field: string): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return parseUuid(value, field);
}

/** A list of 1 to `max` ids; repeats are dropped, the first occurrence keeps its place. */
export function requireIdList(value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(field, 'must list at least one id.');
  if (value.length > max) throw invalid(field, `may list at most ${max} ids; got ${value.length}.`);
  return [...new Set(value.map((v) => parseUuid(v, field)))];
}

/** Money in minor units: a whole number above zero (1234 means 12.34). */
export function requireAmount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(
      field,
      `must be a whole amount above zero in minor units (1234 means 12.34); got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

export function requireCurrency(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value)) {
    throw invalid(
      field,
      `must be an ISO-4217 currency code such as USD or EUR; got ${JSON.stringify(value)}.`,
    );
  }
  return value.toUpperCase();
}

export function requireDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw invalid(field, `must be a calendar date written YYYY-MM-DD; got ${JSON.stringify(value)}.`);
  }
  return value;
}

export function optionalDate(value: unknown, field: string): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return requireDate(value, field);
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw invalid(field, `must be true or false; got ${JSON.stringify(value)}.`);
  return value;
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalid(field, `must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

export function optionalOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
): T | undefined {
  return value === undefined ? undefined : requireOneOf(value, allowed, field);
}

/** An ISO-8601 timestamp with a time zone (Z or ±hh:mm), as a Date. */
export function requireTimestamp(value: unknown, field: string): Date {
  const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
  const date = typeof value === 'string' && ISO_TIMESTAMP.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw invalid(
      field,
      `must be an ISO-8601 timestamp with a time zone, e.g. 2026-05-04T15:30:00Z; got ${JSON.stringify(value)}.`,
    );
  }
  return date;
}

/** Fails when an update names no field to change: an empty update is a caller mistake. */
export function requireSomeChange(
  changes: Record<string, unknown>,
  fields: readonly string[],
  subject: string,
): void {
  if (Object.values(changes).every((v) => v === undefined)) {
    throw new InvalidArgumentError(`${subject} must change at least one of: ${fields.join(', ')}.`);
  }
}
