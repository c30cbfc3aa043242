import { loadavg } from 'node:os';

/** A fixed-width table on stdout; the first `leftColumns` columns are left-aligned, the rest right. */
export function printTable(headers: string[], rows: string[][], leftColumns = 1): void {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  rows.forEach((row) => console.log(line(row)));
}

export interface TargetRow {
  target: string;
  measured: string;
  pass: boolean;
}

/** The table of targets, the load average the run ended on, and a verdict; true when all passed. */
export function printTargets(subject: string, rows: TargetRow[]): boolean {
  console.log('\nTargets:');
  printTable(
    ['target', 'measured', 'result'],
    rows.map((r) => [r.target, r.measured, r.pass ? 'PASS' : 'FAIL']),
  );
  console.log(
    `Load average at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.`,
  );
  const failed = rows.filter((r) => !r.pass).length;
  console.log(failed === 0 ? `All ${subject} targets met.` : `${failed} ${subject} target(s) missed.`);
  return failed === 0;
}

/** Nearest-rank percentile of sorted values: with 10 samples p95 is the slowest, with 100 the 95th. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface LatencyStats {
  n: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Throughput and percentiles of the latencies of a run that lasted `elapsedMs`. */
export function latencyStats(latenciesMs: number[], elapsedMs: number): LatencyStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    n: sorted.length,
    perSecond: sorted.length / (elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** What a load run measured, as both HTTP benches collect it in their worker. */
export interface LoadResult {
  latenciesMs: number[];
  errors: number;
  /** The first few failures, to say what went wrong. */
  errorSamples: string[];
  elapsedMs: number;
}

export interface LoadStats extends LatencyStats {
  errors: number;
  errorSamples: string[];
}

export function loadStats(result: LoadResult): LoadStats {
  return {
    ...latencyStats(result.latenciesMs, result.elapsedMs),
    errors: result.errors,
    errorSamples: result.errorSamples,
  };
}

/** Milliseconds as the tables print them; — when not measured. */
export const ms = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '—' : value >= 100 ? value.toFixed(0) : value.toFixed(1);

/** Three significant figures at most. */
export const rate = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
