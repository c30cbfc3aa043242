import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBearerProxy } from '../../support/bearer-proxy';
import type { BearerProxy } from '../../support/bearer-proxy';
import { OAuthBrowser, signInAndApprove } from '../../support/oauth-browser';
import { obtainTokens, publicClientMetadata, registerClient } from '../../support/oauth-flows';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';
import { freePort } from '../../support/postgres-server';
import {
  assertToolsInstalled,
  childEnv,
  describeRun,
  REPO_ROOT,
  runTool,
  tempDir,
  ToolProcess,
  TOOLS,
} from './harness';

/**
 * The public MCP conformance suite (@modelcontextprotocol/conformance 0.2.0-alpha.12, on the
 * Node 22 of tools/node22) against the service:
 *
 * - `conformance server --requirements 2025-11-25` and `… 2026-07-28` against /v1/mcp. The tool
 *   cannot send a token, so it talks to a loopback proxy (test/support/bearer-proxy.ts) that adds
 *   a real access token obtained through the OAuth flow; the service keeps authentication on.
 *   Failures must be exactly the baseline in conformance-expected-failures.yml.
 * - `conformance authorization` against the authorization server: metadata, then the
 *   authorization-code grant with a client registered by DCR, the login and consent done by
 *   OAuthBrowser on the URL the tool prints, and the redirect delivered to the tool's listener.
 *
 * Each run's per-scenario results are printed as a table.
 */

const EMAIL = 'auditor@conformance.example';
const BASELINE = join(REPO_ROOT, 'test', 'e2e', 'clients', 'conformance-expected-failures.yml');
type Requirements = '2025-11-25' | '2026-07-28';

/** Scenarios a product server can pass without fixtures; they must run and pass. */
const CORE_SCENARIOS: Record<Requirements, string[]> = {
  '2025-11-25': [
    'server-initialize',
    'ping',
    'logging-set-level',
    'tools-list',
    'resources-list',
    'prompts-list',
    'dns-rebinding-protection',
  ],
  '2026-07-28': [
    'tools-list',
    'resources-list',
    'prompts-list',
    'dns-rebinding-protection',
    'caching',
    'server-sse-multiple-streams',
    'input-required-result-unsupported-methods',
    'input-required-result-validate-input',
  ],
};

interface BaselineEntry {
  scenario: string;
  reason: string;
}

/** The baseline file: lists under `both:` and per revision, each entry with a `# reason`. */
function readBaseline(): Map<string, BaselineEntry[]> {
  const sections = new Map<string, BaselineEntry[]>();
  let current: BaselineEntry[] | undefined;
  for (const [index, line] of readFileSync(BASELINE, 'utf8').split('\n').entries()) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const section = /^([\w-]+):\s*$/.exec(line);
    if (section) {
      current = [];
      sections.set(section[1], current);
      continue;
    }
    const entry = /^\s+-\s+([\w-]+)\s*(?:#\s*(.*\S))?\s*$/.exec(line);
    assert.ok(entry && current, `conformance-expected-failures.yml:${index + 1}: cannot read "${line}"`);
    assert.ok(entry[2], `conformance-expected-failures.yml:${index + 1}: ${entry[1]} needs a "# reason"`);
    current.push({ scenario: entry[1], reason: entry[2] });
  }
  return sections;
}

function expectedFailures(requirements: Requirements): Map<string, string> {
  const baseline = readBaseline();
  const entries = [...(baseline.get('both') ?? []), ...(baseline.get(requirements) ?? [])];
  return new Map(entries.map((e) => [e.scenario, e.reason]));
}

/** What `conformance list --server --requirements X` says is scored, and what is only reported. */
interface ScenarioSet {
  scored: Set<string>;
  notScored: Map<string, string>;
}

async function listServerScenarios(requirements: Requirements): Promise<ScenarioSet> {
  const result = await runTool(
    TOOLS.node22,
    [TOOLS.conformance, 'list', '--server', '--requirements', requirements],
    { env: childEnv({ NO_COLOR: '1' }), timeoutMs: 30_000 },
  );
  assert.equal(result.code, 0, describeRun('conformance list', result));
  const scored = new Set<string>();
  const notScored = new Map<string, string>();
  let mode: 'server' | 'other' | 'unscored' = 'other';
  let category = '';
  for (const line of result.stdout.split('\n')) {
    if (/^Server scenarios/.test(line)) mode = 'server';
    else if (/^Client scenarios/.test(line)) mode = 'other';
    else if (/never scored/.test(line)) mode = 'unscored';
    const heading = /^ {2}([\w-]+) \(\d+\):/.exec(line);
    if (mode === 'unscored' && heading) category = heading[1];
    const item = /^\s+- (\S+)(?: \[(\w+)\])?/.exec(line);
    if (!item) continue;
    if (mode === 'server') scored.add(item[1]);
    if (mode === 'unscored' && item[2] === 'server') notScored.set(item[1], category);
  }
  assert.ok(scored.size > 10, `could not read the scenario list:\n${result.stdout}`);
  return { scored, notScored };
}

interface ScenarioResult {
  scenario: string;
  success: number;
  failure: number;
  warning: number;
  other: number;
  messages: string[];
}

/** The per-scenario checks.json files the tool writes with `-o`. */
function readResults(outputDir: string, prefix: string): Map<string, ScenarioResult> {
  const results = new Map<string, ScenarioResult>();
  if (!existsSync(outputDir)) return results;
  for (const entry of readdirSync(outputDir)) {
    const name = new RegExp(`^${prefix}(.+)-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z$`).exec(entry);
    const file = join(outputDir, entry, 'checks.json');
    if (!name || !existsSync(file)) continue;
    const checks = JSON.parse(readFileSync(file, 'utf8')) as {
      id: string;
      status: string;
      errorMessage?: string;
    }[];
    const result: ScenarioResult = {
      scenario: name[1],
      success: 0,
      failure: 0,
      warning: 0,
      other: 0,
      messages: [],
    };
    for (const check of checks) {
      if (check.status === 'SUCCESS') result.success++;
      else if (check.status === 'FAILURE') result.failure++;
      else if (check.status === 'WARNING') result.warning++;
      else result.other++;
      if (check.status === 'FAILURE' || check.status === 'WARNING')
        result.messages.push(`${check.status} ${check.id}: ${(check.errorMessage ?? '').slice(0, 160)}`);
    }
    results.set(name[1], result);
  }
  return results;
}

const failing = (r: ScenarioResult): boolean => r.failure + r.warning > 0;

function table(title: string, rows: string[][]): string {
  const header = ['scenario', 'ok', 'fail', 'warn', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [title, format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)].join('\n');
}

describe('MCP conformance suite against the service', () => {
  let app: OAuthTestApp;
  let proxy: BearerProxy;
  const work = tempDir('conformance-');

  before(async () => {
    assertToolsInstalled(TOOLS.node22, TOOLS.conformance);
    app = await startOAuthTestApp();
    const orgId = await app.createOrganization('Conformance Receivables');
    await app.createUser(EMAIL, [{ orgId, role: 'manager' }]);
    // A real token from the real flow: DCR, PKCE, login, consent, code exchange.
    const tokens = await obtainTokens(app, { email: EMAIL });
    proxy = await startBearerProxy(app.baseUrl, tokens.access_token);
  });
  after(async () => {
    await proxy.close();
    await app.stop();
    work.cleanup();
  });

  it('the service itself still refuses a request without a token (the proxy is the only way in)', async () => {
    const response = await fetch(app.resource, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
  });

  describe('server scenarios on /v1/mcp through the bearer proxy', { concurrency: 2 }, () => {
    for (const requirements of ['2025-11-25', '2026-07-28'] as const) {
      it(`--requirements ${requirements}: every failure is in the expected-failures baseline`, async () => {
        const expected = expectedFailures(requirements);
        const { scored, notScored } = await listServerScenarios(requirements);
        const outputDir = join(work.path, `server-${requirements}`);
        const baselineFile = join(work.path, `baseline-${requirements}.yml`);
        writeFileSync(baselineFile, `server:\n${[...expected.keys()].map((s) => `  - ${s}\n`).join('')}`);
        const forwardedBefore = proxy.forwarded;
        const result = await runTool(
          TOOLS.node22,
          [
            TOOLS.conformance,
            'server',
            '--url',
            `${proxy.origin}/v1/mcp`,
            '--requirements',
            requirements,
            '--expected-failures',
            baselineFile,
            '-o',
            outputDir,
          ],
          { env: childEnv({ NO_COLOR: '1' }), timeoutMs: 90_000 },
        );
        assert.ok(proxy.forwarded > forwardedBefore, 'the suite went through the bearer proxy');

        const results = readResults(outputDir, 'server-');
        const rows = [...results.values()]
          .sort((a, b) => a.scenario.localeCompare(b.scenario))
          .map((r) => {
            const category = notScored.get(r.scenario);
            const verdict = category
              ? `${failing(r) ? 'fails' : 'passes'}, not scored (${category})`
              : !failing(r)
                ? 'PASS'
                : expected.has(r.scenario)
                  ? `expected failure: ${expected.get(r.scenario)}`
                  : 'UNEXPECTED FAILURE';
            return [r.scenario, String(r.success), String(r.failure), String(r.warning), verdict];
          });
        console.log(
          `\n${table(`conformance server --requirements ${requirements} (via bearer proxy)`, rows)}\n`,
        );

        const missing = [...scored].filter((s) => !results.has(s));
        assert.deepEqual(
          missing,
          [],
          `scored scenarios that did not run:\n${describeRun('conformance', result)}`,
        );
        const unexpected = [...results.values()].filter(
          (r) => scored.has(r.scenario) && failing(r) && !expected.has(r.scenario),
        );
        assert.deepEqual(
          unexpected.map((r) => r.scenario),
          [],
          `unexpected failures:\n${unexpected.map((r) => `${r.scenario}\n  ${r.messages.join('\n  ')}`).join('\n')}`,
        );
        const stale = [...expected.keys()].filter(
          (s) => scored.has(s) && results.has(s) && !failing(results.get(s)!),
        );
        assert.deepEqual(stale, [], 'baseline entries that now pass: remove them from the baseline');
        const core = CORE_SCENARIOS[requirements].filter((s) => !results.has(s) || failing(results.get(s)!));
        assert.deepEqual(core, [], 'core scenarios must run and pass');
        assert.equal(result.code, 0, describeRun('conformance server (its own baseline check)', result));
      });
    }
  });

  it('authorization scenarios: metadata and the authorization-code grant with a DCR client', async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const client = await registerClient(
      app,
      publicClientMetadata({ client_name: 'MCP conformance (authorization)', redirect_uris: [redirectUri] }),
    );
    const outputDir = join(work.path, 'authorization');
    const tool = new ToolProcess(
      TOOLS.node22,
      [
        TOOLS.conformance,
        'authorization',
        '--url',
        app.baseUrl,
        '--client-id',
        client.client_id,
        '--port',
        String(port),
        '--resource',
        app.resource,
        '-o',
        outputDir,
      ],
      { env: childEnv({ NO_COLOR: '1' }), timeoutMs: 90_000 },
    );
    try {
      // The tool prints the authorize URL and waits for "the user" to come back to its listener.
      const [authorizeUrl] = await tool.waitFor(/^http:\/\/\S+\/authorize\?\S+$/m, 30_000);
      await tool.waitFor(/Callback server started/, 10_000);
      const url = new URL(authorizeUrl);
      assert.equal(url.origin + url.pathname, `${app.baseUrl}/authorize`);
      assert.equal(url.searchParams.get('client_id'), client.client_id);
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(url.searchParams.get('resource'), app.resource);
      const callback = await signInAndApprove(new OAuthBrowser(app.baseUrl), authorizeUrl, {
        email: EMAIL,
        password: TEST_PASSWORD,
      });
      assert.equal(callback.origin + callback.pathname, redirectUri);
      const delivered = await fetch(callback, { signal: AbortSignal.timeout(15_000) });
      await delivered.text();
      assert.equal(delivered.status, 200);
    } catch (error) {
      tool.stop();
      throw error;
    }
    const result = await tool.done;

    const results = readResults(outputDir, 'authorization-server-');
    const rows = [...results.values()].map((r) => [
      r.scenario,
      String(r.success),
      String(r.failure),
      String(r.warning),
      failing(r) ? 'FAIL' : 'PASS',
    ]);
    console.log(`\n${table('conformance authorization (authorization server)', rows)}\n`);
    assert.deepEqual(
      [...results.keys()].sort(),
      ['authorization-code-grant', 'authorization-server-metadata-endpoint'],
      describeRun('conformance authorization', result),
    );
    for (const r of results.values()) {
      assert.equal(failing(r), false, `${r.scenario}:\n  ${r.messages.join('\n  ')}`);
      assert.ok(r.success > 0, r.scenario);
    }
    assert.equal(result.code, 0, describeRun('conformance authorization', result));
  });

  it('resources/read of a record that does not exist answers "invalid params", not an internal error', async () => {
    const read = async (uri: string) => {
      const response = await fetch(`${proxy.origin}/v1/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri } }),
      });
      return ((await response.json()) as { error?: { code: number; data?: { uri?: string } } }).error;
    };
    const missing = await read('tesorio://customers/00000000-0000-4000-8000-000000000000');
    assert.ok(missing && [-32002, -32602].includes(missing.code), JSON.stringify(missing));
    const malformed = await read('tesorio://customers/not-an-id');
    assert.equal(malformed?.code, -32602, JSON.stringify(malformed));
  });
});
