import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { Session } from 'node:inspector';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import { Client as McpClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { Client } from 'pg';
import { AppConfig } from '../src/config/app-config.service';
import { openDatabase } from '../src/database/database';
import { runMigrations } from '../src/database/migrator';
import { SCALE_ORGANIZATION } from '../src/demo-data/demo-logins';
import { IdentityService } from '../src/identity/identity.service';
import { PasswordHasher } from '../src/identity/password-hasher';
import { GET_INVOICE_TOOL, SEARCH_INVOICES_TOOL } from '../src/mcp/tools/invoices.tools';
import { TokenValidator } from '../src/oauth/tokens/token-validator.service';
import { InvoiceQueries } from '../src/receivables/invoices/invoice.queries';
import type { InvoiceDetail, InvoicePage } from '../src/receivables/invoices/invoice.queries';
import { OrgSettingsReader } from '../src/receivables/shared/org-settings';
import { startServer } from '../src/server';
import { newPkce, OAuthBrowser, signInAndApprove } from '../test/support/oauth-browser';
import { freePort } from '../test/support/postgres-server';
import { BENCH_DATABASE } from './queries.bench';
import { isJobWorker, serveJobs, WorkerJobs } from './support/worker-jobs';
import { printProfile, summarizeProfile } from './support/cpu-profile';
import type { CpuProfile } from './support/cpu-profile';
import { fixtureInvoice, fixtureSearch } from './support/fixture-answers';
import type { Fixtures } from './support/fixture-answers';
import { startMcpNestFloor } from './support/mcp-nest-floor';
import { loadStats, ms, printTable, printTargets, rate } from './support/report';
import type { LoadResult, LoadStats } from './support/report';

/**
 * MCP tools/call through the whole service against a bare MCP SDK v2 server (a script, not a
 * timed test):
 *
 *   DATABASE_URL=postgres://…/perf_1m node dist/bench/mcp.bench.js [--seconds 10] [--rounds 2]
 *
 * DATABASE_URL names a database holding the scale organization ("Initech Scale Test", seeded by
 * `tesorio-mcp seed --scale 1000000`); it is migrated and a bench user is added to the
 * organization, nothing else is written. Three servers run as child processes of this script:
 *
 * - the whole stack: `startServer` with production defaults (pool of 10, LOG_LEVEL info written to
 *   /dev/null, helmet, pino-http, Origin/Host and bearer guards), tokens obtained by the real OAuth
 *   flow (DCR, login, consent, code exchange) and checked in PostgreSQL on every request;
 * - the baseline: `createMcpHandler` + `toNodeHandler` of the SDK on plain node:http, one
 *   `McpServer` per request with `registerTool` of the same two tools (same zod schemas, same
 *   result rendering), answering from rows fetched beforehand through the whole stack. No Nest,
 *   no auth, no database;
 * - the mcp-nest floor (support/mcp-nest-floor.ts): Nest + Express + mcp-nest through
 *   McpHttpControllerFor, the same tools answering from the same rows: what the framework alone
 *   costs.
 *
 * After the rounds it measures the database work of each call alone (token check + the tool's
 * query through the service's code, no HTTP or MCP) and prints the most the whole stack could
 * answer if nothing but that work and the floor cost anything.
 *
 * The load comes from a worker thread of this process (keep-alive node:http, N connections,
 * closed loop), replaying the tools/call requests the SDK v2 client sends, recorded from a real
 * `Client` in each era: 2026-07-28 (no initialize; MCP-Protocol-Version, Mcp-Method, Mcp-Name
 * headers and the `_meta` envelope) and 2025-11-25 (the tools/call after `initialize`, with
 * mcp-protocol-version and no session). RSS is the service process's, read from /proc while the
 * load runs. Each scenario is then run again paced at a fixed rate (100 requests/s by default) on
 * both servers: latency below saturation, where a closed loop only measures its own queue. Then
 * the whole stack is CPU-profiled (inspector, its main thread) under get_invoice. The whole stack
 * runs with the Helm chart's heap limit (CHART_NODE_OPTIONS) unless told otherwise.
 *
 * Targets (issue 4): whole stack ≥ 0.9× the bare server's requests/s at 16 connections in both
 * eras, p99 ≤ 50 ms (at saturation, and paced), RSS ≤ 250 MB under load, no errors. Exits 1 when
 * one is missed.
 */

export const MCP_TARGETS = { ratio: 0.9, p99Ms: 50, rssMb: 250 } as const;

export interface McpBenchOptions {
  /** A database (not a server) URL holding the seeded scale organization. */
  databaseUrl: string;
  /** Length of each timed run. */
  seconds: number;
  connections: number;
  /** How many times the whole matrix of runs is measured (each judged against the targets). */
  rounds: number;
  /** Seconds of CPU profile per era and profiled tool; 0 for none. */
  profileSeconds: number;
  /** The tools whose load is profiled (get_invoice by default). */
  profileTools: ToolName[];
  /** Profile the mcp-nest floor and the bare server too, under the same loads. */
  profileBaselines: boolean;
  /** LOG_LEVEL of the whole stack (its output goes to /dev/null). */
  logLevel: string;
  /** Where the profiles are written (kept); a temporary directory by default. */
  profileDir?: string;
  /** Node options of the whole stack's process only, e.g. a heap size (as NODE_OPTIONS would). */
  serviceNodeOptions: string[];
  /** Requests per second of the paced runs (latency below saturation); 0 for none. */
  pacedRate: number;
}

/**
 * The heap limit the Helm chart gives the service (values.yaml `heapLimitMb`, rendered into
 * NODE_OPTIONS): the bench measures the service as it is deployed.
 */
export const CHART_NODE_OPTIONS = ['--max-old-space-size=160'];

const ROLE_ENV = 'MCP_BENCH_ROLE';
const SETTINGS_ENV = 'MCP_BENCH_SETTINGS';
const LOAD_WORKER_ROLE = 'mcp-bench-load';
const BENCH_EMAIL = 'mcp-bench@initech.example';
const BENCH_PASSWORD = 'mcp bench correct horse battery';
const REDIRECT_URI = 'http://127.0.0.1:43919/callback';
/** Invoices fetched for get_invoice (random ids of the organization) and customers for the search. */
const INVOICE_SAMPLE = 1000;
const CUSTOMER_SAMPLE = 200;
const SEARCH_LIMIT = 25;
const WARMUP_MS = 3000;
const RSS_SAMPLE_MS = 200;

type Era = 'modern' | 'legacy';
type ToolName = 'get_invoice' | 'search_invoices';
const ERAS: readonly Era[] = ['modern', 'legacy'];
const TOOLS: readonly ToolName[] = ['get_invoice', 'search_invoices'];
const ERA_LABEL: Record<Era, string> = { modern: '2026-07-28', legacy: '2025-11-25' };

// ------------------------------------------------------------------------------------------------
// Load generator (runs in a worker thread)

interface RequestTemplate {
  /** Headers as the SDK client sent them (without host and content-length). */
  headers: Record<string, string>;
  /** The JSON-RPC request; `params.arguments` is replaced per request. */
  body: { jsonrpc: '2.0'; id: number | string; method: string; params: Record<string, unknown> };
}

interface LoadJob {
  url: string;
  headers: Record<string, string>;
  /** Pre-serialized request bodies, sent round-robin from a random start per connection. */
  bodies: string[];
  connections: number;
  durationMs: number;
  /**
   * Paced instead of closed-loop: this many requests per second in all, spread evenly over the
   * connections. Latency then counts from when a request was due, not from when it went out, so a
   * stalled server is charged for the requests it held back (no coordinated omission).
   */
  ratePerSecond?: number;
}

function post(agent: Agent, url: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; contentType: string; text: string }>((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.setTimeout(30_000, () => request.destroy(new Error('no answer within 30 s')));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * What counts as success: HTTP 200 carrying a JSON-RPC result that is not a tool error (a JSON
 * body, or one SSE `message` event, which is how the SDK's stateless 2025 fallback answers).
 * Checked on the text, not parsed: parsing a 10 kB answer per request would load the client.
 */
function failure(response: { status: number; text: string }): string | undefined {
  if (response.status !== 200) return `HTTP ${response.status} ${response.text.slice(0, 160)}`;
  if (!response.text.includes('"result":')) return `no result: ${response.text.slice(0, 160)}`;
  if (response.text.includes('"isError":true')) return `tool error: ${response.text.slice(0, 240)}`;
  return undefined;
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const latenciesMs: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + job.durationMs;
  try {
    await Promise.all(
      Array.from({ length: job.connections }, async (_, connection) => {
        let next = Math.floor(Math.random() * job.bodies.length);
        const intervalMs = job.ratePerSecond ? (job.connections * 1000) / job.ratePerSecond : 0;
        let due = started + (intervalMs * connection) / job.connections;
        while (performance.now() < deadline) {
          const body = job.bodies[next++ % job.bodies.length];
          if (intervalMs > 0) {
            const wait = due - performance.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            if (due >= deadline) break;
          }
          const sent = intervalMs > 0 ? due : performance.now();
          due += intervalMs;
          const problem = await post(agent, job.url, job.headers, body).then(failure, (error: unknown) =>
            String((error as Error).message),
          );
          if (problem === undefined) latenciesMs.push(performance.now() - sent);
          else {
            errors++;
            if (errorSamples.length < 3) errorSamples.push(problem);
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { latenciesMs, errors, errorSamples, elapsedMs: performance.now() - started };
}

type LoadGenerator = WorkerJobs<LoadJob, LoadResult>;

// ------------------------------------------------------------------------------------------------
// The two servers (child processes of the bench)

interface ServiceSettings {
  databaseUrl: string;
  port: number;
  logLevel: string;
}

interface BareSettings {
  port: number;
  fixturesFile: string;
}

type ControlMessage =
  | { kind: 'gc' }
  | { kind: 'profile-start' }
  | { kind: 'profile-stop'; file: string }
  | { kind: 'stats' }
  | { kind: 'stop' };

interface ProcessStats {
  memory: NodeJS.MemoryUsage;
  /** Event-loop utilization since the previous `stats` (the service's only JavaScript thread). */
  busy: number;
  /** Garbage-collection pauses since the previous `stats`. */
  gc: GcPauses;
}

interface GcPauses {
  /** Mark-compact collections (the ones that stop the thread longest). */
  major: number;
  /** Time the main thread spent paused in any collection, ms. */
  totalMs: number;
  /** The longest single pause, ms. */
  maxMs: number;
}

/** Sums the process's GC pauses (perf_hooks "gc" entries) until `take` reads and resets them. */
function watchGcPauses(): { take(): GcPauses } {
  let pauses: GcPauses = { major: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) pauses.major++;
      pauses.totalMs += entry.duration;
      pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  return {
    take() {
      const taken = pauses;
      pauses = { major: 0, totalMs: 0, maxMs: 0 };
      return taken;
    },
  };
}

/** Answers the orchestrator's control messages: stats, profiling, stop. */
function serveControl(stop: () => Promise<void>): void {
  let session: Session | undefined;
  let elu = performance.eventLoopUtilization();
  const gc = watchGcPauses();
  const post = <T>(method: string): Promise<T> =>
    new Promise((resolve, reject) =>
      session!.post(method, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  // The bench went away (killed, crashed): do not linger.
  process.once('disconnect', () => process.exit(0));
  process.on('message', (message: ControlMessage) => {
    void (async () => {
      switch (message.kind) {
        case 'stats': {
          const busy = performance.eventLoopUtilization(elu).utilization;
          elu = performance.eventLoopUtilization();
          process.send!({ kind: 'stats', memory: process.memoryUsage(), busy, gc: gc.take() });
          return;
        }
        case 'gc': {
          // A full collection, to tell retained memory from garbage not yet collected (bench only).
          setFlagsFromString('--expose-gc');
          (runInNewContext('gc') as () => void)();
          process.send!({ kind: 'gc', memory: process.memoryUsage() });
          return;
        }
        case 'profile-start':
          session = new Session();
          session.connect();
          await post('Profiler.enable');
          await post('Profiler.start');
          process.send!({ kind: 'profile-started' });
          return;
        case 'profile-stop': {
          const { profile } = await post<{ profile: unknown }>('Profiler.stop');
          session!.disconnect();
          session = undefined;
          writeFileSync(message.file, JSON.stringify(profile));
          process.send!({ kind: 'profile-stopped' });
          return;
        }
        case 'stop':
          await stop();
          process.exit(0);
      }
    })().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
}

async function serveWholeStack(settings: ServiceSettings): Promise<void> {
  const server = await startServer(
    AppConfig.fromValues({
      NODE_ENV: 'test',
      LOG_LEVEL: settings.logLevel,
      HOST: '127.0.0.1',
      PORT: String(settings.port),
      ADMIN_PORT: '0',
      PUBLIC_URL: `http://127.0.0.1:${settings.port}`,
      DATABASE_URL: settings.databaseUrl,
      MIGRATIONS_RUN: 'false',
      SEED_DEMO_DATA: 'false',
      // 16 connections of one grant make thousands of calls a minute; the limiter still runs.
      MCP_TOOL_CALLS_PER_MINUTE: '100000',
    }),
  );
  serveControl(() => server.stop());
  process.send!({ kind: 'ready', url: server.listeningUrl });
}

/**
 * The baseline: the SDK's own stateless serving entry on node:http, a fresh McpServer per request
 * (createMcpHandler requires one), both tools registered with the whole stack's definitions.
 */
async function serveBare(settings: BareSettings): Promise<void> {
  const fixtures = JSON.parse(readFileSync(settings.fixturesFile, 'utf8')) as Fixtures;
  const factory = (): McpServer => {
    const server = new McpServer(
      { name: 'bare-sdk-bench', version: '1.0.0' },
      { capabilities: { tools: {} } },
    );
    server.registerTool(
      GET_INVOICE_TOOL.name,
      {
        description: GET_INVOICE_TOOL.description,
        inputSchema: GET_INVOICE_TOOL.parameters,
        outputSchema: GET_INVOICE_TOOL.outputSchema,
        annotations: GET_INVOICE_TOOL.annotations,
      },
      (input) => fixtureInvoice(fixtures, input),
    );
    server.registerTool(
      SEARCH_INVOICES_TOOL.name,
      {
        description: SEARCH_INVOICES_TOOL.description,
        inputSchema: SEARCH_INVOICES_TOOL.parameters,
        outputSchema: SEARCH_INVOICES_TOOL.outputSchema,
        annotations: SEARCH_INVOICES_TOOL.annotations,
      },
      (input) => fixtureSearch(fixtures, input),
    );
    return server;
  };
  const handler = toNodeHandler(createMcpHandler(factory));
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/v1/mcp') void handler(request, response);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(settings.port, '127.0.0.1', resolve));
  serveControl(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  process.send!({ kind: 'ready', url: `http://127.0.0.1:${settings.port}` });
}

/** The framework floor (bench/support/mcp-nest-floor.ts), answering from the same fixtures. */
async function serveFloor(settings: BareSettings): Promise<void> {
  const fixtures = JSON.parse(readFileSync(settings.fixturesFile, 'utf8')) as Fixtures;
  const floor = await startMcpNestFloor(fixtures, settings.port);
  serveControl(() => floor.close());
  process.send!({ kind: 'ready', url: floor.url });
}

type ServerRole = 'service' | 'floor' | 'bare';

/** A child process running one of the servers, with its control channel. */
class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(
    role: ServerRole,
    settings: ServiceSettings | BareSettings,
    nodeOptions: string[] = [],
  ): Promise<ServerProcess> {
    const child = fork(__filename, [], {
      // Production code paths in libraries that look at NODE_ENV (Express among them).
      env: {
        ...process.env,
        NODE_ENV: 'production',
        [ROLE_ENV]: role,
        [SETTINGS_ENV]: JSON.stringify(settings),
      },
      // The service's log lines go to /dev/null: written and formatted, not shown.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: nodeOptions,
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (message: { kind: string; url: string }) => resolve(message.url));
      child.once('exit', (code) =>
        reject(new Error(`${role} server exited with code ${code} before it was ready`)),
      );
    });
    child.removeAllListeners('exit');
    return new ServerProcess(child, url);
  }

  get pid(): number {
    return this.child.pid!;
  }

  private ask<T>(message: ControlMessage, reply: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => {
        this.child.off('message', onMessage);
        reject(new Error(`server process exited with code ${code} while asked to ${message.kind}`));
      };
      const onMessage = (answer: { kind: string }) => {
        if (answer.kind !== reply) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(answer as T);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(message);
    });
  }

  /** Memory after a full garbage collection. */
  async collect(): Promise<NodeJS.MemoryUsage> {
    return (await this.ask<{ memory: NodeJS.MemoryUsage }>({ kind: 'gc' }, 'gc')).memory;
  }

  stats(): Promise<ProcessStats> {
    return this.ask<ProcessStats>({ kind: 'stats' }, 'stats');
  }

  async startProfile(): Promise<void> {
    await this.ask({ kind: 'profile-start' }, 'profile-started');
  }

  async stopProfile(file: string): Promise<void> {
    await this.ask({ kind: 'profile-stop', file }, 'profile-stopped');
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ kind: 'stop' } satisfies ControlMessage);
    const timeout = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timeout);
  }
}

/** Resident set size of a process, from /proc (Linux), in bytes; 0 when unreadable. */
function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system CPU time of a process (all its threads) so far, ms, from /proc; 0 when gone. */
function cpuMsOf(pid: number): number {
  try {
    // Fields after the ")" that ends the command name: state is the 3rd, utime the 14th, stime the 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * The PostgreSQL backends connected to the bench's database (the service's pool), to charge their
 * CPU to the requests. Needs the server on this machine (/proc); reports nothing otherwise.
 */
class DatabaseCpu {
  private constructor(private readonly client: Client) {}

  static async open(databaseUrl: string): Promise<DatabaseCpu | undefined> {
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(databaseUrl).hostname)) return undefined;
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    return new DatabaseCpu(client);
  }

  /** CPU ms so far of each backend connected to the database, this connection excepted. */
  async sample(): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    return new Map(rows.map(({ pid }) => [pid, cpuMsOf(pid)]));
  }

  /** CPU ms the backends used between two samples (a backend that appeared counts from zero). */
  static spent(before: Map<number, number>, after: Map<number, number>): number {
    let total = 0;
    for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
    return total;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** Samples a process's RSS until stopped; resolves with the largest value seen. */
function sampleRss(pid: number): { stop(): number } {
  let max = rssOf(pid);
  const timer = setInterval(() => (max = Math.max(max, rssOf(pid))), RSS_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, rssOf(pid));
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Figures

interface RunFigures {
  stats: LoadStats;
  /** Largest RSS of the server process during the run, bytes. */
  maxRss: number;
  busy: number;
  gc: GcPauses;
  heapUsed: number;
  load: number;
  /** CPU time of the server process (every thread) per answered request, ms. */
  cpuPerRequest: number;
  /** CPU time of the PostgreSQL backends serving it per answered request, ms (whole stack only). */
  dbCpuPerRequest?: number;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
const load1 = (): number => loadavg()[0];

// ------------------------------------------------------------------------------------------------
// Setup: organization, user, token, recorded requests, fixtures

interface ScaleData {
  orgId: string;
  invoiceCount: number;
  invoiceIds: string[];
  customerIds: string[];
}

/** The scale organization, a bench user in it, and samples of its invoices and customers. */
async function prepareDatabase(databaseUrl: string): Promise<ScaleData> {
  const database = await openDatabase(
    AppConfig.fromValues({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }),
  );
  try {
    const ds = database.dataSource;
    await runMigrations(ds);
    const [org] = await ds.query<{ id: string }[]>('SELECT id FROM organizations WHERE name = $1', [
      SCALE_ORGANIZATION.name,
    ]);
    if (!org) {
      throw new Error(
        `No "${SCALE_ORGANIZATION.name}" organization in ${new URL(databaseUrl).pathname.slice(1)}: seed it first with ` +
          `DATABASE_URL=${databaseUrl} node dist/src/cli/main.js seed --scale 1000000`,
      );
    }
    const identity = new IdentityService(ds, new PasswordHasher());
    if (await identity.findUserByEmail(BENCH_EMAIL)) await identity.setPassword(BENCH_EMAIL, BENCH_PASSWORD);
    else await identity.createUser({ email: BENCH_EMAIL, name: 'MCP Bench', password: BENCH_PASSWORD });
    await identity.addMembership(BENCH_EMAIL, org.id, 'manager');
    const [{ count }] = await ds.query<{ count: string }[]>(
      'SELECT count(*) AS count FROM invoices WHERE org_id = $1',
      [org.id],
    );
    // Random invoices of the whole history (a 1 % block sample, then a random pick).
    const invoices = await ds.query<{ id: string }[]>(
      `SELECT id FROM invoices TABLESAMPLE SYSTEM (2) WHERE org_id = $1 ORDER BY random() LIMIT ${INVOICE_SAMPLE}`,
      [org.id],
    );
    // Customers with overdue invoices: the realistic filter has something to find.
    const customers = await ds.query<{ id: string }[]>(
      `SELECT customer_id AS id FROM invoices
        WHERE org_id = $1 AND balance > 0 AND due_date < current_date
        GROUP BY customer_id ORDER BY random() LIMIT ${CUSTOMER_SAMPLE}`,
      [org.id],
    );
    return {
      orgId: org.id,
      invoiceCount: Number(count),
      invoiceIds: invoices.map((r) => r.id),
      customerIds: customers.map((r) => r.id),
    };
  } finally {
    await database.close();
  }
}

/** An access token by the real flow: DCR, authorize, login, consent, code exchange (PKCE). */
async function obtainAccessToken(baseUrl: string, orgId: string): Promise<string> {
  const resource = `${baseUrl}/v1/mcp`;
  const registration = await fetch(`${baseUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'mcp.bench',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  });
  if (!registration.ok) throw new Error(`/register answered HTTP ${registration.status}`);
  const { client_id: clientId } = (await registration.json()) as { client_id: string };
  const pkce = newPkce();
  const authorize = new URL('/authorize', baseUrl);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    state: 'mcp-bench',
    resource,
    scope: 'ar:read',
  }).toString();
  const callback = await signInAndApprove(new OAuthBrowser(baseUrl), authorize.toString(), {
    email: BENCH_EMAIL,
    password: BENCH_PASSWORD,
    orgId,
  });
  const token = await fetch(`${baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce.verifier,
      client_id: clientId,
      resource,
    }).toString(),
  });
  if (token.status !== 200) throw new Error(`code exchange answered HTTP ${token.status}`);
  return ((await token.json()) as { access_token: string }).access_token;
}

/**
 * The tools/call request the SDK v2 client sends in each era, recorded through its `fetch` option
 * while it calls get_invoice on the whole stack (which also checks that both eras work end to end).
 */
async function recordClientRequests(
  resource: string,
  token: string,
  invoiceId: string,
): Promise<Record<Era, RequestTemplate>> {
  const templates: Partial<Record<Era, RequestTemplate>> = {};
  for (const era of ERAS) {
    const recordingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const headers = new Headers(init?.headers);
      if (typeof init?.body === 'string' && init.method === 'POST') {
        const body = JSON.parse(init.body) as RequestTemplate['body'];
        if (body.method === 'tools/call') {
          const recorded: Record<string, string> = {};
          headers.forEach((value, name) => {
            if (name !== 'host' && name !== 'content-length') recorded[name] = value;
          });
          templates[era] = { headers: recorded, body };
        }
      }
      return fetch(input, init);
    };
    const client = new McpClient(
      { name: 'mcp-bench', version: '1.0.0' },
      era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(resource), {
        authProvider: { token: () => Promise.resolve(token) },
        fetch: recordingFetch,
      }),
    );
    try {
      const result = await client.callTool({ name: 'get_invoice', arguments: { invoiceId } });
      if (result.isError)
        throw new Error(`get_invoice failed in the ${era} era: ${JSON.stringify(result.content)}`);
    } finally {
      await client.close();
    }
    if (!templates[era]) throw new Error(`the SDK client sent no tools/call in the ${era} era`);
  }
  return templates as Record<Era, RequestTemplate>;
}

function argumentsFor(tool: ToolName, key: string, view?: 'full'): Record<string, unknown> {
  return tool === 'get_invoice'
    ? { invoiceId: key }
    : { overdueOnly: true, customerIds: [key], limit: SEARCH_LIMIT, ...(view ? { view } : {}) };
}

/** The template with other arguments (and the tool name, wherever the client mirrored it). */
function requestFor(template: RequestTemplate, tool: ToolName, args: Record<string, unknown>, id: number) {
  const headers = { ...template.headers };
  if (headers['mcp-name'] !== undefined) headers['mcp-name'] = tool;
  const body = { ...template.body, id, params: { ...template.body.params, name: tool, arguments: args } };
  return { headers, body: JSON.stringify(body) };
}

/** Fetches what the bare server will answer, through the whole stack (this also warms it up). */
async function fetchFixtures(url: string, template: RequestTemplate, data: ScaleData): Promise<Fixtures> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const fixtures: Fixtures = { invoices: {}, pages: {} };
  const call = async (tool: ToolName, key: string): Promise<Record<string, unknown>> => {
    const { headers, body } = requestFor(template, tool, argumentsFor(tool, key, 'full'), 1);
    const response = await post(agent, url, headers, body);
    const problem = failure(response);
    if (problem) throw new Error(`${tool} ${key}: ${problem}`);
    const json = response.contentType.includes('text/event-stream')
      ? response.text
          .split('\n')
          .find((l) => l.startsWith('data: '))!
          .slice(6)
      : response.text;
    return (JSON.parse(json) as { result: { structuredContent: Record<string, unknown> } }).result
      .structuredContent;
  };
  const work: (() => Promise<void>)[] = [
    ...data.invoiceIds.map((id) => async () => {
      fixtures.invoices[id] = (await call('get_invoice', id)).invoice as InvoiceDetail;
    }),
    ...data.customerIds.map((id) => async () => {
      fixtures.pages[id] = (await call('search_invoices', id)) as unknown as InvoicePage;
    }),
  ];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < work.length) await work[next++]();
    }),
  );
  agent.destroy();
  return fixtures;
}

// ------------------------------------------------------------------------------------------------
// The benchmark

interface Scenario {
  tool: ToolName;
  era: Era;
  label: string;
  headers: Record<string, string>;
  bodies: string[];
}

function scenarios(templates: Record<Era, RequestTemplate>, token: string, data: ScaleData): Scenario[] {
  const list: Scenario[] = [];
  for (const tool of TOOLS) {
    for (const era of ERAS) {
      const keys = tool === 'get_invoice' ? data.invoiceIds : data.customerIds;
      const requests = keys.map((key, i) => requestFor(templates[era], tool, argumentsFor(tool, key), i + 2));
      list.push({
        tool,
        era,
        label: `${tool === 'get_invoice' ? 'get_invoice' : `search_invoices overdue, 1 customer, ${SEARCH_LIMIT}`} (${ERA_LABEL[era]})`,
        headers: { ...requests[0].headers, authorization: `Bearer ${token}` },
        bodies: requests.map((r) => r.body),
      });
    }
  }
  return list;
}

async function measure(
  generator: LoadGenerator,
  server: ServerProcess,
  scenario: Scenario,
  options: McpBenchOptions,
  durationMs: number,
  database?: DatabaseCpu,
  ratePerSecond?: number,
): Promise<RunFigures> {
  const load = load1();
  await server.stats(); // resets the event-loop utilization window
  const dbBefore = await database?.sample();
  const cpuBefore = cpuMsOf(server.pid);
  const rss = sampleRss(server.pid);
  const result = await generator.run({
    url: `${server.url}/v1/mcp`,
    headers: scenario.headers,
    bodies: scenario.bodies,
    connections: options.connections,
    durationMs,
    ratePerSecond,
  });
  const maxRss = rss.stop();
  const cpu = cpuMsOf(server.pid) - cpuBefore;
  const dbAfter = await database?.sample();
  const after = await server.stats();
  const stats = loadStats(result);
  const answered = Math.max(1, stats.n + stats.errors);
  return {
    stats,
    maxRss,
    busy: after.busy,
    gc: after.gc,
    heapUsed: after.memory.heapUsed,
    load,
    cpuPerRequest: cpu / answered,
    dbCpuPerRequest: dbBefore && dbAfter ? DatabaseCpu.spent(dbBefore, dbAfter) / answered : undefined,
  };
}

/** One scenario's figures on each server. */
interface ServerFigures {
  whole: RunFigures;
  /** The framework floor: Nest + Express + mcp-nest answering from memory. */
  floor: RunFigures;
  bare: RunFigures;
}

interface ScenarioResult extends ServerFigures {
  round: number;
  scenario: Scenario;
  /** The same scenario paced at options.pacedRate (when not 0). */
  paced?: ServerFigures;
}

const SERVER_LABEL: Record<keyof ServerFigures, string> = {
  whole: 'whole stack',
  floor: 'mcp-nest floor',
  bare: 'bare SDK',
};
const SERVERS = Object.keys(SERVER_LABEL) as (keyof ServerFigures)[];

function printRound(round: number, results: ScenarioResult[], options: McpBenchOptions): void {
  console.log(
    `\nRound ${round}: tools/call at ${options.connections} connections, ${options.seconds} s per run; whole stack and mcp-nest floor vs bare SDK server (ms; busy = event-loop utilization of the server's main thread; CPU/req = CPU time of the server process, DB CPU/req = of the PostgreSQL backends serving it, per request; RSS MB = largest while loaded; load = 1-min load average at start)`,
  );
  printTable(
    [
      'scenario',
      'server',
      'req/s',
      'p50',
      'p95',
      'p99',
      'errors',
      'busy',
      'CPU/req',
      'DB CPU/req',
      'RSS MB',
      'heap MB',
      'load',
      'ratio',
    ],
    results.flatMap((result) =>
      serverRows(result.scenario.label, result, (f, server) => [
        ...latencyCells(f),
        ms(f.cpuPerRequest),
        ms(f.dbCpuPerRequest),
        mb(f.maxRss),
        mb(f.heapUsed),
        f.load.toFixed(2),
        server === 'bare' ? '' : `${(f.stats.perSecond / result.bare.stats.perSecond).toFixed(2)}×`,
      ]),
    ),
    2,
  );
  for (const result of results) {
    for (const server of SERVERS) {
      const { stats } = result[server];
      if (stats.errors > 0)
        console.log(
          `  ${result.scenario.label}, ${SERVER_LABEL[server]}: ${stats.errors} errors, e.g. ${stats.errorSamples.join(' | ')}`,
        );
    }
  }
}

/** A scenario's rows, one per server (whole stack first); `cells` gives each server's figures. */
function serverRows(
  label: string,
  figures: ServerFigures,
  cells: (f: RunFigures, server: keyof ServerFigures) => string[],
): string[][] {
  return SERVERS.map((server, i) => [
    i === 0 ? label : '',
    SERVER_LABEL[server],
    ...cells(figures[server], server),
  ]);
}

/** req/s, p50, p95, p99, errors and event-loop busy share of one run. */
function latencyCells(f: RunFigures): string[] {
  return [
    rate(f.stats.perSecond),
    ms(f.stats.p50),
    ms(f.stats.p95),
    ms(f.stats.p99),
    String(f.stats.errors),
    `${Math.round(f.busy * 100)}%`,
  ];
}

/** Latency below saturation: both servers paced at the same request rate. */
function printPaced(round: number, results: ScenarioResult[], options: McpBenchOptions): void {
  console.log(
    `\nRound ${round}, paced: ${options.pacedRate} requests/s over ${options.connections} connections, ${options.seconds} s per run (ms from when each request was due; GC ms = main-thread time paused in garbage collection during the run, longest GC = its longest single pause)`,
  );
  printTable(
    [
      'scenario',
      'server',
      'req/s',
      'p50',
      'p95',
      'p99',
      'errors',
      'busy',
      'RSS MB',
      'GC ms',
      'major GCs',
      'longest GC',
    ],
    results.flatMap(({ scenario, paced }) =>
      serverRows(scenario.label, paced!, (f) => [
        ...latencyCells(f),
        mb(f.maxRss),
        ms(f.gc.totalMs),
        String(f.gc.major),
        ms(f.gc.maxMs),
      ]),
    ),
    2,
  );
}

/** The database work of one call, measured alone. */
interface DatabaseWork {
  perSecond: number;
  /** CPU of this process (the pg driver, TypeORM, our query code) per call, ms. */
  nodeCpuPerCall: number;
  /** CPU of the PostgreSQL backends per call, ms. */
  dbCpuPerCall?: number;
}

/**
 * The database work of each tool's call, alone: the bearer-token check and the tool's query
 * through the service's own code (TokenValidator, InvoiceQueries) on a pool like the service's,
 * in this process at the bench's concurrency, without HTTP or MCP. It is what the whole stack must
 * do per call and the servers answering from memory skip.
 */
async function measureDatabaseWork(
  options: McpBenchOptions,
  data: ScaleData,
  token: string,
  serviceUrl: string,
  database?: DatabaseCpu,
): Promise<Record<ToolName, DatabaseWork>> {
  const config = AppConfig.fromValues({
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseUrl,
    // The token's audience is the service's resource.
    PUBLIC_URL: serviceUrl,
    LOG_LEVEL: 'silent',
  });
  const opened = await openDatabase(config);
  try {
    const ds = opened.dataSource;
    const validator = new TokenValidator(ds, config);
    const invoices = new InvoiceQueries(ds, new OrgSettingsReader(ds));
    const calls: Record<ToolName, (n: number) => Promise<unknown>> = {
      get_invoice: async (n) => {
        if (!(await validator.validate(token))) throw new Error('the bench token was refused');
        return invoices.getInvoice(data.orgId, data.invoiceIds[n % data.invoiceIds.length]);
      },
      search_invoices: async (n) => {
        if (!(await validator.validate(token))) throw new Error('the bench token was refused');
        const customerIds = [data.customerIds[n % data.customerIds.length]];
        return invoices.search(data.orgId, { overdueOnly: true, customerIds }, { limit: SEARCH_LIMIT });
      },
    };
    const run = async (call: (n: number) => Promise<unknown>, durationMs: number): Promise<DatabaseWork> => {
      let n = 0;
      const dbBefore = await database?.sample();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: options.connections }, async () => {
          while (performance.now() - started < durationMs) await call(n++);
        }),
      );
      const elapsed = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const dbAfter = await database?.sample();
      return {
        perSecond: (n / elapsed) * 1000,
        nodeCpuPerCall: (cpu.user + cpu.system) / 1000 / n,
        dbCpuPerCall: dbBefore && dbAfter ? DatabaseCpu.spent(dbBefore, dbAfter) / n : undefined,
      };
    };
    const work: Partial<Record<ToolName, DatabaseWork>> = {};
    for (const tool of TOOLS) {
      await run(calls[tool], WARMUP_MS);
      work[tool] = await run(calls[tool], options.seconds * 1000);
    }
    return work as Record<ToolName, DatabaseWork>;
  } finally {
    await opened.close();
  }
}

/**
 * The most the whole stack could answer if everything it adds to the framework floor cost nothing
 * but its database work: per call it needs at least the floor's CPU plus the database work's, on
 * the service's one JavaScript thread and on the machine's cores (shared with PostgreSQL; the load
 * generator's share is left out, so the bound is generous).
 */
function printDatabaseBound(
  work: Record<ToolName, DatabaseWork>,
  last: ScenarioResult[],
  connections: number,
): void {
  const cores = availableParallelism();
  console.log(
    `\nDatabase work alone (token check + the tool's query through the service's code, ${connections} concurrent, no HTTP or MCP), and the most the whole stack could answer on ${cores} cores if nothing else cost anything:`,
  );
  printTable(
    [
      'scenario',
      'DB work calls/s',
      'Node CPU/call',
      'PG CPU/call',
      'floor CPU/req',
      'thread limit req/s',
      'cores limit req/s',
      'bare req/s',
      'best ratio',
    ],
    last.map(({ scenario, floor, bare }) => {
      const db = work[scenario.tool];
      const threadLimit = 1000 / (floor.cpuPerRequest + db.nodeCpuPerCall);
      const coresLimit = (cores * 1000) / (floor.cpuPerRequest + db.nodeCpuPerCall + (db.dbCpuPerCall ?? 0));
      return [
        scenario.label,
        rate(db.perSecond),
        ms(db.nodeCpuPerCall),
        ms(db.dbCpuPerCall),
        ms(floor.cpuPerRequest),
        rate(threadLimit),
        rate(coresLimit),
        rate(bare.stats.perSecond),
        `${(Math.min(threadLimit, coresLimit) / bare.stats.perSecond).toFixed(2)}×`,
      ];
    }),
    1,
  );
}

/** Runs the benchmark; true when every target is met in every round. */
export async function runMcpBench(options: McpBenchOptions): Promise<boolean> {
  console.log(
    `Load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}; ${options.seconds} s per run, ${options.connections} connections, ${options.rounds} round(s).`,
  );
  const data = await prepareDatabase(options.databaseUrl);
  console.log(
    `${SCALE_ORGANIZATION.name}: ${data.invoiceCount.toLocaleString('en-US')} invoices; ${data.invoiceIds.length} random invoices for get_invoice, ${data.customerIds.length} customers with overdue invoices for search_invoices.`,
  );
  const workDir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const profileDir = options.profileDir ?? workDir;
  mkdirSync(profileDir, { recursive: true });
  const service = await ServerProcess.start(
    'service',
    { databaseUrl: options.databaseUrl, port: await freePort(), logLevel: options.logLevel },
    options.serviceNodeOptions,
  );
  let bare: ServerProcess | undefined;
  let floor: ServerProcess | undefined;
  const generator: LoadGenerator = new WorkerJobs(__filename, LOAD_WORKER_ROLE);
  const database = await DatabaseCpu.open(options.databaseUrl);
  try {
    const idle = await service.collect();
    console.log(
      `Whole stack${options.serviceNodeOptions.length ? ` (node ${options.serviceNodeOptions.join(' ')})` : ''} started: RSS ${mb(idle.rss)} MB, heap ${mb(idle.heapUsed)} MB used of ${mb(idle.heapTotal)} MB after a full GC.`,
    );
    const token = await obtainAccessToken(service.url, data.orgId);
    const templates = await recordClientRequests(`${service.url}/v1/mcp`, token, data.invoiceIds[0]);
    for (const era of ERAS) {
      const t = templates[era];
      console.log(
        `SDK v2 client, ${ERA_LABEL[era]} tools/call: headers ${Object.keys(t.headers)
          .filter((h) => h !== 'authorization')
          .map((h) => (h.startsWith('mcp-') ? `${h}: ${t.headers[h]}` : h))
          .join(', ')}; params keys ${Object.keys(t.body.params).join(', ')}${
          t.body.params._meta ? ` (_meta: ${Object.keys(t.body.params._meta).join(', ')})` : ''
        }`,
      );
    }
    const fixturesFile = join(workDir, 'fixtures.json');
    const fetchStarted = performance.now();
    const fixtures = await fetchFixtures(
      `${service.url}/v1/mcp`,
      { ...templates.legacy, headers: { ...templates.legacy.headers, authorization: `Bearer ${token}` } },
      data,
    );
    writeFileSync(fixturesFile, JSON.stringify(fixtures));
    console.log(
      `Fetched the bare server's answers through the whole stack in ${((performance.now() - fetchStarted) / 1000).toFixed(1)} s.`,
    );
    bare = await ServerProcess.start('bare', { port: await freePort(), fixturesFile });
    floor = await ServerProcess.start('floor', { port: await freePort(), fixturesFile });
    const list = scenarios(templates, token, data);

    // Warm-up (JIT, pool connections, caches): every scenario on every server, not reported.
    for (const scenario of list) {
      for (const server of [bare, floor, service])
        await measure(generator, server, scenario, options, WARMUP_MS);
    }

    const results: ScenarioResult[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const roundResults: ScenarioResult[] = [];
      // Bare, floor, then whole, back to back, so all three see the same machine.
      const measureAll = async (scenario: Scenario, ratePerSecond?: number): Promise<ServerFigures> => {
        const run = (server: ServerProcess, db?: DatabaseCpu) =>
          measure(generator, server, scenario, options, options.seconds * 1000, db, ratePerSecond);
        const bareFigures = await run(bare!);
        const floorFigures = await run(floor!);
        return { bare: bareFigures, floor: floorFigures, whole: await run(service, database) };
      };
      for (const scenario of list) roundResults.push({ round, scenario, ...(await measureAll(scenario)) });
      printRound(round, roundResults, options);
      if (options.pacedRate > 0) {
        for (const result of roundResults)
          result.paced = await measureAll(result.scenario, options.pacedRate);
        printPaced(round, roundResults, options);
      }
      results.push(...roundResults);
    }

    // ---- what the database part alone costs, and what that leaves possible
    printDatabaseBound(
      await measureDatabaseWork(options, data, token, service.url, database),
      results.filter((r) => r.round === options.rounds),
      options.connections,
    );

    // ---- CPU profile of the whole stack under get_invoice load (and whatever else was asked for)
    if (options.profileSeconds > 0) {
      const processes: Record<keyof ServerFigures, ServerProcess> = { whole: service, floor, bare };
      const profiled = options.profileBaselines ? SERVERS : (['whole'] as const);
      for (const [tool, era] of options.profileTools.flatMap((t) => ERAS.map((e) => [t, e] as const))) {
        for (const which of profiled) {
          const server = processes[which];
          const scenario = list.find((s) => s.tool === tool && s.era === era)!;
          const file = join(profileDir, `mcp-bench-${which}-${tool}-${era}-${process.pid}.cpuprofile`);
          const retainedBefore = await server.collect();
          const before = await server.stats();
          await server.startProfile();
          const figures = await measure(
            generator,
            server,
            scenario,
            options,
            options.profileSeconds * 1000,
            which === 'whole' ? database : undefined,
          );
          await server.stopProfile(file);
          const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
          printProfile(
            `${SERVER_LABEL[which]}, ${tool} ${ERA_LABEL[era]}, ${options.profileSeconds} s (${rate(figures.stats.perSecond)} req/s under the profiler; CPU per request: server process ${ms(figures.cpuPerRequest)} ms, PostgreSQL ${figures.dbCpuPerRequest === undefined ? '—' : ms(figures.dbCpuPerRequest)} ms)`,
            summary,
            figures.busy * options.profileSeconds * 1000,
            figures.stats.n,
          );
          const after = await server.stats();
          const retainedAfter = await server.collect();
          console.log(
            `Memory: RSS ${mb(before.memory.rss)} → ${mb(after.memory.rss)} MB (max ${mb(figures.maxRss)}), heap used ${mb(before.memory.heapUsed)} → ${mb(after.memory.heapUsed)} MB of ${mb(after.memory.heapTotal)}; after a full GC heap used ${mb(retainedBefore.heapUsed)} MB before the run, ${mb(retainedAfter.heapUsed)} MB after it (RSS ${mb(retainedAfter.rss)} MB). Profile: ${file}`,
          );
        }
      }
    }

    // ---- targets
    const rows = results.flatMap(({ round, scenario, whole, bare: b, paced }) => {
      const ratio = whole.stats.perSecond / b.stats.perSecond;
      const at = `${scenario.label}, round ${round}`;
      return [
        {
          target: `${at}: whole ≥ ${MCP_TARGETS.ratio}× bare req/s`,
          measured: `${ratio.toFixed(2)}× (${rate(whole.stats.perSecond)} vs ${rate(b.stats.perSecond)})`,
          pass: ratio >= MCP_TARGETS.ratio,
        },
        {
          target: `${at}: p99 ≤ ${MCP_TARGETS.p99Ms} ms`,
          measured: `${ms(whole.stats.p99)} ms`,
          pass: whole.stats.p99 <= MCP_TARGETS.p99Ms,
        },
        {
          target: `${at}: RSS ≤ ${MCP_TARGETS.rssMb} MB`,
          measured: `${mb(whole.maxRss)} MB`,
          pass: whole.maxRss <= MCP_TARGETS.rssMb * 1024 * 1024,
        },
        {
          target: `${at}: no errors`,
          measured: `${whole.stats.errors} + ${b.stats.errors}`,
          pass: whole.stats.errors === 0 && b.stats.errors === 0,
        },
        ...(paced
          ? [
              {
                target: `${at}: p99 ≤ ${MCP_TARGETS.p99Ms} ms paced at ${options.pacedRate} req/s`,
                measured: `${ms(paced.whole.stats.p99)} ms (bare ${ms(paced.bare.stats.p99)})`,
                pass: paced.whole.stats.p99 <= MCP_TARGETS.p99Ms && paced.whole.stats.errors === 0,
              },
            ]
          : []),
      ];
    });
    return printTargets('MCP', rows);
  } finally {
    await generator.close();
    await database?.close();
    await bare?.stop();
    await floor?.stop();
    await service.stop();
    rmSync(join(workDir, 'fixtures.json'), { force: true });
    if (!options.profileDir && options.profileSeconds === 0)
      rmSync(workDir, { recursive: true, force: true });
  }
}

/** The database `queries.bench` seeds and keeps on a server: what `npm run bench` measures here. */
export function benchDatabaseUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

export function parseMcpBenchArguments(argv: string[]): Omit<McpBenchOptions, 'databaseUrl'> {
  const options: Omit<McpBenchOptions, 'databaseUrl'> = {
    seconds: 10,
    connections: 16,
    rounds: 1,
    profileSeconds: 10,
    profileTools: ['get_invoice'],
    profileBaselines: false,
    logLevel: 'info',
    serviceNodeOptions: CHART_NODE_OPTIONS,
    pacedRate: 100,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--seconds':
        options.seconds = Number(value);
        i++;
        break;
      case '--connections':
        options.connections = Number(value);
        i++;
        break;
      case '--rounds':
        options.rounds = Number(value);
        i++;
        break;
      case '--profile-seconds':
        options.profileSeconds = Number(value);
        i++;
        break;
      case '--profile-tools':
        options.profileTools = value.split(',').map((tool) => {
          if (!TOOLS.includes(tool as ToolName)) throw new Error(`--profile-tools: unknown tool ${tool}.`);
          return tool as ToolName;
        });
        i++;
        break;
      case '--profile-baselines':
        options.profileBaselines = true;
        break;
      case '--service-node-options':
        options.serviceNodeOptions = value.split(' ').filter((o) => o !== '');
        i++;
        break;
      case '--paced-rate':
        options.pacedRate = Number(value);
        i++;
        break;
      case '--profile-dir':
        options.profileDir = value;
        i++;
        break;
      case '--log-level':
        options.logLevel = value;
        i++;
        break;
      default:
        throw new Error(
          `Unknown argument ${argv[i]}; use --seconds N, --connections N, --rounds N, --profile-seconds N (0: none), --profile-tools get_invoice,search_invoices, --profile-baselines, --profile-dir DIR, --log-level LEVEL, --paced-rate N (0: none), --service-node-options "--max-old-space-size=…" (default: the chart's, ${CHART_NODE_OPTIONS.join(' ')}).`,
        );
    }
  }
  if (!(options.pacedRate >= 0)) throw new Error(`--paced-rate must be 0 or more; got ${options.pacedRate}.`);
  for (const key of ['seconds', 'connections', 'rounds'] as const) {
    if (!(options[key] > 0)) throw new Error(`--${key} must be a positive number; got ${options[key]}.`);
  }
  return options;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--analyze') {
    // node dist/bench/mcp.bench.js --analyze FILE.cpuprofile…: the summary of profiles written before.
    for (const file of process.argv.slice(3)) {
      printProfile(file, summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile));
    }
    return;
  }
  const options = parseMcpBenchArguments(process.argv.slice(2));
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    throw new Error(
      'Set DATABASE_URL to a database holding the scale organization, e.g. postgres://postgres@127.0.0.1:55432/perf_1m ' +
        '(seeded once with `node dist/src/cli/main.js seed --scale 1000000`).',
    );
  }
  process.exitCode = (await runMcpBench({ ...options, databaseUrl })) ? 0 : 1;
}

const role = process.env[ROLE_ENV];
if (isJobWorker(LOAD_WORKER_ROLE)) {
  // This same file, loaded again as the load generator's worker thread.
  serveJobs(runLoad);
} else if (role === 'service' || role === 'floor' || role === 'bare') {
  // This same file, forked as one of the three servers.
  const settings = JSON.parse(process.env[SETTINGS_ENV] ?? '{}') as ServiceSettings & BareSettings;
  const serve = { service: serveWholeStack, floor: serveFloor, bare: serveBare }[role];
  serve(settings).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
