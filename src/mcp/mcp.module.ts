import { Controller, Module, UseGuards } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { McpHttpControllerFor } from '@rekog/mcp-nest';
import type { AppConfig } from '../config/app-config.service';
import { OAuthModule } from '../oauth/oauth.module';
import { BearerAuthGuard } from '../oauth/tokens/bearer-auth.guard';
import { ReceivablesModule } from '../receivables/receivables.module';
import { LegacySseController } from './legacy-sse/legacy-sse.controller';
import { LoopbackDispatcher } from './legacy-sse/loopback-dispatcher';
import { SseRelay } from './legacy-sse/sse-relay';
import { SseSessions } from './legacy-sse/sse-sessions';
import { createMcpRuntime } from './mcp-runtime';
import type { McpRuntime } from './mcp-runtime';
import { OriginGuard } from './origin.guard';
import { CollectionsPrompts } from './prompts/collections.prompts';
import { RecordResources } from './resources/records.resources';
import { ToolCallLimiter } from './tool-call-limiter';
import { ToolCallsInterceptor } from './tool-calls.interceptor';
import { ActivityActionTools } from './tools/activity-actions.tools';
import { AnalyticsTools } from './tools/analytics.tools';
import { CollectionEmailTools } from './tools/collection-email.tools';
import { ContactActionTools } from './tools/contact-actions.tools';
import { ContactTools } from './tools/contacts.tools';
import { ContextTools } from './tools/context.tools';
import { CreditActionTools } from './tools/credit-actions.tools';
import { CreditMemoTools } from './tools/credits.tools';
import { CustomerActionTools } from './tools/customer-actions.tools';
import { CustomerTools } from './tools/customers.tools';
import { DisputeActionTools } from './tools/dispute-actions.tools';
import { DisputeTools } from './tools/disputes.tools';
import { InvoiceActionTools } from './tools/invoice-actions.tools';
import { InvoiceTools } from './tools/invoices.tools';
import { PaymentActionTools } from './tools/payment-actions.tools';
import { PaymentMatchingTools } from './tools/payment-matching.tools';
import { PaymentTools } from './tools/payments.tools';
import { PromiseActionTools } from './tools/promise-actions.tools';
import { PromiseTools } from './tools/promises.tools';
import { TaskActionTools } from './tools/task-actions.tools';
import { TaskTools } from './tools/tasks.tools';
import { TimelineTools } from './tools/timeline.tools';

export const MCP_RUNTIME = Symbol('MCP_RUNTIME');

/**
 * Every tool provider; each is a thin adapter over receivables services. Reads (ar:read) first,
 * then collections work (ar:write), then money movements (payments:write).
 */
const TOOLS = [
  ContextTools,
  CustomerTools,
  ContactTools,
  InvoiceTools,
  PaymentTools,
  PaymentMatchingTools,
  CreditMemoTools,
  DisputeTools,
  PromiseTools,
  TaskTools,
  TimelineTools,
  AnalyticsTools,
  ActivityActionTools,
  TaskActionTools,
  PromiseActionTools,
  DisputeActionTools,
  CustomerActionTools,
  ContactActionTools,
  CollectionEmailTools,
  PaymentActionTools,
  CreditActionTools,
  InvoiceActionTools,
];

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
      controllers: [
        McpEndpointController,
        LegacySseController,
        ...TOOLS,
        RecordResources,
        CollectionsPrompts,
      ],
      providers: [
        OriginGuard,
        ToolCallLimiter,
        ToolCallsInterceptor,
        SseSessions,
        SseRelay,
        LoopbackDispatcher,
        { provide: MCP_RUNTIME, useValue: runtime },
      ],
      exports: [MCP_RUNTIME],
    };
  }
}
