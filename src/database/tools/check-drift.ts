import { AppConfig } from '../../config/app-config.service';
import { createDataSource } from '../data-source';
import { runMigrations } from '../migrator';
import { diffSchemaAgainstEntities } from './schema-diff';

/** npm run migration:check — fails when the entities and the migration history disagree. */
async function main(): Promise<void> {
  const config = AppConfig.fromProcessEnv();
  if (!config.database.url) {
    process.stderr.write('Set DATABASE_URL to a scratch PostgreSQL database.\n');
    process.exit(2);
  }
  const dataSource = createDataSource(config, config.database.url);
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    const diff = await diffSchemaAgainstEntities(dataSource);
    if (diff.up.length > 0) {
      process.stderr.write(
        `Schema drift: the entities need changes no migration makes:\n${diff.up.join(';\n')}\n`,
      );
      process.exit(1);
    }
    process.stdout.write('No drift: the migrations produce exactly the schema the entities describe.\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
