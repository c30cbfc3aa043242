import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { AppError } from '../errors/app-error';
import type { AppErrorCode } from '../errors/app-error';
import { isDatabaseUnavailable } from '../errors/database-errors';

const STATUS_BY_CODE: Record<AppErrorCode, number> = {
  invalid_argument: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
  rule_violation: HttpStatus.UNPROCESSABLE_ENTITY,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * The one place HTTP errors are shaped: coded application errors keep their message, an outage is
 * a 503, and anything unexpected is a generic 500 with an id that points to the logged cause.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;

    if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json(this.httpBody(exception));
      return;
    }
    if (exception instanceof AppError) {
      response
        .status(STATUS_BY_CODE[exception.code])
        .json({ error: exception.code, message: exception.message, details: exception.details });
      return;
    }
    const errorId = randomUUID();
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`Database unavailable (error id ${errorId}): ${(exception as Error).message}`);
      response.status(HttpStatus.SERVICE_UNAVAILABLE).setHeader('Retry-After', '5').json({
        error: 'unavailable',
        message: 'The database is not reachable right now. Retry in a few seconds.',
        errorId,
      });
      return;
    }
    this.logger.error(`Unhandled error ${errorId}: ${(exception as Error)?.stack ?? String(exception)}`);
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      error: 'internal_error',
      message: `Something went wrong on our side. Quote error id ${errorId} to support.`,
      errorId,
    });
  }

  private httpBody(exception: HttpException): unknown {
    const body = exception.getResponse();
    return typeof body === 'string' ? { error: 'http_error', message: body } : body;
  }
}
