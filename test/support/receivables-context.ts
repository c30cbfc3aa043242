import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DatabaseModule } from '../../src/database/database.module';
import { ReceivablesModule } from '../../src/receivables/receivables.module';

/**
 * The receivables module wired by Nest itself (not by hand), so a test also proves that the
 * compiler's decorator metadata is enough for dependency injection.
 */
export async function receivablesContext(dataSource: DataSource): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    {
      module: class ReceivablesTestRoot {},
      imports: [DatabaseModule.forRoot(dataSource), ReceivablesModule],
    },
    { logger: false },
  );
}
