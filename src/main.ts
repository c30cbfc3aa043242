import { AppConfig } from './config/app-config.service';
import { isDatabaseUnavailable } from './common/errors/database-errors';
import { ConfigurationError } from './config/env.schema';
import { DataDirectoryLockedError } from './database/embedded-postgres';
import { seedDemoDataOnFirstStart, startupBanner } from './demo-data/first-start';
import { startServer } from './server';

/** Entry point: validate configuration, open the database, serve, and stop cleanly on SIGTERM. */
async function main(): Promise<void> {
  const config = AppConfig.fromProcessEnv();
  const server = await startServer(config, {
    beforeListen: async (database) => {
      if (config.database.seedDemoDataOnStart) await seedDemoDataOnFirstStart(database.dataSource);
    },
  });

  const shutdown = (signal: string): void => {
    process.stderr.write(`${signal} received: finishing in-flight requests, then exiting.\n`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  process.stdout.write(await startupBanner(config, server));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError || error instanceof DataDirectoryLockedError) {
    process.stderr.write(`${error.message}\n`);
  } else if (isDatabaseUnavailable(error)) {
    process.stderr.write(
      `Cannot reach the database: ${(error as Error).message}. Check DATABASE_URL and that PostgreSQL is running.\n`,
    );
  } else {
    process.stderr.write(`Start-up failed: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
