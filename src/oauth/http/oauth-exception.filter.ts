import { Catch, HttpException, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { UnavailableError } from '../../common/errors/app-error';
import { isDatabaseUnavailable } from '../../common/errors/database-errors';
import { InvalidClientError, OAuthError, TooManyRequestsError } from '../oauth.errors';

/**
 * JSON errors for the token, registration, revocation and introspection endpoints in the shape of
 * RFC 6749 §5.2 — whatever went wrong, a client gets {error, error_description} and never HTML or a
 * redirect (mcp-auth.md A7).
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    if (exception instanceof OAuthError) {
      if (exception instanceof InvalidClientError && exception.usedBasicAuth) {
        response.setHeader('WWW-Authenticate', 'Basic realm="tesorio-mcp", charset="UTF-8"');
      }
      if (exception instanceof TooManyRequestsError)
        response.setHeader('Retry-After', String(exception.retryAfterSeconds));
      response.status(exception.status).json(exception.toBody());
      return;
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      // Body parser failures (malformed JSON, too large) and the like.
      const status = exception.getStatus();
      const error = status === 429 ? 'too_many_requests' : 'invalid_request';
      response.status(status).json({ error, error_description: exception.message });
      return;
    }
    // The database, or Redis holding the registration limit (fail closed, ADR 0011), is down.
    if (isDatabaseUnavailable(exception) || exception instanceof UnavailableError) {
      response.setHeader('Retry-After', '5');
      response.status(503).json({
        error: 'temporarily_unavailable',
        error_description: 'The service is briefly unavailable; retry shortly.',
      });
      return;
    }
    const errorId = randomUUID();
    this.logger.error(
      `Unhandled error ${errorId} at an OAuth endpoint: ${(exception as Error)?.stack ?? String(exception)}`,
    );
    response
      .status(500)
      .json({ error: 'server_error', error_description: `Internal error (id ${errorId}).` });
  }
}
