import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  McpController,
  McpHttpControllerFor,
  McpStrategy,
  StreamableHttpTransport,
  Tool,
} from '@rekog/mcp-nest';
import { GET_INVOICE_TOOL, SEARCH_INVOICES_TOOL } from '../../src/mcp/tools/invoices.tools';
import { fixtureInvoice, fixtureSearch } from './fixture-answers';
import type { Fixtures } from './fixture-answers';

/**
 * The framework DESIGN.md fixes for /v1/mcp, and nothing else: a Nest application on Express with
 * mcp-nest's stateless dual-era transport mounted through `McpHttpControllerFor`, and the same two
 * tools as `@Tool` handlers in Nest's microservice pipeline, answering from memory. No guards, no
 * token check, no database, no logging, no helmet. Between the bare SDK server and the whole stack,
 * it tells what the framework costs from what our own code (auth, queries, logs) costs.
 */
export async function startMcpNestFloor(
  fixtures: Fixtures,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const transport = new StreamableHttpTransport({ statefulMode: false, protocol: 'dual' });
  const strategy = new McpStrategy({ name: 'mcp-nest-floor', version: '1.0.0', transports: [transport] });

  @McpController()
  class FloorTools {
    @Tool(GET_INVOICE_TOOL)
    getInvoice(@Payload() input: { invoiceId?: string }) {
      return fixtureInvoice(fixtures, input);
    }

    @Tool(SEARCH_INVOICES_TOOL)
    searchInvoices(@Payload() input: Parameters<typeof fixtureSearch>[1]) {
      return fixtureSearch(fixtures, input);
    }
  }

  @Controller('v1/mcp')
  class FloorEndpoint extends McpHttpControllerFor(transport) {}

  @Module({ controllers: [FloorEndpoint, FloorTools] })
  class FloorModule {}

  const app = await NestFactory.create<NestExpressApplication>(FloorModule, { logger: false });
  strategy.setHttpAdapter(app.getHttpAdapter());
  app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(port, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
