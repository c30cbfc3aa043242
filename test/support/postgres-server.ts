import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away PostgreSQL 15 cluster in a temp directory on a free loopback port. initdb refuses
 * to run as root, so as root every command runs as the `postgres` user.
 */
export interface PostgresServer {
  url: string;
  port: number;
  dataDir: string;
  stop(): void;
  start(): void;
}

function binDir(): string {
  for (const dir of [
    '/usr/lib/postgresql/15/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/17/bin',
  ]) {
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromPgConfig.status === 0) return fromPgConfig.stdout.trim();
  throw new Error('PostgreSQL server binaries not found (expected /usr/lib/postgresql/15/bin)');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const isRoot = process.getuid?.() === 0;

function run(command: string, args: string[]): void {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDir();
  const dataDir = mkdtempSync(join(tmpdir(), 'tesorio-pg-'));
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dataDir, uid, gid);
  }
  const port = await freePort();
  run(join(bin, 'initdb'), [
    '-D',
    join(dataDir, 'db'),
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-locale',
  ]);
  const options = [
    `-p ${port}`,
    `-k ${dataDir}`,
    "-c listen_addresses='127.0.0.1'",
    // A test cluster: durability off makes it several times faster and changes no query result.
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const server: PostgresServer = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    start() {
      run(join(bin, 'pg_ctl'), [
        '-D',
        join(dataDir, 'db'),
        '-o',
        options,
        '-l',
        join(dataDir, 'log'),
        '-w',
        'start',
      ]);
    },
    stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', join(dataDir, 'db'), '-m', 'fast', '-w', 'stop']);
      } catch {
        // already stopped
      }
    },
  };
  server.start();
  return server;
}

export function destroyPostgresServer(server: PostgresServer): void {
  server.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
}
