import { McpStrategy, StreamableHttpTransport } from '@rekog/mcp-nest';
import type { ToolAuthorizationService } from '@rekog/mcp-nest';
import type { AppConfig } from '../config/app-config.service';
import { roleAllows, SCOPES } from '../oauth/scopes';
import { protectedResourceMetadataUrl } from '../oauth/tokens/bearer-challenge';
import type { Principal } from '../oauth/tokens/principal';
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
  listToolsByRole(strategy);
  return { strategy, transport };
}

/**
 * tools/list shows every tool the user's ROLE may use, while tools/call still requires the
 * GRANT's scopes. Clients connect with the minimal scope (DESIGN.md: ar:read in the challenge);
 * a model can only step up to a write scope through a tool it can see: calling it answers 403
 * insufficient_scope and the client asks the user for more (MCP authorization, "Scope Challenge
 * Handling"). A viewer still never sees a write tool. mcp-nest 2.0.5 (pinned exactly) filters the
 * list and checks calls through one ToolAuthorizationService instance; only its list-time check is
 * wrapped here.
 */
function listToolsByRole(strategy: McpStrategy): void {
  const auth = (strategy as unknown as { authService: ToolAuthorizationService }).authService;
  const canAccessTool = auth.canAccessTool.bind(auth);
  auth.canAccessTool = (user, tool, allowUnauthenticated) => {
    const principal = user as unknown as Partial<Principal> | undefined;
    const listing =
      principal?.role !== undefined
        ? { ...user, scopes: SCOPES.filter((s) => roleAllows(principal.role!, s)) }
        : user;
    return canAccessTool(listing, tool, allowUnauthenticated);
  };
}
