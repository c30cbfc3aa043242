/**
 * Errors raised below the transport layer. Each carries a stable code; HTTP and MCP adapters turn
 * them into responses in one place. Messages are sentences a user (or a model) can act on.
 */
export type AppErrorCode =
  'invalid_argument' | 'not_found' | 'conflict' | 'forbidden' | 'rule_violation' | 'unavailable';

export abstract class AppError extends Error {
  abstract readonly code: AppErrorCode;

  constructor(
    message: string,
    /** Machine-readable context, e.g. the offending field. Never secrets. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The caller sent something malformed or impossible (bad filter, cursor, range). */
export class InvalidArgumentError extends AppError {
  readonly code = 'invalid_argument';
}

/** The record does not exist in the caller's organization (foreign ids look the same: no leak). */
export class NotFoundError extends AppError {
  readonly code = 'not_found';

  constructor(entity: string, id: string) {
    super(`No ${entity} with id "${id}" exists in this organization.`, { entity, id });
  }
}

/** A uniqueness or concurrency conflict, e.g. an idempotency key reused with other input. */
export class ConflictError extends AppError {
  readonly code = 'conflict';
}

/** A domain rule forbids the change (over-application, resolving a resolved dispute, ...). */
export class RuleViolationError extends AppError {
  readonly code = 'rule_violation';
}

export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
}

/** A dependency (the database) is down; retrying later may work. */
export class UnavailableError extends AppError {
  readonly code = 'unavailable';
}
