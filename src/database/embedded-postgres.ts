import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirectoryLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is already in use by process ${pid}. ` +
        'Stop that process first, point DATA_DIR elsewhere, or set DATABASE_URL to use PostgreSQL. ' +
        '(Two processes on one PGlite directory lose data silently, so a second one refuses to start.)',
    );
    this.name = 'DataDirectoryLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file holding our pid. O_EXCL creation is atomic, so of two processes starting
 * together exactly one wins; a lock left by a dead process is taken over.
 */
export function lockDataDirectory(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'tesorio-mcp.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DataDirectoryLockedError(dataDir, holder);
      }
      unlinkSync(lockPath); // stale: its owner is gone
    }
  }
  throw new Error(`Could not lock ${lockPath}`);
}

export interface EmbeddedPostgres {
  /** postgres:// URL of the in-process server on 127.0.0.1. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (PostgreSQL compiled to WASM) on `dataDir` and serves it on a loopback port so
 * TypeORM's ordinary `pg` driver can use it. One connection at a time (DESIGN.md).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const release = lockDataDirectory(dataDir);
  // Structural types: the packages' own types resolve differently under CommonJS and ESM.
  let db: { close(): Promise<void> } | undefined;
  let server: { stop(): Promise<void> } | undefined;
  try {
    // Both packages are ESM-only; a dynamic import keeps this module loadable from CommonJS.
    const { PGlite } = await import('@electric-sql/pglite');
    const { uuid_ossp } = await import('@electric-sql/pglite/contrib/uuid_ossp');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const pglite = await PGlite.create(join(dataDir, 'pgdata'), { extensions: { uuid_ossp, pg_trgm } });
    db = pglite;
    const socketServer = new PGLiteSocketServer({
      db: pglite,
      host: '127.0.0.1',
      port: 0,
      maxConnections: 1,
    });
    server = socketServer;
    await socketServer.start();
    const port = new URL(`postgres://${socketServer.getServerConn()}`).port;
    const started = { db: pglite, server: socketServer };
    return {
      url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
      async stop() {
        await started.server.stop();
        await started.db.close();
        release();
      },
    };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    release();
    throw error;
  }
}
