import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** Routes TypeORM's messages into the application log without ever printing query parameters. */
export class DatabaseLogger implements TypeOrmLogger {
  private static readonly logger = new Logger('Database');

  static poolError(error: unknown): void {
    DatabaseLogger.logger.warn(`Idle database connection failed: ${(error as Error)?.message ?? error}`);
  }

  logQuery(): void {
    // Queries are not logged: their parameters may hold personal data.
  }

  logQueryError(error: string | Error, query: string): void {
    DatabaseLogger.logger.error(`Query failed: ${error instanceof Error ? error.message : error} [${query}]`);
  }

  logQuerySlow(time: number, query: string): void {
    DatabaseLogger.logger.warn(`Slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(message: string): void {
    DatabaseLogger.logger.debug(message);
  }

  logMigration(message: string): void {
    DatabaseLogger.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') DatabaseLogger.logger.warn(String(message));
    else DatabaseLogger.logger.debug(String(message));
  }
}
