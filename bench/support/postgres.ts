import { destroyPostgresServer, startPostgresServer } from '../../test/support/postgres-server';
import type { PostgresServer } from '../../test/support/postgres-server';

/**
 * Runs a benchmark on the PostgreSQL server DATABASE_URL names, or on a throw-away one started
 * here and removed afterwards; the exit code is 1 when `run` reports a missed target.
 */
export async function onBenchServer(run: (serverUrl: string) => Promise<boolean>): Promise<void> {
  let server: PostgresServer | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    server = await startPostgresServer();
    serverUrl = server.url;
  }
  try {
    process.exitCode = (await run(serverUrl)) ? 0 : 1;
  } finally {
    if (server) destroyPostgresServer(server);
  }
}
