import { McpStrategy, StreamableHttpTransport } from '@rekog/mcp-nest';
import type { AppConfig } from '../config/app-config.service';
import { protectedResourceMetadataUrl } from '../oauth/tokens/bearer-challenge';
import { SERVER_INSTRUCTIONS } from './server-instructions';

export interface McpRuntime {
  strategy: McpStrategy;
  transport: StreamableHttpTransport;
}

/**
 * The MCP server: stateless (any replica answers any request; no session lives in memory) and
 * dual-era — the sessionless 2026-07-28 revision and the 2025 `initialize` path Claude Code and
 * others still use (mcp-auth.md §0). The transport is mounted by our own controller so the bearer
 * guard, body limits and filters apply (mcp-nest.md §2: never the self-mounted route).
 */
export function createMcpRuntime(config: AppConfig, version: string): McpRuntime {
  const transport = new StreamableHttpTransport({
    statefulMode: false,
    protocol: 'dual',
    // Checked again here in case a route ever bypasses OriginGuard.
    security: { allowedOrigins: config.mcp.allowedOrigins, allowedHosts: config.mcp.allowedHosts },
    // A tool whose scope the grant lacks answers 403 insufficient_scope: the client can step up.
    stepUpAuthorization: { resourceMetadataUrl: protectedResourceMetadataUrl(config) },
  });
  const strategy = new McpStrategy({
    name: 'tesorio-mcp',
    version,
    instructions: SERVER_INSTRUCTIONS,
    transports: [transport],
  });
  return { strategy, transport };
}
