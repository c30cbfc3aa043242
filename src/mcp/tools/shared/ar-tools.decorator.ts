import { applyDecorators, UseFilters, UseInterceptors } from '@nestjs/common';
import { McpController } from '@rekog/mcp-nest';
import { ToolCallsInterceptor } from '../../tool-calls.interceptor';
import { McpToolErrorFilter } from '../../tool-errors.filter';

/**
 * Marks a class of MCP tools: registered with mcp-nest, every call rate-limited and logged, errors
 * turned into actionable results.
 */
export function ArTools(): ClassDecorator {
  return applyDecorators(
    McpController(),
    UseInterceptors(ToolCallsInterceptor),
    UseFilters(McpToolErrorFilter),
  );
}
