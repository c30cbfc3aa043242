import { applyDecorators, UseFilters } from '@nestjs/common';
import { McpController } from '@rekog/mcp-nest';
import { McpToolErrorFilter } from '../../tool-errors.filter';

/** Marks a class of MCP tools: registered with mcp-nest, errors turned into actionable results. */
export function ArTools(): ClassDecorator {
  return applyDecorators(McpController(), UseFilters(McpToolErrorFilter));
}
