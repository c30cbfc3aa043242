import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.service';
import type { RunningServer } from '../server';
import { describeDemoLogins } from './demo-logins';
import { isDemoDataPresent, seedDemoData } from './demo-data.seeder';

const logger = new Logger('DemoData');

/**
 * On a database with no organization at all, load the demo books so a laptop start shows
 * something real. A database someone has put their own organizations in is never touched.
 */
export async function seedDemoDataOnFirstStart(dataSource: DataSource): Promise<void> {
  const [{ empty }] = await dataSource.query<{ empty: boolean }[]>(
    'SELECT NOT EXISTS (SELECT 1 FROM organizations) AS empty',
  );
  if (!empty || (await isDemoDataPresent(dataSource))) return;
  logger.log('First start: loading the demo organizations (a few seconds)');
  const summary = await seedDemoData(dataSource);
  logger.log(`Demo data loaded in ${Math.round(summary.elapsedMs)} ms`);
}

export async function startupBanner(config: AppConfig, server: RunningServer): Promise<string> {
  const where = config.usesEmbeddedDatabase
    ? `embedded PostgreSQL (PGlite) in ${config.database.dataDir}`
    : 'PostgreSQL at DATABASE_URL';
  const demo = (await isDemoDataPresent(server.database.dataSource)) ? ['', ...describeDemoLogins()] : [];
  return [
    '',
    `Tesorio MCP server listening on ${server.listeningUrl}`,
    `  MCP URL:  ${config.publicUrl}/v1/mcp`,
    `  Sign in:  ${config.publicUrl}/account/connections  (your connected apps)`,
    `  Health:   ${config.publicUrl}/health/ready`,
    `  Admin:    ${server.adminUrl}/admin/v1  (support API and /metrics; never expose it publicly)`,
    `  Data:     ${where}`,
    ...demo,
    '',
  ].join('\n');
}
