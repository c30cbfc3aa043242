import { Catch, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import type { Observable } from 'rxjs';
import { throwError } from 'rxjs';
import { AppError } from '../common/errors/app-error';
import { isDatabaseUnavailable } from '../common/errors/database-errors';

/** What the model reads after the error sentence: the next step for each kind of failure. */
const NEXT_STEP: Record<AppError['code'], string> = {
  invalid_argument: 'Fix the argument named above and call the tool again.',
  not_found:
    'Check the id (search tools return ids), or search again; ids of other organizations are never visible.',
  conflict: 'Re-read the current state and decide again; use a new idempotencyKey for a new action.',
  forbidden:
    'This connection or role does not allow it; ask the user to act in Tesorio or reconnect with more access.',
  rule_violation: 'Tell the user why the books do not allow this; do not retry unchanged.',
  unavailable: 'Wait a few seconds and try again.',
};

/**
 * Turns errors inside tools into tool results the model can act on (isError + a sentence saying
 * what to do next). Domain errors keep their message; anything unexpected is logged with an id and
 * answered generically, never with SQL or a stack (security.md J8).
 */
@Catch()
export class McpToolErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('McpTools');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    if (exception instanceof RpcException) return throwError(() => exception.getError());
    if (exception instanceof AppError) {
      return throwError(() => ({
        status: 'error',
        message: `${exception.message} ${NEXT_STEP[exception.code]}`,
      }));
    }
    if (isDatabaseUnavailable(exception)) {
      return throwError(() => ({
        status: 'error',
        message: 'The receivables database is briefly unavailable. Wait a few seconds and try again.',
      }));
    }
    const errorId = randomUUID();
    this.logger.error(
      `Tool failed (error id ${errorId}): ${(exception as Error)?.stack ?? String(exception)}`,
    );
    return throwError(() => ({
      status: 'error',
      message: `Something went wrong on the server (error id ${errorId}). Try again; if it persists, report the id.`,
    }));
  }
}
