import { Controller, Module, UseGuards } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { McpHttpControllerFor } from '@rekog/mcp-nest';
import type { AppConfig } from '../config/app-config.service';
import { OAuthModule } from '../oauth/oauth.module';
import { BearerAuthGuard } from '../oauth/tokens/bearer-auth.guard';
import { ReceivablesModule } from '../receivables/receivables.module';
import { createMcpRuntime } from './mcp-runtime';
import type { McpRuntime } from './mcp-runtime';
import { OriginGuard } from './origin.guard';
import { ContextTools } from './tools/context.tools';
import { CustomerTools } from './tools/customers.tools';

export const MCP_RUNTIME = Symbol('MCP_RUNTIME');

/** Every tool provider; each is a thin adapter over receivables services. */
const TOOLS = [ContextTools, CustomerTools];

/**
 * /v1/mcp. The controller class is built per runtime because mcp-nest binds the transport at class
 * definition; the guards run on every POST before the transport sees it: Origin/Host first (no
 * token needed to be refused), then the bearer token.
 */
@Module({})
export class McpModule {
  static forRoot(config: AppConfig, version: string): DynamicModule {
    const runtime: McpRuntime = createMcpRuntime(config, version);

    @Controller('v1/mcp')
    @UseGuards(OriginGuard, BearerAuthGuard)
    class McpEndpointController extends McpHttpControllerFor(runtime.transport) {}

    return {
      module: McpModule,
      imports: [OAuthModule, ReceivablesModule],
      controllers: [McpEndpointController, ...TOOLS],
      providers: [OriginGuard, { provide: MCP_RUNTIME, useValue: runtime }],
      exports: [MCP_RUNTIME],
    };
  }
}
