import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { ReceivablesModule } from '../../src/receivables/receivables.module';
import { testConfig } from './test-database';

/**
 * The receivables module wired by Nest itself (not by hand), so a test also proves that the
 * compiler's decorator metadata is enough for dependency injection.
 */
export async function receivablesContext(dataSource: DataSource): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    {
      module: class ReceivablesTestRoot {},
      imports: [
        // No background filling of the KPI cache: the tests decide what is cached.
        ConfigModule.forRoot(testConfig({ REPORT_CACHE_WARM_MINUTES: '0' })),
        DatabaseModule.forRoot(dataSource),
        ReceivablesModule,
      ],
    },
    { logger: false },
  );
}
