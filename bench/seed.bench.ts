import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { AppConfig } from '../src/config/app-config.service';
import { createDataSource } from '../src/database/data-source';
import { runMigrations } from '../src/database/migrator';
import { describeDemoLogins } from '../src/demo-data/demo-logins';
import { DEFAULT_DEMO_SEED, seedDemoData } from '../src/demo-data/demo-data.seeder';
import type { DemoDataSummary } from '../src/demo-data/demo-data.seeder';
import { onBenchServer } from './support/postgres';

/**
 * How long demo seeding takes against a real PostgreSQL (a script, not a timed test):
 *
 *   node dist/bench/seed.bench.js [--scale 1000000] [--seed 42] [--today 2026-03-15]
 *
 * Seeds the default demo books and prints the time, then with --scale adds the scale organization
 * and prints its time and rows per second. With DATABASE_URL set it creates a fresh database
 * `seed_bench_<pid>` on that server (and drops it afterwards); otherwise it starts a throw-away
 * PostgreSQL of its own.
 */
export interface SeedBenchArguments {
  scale?: number;
  seed: number;
  today?: string;
}

export function parseSeedBenchArguments(argv: string[]): SeedBenchArguments {
  const args: SeedBenchArguments = { seed: DEFAULT_DEMO_SEED };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--scale':
        args.scale = Number(value.replace(/_/g, ''));
        i++;
        break;
      case '--seed':
        args.seed = Number(value);
        i++;
        break;
      case '--today':
        args.today = value;
        i++;
        break;
      default:
        throw new Error(`Unknown argument ${argv[i]}; use --scale N, --seed S, --today YYYY-MM-DD.`);
    }
  }
  return args;
}

function report(label: string, summary: DemoDataSummary, elapsedMs: number): void {
  const rows = Object.values(summary.counts).reduce((a, b) => a + b, 0);
  const seconds = elapsedMs / 1000;
  console.log(
    `\n${label}: ${seconds.toFixed(1)} s, ${rows.toLocaleString('en-US')} rows, ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`,
  );
  for (const [table, count] of Object.entries(summary.counts)) {
    if (count > 0) console.log(`  ${table.padEnd(22)} ${count.toLocaleString('en-US').padStart(11)}`);
  }
  for (const org of summary.organizations.filter((o) => o.created)) {
    const open = Object.entries(org.openByBucket ?? {});
    const total = open.reduce((sum, [, v]) => sum + v, 0);
    console.log(
      `  ${org.name}: open AR by bucket ${open.map(([k, v]) => `${k} ${((100 * v) / total).toFixed(0)}%`).join(', ')}`,
    );
  }
}

/** The 30-second budget of the issue for seeding the default demo books. */
export const DEMO_SEED_TARGET_MS = 30_000;

/**
 * Seeds a fresh database `seed_bench_<pid>` on `serverUrl` (dropped afterwards), prints the
 * figures and returns the default demo books' seeding time.
 */
export async function runSeedBench(
  args: SeedBenchArguments,
  serverUrl: string,
): Promise<{ demoSeedMs: number }> {
  const database = `seed_bench_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const dataSource = createDataSource(
    AppConfig.fromValues({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: url.toString() }),
    url.toString(),
  );
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const log = (message: string): void => console.log(`  ${message}`);

    let started = performance.now();
    const demo = await seedDemoData(dataSource, { seed: args.seed, today: args.today, log });
    const demoSeedMs = performance.now() - started;
    report('Default demo data', demo, demoSeedMs);
    console.log(
      `  target ≤ ${DEMO_SEED_TARGET_MS / 1000} s: ${demoSeedMs <= DEMO_SEED_TARGET_MS ? 'PASS' : 'FAIL'}`,
    );
    console.log(describeDemoLogins().join('\n'));

    if (args.scale !== undefined) {
      started = performance.now();
      const scale = await seedDemoData(dataSource, {
        seed: args.seed,
        today: args.today,
        scale: { invoices: args.scale },
        log,
      });
      const elapsed = performance.now() - started;
      report(`Scale organization (${args.scale.toLocaleString('en-US')} invoices)`, scale, elapsed);
      console.log(`  ${Math.round(args.scale / (elapsed / 1000)).toLocaleString('en-US')} invoices/s`);
      console.log(`  peak resident memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
    }
    return { demoSeedMs };
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const args = parseSeedBenchArguments(process.argv.slice(2));
  await onBenchServer(async (serverUrl) => {
    const { demoSeedMs } = await runSeedBench(args, serverUrl);
    return demoSeedMs <= DEMO_SEED_TARGET_MS;
  });
}

// Run as a script; bench/run-benchmarks.ts imports runSeedBench instead.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
