// Option parsing and table printing shared by the scenarios.
import type { BenchArgs } from './types';

export function int(args: BenchArgs, name: string, fallback: number, min = 0): number {
  const raw = args[name];
  const n = raw === undefined ? fallback : Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} expects an integer >= ${min}, got ${raw}`);
  return n;
}

export function list(args: BenchArgs, name: string, fallback: string[]): string[] {
  const raw = args[name];
  return raw === undefined
    ? fallback
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** `--node-args=…` for a worker process, split on spaces. */
export function nodeArgsOf(args: BenchArgs): string[] {
  return (args['node-args'] ?? '').split(' ').filter(Boolean);
}

export function flag(args: BenchArgs, name: string): boolean {
  return args[name] !== undefined && args[name] !== 'false';
}

/** Prints rows as an aligned text table (numbers right-aligned). */
export function printTable(rows: Array<Record<string, unknown>>): void {
  if (rows.length === 0) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): string =>
    v === undefined || v === null ? '-' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[], numeric: boolean[]): string =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ');
  console.log(
    line(
      cols,
      cols.map(() => false),
    ),
  );
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows)
    console.log(
      line(
        cols.map((c) => cell(r[c])),
        cols.map((c) => typeof r[c] === 'number'),
      ),
    );
}
