import { resourceProblem } from '../../authorize/checks/check-resource';
import { InvalidTargetError } from '../../oauth.errors';

/** RFC 8707 §2 at the token endpoint: optional, but when present it must name our MCP endpoint. */
export function checkResourceParameter(resource: string | undefined, ourResource: string): void {
  if (resource === undefined) return;
  const problem = resourceProblem(resource, ourResource);
  if (problem) throw new InvalidTargetError(`${problem}.`);
}
