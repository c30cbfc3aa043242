import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import { AllExceptionsFilter } from '../common/filters/all-exceptions.filter';
import type { AppConfig } from '../config/app-config.service';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { loggerParams } from '../observability/logging';
import type { Metrics } from '../observability/metrics';
import { MetricsController } from '../observability/metrics.controller';
import { MetricsModule } from '../observability/metrics.module';
import { AdminModule } from './admin.module';
import { adminValidationPipe } from './shared/admin-requests';

/**
 * Root module of the admin listener (ADMIN_HOST:ADMIN_PORT): a second Nest application in the same
 * process, sharing the public one's DataSource and Metrics. It holds the admin API and /metrics
 * and nothing else — no OAuth, MCP or page routes.
 */
@Module({})
export class AdminAppModule {
  static forRoot(config: AppConfig, dataSource: DataSource, metrics: Metrics): DynamicModule {
    return {
      module: AdminAppModule,
      imports: [
        ConfigModule.forRoot(config),
        // Request logs as on the public port, minus Prometheus scrapes (one every few seconds).
        LoggerModule.forRoot(loggerParams(config, (path) => path === '/metrics')),
        DatabaseModule.forRoot(dataSource),
        MetricsModule.forRoot(metrics),
        AdminModule,
      ],
      controllers: [MetricsController],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useValue: adminValidationPipe() },
      ],
    };
  }
}
