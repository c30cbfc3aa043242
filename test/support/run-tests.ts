import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createDataSource } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/migrator';
import { destroyPostgresServer, startPostgresServer } from './postgres-server';
import type { PostgresServer } from './postgres-server';
import { TEMPLATE_DATABASE, adminQuery, databaseUrl, testConfig } from './test-database';

/**
 * `npm test`: every unit, integration and end-to-end test, against a real PostgreSQL. Uses
 * TEST_DATABASE_URL when set (CI starts its own server); otherwise starts a throw-away one.
 * Arguments filter test files by path substring: `npm test -- pagination`.
 */
const TEST_FILE = /\.(spec|integration-spec|e2e-spec)\.js$/;

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : findTests(path);
    return TEST_FILE.test(entry) ? [path] : [];
  });
}

async function prepareTemplate(): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  const url = databaseUrl(TEMPLATE_DATABASE);
  const dataSource = createDataSource(testConfig({ DATABASE_URL: url }), url);
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<number> {
  const root = join(__dirname, '..', '..');
  const filters = process.argv.slice(2);
  const files = ['src', 'test']
    .flatMap((dir) => findTests(join(root, dir)))
    .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`No test files match ${filters.join(' ')}\n`);
    return 1;
  }
  let server: PostgresServer | undefined;
  if (!process.env.TEST_DATABASE_URL) {
    server = await startPostgresServer();
    process.env.TEST_DATABASE_URL = server.url;
  }
  try {
    await prepareTemplate();
    process.stdout.write(`Running ${files.length} test files against ${process.env.TEST_DATABASE_URL}\n`);
    const args = ['--test', '--test-concurrency=2', ...files.map((f) => relative(process.cwd(), f))];
    return await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: 'inherit', env: process.env });
      child.on('exit', (code) => resolve(code ?? 1));
    });
  } finally {
    if (server) destroyPostgresServer(server);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
