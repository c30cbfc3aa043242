// Rule: scope follows the scope-token grammar (RFC 6749 §3.3); unknown scopes are dropped, never
// granted (security.md A6); no scope means the client's registered scope, else ar:read (MCP
// 2026-07-28 "Scope Selection Strategy").
import { InvalidScopeError } from '../../oauth.errors';
import { DEFAULT_SCOPES, isScope, parseScopeParameter, SCOPES } from '../../scopes';
import { single } from '../authorization-parameters';
import type { AuthorizeContext } from '../authorization-parameters';

export function checkScope(context: AuthorizeContext): void {
  const parameter = single(context.query, 'scope') ?? context.client?.scope ?? '';
  const tokens = parseScopeParameter(parameter);
  if (tokens === undefined)
    throw new InvalidScopeError('scope contains characters outside the scope-token grammar.');
  const known = tokens.filter(isScope);
  if (tokens.length > 0 && known.length === 0) {
    throw new InvalidScopeError(`None of the requested scopes exist here; use ${SCOPES.join(', ')}.`);
  }
  const scopes: string[] = known.some((s) => s !== 'offline_access') ? known : [...DEFAULT_SCOPES, ...known];
  // A client registered for refresh tokens gets one; offline_access is how the user sees that.
  if (context.client?.grantTypes.includes('refresh_token') && !scopes.includes('offline_access')) {
    scopes.push('offline_access');
  }
  context.scopes = scopes;
}
