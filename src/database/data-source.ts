import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.service';
import { DatabaseLogger } from './database.logger';

export const MIGRATIONS_TABLE = 'migrations';

/**
 * Options shared by the application, the CLI and the migration tools. Entities and migrations are
 * found by file name so the database layer imports no feature module.
 */
export function buildDataSourceOptions(config: AppConfig, url: string): DataSourceOptions {
  const db = config.database;
  return {
    type: 'postgres',
    url,
    ssl: db.ssl ? { rejectUnauthorized: true } : false,
    entities: [join(__dirname, '..', '**', '*.entity.js')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.js')],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    // Money is bigint minor units; every amount fits in 2^53, so numbers are safe and simpler.
    parseInt8: true,
    applicationName: 'tesorio-mcp',
    connectTimeoutMS: db.connectTimeoutMs,
    poolSize: db.poolSize,
    logger: new DatabaseLogger(),
    logging: ['error', 'warn', 'migration'],
    // An idle pooled client whose server goes away emits 'error'; unhandled it would crash us.
    poolErrorHandler: (error: unknown) => DatabaseLogger.poolError(error),
    extra: {
      max: db.poolSize,
      idleTimeoutMillis: db.idleTimeoutMs,
      connectionTimeoutMillis: db.connectTimeoutMs,
      statement_timeout: db.statementTimeoutMs,
      // Client-side guard too: a dead TCP peer never answers, so statement_timeout alone would hang.
      query_timeout: db.statementTimeoutMs + 2000,
      keepAlive: true,
    },
  };
}

export function createDataSource(config: AppConfig, url: string): DataSource {
  return new DataSource(buildDataSourceOptions(config, url));
}
