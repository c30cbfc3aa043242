/**
 * Redirect URI rules. Registration (RFC 7591 §2, RFC 8252 §7, OAuth 2.1 §2.3.1) decides what a
 * client may register; matching (RFC 9700 §4.1.3) decides whether a request's redirect_uri is one
 * of them: exact string comparison, with the single exception of the port on loopback IP/host
 * redirects (RFC 8252 §7.3), which native apps pick at run time.
 */

const FORBIDDEN_SCHEMES = new Set([
  'javascript:',
  'data:',
  'file:',
  'vbscript:',
  'blob:',
  'about:',
  'ftp:',
  'ws:',
  'wss:',
]);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_LENGTH = 2000;

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

export function isLoopbackRedirect(uri: string): boolean {
  const url = parse(uri);
  return url !== undefined && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** A problem with a redirect URI a client wants to register, or undefined when it is acceptable. */
export function redirectUriProblem(uri: string, allowedCustomSchemes: readonly string[]): string | undefined {
  if (uri.length > MAX_LENGTH) return `redirect URI longer than ${MAX_LENGTH} characters`;
  const url = parse(uri);
  if (!url) return `"${uri}" is not an absolute URI`;
  if (url.hash !== '' || uri.includes('#')) return `"${uri}" must not contain a fragment`;
  if (url.username !== '' || url.password !== '') return `"${uri}" must not contain user information`;
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `the ${url.protocol} scheme is not allowed`;
  if (url.protocol === 'https:') {
    // RFC 8252 §8.4: "https://localhost" is not a claimed https redirect; loopback must use http.
    if (LOOPBACK_HOSTS.has(url.hostname)) return `"${uri}": use http:// for loopback redirects`;
    return undefined;
  }
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.has(url.hostname)
      ? undefined
      : `"${uri}": plain http is only allowed for loopback (localhost, 127.0.0.1, [::1])`;
  }
  const scheme = url.protocol.slice(0, -1);
  if (allowedCustomSchemes.includes(scheme)) return undefined;
  return `the custom scheme "${scheme}:" is not on this server's allowlist (OAUTH_ALLOWED_REDIRECT_SCHEMES)`;
}

/** RFC 8252 §7.3: loopback redirects match on everything but the port. */
function loopbackMatches(registered: string, requested: string): boolean {
  const a = parse(registered);
  const b = parse(requested);
  if (!a || !b || a.protocol !== 'http:' || b.protocol !== 'http:') return false;
  if (!LOOPBACK_HOSTS.has(a.hostname) || a.hostname !== b.hostname) return false;
  // Compare the raw strings with the port removed, so the path, query and case must match exactly.
  const withoutPort = (uri: string, url: URL): string =>
    url.port === '' ? uri : uri.replace(`${url.hostname}:${url.port}`, url.hostname);
  return withoutPort(registered, a) === withoutPort(requested, b) && requested.startsWith('http://');
}

export function redirectUriMatches(registered: readonly string[], requested: string): boolean {
  return registered.some((uri) => uri === requested || loopbackMatches(uri, requested));
}

/** The host a user should see on the consent page (MCP security-considerations: display it). */
export function redirectHost(uri: string): string {
  const url = parse(uri);
  if (!url) return uri;
  return url.host !== '' ? url.host : `${url.protocol}//${url.pathname.split('/')[0] ?? ''}`;
}
