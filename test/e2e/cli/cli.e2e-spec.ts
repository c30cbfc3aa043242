import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('tesorio-mcp command line', () => {
  let db: TestDatabase;

  function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, LOG_LEVEL: 'warn', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());

  it('prints usage and exits 2 without a command, 0 with --help', async () => {
    const bare = await cli([]);
    assert.equal(bare.code, 2);
    assert.match(bare.stdout, /Usage: tesorio-mcp <command>/);
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    for (const command of [
      'migrate',
      'seed',
      'create-org',
      'create-user',
      'set-password',
      'add-membership',
    ]) {
      assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
    }
  });

  it('explains each command with --help', async () => {
    const run = await cli(['add-membership', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--role <admin\|manager\|collector\|viewer>/);
  });

  it('refuses unknown commands and options with exit code 2', async () => {
    assert.equal((await cli(['frobnicate'])).code, 2);
    const badOption = await cli(['create-org', '--nmae', 'Acme']);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /Unknown option '--nmae'/);
    const missing = await cli(['create-org', '--currency', 'USD']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--name is required/);
  });

  it('migrates idempotently', async () => {
    const run = await cli(['migrate']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /No pending migrations/);
  });

  it('creates an organization, a user and a membership that the database then holds', async () => {
    const org = await cli([
      'create-org',
      '--name',
      'Initrode',
      '--currency',
      'usd',
      '--time-zone',
      'America/Chicago',
    ]);
    assert.equal(org.code, 0, org.stderr);
    const orgId = /\(([0-9a-f-]{36})\)/.exec(org.stdout)![1];

    const user = await cli(['create-user', '--email', 'Bill@Initrode.example', '--name', 'Bill Lumbergh'], {
      TESORIO_PASSWORD: 'yeah if you could just',
    });
    assert.equal(user.code, 0, user.stderr);
    assert.doesNotMatch(user.stdout + user.stderr, /yeah if you could/, 'the password is never echoed');

    const member = await cli([
      'add-membership',
      '--email',
      'bill@initrode.example',
      '--org',
      orgId,
      '--role',
      'manager',
    ]);
    assert.equal(member.code, 0, member.stderr);

    const rows = await db.dataSource.query<{ email: string; role: string; currency: string }[]>(
      `SELECT u.email, m.role, o.base_currency AS currency
         FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.org_id
        WHERE o.id = $1`,
      [orgId],
    );
    assert.deepEqual(rows, [{ email: 'bill@initrode.example', role: 'manager', currency: 'USD' }]);
    assert.match((await cli(['list-orgs'])).stdout, new RegExp(`${orgId}\\s+USD\\s+Initrode`));
  });

  it('changes a password: the stored hash is replaced', async () => {
    const before = await db.dataSource.query<{ h: string }[]>(
      "SELECT password_hash AS h FROM users WHERE email = 'bill@initrode.example'",
    );
    const run = await cli(['set-password', '--email', 'bill@initrode.example'], {
      TESORIO_PASSWORD: 'a brand new passphrase',
    });
    assert.equal(run.code, 0, run.stderr);
    const after = await db.dataSource.query<{ h: string }[]>(
      "SELECT password_hash AS h FROM users WHERE email = 'bill@initrode.example'",
    );
    assert.notEqual(after[0].h, before[0].h);
  });

  it('fails with exit code 1 and a sentence, not a stack trace, on bad input', async () => {
    const duplicate = await cli(['create-user', '--email', 'bill@initrode.example', '--name', 'Bill'], {
      TESORIO_PASSWORD: 'another passphrase',
    });
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /already exists/);
    assert.doesNotMatch(duplicate.stderr, /\bat .*\.js:\d+/);

    const weak = await cli(['create-user', '--email', 'x@initrode.example', '--name', 'X'], {
      TESORIO_PASSWORD: 'short',
    });
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /at least 12 characters/);

    const noPassword = await cli(['create-user', '--email', 'y@initrode.example', '--name', 'Y']);
    assert.equal(noPassword.code, 2);
    assert.match(noPassword.stderr, /TESORIO_PASSWORD/);

    const badCurrency = await cli(['create-org', '--name', 'X', '--currency', 'dollars']);
    assert.equal(badCurrency.code, 1);
    assert.match(badCurrency.stderr, /ISO-4217/);

    const badRole = await cli([
      'add-membership',
      '--email',
      'bill@initrode.example',
      '--org',
      '00000000-0000-4000-8000-000000000000',
      '--role',
      'owner',
    ]);
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /Role must be one of/);

    const badScale = await cli(['seed', '--scale', 'lots']);
    assert.equal(badScale.code, 2);
    assert.match(badScale.stderr, /--scale must be a positive whole number/);
  });

  it('seeds the demo organizations once', async () => {
    const first = await cli(['seed']);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { organizations: { name: string; created: boolean }[] };
    assert.deepEqual(
      summary.organizations.map((o) => o.created),
      summary.organizations.map(() => true),
    );
    const second = JSON.parse((await cli(['seed'])).stdout) as { organizations: { created: boolean }[] };
    assert.ok(
      second.organizations.every((o) => !o.created),
      'a second seed must not duplicate anything',
    );
    const [{ n }] = await db.dataSource.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM organizations WHERE name IN ('Acme Manufacturing (US)', 'Globex Europe')",
    );
    assert.equal(n, 2);
  });

  it('refuses a bad DATABASE_URL before doing anything', async () => {
    const run = await cli(['migrate'], { DATABASE_URL: 'mysql://nope' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /DATABASE_URL="mysql:\/\/nope"/);
  });
});
