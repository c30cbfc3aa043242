import { printTable, rate } from './report';

/**
 * A V8 CPU profile (inspector `Profiler.stop`) summed for reading: by component (V8 and
 * Node-internal time charged to the JavaScript that called it), by code owner (self time) and the
 * hottest functions. `node dist/bench/mcp.bench.js --analyze FILE.cpuprofile` prints one.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package, a directory of ours, node internals, or V8. */
function ownerOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : 'V8 builtins (JSON, RegExp, …)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scopeOrName, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  if (url.startsWith('node:')) return 'node internals (http, streams, net, …)';
  const ours = /\/dist\/(src|bench|test)\/(.*?)\/?[^/]*\.js$/.exec(url);
  if (ours) return `ours: ${ours[1]}/${ours[2].split('/').slice(0, 2).join('/')}`;
  return url;
}

/** The part of the request path a package (or a directory of ours) belongs to. */
const COMPONENTS: [component: string, owners: RegExp][] = [
  ['garbage collection', /^\(garbage collector\)$/],
  [
    'Express, router, body parsing',
    /^(express|router|body-parser|raw-body|iconv-lite|content-type|type-is|on-finished|finalhandler|parseurl|qs|media-typer|mime-types|statuses|http-errors|depd|ee-first|@nestjs\/platform-express)$/,
  ],
  ['helmet', /^helmet$/],
  [
    'logging: pino-http access line, ToolCalls line, redaction',
    /^(pino-http|pino|nestjs-pino|@pinojs\/.*|sonic-boom|pino-std-serializers|fast-redact|safe-stable-stringify|quick-format-unescaped|ours: src\/observability)$/,
  ],
  [
    'Nest: routing, guards, interceptors, RPC pipeline',
    /^(@nestjs\/(core|common|microservices)|rxjs|reflect-metadata)$/,
  ],
  [
    'bearer auth: passport + TokenValidator',
    /^(passport|passport-http-bearer|passport-strategy|@nestjs\/passport|ours: src\/oauth\/.*)$/,
  ],
  ['mcp-nest transport + strategy', /^@rekog\/mcp-nest$/],
  ['MCP SDK (incl. Node ⇄ web Request/Response)', /^(@modelcontextprotocol\/.*|@hono\/node-server)$/],
  ['zod (SDK message schemas, tool input)', /^zod$/],
  ['ours: src/mcp/tools (result rendering)', /^ours: src\/mcp\/tools/],
  ['ours: src/mcp (guards, interceptor, filter)', /^ours: src\/mcp/],
  ['ours: src/receivables (queries)', /^ours: src\/receivables/],
  [
    'pg driver',
    /^(pg|pg-protocol|pg-pool|pg-types|postgres-(array|date|bytea|interval)|pg-int8|ours: src\/database.*)$/,
  ],
  ['TypeORM', /^typeorm$/],
];

/** Owners whose time is charged to the JavaScript that called them. */
const NATIVE_OWNERS = new Set(['V8 builtins (JSON, RegExp, …)', 'node internals (http, streams, net, …)']);

function componentOf(owner: string): string {
  return COMPONENTS.find(([, owners]) => owners.test(owner))?.[0] ?? owner;
}

interface ProfileSummary {
  /** Samples taken while the thread ran JavaScript, GC or V8 (not idle). */
  busySamples: number;
  /** Each entry: [name, share of the busy samples]. */
  owners: [string, number][];
  functions: [string, number][];
  /** Every busy sample once: native and Node-internal time charged to the JavaScript above it. */
  components: [string, number][];
}

/**
 * Shares of the busy samples. Sample counts rather than the profile's time deltas: on a shared
 * machine a descheduled process shows up as long gaps between samples, which time deltas would
 * charge to whichever frame happened to be sampled next to them.
 */
export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  const components = new Map<string, number>();
  let busySamples = 0;
  for (const [id, count] of hits) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busySamples += count;
    const owner = ownerOf(frame);
    owners.set(owner, (owners.get(owner) ?? 0) + count);
    const name = `${frame.functionName || '(anonymous)'}  ${owner}`;
    functions.set(name, (functions.get(name) ?? 0) + count);
    // The first frame up the stack that is not V8 or Node internals says whose work this was.
    let charged = owner;
    for (
      let at: number | undefined = id;
      at !== undefined && NATIVE_OWNERS.has(charged);
      at = parent.get(at)
    ) {
      const candidate = ownerOf(byId.get(at)!.callFrame);
      if (!NATIVE_OWNERS.has(candidate) && candidate !== '(root)') charged = candidate;
    }
    const component = NATIVE_OWNERS.has(charged)
      ? 'Node HTTP server and sockets (no JavaScript caller)'
      : componentOf(charged);
    components.set(component, (components.get(component) ?? 0) + count);
  }
  const shares = (m: Map<string, number>) =>
    [...m].map(([k, v]) => [k, v / Math.max(1, busySamples)] as [string, number]).sort((a, b) => b[1] - a[1]);
  return {
    busySamples,
    owners: shares(owners),
    functions: shares(functions),
    components: shares(components),
  };
}

/**
 * `busyMs`: the thread's busy time during the profile (event-loop utilization × duration); with the
 * number of requests served meanwhile it turns shares into CPU per request. Without them (a profile
 * analysed afterwards) only shares are printed.
 */
export function printProfile(
  label: string,
  summary: ProfileSummary,
  busyMs?: number,
  requests?: number,
): void {
  const perRequestUs = busyMs !== undefined && requests ? (1000 * busyMs) / requests : undefined;
  const pct = (share: number): string => `${(100 * share).toFixed(1)}%`;
  const us = (share: number): string =>
    perRequestUs === undefined ? '—' : `${(share * perRequestUs).toFixed(0)} µs`;
  console.log(
    perRequestUs === undefined
      ? `\nCPU profile ${label}: ${summary.busySamples} busy samples.`
      : `\nCPU profile of the server's main thread, ${label}: ${requests} requests, main thread busy ${rate(busyMs!)} ms = ${perRequestUs.toFixed(0)} µs per request; ${summary.busySamples} busy samples.`,
  );
  console.log(
    'By component (V8 and Node-internal time charged to the JavaScript that called it; sums to 100 %):',
  );
  printTable(
    ['component', 'share', 'per request'],
    summary.components.map(([component, v]) => [component, pct(v), us(v)]),
  );
  console.log('By code owner (self time):');
  printTable(
    ['owner', 'share', 'per request'],
    summary.owners.slice(0, 12).map(([owner, v]) => [owner, pct(v), us(v)]),
  );
  console.log('Hottest functions (self time):');
  printTable(
    ['function  owner', 'share', 'per request'],
    summary.functions.slice(0, 25).map(([name, v]) => [name, pct(v), us(v)]),
  );
}
