// Rule: only the authorization code flow exists here (OAuth 2.1 §4.1.1; the implicit grant is gone),
// answered in the query (RFC 6749 §4.1.2).
import { InvalidRequestError, UnsupportedResponseTypeError } from '../../oauth.errors';
import { single } from '../authorization-parameters';
import type { AuthorizeContext } from '../authorization-parameters';

export function checkResponseType(context: AuthorizeContext): void {
  const responseType = single(context.query, 'response_type');
  if (responseType !== 'code') throw new UnsupportedResponseTypeError('response_type must be "code".');
  const responseMode = single(context.query, 'response_mode');
  if (responseMode !== undefined && responseMode !== 'query') {
    throw new InvalidRequestError('response_mode must be "query" when given.');
  }
}
