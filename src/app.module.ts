import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { RedisModule } from './common/redis/redis.module';
import type { AppConfig } from './config/app-config.service';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { McpModule } from './mcp/mcp.module';
import { OAuthModule } from './oauth/oauth.module';
import { loggerParams } from './observability/logging';
import type { Metrics } from './observability/metrics';
import { MetricsModule } from './observability/metrics.module';
import { ReceivablesModule } from './receivables/receivables.module';
import { SERVICE_VERSION } from './version';

@Module({})
export class AppModule {
  /** `metrics` are this service's own (shared with the admin listener, which serves them). */
  static forRoot(config: AppConfig, dataSource: DataSource, metrics: Metrics): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        RedisModule,
        LoggerModule.forRoot(loggerParams(config)),
        DatabaseModule.forRoot(dataSource),
        MetricsModule.forRoot(metrics),
        HealthModule,
        IdentityModule,
        OAuthModule,
        ReceivablesModule,
        McpModule.forRoot(config, SERVICE_VERSION),
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
