import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { OAuthTestApp } from '../../support/oauth-test-app';
import type { FakeBrowserVisit } from '../../support/fake-browser/fake-browser';
import type { Client } from '@modelcontextprotocol/client';

/**
 * Shared plumbing of the real-client suites (mcp-auth.md §3.4): where the third-party tools are,
 * the fake browser opener, and running a tool as a child process while the service runs in this
 * process on loopback.
 */

/**
 * The repository root. The compiled tests may live outside it (`tsc --outDir /tmp/x/dist`), so
 * __dirname alone is not enough: the root is the first of the working directory and the
 * ancestors of this file that holds both package.json and the fake browser's source.
 */
function findRepoRoot(): string {
  const candidates = [process.cwd()];
  for (let dir = __dirname; ; dir = dirname(dir)) {
    candidates.push(dir);
    if (dirname(dir) === dir) break;
  }
  const root = candidates.find(
    (dir) =>
      existsSync(join(dir, 'package.json')) &&
      existsSync(join(dir, 'test', 'support', 'fake-browser', 'xdg-open')),
  );
  if (!root) throw new Error(`cannot find the repository root from ${process.cwd()} or ${__dirname}`);
  return resolve(root);
}

export const REPO_ROOT = findRepoRoot();

/** The separate Node 22 tool package (tools/node22: `npm ci --prefix tools/node22`). */
const NODE22_TOOLS = join(REPO_ROOT, 'tools', 'node22', 'node_modules');

export const TOOLS = {
  node22: join(NODE22_TOOLS, '.bin', 'node'),
  node22Bin: join(NODE22_TOOLS, '.bin'),
  /** `mcp-inspector` (the launcher); `--cli` selects the CLI client. */
  inspector: join(
    NODE22_TOOLS,
    '@modelcontextprotocol',
    'inspector',
    'clients',
    'launcher',
    'build',
    'index.js',
  ),
  conformance: join(NODE22_TOOLS, '@modelcontextprotocol', 'conformance', 'dist', 'index.js'),
  /** mcp-remote's two bins: the diagnostic client and the stdio proxy MCP hosts launch. */
  mcpRemoteClient: join(REPO_ROOT, 'node_modules', 'mcp-remote', 'dist', 'client.js'),
  mcpRemoteProxy: join(REPO_ROOT, 'node_modules', 'mcp-remote', 'dist', 'proxy.js'),
};

export function assertToolsInstalled(...paths: string[]): void {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `missing client tools: ${missing.join(', ')}. Install them with \`npm ci\` and \`npm ci --prefix tools/node22\`.`,
    );
  }
}

/** A fresh temp directory; `cleanup` removes it. */
export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The environment of a child tool: ours, minus what would confuse it (the test runner's marker,
 * which makes any node:test in a child report to us).
 */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'NODE_TEST_CONTEXT') env[key] = value;
  }
  return { ...env, ...extra };
}

export const FAKE_BROWSER_DIR = join(REPO_ROOT, 'test', 'support', 'fake-browser');
export const FAKE_XDG_OPEN = join(FAKE_BROWSER_DIR, 'xdg-open');
/** The compiled fake-browser module next to these compiled tests (dist/ or any --outDir). */
const FAKE_BROWSER_MODULE = join(__dirname, '..', '..', 'support', 'fake-browser', 'fake-browser.js');

export interface FakeBrowser {
  /** Environment for the client: PATH and BROWSER lead to the fake opener, which signs in as the user. */
  env: Record<string, string>;
  /** Every URL the client opened, in order, with what happened. */
  visits(): FakeBrowserVisit[];
}

/**
 * Sets up the fake `xdg-open` for a client run. Both mcp-remote and the Inspector open URLs with
 * the `open` package, which runs its own bundled xdg-open; with no desktop session that script
 * hands the URL to $BROWSER, so BROWSER points at the fake. The fake directory also goes first on
 * PATH, for the openers that look xdg-open (or $BROWSER's name) up there.
 */
export function fakeBrowser(
  dir: string,
  user: { email: string; password: string; orgId?: string },
  options: { pathPrefix?: string[] } = {},
): FakeBrowser {
  try {
    accessSync(FAKE_XDG_OPEN, constants.X_OK);
  } catch {
    // A checkout that lost the executable bit (git keeps it; some archives do not).
    chmodSync(FAKE_XDG_OPEN, 0o755);
  }
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'fake-browser.jsonl');
  const path = [FAKE_BROWSER_DIR, ...(options.pathPrefix ?? []), process.env.PATH ?? ''].join(delimiter);
  return {
    env: {
      PATH: path,
      BROWSER: FAKE_XDG_OPEN,
      FAKE_BROWSER_MODULE,
      FAKE_BROWSER_LOG: log,
      FAKE_BROWSER_EMAIL: user.email,
      FAKE_BROWSER_PASSWORD: user.password,
      ...(user.orgId ? { FAKE_BROWSER_ORG_ID: user.orgId } : {}),
      // No desktop: the bundled xdg-open must not find a real browser or session bus.
      DISPLAY: '',
      WAYLAND_DISPLAY: '',
    },
    visits: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line) as FakeBrowserVisit)
        : [],
  };
}

export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** A third-party tool running as a child process, with its output collected as it arrives. */
export class ToolProcess {
  readonly child: ChildProcess;
  readonly done: Promise<ToolResult>;
  private stdoutText = '';
  private stderrText = '';
  private readonly listeners = new Set<() => void>();

  /**
   * `stdin: 'open'` keeps a pipe open and silent until the tool exits: mcp-remote treats the end
   * of stdin as "the host went away" and quits.
   */
  constructor(
    readonly command: string,
    readonly args: string[],
    options: { env: Record<string, string>; cwd?: string; timeoutMs: number; stdin?: 'open' | 'ignore' },
  ) {
    this.child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd ?? REPO_ROOT,
      stdio: [options.stdin === 'open' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdoutText += chunk.toString();
      this.notify();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString();
      this.notify();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.stop();
    }, options.timeoutMs);
    this.done = new Promise<ToolResult>((resolveDone) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(timer);
        this.child.stdin?.destroy();
        resolveDone({ code, signal, stdout: this.stdoutText, stderr: this.stderrText, timedOut });
      };
      this.child.once('error', (error) => {
        this.stderrText += `\n[spawn error] ${error.message}`;
        finish(null, null);
      });
      this.child.once('close', finish);
    });
  }

  get output(): string {
    return `${this.stdoutText}\n${this.stderrText}`;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolves with the first match of `pattern` in stdout+stderr; rejects if the tool exits first. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise<RegExpMatchArray>((resolveMatch, reject) => {
      const check = (): boolean => {
        const match = pattern.exec(this.output);
        if (match) {
          cleanup();
          resolveMatch(match);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; output so far:\n${this.output}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = () => void check();
      if (check()) return;
      this.listeners.add(listener);
      void this.done.then(() => {
        if (!check()) {
          cleanup();
          reject(new Error(`${this.command} exited before printing ${String(pattern)}:\n${this.output}`));
        }
      });
    });
  }

  /** Ends this tool (and only it): SIGTERM, then SIGKILL if it lingers. */
  stop(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    setTimeout(() => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    }, 3_000).unref();
  }
}

/** Runs a tool to completion. */
export async function runTool(
  command: string,
  args: string[],
  options: { env: Record<string, string>; cwd?: string; timeoutMs: number; stdin?: 'open' | 'ignore' },
): Promise<ToolResult> {
  return new ToolProcess(command, args, options).done;
}

/** A failure message with the tool's whole output, so a red test explains itself. */
export function describeRun(label: string, result: ToolResult): string {
  return [
    `${label}: exit ${result.code}${result.signal ? ` (${result.signal})` : ''}${result.timedOut ? ' after timing out' : ''}`,
    '--- stdout ---',
    result.stdout.slice(-6_000),
    '--- stderr ---',
    result.stderr.slice(-6_000),
  ].join('\n');
}

export interface RegisteredClientRow {
  id: string;
  kind: string;
  client_name: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
}

export async function registeredClient(app: OAuthTestApp, clientId: string): Promise<RegisteredClientRow> {
  const rows = await app.dataSource.query<RegisteredClientRow[]>(
    'SELECT id, kind, client_name, redirect_uris, token_endpoint_auth_method FROM oauth_clients WHERE id = $1',
    [clientId],
  );
  if (rows.length !== 1) throw new Error(`no registered client ${clientId}`);
  return rows[0];
}

export async function clientCount(app: OAuthTestApp): Promise<number> {
  const [row] = await app.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM oauth_clients');
  return row.n;
}

/** Live grants of a user to a client (what the consent created). */
export async function grantsOf(
  app: OAuthTestApp,
  userId: string,
  clientId: string,
): Promise<{ org_id: string; scopes: string[]; resource: string }[]> {
  return app.dataSource.query(
    'SELECT org_id, scopes, resource FROM oauth_grants WHERE user_id = $1 AND client_id = $2 AND revoked_at IS NULL',
    [userId, clientId],
  );
}

/** The context get_context returns, as far as these tests look at it. */
export interface ContextResult {
  user: { id: string; email: string };
  organization: { id: string; name: string };
  role: string;
  scopes: string[];
  client?: string;
}

/**
 * What a connected SDK client sees of get_context: the tool is listed, and calling it answers
 * without a tool error.
 */
export async function contextThrough(client: Client): Promise<ContextResult> {
  const { tools } = await client.listTools();
  assert.ok(
    tools.some((tool) => tool.name === 'get_context'),
    tools.map((t) => t.name).join(', '),
  );
  const result = await client.callTool({ name: 'get_context', arguments: {} });
  assert.notEqual(result.isError, true, JSON.stringify(result.content));
  return result.structuredContent as ContextResult;
}
