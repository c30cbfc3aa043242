#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config.service';
import { ConfigurationError } from '../config/env.schema';
import { openDatabase } from '../database/database';
import type { OpenDatabase } from '../database/database';
import { DataDirectoryLockedError } from '../database/embedded-postgres';
import { revertLastMigration, runMigrations } from '../database/migrator';
import { seedDemoData } from '../demo-data/demo-data.seeder';
import { IdentityService } from '../identity/identity.service';
import { ROLES } from '../identity/membership.entity';
import type { Role } from '../identity/membership.entity';
import { PasswordHasher } from '../identity/password-hasher';
import { GrantsService } from '../oauth/grants/grants.service';

/**
 * tesorio-mcp <command> [options] — operations for SREs and support staff, runnable in the pod
 * with `kubectl exec`. Exit codes: 0 done, 1 failed, 2 bad usage.
 */

class UsageError extends Error {}

interface Command {
  summary: string;
  usage: string;
  options: ParseArgsConfig['options'];
  run(values: Record<string, string | boolean | undefined>, db: OpenDatabase): Promise<string>;
}

const identity = (db: OpenDatabase): IdentityService =>
  new IdentityService(db.dataSource, new PasswordHasher());

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'Apply pending database migrations (safe to run from several pods at once).',
    usage: 'migrate [--revert]',
    options: { revert: { type: 'boolean' } },
    async run(values, db) {
      if (values.revert) {
        await revertLastMigration(db.dataSource);
        return 'Reverted the last migration.';
      }
      const applied = await runMigrations(db.dataSource);
      return applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'No pending migrations.';
    },
  },
  seed: {
    summary: 'Load the demo organizations, or a scale organization for benchmarks.',
    usage: 'seed [--scale <invoices>] [--seed <n>]',
    options: { scale: { type: 'string' }, seed: { type: 'string' } },
    async run(values, db) {
      const scale = values.scale === undefined ? undefined : Number(values.scale);
      if (scale !== undefined && (!Number.isInteger(scale) || scale < 1)) {
        throw new UsageError('--scale must be a positive whole number of invoices');
      }
      const seed = values.seed === undefined ? undefined : Number(values.seed);
      if (seed !== undefined && !Number.isInteger(seed))
        throw new UsageError('--seed must be a whole number');
      await runMigrations(db.dataSource);
      const summary = await seedDemoData(db.dataSource, {
        seed,
        scale: scale ? { invoices: scale } : undefined,
      });
      return JSON.stringify(summary, null, 2);
    },
  },
  'create-org': {
    summary: 'Create an organization.',
    usage: 'create-org --name <name> --currency <ISO-4217> [--time-zone <IANA zone>]',
    options: { name: { type: 'string' }, currency: { type: 'string' }, 'time-zone': { type: 'string' } },
    async run(values, db) {
      const org = await identity(db).createOrganization({
        name: required(values, 'name'),
        baseCurrency: required(values, 'currency'),
        timeZone: values['time-zone'] as string | undefined,
      });
      return `Created organization ${org.name} (${org.id}).`;
    },
  },
  'create-user': {
    summary: 'Create a user (password read from the TESORIO_PASSWORD variable or --password).',
    usage: 'create-user --email <email> --name <name> [--password <password>]',
    options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
    async run(values, db) {
      const user = await identity(db).createUser({
        email: required(values, 'email'),
        name: required(values, 'name'),
        password: passwordFrom(values),
      });
      return `Created user ${user.email} (${user.id}).`;
    },
  },
  'set-password': {
    summary: "Set a user's password; signs them out everywhere and disconnects their apps.",
    usage: 'set-password --email <email> [--password <password>]  (TESORIO_PASSWORD preferred)',
    options: { email: { type: 'string' }, password: { type: 'string' } },
    async run(values, db) {
      const email = required(values, 'email');
      await identity(db).setPassword(email, passwordFrom(values));
      // RFC 9700 §4.14: a password change ends what the old password let anyone start.
      const user = await identity(db).findUserByEmail(email);
      const revoked = user
        ? await new GrantsService(db.dataSource).revokeAllForUser(user.id, 'password_changed')
        : 0;
      return `Password updated. Signed out of every browser; ${revoked} connected app(s) disconnected.`;
    },
  },
  'add-membership': {
    summary: 'Give a user a role in an organization (replaces an existing role).',
    usage: `add-membership --email <email> --org <organization id> --role <${ROLES.join('|')}>`,
    options: { email: { type: 'string' }, org: { type: 'string' }, role: { type: 'string' } },
    async run(values, db) {
      const role = required(values, 'role') as Role;
      await identity(db).addMembership(required(values, 'email'), required(values, 'org'), role);
      return `Membership saved: ${String(values.email)} is ${role}.`;
    },
  },
  'list-orgs': {
    summary: 'List organizations with their ids.',
    usage: 'list-orgs',
    options: {},
    async run(_values, db) {
      const orgs = await identity(db).listOrganizations();
      return orgs.map((o) => `${o.id}  ${o.baseCurrency}  ${o.name}`).join('\n') || 'No organizations.';
    },
  },
};

/** The password comes from the environment so it stays out of shell history and `ps`. */
function passwordFrom(values: Record<string, string | boolean | undefined>): string {
  const password =
    (values.password as string | undefined) ?? AppConfig.secretFromEnvironment('TESORIO_PASSWORD');
  if (!password) throw new UsageError('set TESORIO_PASSWORD (preferred) or pass --password');
  return password;
}

function help(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`);
  return `Usage: tesorio-mcp <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "tesorio-mcp <command> --help" for a command's options.\nThe database comes from DATABASE_URL, or the embedded one in DATA_DIR.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nUsage: tesorio-mcp ${command.usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${command.summary}\n\nUsage: tesorio-mcp ${command.usage}\n`);
    return 0;
  }
  Logger.overrideLogger(['error', 'warn']);
  const config = AppConfig.fromProcessEnv();
  const db = await openDatabase(config);
  try {
    process.stdout.write(`${await command.run(values, db)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\nUsage: tesorio-mcp ${command.usage}\n`);
      return 2;
    }
    throw error;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known =
      error instanceof AppError ||
      error instanceof ConfigurationError ||
      error instanceof DataDirectoryLockedError;
    process.stderr.write(`${known ? error.message : ((error as Error)?.stack ?? String(error))}\n`);
    process.exit(1);
  },
);
