// Rule: tokens are only issued for our MCP endpoint; another resource is invalid_target
// (RFC 8707 §2). A client that sends none gets tokens bound to the MCP endpoint anyway.
import { InvalidTargetError } from '../../oauth.errors';
import { single } from '../authorization-parameters';
import type { AuthorizeContext } from '../authorization-parameters';

export function resourceProblem(resource: string, ourResource: string): string | undefined {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    return 'resource must be an absolute URI';
  }
  if (url.hash !== '' || resource.includes('#')) return 'resource must not contain a fragment';
  if (resource !== ourResource && resource !== `${ourResource}/`) {
    return `this server only issues tokens for ${ourResource}`;
  }
  return undefined;
}

export function checkResource(context: AuthorizeContext, ourResource: string): void {
  const resource = single(context.query, 'resource');
  if (resource !== undefined) {
    const problem = resourceProblem(resource, ourResource);
    if (problem) throw new InvalidTargetError(`${problem}.`);
  }
  context.resource = ourResource;
}
