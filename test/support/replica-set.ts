import { Logger } from '@nestjs/common';
import { AppConfig } from '../../src/config/app-config.service';
import type { Role } from '../../src/identity/membership.entity';
import { IdentityService } from '../../src/identity/identity.service';
import { startServer } from '../../src/server';
import type { RunningServer } from '../../src/server';
import type { ServiceUnderTest } from './oauth-flows';
import { TEST_PASSWORD } from './oauth-test-app';
import { freePort } from './postgres-server';
import { createTestDatabase } from './test-database';
import type { TestDatabase } from './test-database';

/**
 * One replica of the service, reached directly on its own port (as if the load balancer had
 * picked it). `resource` is the shared one: every replica advertises the same PUBLIC_URL, so a
 * token issued through one is accepted by all.
 */
export interface Replica extends ServiceUnderTest {
  /** Where this replica listens; the helpers in oauth-flows talk to it. */
  baseUrl: string;
  resource: string;
  config: AppConfig;
  server: RunningServer;
}

/** Several in-process replicas of the service on one PostgreSQL database. */
export interface ReplicaSet {
  replicas: Replica[];
  database: TestDatabase;
  createOrganization(name: string): Promise<string>;
  /** A user with TEST_PASSWORD and a membership per entry. */
  createUser(email: string, memberships: { orgId: string; role: Role }[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts one more replica on an existing, migrated database. `publicUrl` is what every replica
 * advertises (issuer and resource); the first replica's own URL serves, standing in for the load
 * balancer's.
 *
 * Passport keeps its strategies in one process-wide registry, so the "bearer" strategy of the
 * replica started last validates tokens for every replica in this process. That is harmless here
 * because all replicas share one database: each would have looked the token up in the same rows.
 * Never start replicas on different databases in one process.
 */
export async function startReplica(options: {
  databaseUrl: string;
  port?: number;
  publicUrl?: string;
  env?: Record<string, string>;
}): Promise<Replica> {
  Logger.overrideLogger(false);
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const publicUrl = options.publicUrl ?? baseUrl;
  const config = AppConfig.fromValues({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: String(port),
    ADMIN_PORT: '0',
    PUBLIC_URL: publicUrl,
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_SIZE: '5',
    MIGRATIONS_RUN: 'false',
    SEED_DEMO_DATA: 'false',
    ...options.env,
  });
  const server = await startServer(config);
  return { baseUrl, resource: config.oauth.resource, config, server };
}

/**
 * `count` replicas on one fresh database, all with the same environment (REDIS_URL included when
 * given), advertising the first replica's URL as PUBLIC_URL.
 */
export async function startReplicaSet(env: Record<string, string> = {}, count = 2): Promise<ReplicaSet> {
  const database = await createTestDatabase();
  const replicas: Replica[] = [];
  try {
    const firstPort = await freePort();
    const publicUrl = `http://127.0.0.1:${firstPort}`;
    for (let i = 0; i < count; i++) {
      replicas.push(
        await startReplica({
          databaseUrl: database.url,
          port: i === 0 ? firstPort : undefined,
          publicUrl,
          env,
        }),
      );
    }
  } catch (error) {
    await Promise.all(replicas.map((r) => r.server.stop()));
    await database.drop();
    throw error;
  }
  const identity = replicas[0].server.app.get(IdentityService);
  return {
    replicas,
    database,
    async createOrganization(name) {
      return (await identity.createOrganization({ name, baseCurrency: 'USD' })).id;
    },
    async createUser(email, memberships) {
      const user = await identity.createUser({ email, name: email.split('@')[0], password: TEST_PASSWORD });
      for (const m of memberships) await identity.addMembership(email, m.orgId, m.role);
      return user.id;
    },
    async stop() {
      await Promise.all(replicas.map((r) => r.server.stop()));
      await database.drop();
    },
  };
}
