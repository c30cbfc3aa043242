#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { Logger } from '@nestjs/common';
import { AdminApiKeysService, isUuid } from '../admin/api-keys/admin-api-keys.service';
import { AdminSessionsService } from '../admin/sessions/admin-sessions.service';
import { cliActor } from '../admin/shared/admin-actor';
import { MAX_ADMIN_PAGE_SIZE } from '../admin/shared/keyset-page';
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
 * with `kubectl exec`. Exit codes: 0 done, 1 failed, 2 bad usage. Commands of one family are
 * two words ("admin-key create", "sessions revoke").
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

const adminKeys = (db: OpenDatabase): AdminApiKeysService => new AdminApiKeysService(db.dataSource);

const sessions = (db: OpenDatabase): AdminSessionsService =>
  new AdminSessionsService(db.dataSource, new GrantsService(db.dataSource));

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

function optional(values: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

const when = (date: Date | null): string => (date ? date.toISOString().slice(0, 16).replace('T', ' ') : '-');

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
  'admin-key create': {
    summary: 'Create an admin API key for the admin port; prints the key once.',
    usage: 'admin-key create --name <name> [--created-by <who>]',
    options: { name: { type: 'string' }, 'created-by': { type: 'string' } },
    async run(values, db) {
      const { key, value } = await adminKeys(db).create({
        name: required(values, 'name'),
        createdBy: optional(values, 'created-by'),
      });
      return [
        `Created admin key "${key.name}" (id ${key.id}).`,
        '',
        `  ${value}`,
        '',
        'Copy it now: it is shown only this once (only its SHA-256 is stored).',
        'Send it as "Authorization: Bearer <key>" to the admin port (ADMIN_PORT).',
        `Revoke it with: tesorio-mcp admin-key revoke --id ${key.id}`,
      ].join('\n');
    },
  },
  'admin-key list': {
    summary: 'List admin API keys (never their values).',
    usage: 'admin-key list',
    options: {},
    async run(_values, db) {
      const keys = await adminKeys(db).list();
      const rows = keys.map(
        (k) =>
          `${k.id}  ${(k.revokedAt ? 'revoked' : 'active').padEnd(7)}  created ${when(k.createdAt)}` +
          `  last used ${when(k.lastUsedAt).padEnd(16)}  ${k.name}${k.createdBy ? ` (by ${k.createdBy})` : ''}`,
      );
      return rows.join('\n') || 'No admin keys.';
    },
  },
  'admin-key revoke': {
    summary: 'Revoke an admin API key; requests with it are refused at once.',
    usage: 'admin-key revoke --id <key id>',
    options: { id: { type: 'string' } },
    async run(values, db) {
      const id = required(values, 'id');
      if (!isUuid(id)) throw new UsageError('--id must be a key id as "admin-key list" shows it');
      return (await adminKeys(db).revoke(id))
        ? `Revoked admin key ${id}; requests with it are refused from now on.`
        : `Admin key ${id} was already revoked; nothing changed.`;
    },
  },
  'sessions list': {
    summary: 'List sessions (connected apps), newest first, with their user, organization and client.',
    usage: `sessions list [--email <email>] [--org <organization id>] [--client <client id>] [--limit <1-${MAX_ADMIN_PAGE_SIZE}>]`,
    options: {
      email: { type: 'string' },
      org: { type: 'string' },
      client: { type: 'string' },
      limit: { type: 'string' },
    },
    async run(values, db) {
      const orgId = optional(values, 'org');
      if (orgId !== undefined && !isUuid(orgId)) throw new UsageError('--org must be an organization id');
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ADMIN_PAGE_SIZE) {
        throw new UsageError(`--limit must be a whole number from 1 to ${MAX_ADMIN_PAGE_SIZE}`);
      }
      const page = await sessions(db).list({
        email: optional(values, 'email'),
        orgId,
        clientId: optional(values, 'client'),
        limit,
      });
      const rows = page.items.map(
        (s) =>
          `${s.id}  ${s.status.padEnd(15)}  ${s.user.email}  ${s.organization.name}  ${s.client.name}` +
          `  [${s.scopes.join(' ')}]  created ${when(s.createdAt)}  last used ${when(s.lastUsedAt)}`,
      );
      if (page.hasMore)
        rows.push(`… more sessions: narrow with --email, --org or --client, or raise --limit.`);
      return rows.join('\n') || 'No sessions.';
    },
  },
  'sessions revoke': {
    summary: "End one session, or all of a user's; audited with the reason.",
    usage: 'sessions revoke (--grant <session id> | --email <email>) --reason <why>',
    options: { grant: { type: 'string' }, email: { type: 'string' }, reason: { type: 'string' } },
    async run(values, db) {
      const grant = optional(values, 'grant');
      const email = optional(values, 'email');
      if ((grant === undefined) === (email === undefined)) {
        throw new UsageError('give exactly one of --grant <session id> or --email <email>');
      }
      const reason = required(values, 'reason').trim();
      if (grant !== undefined) {
        const { session, revoked } = await sessions(db).revoke(grant, cliActor, reason);
        const what = `${session.user.email} / ${session.client.name} / ${session.organization.name}`;
        return revoked
          ? `Revoked session ${session.id} (${what}); its tokens stop working on the next request.`
          : `Session ${session.id} (${what}) was already revoked; nothing changed.`;
      }
      const result = await sessions(db).revokeAllForUser(email as string, cliActor, reason);
      return `Revoked ${result.revoked} session(s) of ${result.user.email} across ${result.organizations.length} organization(s).`;
    },
  },
};

/** Two-word command families, e.g. "admin-key" → its subcommands. */
function family(name: string): string[] {
  return Object.keys(COMMANDS).filter((key) => key.startsWith(`${name} `));
}

function familyHelp(name: string): string {
  const lines = family(name).map((key) => `  ${key.padEnd(18)} ${COMMANDS[key].summary}`);
  return `Usage: tesorio-mcp ${name} <${family(name)
    .map((key) => key.slice(name.length + 1))
    .join('|')}> [options]\n\n${lines.join('\n')}\n`;
}

/** The password comes from the environment so it stays out of shell history and `ps`. */
function passwordFrom(values: Record<string, string | boolean | undefined>): string {
  const password =
    (values.password as string | undefined) ?? AppConfig.secretFromEnvironment('TESORIO_PASSWORD');
  if (!password) throw new UsageError('set TESORIO_PASSWORD (preferred) or pass --password');
  return password;
}

function help(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`);
  return `Usage: tesorio-mcp <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "tesorio-mcp <command> --help" for a command's options.\nThe database comes from DATABASE_URL, or the embedded one in DATA_DIR.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [first, second] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(help());
    return first ? 0 : 2;
  }
  const twoWords = `${first} ${second}`;
  const name = COMMANDS[twoWords] ? twoWords : first;
  const rest = argv.slice(name === first ? 1 : 2);
  const command = COMMANDS[name];
  if (!command && family(first).length > 0) {
    if (second === '--help' || second === '-h') {
      process.stdout.write(familyHelp(first));
      return 0;
    }
    const problem =
      second === undefined ? `"${first}" needs a subcommand.` : `Unknown command "${twoWords}".`;
    process.stderr.write(`${problem}\n\n${familyHelp(first)}`);
    return 2;
  }
  if (!command) {
    process.stderr.write(`Unknown command "${first}".\n\n${help()}`);
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
