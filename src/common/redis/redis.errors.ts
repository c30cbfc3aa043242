import { UnavailableError } from '../errors/app-error';

/**
 * Redis did not answer in time or the connection is down. An UnavailableError, so every adapter
 * already answers it as "retry shortly" (HTTP 503, an MCP tool error saying to wait).
 */
export class RedisUnavailableError extends UnavailableError {
  constructor(operation: string, cause: unknown) {
    super(`The shared store (Redis) is unreachable right now (${operation}); retry in a few seconds.`);
    this.cause = cause;
  }
}
