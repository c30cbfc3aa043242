import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from './metrics';

/**
 * GET /metrics for Prometheus. Registered on the admin listener only (never routed by the public
 * ingress), so it needs no authentication of its own.
 */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get('metrics')
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.metrics.exposition();
    response.setHeader('Cache-Control', 'no-store');
    response.type(contentType).send(body);
  }
}
