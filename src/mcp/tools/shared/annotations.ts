/**
 * Honest tool annotations (MCP ToolAnnotations; clients treat them as hints, the server enforces
 * scopes itself). Every tool works on this organization's books only: openWorldHint is false.
 */
export function readOnly(title: string) {
  return {
    title,
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  } as const;
}

export function write(title: string, options: { destructive: boolean; idempotent: boolean }) {
  return {
    title,
    readOnlyHint: false,
    destructiveHint: options.destructive,
    idempotentHint: options.idempotent,
    openWorldHint: false,
  } as const;
}
