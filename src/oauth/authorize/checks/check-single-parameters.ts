// Rule: no parameter may be sent twice (RFC 6749 §3.1: "Request and response parameters MUST NOT
// be included more than once").
import { InvalidRequestError } from '../../oauth.errors';
import { isRepeated } from '../authorization-parameters';
import type { AuthorizeContext } from '../authorization-parameters';

export function checkSingleParameters(context: AuthorizeContext): void {
  const repeated = Object.keys(context.query).filter((name) => isRepeated(context.query, name));
  if (repeated.length > 0)
    throw new InvalidRequestError(`Parameters must not be provided twice: ${repeated.join(', ')}.`);
}
