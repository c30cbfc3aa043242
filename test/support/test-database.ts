import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config.service';
import { createDataSource } from '../../src/database/data-source';

// Test output stays readable: the ORM's migration chatter is only shown when something fails.
Logger.overrideLogger(['error', 'warn']);

/** Name of the database that run-tests migrates once; each test database is a copy of it. */
export const TEMPLATE_DATABASE = 'tesorio_template';

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the suite with `npm test`.');
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(sql: string, url: string = serverUrl()): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return AppConfig.fromValues({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...overrides });
}

/**
 * A fresh, fully migrated database of its own (a copy of the template), so test files run in
 * parallel without seeing each other's rows.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : TEMPLATE_DATABASE;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  const url = databaseUrl(name);
  const dataSource = createDataSource(testConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '5' }), url);
  await dataSource.initialize();
  return {
    name,
    url,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
