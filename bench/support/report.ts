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
