// Rule: tokens are only issued for our MCP endpoints (/v1/mcp, or /v1/sse for legacy clients);
// another resource is invalid_target (RFC 8707 §2). A client that sends none gets tokens bound to
// the MCP endpoint.
import { InvalidTargetError } from '../../oauth.errors';
import { single } from '../authorization-parameters';
import type { AuthorizeContext } from '../authorization-parameters';

/** Our resource the parameter names (a trailing slash tolerated), or InvalidTargetError. */
export function matchResource(resource: string, ours: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new InvalidTargetError('resource must be an absolute URI.');
  }
  if (url.hash !== '' || resource.includes('#'))
    throw new InvalidTargetError('resource must not contain a fragment.');
  const matched = ours.find((r) => resource === r || resource === `${r}/`);
  if (!matched) throw new InvalidTargetError(`this server only issues tokens for ${ours[0]}.`);
  return matched;
}

export function checkResource(context: AuthorizeContext, ours: readonly string[]): void {
  const resource = single(context.query, 'resource');
  context.resource = resource === undefined ? ours[0] : matchResource(resource, ours);
}
