import type { AppConfig } from '../../config/app-config.service';
import { DEFAULT_SCOPES } from '../scopes';

/**
 * The protected-resource metadata URL (RFC 9728 §3.1, path-inserted form) of the endpoint a request
 * went to: the legacy SSE endpoint has its own, everything else is the MCP endpoint's.
 */
export function protectedResourceMetadataUrl(config: AppConfig, requestPath = '/v1/mcp'): string {
  const endpoint = requestPath.startsWith('/v1/sse') ? '/v1/sse' : '/v1/mcp';
  return `${config.oauth.issuer}/.well-known/oauth-protected-resource${endpoint}`;
}

const quoted = (value: string): string => `"${value.replace(/["\\]/g, '')}"`;

/**
 * WWW-Authenticate for a 401 (RFC 6750 §3, RFC 9728 §5.1): no token → no error code (OAuth 2.1
 * §5.3); a bad token → invalid_token. Always the metadata URL and the minimal scope (mcp-auth.md D2,
 * D4, D6).
 */
export function unauthorizedChallenge(
  config: AppConfig,
  invalidToken?: string,
  requestPath?: string,
): string {
  const parts = [
    `resource_metadata=${quoted(protectedResourceMetadataUrl(config, requestPath))}`,
    `scope=${quoted(DEFAULT_SCOPES.join(' '))}`,
  ];
  if (invalidToken) parts.unshift(`error="invalid_token"`, `error_description=${quoted(invalidToken)}`);
  return `Bearer ${parts.join(', ')}`;
}

/** 403 step-up: the grant lacks a scope the call needs (MCP authorization "Scope Challenge Handling"). */
export function insufficientScopeChallenge(config: AppConfig, needed: readonly string[]): string {
  return `Bearer error="insufficient_scope", scope=${quoted(needed.join(' '))}, resource_metadata=${quoted(
    protectedResourceMetadataUrl(config),
  )}, error_description="This action needs more access than the connection was granted."`;
}
