// Rule: redirect_uri is present and matches a registered one exactly, loopback ports aside
// (RFC 9700 §4.1.3, RFC 8252 §7.3). A mismatch is never redirected to (OAuth 2.1 §4.1.2.1).
import { InvalidRedirectUriError } from '../../oauth.errors';
import { redirectUriMatches } from '../../clients/redirect-uris';
import { isRepeated, single } from '../authorization-parameters';
import type { AuthorizeContext } from '../authorization-parameters';

export function checkRedirectUri(context: AuthorizeContext): void {
  if (isRepeated(context.query, 'redirect_uri'))
    throw new InvalidRedirectUriError('redirect_uri must not be provided twice.');
  const redirectUri = single(context.query, 'redirect_uri');
  if (!redirectUri) throw new InvalidRedirectUriError('The request has no redirect_uri.');
  if (!context.client || !redirectUriMatches(context.client.redirectUris, redirectUri)) {
    throw new InvalidRedirectUriError('The redirect_uri is not registered for this app.');
  }
  context.redirectUri = redirectUri;
  // From here on errors go back to the client, with its state (RFC 6749 §4.1.2.1).
  context.state = single(context.query, 'state');
}
