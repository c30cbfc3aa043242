import type { OAuthError } from '../oauth.errors';

/**
 * The redirect back to the client (RFC 6749 §4.1.2): the code or the error, the client's state,
 * and iss on every response (RFC 9207; mix-up defence, MCP 2026-07-28 "Authorization Response
 * Validation").
 */
export function authorizationResponseUrl(
  redirectUri: string,
  issuer: string,
  state: string | undefined,
  result: { code: string } | { error: OAuthError },
): string {
  const url = new URL(redirectUri);
  if ('code' in result) {
    url.searchParams.set('code', result.code);
  } else {
    url.searchParams.set('error', result.error.error);
    url.searchParams.set('error_description', result.error.description);
  }
  if (state !== undefined) url.searchParams.set('state', state);
  url.searchParams.set('iss', issuer);
  return url.toString();
}
