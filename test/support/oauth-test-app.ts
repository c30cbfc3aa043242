import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config.service';
import type { Role } from '../../src/identity/membership.entity';
import { IdentityService } from '../../src/identity/identity.service';
import { startServer } from '../../src/server';
import type { RunningServer } from '../../src/server';
import { freePort } from './postgres-server';
import { createTestDatabase } from './test-database';
import type { TestDatabase } from './test-database';

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * The whole service in-process on a loopback port with its own database, PUBLIC_URL set to where
 * it listens (so issuer and resource are real), and helpers to create people.
 */
export interface OAuthTestApp {
  baseUrl: string;
  resource: string;
  config: AppConfig;
  server: RunningServer;
  database: TestDatabase;
  dataSource: DataSource;
  createOrganization(name?: string): Promise<string>;
  /** A user with TEST_PASSWORD and a membership per entry. */
  createUser(email: string, memberships: { orgId: string; role: Role }[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startOAuthTestApp(env: Record<string, string> = {}): Promise<OAuthTestApp> {
  Logger.overrideLogger(false);
  const database = await createTestDatabase();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = AppConfig.fromValues({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: String(port),
    ADMIN_PORT: '0',
    PUBLIC_URL: baseUrl,
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '10',
    MIGRATIONS_RUN: 'false',
    SEED_DEMO_DATA: 'false',
    ...env,
  });
  const server = await startServer(config);
  const identity = server.app.get(IdentityService);
  let orgCounter = 0;
  return {
    baseUrl,
    resource: `${baseUrl}/v1/mcp`,
    config,
    server,
    database,
    dataSource: server.database.dataSource,
    async createOrganization(name = `Org ${++orgCounter}`) {
      return (await identity.createOrganization({ name, baseCurrency: 'USD' })).id;
    },
    async createUser(email, memberships) {
      const user = await identity.createUser({
        email,
        name: email.split('@')[0],
        password: TEST_PASSWORD,
      });
      for (const m of memberships) await identity.addMembership(email, m.orgId, m.role);
      return user.id;
    },
    async stop() {
      await server.stop();
      await database.drop();
    },
  };
}
