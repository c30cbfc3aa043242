import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { Metrics } from './metrics';

/**
 * Makes one service's Metrics injectable everywhere in an application. Both the public and the
 * admin application import it with the same instance; only the admin one serves /metrics.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(metrics: Metrics): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: Metrics, useValue: metrics }],
      exports: [Metrics],
    };
  }
}
