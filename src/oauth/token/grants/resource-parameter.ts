import { matchResource } from '../../authorize/checks/check-resource';

/** RFC 8707 §2 at the token endpoint: optional, but when present it must name our MCP endpoint. */
export function checkResourceParameter(resource: string | undefined, ours: readonly string[]): void {
  if (resource !== undefined) matchResource(resource, ours);
}
