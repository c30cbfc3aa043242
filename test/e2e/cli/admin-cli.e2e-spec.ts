import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adminFetch } from '../../support/admin-api';
import { obtainTokens, principalOf, whoami } from '../../support/oauth-flows';
import type { Tokens } from '../../support/oauth-flows';
import { startOAuthTestApp } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.js');
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('tesorio-mcp admin-key and sessions commands', () => {
  let app: OAuthTestApp;
  let acme: string;
  let globex: string;
  let grace: Tokens;
  let heidiAcme: Tokens;
  let heidiGlobex: Tokens;

  function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: app.database.url, LOG_LEVEL: 'warn', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async function ok(args: string[]): Promise<string> {
    const run = await cli(args);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  }

  async function fails(args: string[], code: 1 | 2, message: RegExp): Promise<void> {
    const run = await cli(args);
    assert.equal(run.code, code, `${args.join(' ')} should exit ${code}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /\bat .*\.js:\d+/, 'a sentence, not a stack trace');
  }

  before(async () => {
    app = await startOAuthTestApp();
    acme = await app.createOrganization('Acme CLI');
    globex = await app.createOrganization('Globex CLI');
    await app.createUser('grace@cli.example', [{ orgId: acme, role: 'viewer' }]);
    await app.createUser('heidi@cli.example', [
      { orgId: acme, role: 'viewer' },
      { orgId: globex, role: 'viewer' },
    ]);
    grace = await obtainTokens(app, { email: 'grace@cli.example' });
    heidiAcme = await obtainTokens(app, { email: 'heidi@cli.example', orgId: acme });
    heidiGlobex = await obtainTokens(app, { email: 'heidi@cli.example', orgId: globex });
  });
  after(async () => app.stop());

  describe('admin-key', () => {
    let keyId: string;
    let keyValue: string;

    it('create prints the key once, stores only its SHA-256, and the key opens the admin API', async () => {
      const stdout = await ok([
        'admin-key',
        'create',
        '--name',
        'support-oncall',
        '--created-by',
        'Jo Operator',
      ]);
      keyId = new RegExp(`\\(id (${UUID})\\)`).exec(stdout)![1];
      keyValue = /\b(tmcp_ak_[A-Za-z0-9_-]{43})\b/.exec(stdout)![1];
      assert.match(stdout, /shown only this once/);

      const [row] = await app.dataSource.query<Record<string, unknown>[]>(
        'SELECT * FROM admin_api_keys WHERE id = $1',
        [keyId],
      );
      assert.equal(row.key_hash, createHash('sha256').update(keyValue).digest('hex'));
      assert.equal(row.name, 'support-oncall');
      assert.equal(row.created_by, 'Jo Operator');
      assert.ok(!JSON.stringify(row).includes(keyValue.slice(8)), 'the value itself is not stored');

      const response = await adminFetch(app, '/admin/v1/sessions', { bearer: keyValue });
      assert.equal(response.status, 200, await response.text());
    });

    it('list shows every key with its state, never a value', async () => {
      await ok(['admin-key', 'create', '--name', 'ci-bot']);
      const stdout = await ok(['admin-key', 'list']);
      assert.match(
        stdout,
        new RegExp(
          `^${keyId}\\s+active\\s+created .*last used \\d{4}-.*support-oncall \\(by Jo Operator\\)$`,
          'm',
        ),
      );
      assert.match(stdout, /active .* ci-bot$/m);
      assert.doesNotMatch(stdout, /tmcp_ak_/);
    });

    it('revoke ends the key at once; revoking again changes nothing', async () => {
      const stdout = await ok(['admin-key', 'revoke', '--id', keyId]);
      assert.match(stdout, /Revoked admin key/);
      const refused = await adminFetch(app, '/admin/v1/sessions', { bearer: keyValue });
      assert.equal(refused.status, 401);
      assert.match(await ok(['admin-key', 'list']), new RegExp(`^${keyId}\\s+revoked`, 'm'));
      assert.match(await ok(['admin-key', 'revoke', '--id', keyId]), /already revoked/);
    });

    it('refuses bad usage with exit code 2 and unknown keys with exit code 1', async () => {
      await fails(['admin-key', 'create'], 2, /--name is required/);
      await fails(['admin-key', 'create', '--name', 'x', '--scope', 'all'], 2, /Unknown option '--scope'/);
      await fails(['admin-key', 'create', '--name', 'n'.repeat(101)], 1, /1 to 100 characters/);
      await fails(['admin-key', 'revoke'], 2, /--id is required/);
      await fails(['admin-key', 'revoke', '--id', 'support-oncall'], 2, /--id must be a key id/);
      await fails(['admin-key', 'revoke', '--id', '00000000-0000-4000-8000-000000000000'], 1, /No admin key/);
      await fails(['admin-key'], 2, /"admin-key" needs a subcommand[\s\S]*admin-key create/);
      await fails(['admin-key', 'rotate'], 2, /Unknown command "admin-key rotate"/);
    });
  });

  describe('sessions', () => {
    it('list shows sessions with user, organization and client, filtered by email and organization', async () => {
      const graceGrant = (await principalOf(app, grace.access_token)).grantId;
      const all = await ok(['sessions', 'list']);
      assert.equal(all.trim().split('\n').length, 3);
      assert.match(
        all,
        new RegExp(
          `^${graceGrant}\\s+active\\s+grace@cli\\.example  Acme CLI  Test MCP client  \\[ar:read offline_access\\]`,
          'm',
        ),
      );

      const heidi = await ok(['sessions', 'list', '--email', 'HEIDI@cli.example']);
      assert.equal(heidi.trim().split('\n').length, 2);
      assert.doesNotMatch(heidi, /grace@/);
      const inGlobex = await ok(['sessions', 'list', '--org', globex]);
      assert.equal(inGlobex.trim().split('\n').length, 1);
      assert.match(inGlobex, /heidi@cli\.example {2}Globex CLI/);
      const limited = await ok(['sessions', 'list', '--limit', '1']);
      assert.match(limited, /more sessions: narrow with --email/);
      assert.equal((await ok(['sessions', 'list', '--email', 'nobody@cli.example'])).trim(), 'No sessions.');

      await fails(['sessions', 'list', '--org', 'acme'], 2, /--org must be an organization id/);
      await fails(['sessions', 'list', '--limit', '0'], 2, /--limit must be a whole number from 1 to 200/);
    });

    it('revoke --grant ends one session at once, audited with the reason', async () => {
      const grantId = (await principalOf(app, grace.access_token)).grantId;
      const stdout = await ok([
        'sessions',
        'revoke',
        '--grant',
        grantId,
        '--reason',
        'Ticket 77: asked by user',
      ]);
      assert.match(
        stdout,
        new RegExp(`Revoked session ${grantId} \\(grace@cli\\.example / Test MCP client / Acme CLI\\)`),
      );
      assert.equal((await whoami(app, grace.access_token)).status, 401);
      assert.equal((await whoami(app, heidiAcme.access_token)).status, 200, "others' sessions are untouched");

      const rows = await app.dataSource.query<
        {
          org_id: string;
          actor_type: string;
          action: string;
          reason: string;
          details: Record<string, unknown>;
        }[]
      >('SELECT org_id, actor_type, action, reason, details FROM audit_log WHERE target_id = $1', [grantId]);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].org_id, acme);
      assert.equal(rows[0].actor_type, 'admin');
      assert.equal(rows[0].action, 'admin.session.revoke');
      assert.equal(rows[0].reason, 'Ticket 77: asked by user');
      assert.equal(rows[0].details.via, 'cli');
      assert.equal(rows[0].details.adminKeyId, null);

      assert.match(
        await ok(['sessions', 'revoke', '--grant', grantId, '--reason', 'again']),
        /was already revoked; nothing changed/,
      );
    });

    it('revoke --email ends every session of the user in every organization', async () => {
      const stdout = await ok([
        'sessions',
        'revoke',
        '--email',
        'heidi@cli.example',
        '--reason',
        'Offboarding',
      ]);
      assert.match(stdout, /Revoked 2 session\(s\) of heidi@cli\.example across 2 organization\(s\)/);
      assert.equal((await whoami(app, heidiAcme.access_token)).status, 401);
      assert.equal((await whoami(app, heidiGlobex.access_token)).status, 401);
      const [{ n }] = await app.dataSource.query<{ n: number }[]>(
        "SELECT count(*)::int AS n FROM audit_log WHERE action = 'admin.user_sessions.revoke' AND reason = 'Offboarding'",
      );
      assert.equal(n, 2, 'one audit entry per organization');
      assert.match(await ok(['sessions', 'list', '--email', 'heidi@cli.example']), /revoked[\s\S]*revoked/);
    });

    it('refuses bad usage with exit code 2 and unknown sessions or users with exit code 1', async () => {
      const grantId = '00000000-0000-4000-8000-000000000000';
      await fails(['sessions', 'revoke', '--grant', grantId], 2, /--reason is required/);
      await fails(['sessions', 'revoke', '--grant', grantId, '--reason', '  '], 2, /--reason is required/);
      await fails(['sessions', 'revoke', '--reason', 'why'], 2, /exactly one of --grant .* or --email/);
      await fails(
        ['sessions', 'revoke', '--grant', grantId, '--email', 'grace@cli.example', '--reason', 'why'],
        2,
        /exactly one of --grant/,
      );
      await fails(['sessions', 'revoke', '--grant', grantId, '--reason', 'why'], 1, /No session "0000/);
      await fails(
        ['sessions', 'revoke', '--email', 'nobody@cli.example', '--reason', 'why'],
        1,
        /No user "nobody/,
      );
      await fails(['sessions', 'purge'], 2, /Unknown command "sessions purge"/);
    });
  });

  it('explains every new command with --help, and lists them in the overview', async () => {
    const overview = await ok(['--help']);
    for (const command of [
      'admin-key create',
      'admin-key list',
      'admin-key revoke',
      'sessions list',
      'sessions revoke',
    ]) {
      assert.match(overview, new RegExp(`^  ${command}\\s`, 'm'));
      const help = await ok([...command.split(' '), '--help']);
      assert.match(help, new RegExp(`Usage: tesorio-mcp ${command}`));
    }
    assert.match(await ok(['sessions', 'revoke', '--help']), /--reason <why>/);
    const family = await ok(['admin-key', '--help']);
    assert.match(family, /Usage: tesorio-mcp admin-key <create\|list\|revoke>/);
    assert.match(
      await ok(['migrate', '--help']),
      /Usage: tesorio-mcp migrate/,
      'the existing commands still work',
    );
  });
});
