import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config.service';
import { createDataSource } from '../data-source';
import { runMigrations } from '../migrator';
import { diffSchemaAgainstEntities } from './schema-diff';

/**
 * npm run migration:generate -- <PascalName>
 * Applies the existing history to DATABASE_URL (a scratch PostgreSQL), then writes the difference
 * to the entities as migrations/<epoch>-<PascalName>.ts with its down().
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    process.stderr.write('usage: npm run migration:generate -- <PascalCaseName>\n');
    process.exit(2);
  }
  const config = AppConfig.fromProcessEnv();
  if (!config.database.url) {
    process.stderr.write(
      'Set DATABASE_URL to a scratch PostgreSQL: migrations are generated against PostgreSQL.\n',
    );
    process.exit(2);
  }
  const dataSource = createDataSource(config, config.database.url);
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    const diff = await diffSchemaAgainstEntities(dataSource);
    if (diff.up.length === 0) {
      process.stdout.write('No changes: the entities match the migrations.\n');
      return;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const quote = (q: string): string => `    await queryRunner.query(${JSON.stringify(q)});`;
    const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${diff.up.map(quote).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${diff.down.map(quote).join('\n')}
  }
}
`;
    const file = join(process.cwd(), 'migrations', `${timestamp}-${name}.ts`);
    writeFileSync(file, body);
    process.stdout.write(`Wrote ${file}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
