import { ValidationPipe } from '@nestjs/common';
import type { ValidationError } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsISO8601,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { InvalidArgumentError } from '../../common/errors/app-error';
import { DEFAULT_ADMIN_PAGE_SIZE, MAX_ADMIN_PAGE_SIZE } from './keyset-page';

/** Request DTOs of the admin API (class-validator, DESIGN.md "Stack"). */

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export const MAX_REASON_LENGTH = 1000;

/** The body of every mutating call: why, in words, for the audit log. */
export class ReasonBody {
  @Transform(trim)
  @IsString({ message: 'reason is required: send {"reason": "..."} saying why; it goes into the audit log' })
  @IsNotEmpty({ message: 'reason must not be empty: say why; it goes into the audit log' })
  @MaxLength(MAX_REASON_LENGTH)
  reason: string;
}

export class PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: `limit must be a whole number from 1 to ${MAX_ADMIN_PAGE_SIZE}` })
  @Min(1)
  @Max(MAX_ADMIN_PAGE_SIZE)
  limit: number = DEFAULT_ADMIN_PAGE_SIZE;
}

export class SessionsQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  @IsOptional()
  @IsUUID(undefined, { message: 'orgId must be an organization id (a UUID)' })
  orgId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  clientId?: string;
}

export class AuditQuery extends PageQuery {
  @IsOptional()
  @IsUUID(undefined, { message: 'orgId must be an organization id (a UUID)' })
  orgId?: string;

  /** Exact action name, e.g. "admin.session.revoke" or "promise.record". */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  /** "user" | "admin" | "system", a user id or email, or an admin key id. */
  @IsOptional()
  @IsString()
  @MaxLength(320)
  actor?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date or date-time' })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date or date-time' })
  to?: string;
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}),
    ...describe(e.children ?? []).map((m) => `${e.property}.${m}`),
  ]);
}

/**
 * Validates and converts query strings and bodies; an unknown parameter is refused (a misspelt
 * filter must not silently list everything). Failures are a 400 with every problem named.
 */
export function adminValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => {
      const problems = describe(errors);
      return new InvalidArgumentError(`${problems.join('; ')}.`, {
        fields: errors.map((e) => e.property),
      });
    },
  });
}
