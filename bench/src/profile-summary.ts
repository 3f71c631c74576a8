// Summarizes V8 CPU profiles written by `node --cpu-prof` (the benchmarks' `--profile` option):
// top functions by self time and by total time, and self time by package.
//
//   node bench/dist/src/profile-summary.js <file.cpuprofile | directory>… [--top 25] [--json]
//
// Self time of a function is the sampled time its own code ran; total time includes what it called.
// (program), (idle) and (garbage collector) are V8's own buckets.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  function: string;
  location: string;
  selfMs: number;
  selfPct: number;
  totalMs: number;
  totalPct: number;
}

export interface ProfileSummary {
  file: string;
  durationMs: number;
  /** Sampled time outside (idle): what the process spent working. */
  busyMs: number;
  top: FunctionTime[];
  topTotal: FunctionTime[];
  byPackage: Array<{ package: string; selfMs: number; selfPct: number }>;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');

function shortUrl(url: string): string {
  if (!url) return '';
  const file = url.replace(/^file:\/\//, '');
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

/** The package a frame belongs to: a workspace package, a dependency, node itself or V8. */
export function packageOf(frame: CallFrame): string {
  const url = shortUrl(frame.url);
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node (core)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const ws = /^((?:packages|plugins|examples)\/[^/]+|framework|bench)\//.exec(url);
  return ws ? ws[1] : url;
}

function keyOf(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'}\u0000${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

export function summarize(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const pkg = new Map<string, number>();
  let busy = 0;
  let sampled = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    sampled += dt;
    const frame = node.callFrame;
    if (frame.functionName !== '(idle)') busy += dt;
    const k = keyOf(frame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const p = packageOf(frame);
    pkg.set(p, (pkg.get(p) ?? 0) + dt);
    // Total time: every distinct function on the sample's stack, once (recursion counted once).
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      const fk = keyOf(f);
      if (seen.has(fk)) continue;
      seen.add(fk);
      total.set(fk, (total.get(fk) ?? 0) + dt);
    }
  }
  const pct = (ms: number): number => Math.round((1000 * ms) / Math.max(busy, 1e-9)) / 10;
  const row = (k: string): FunctionTime => {
    const [fn, location] = k.split('\u0000');
    const s = self.get(k) ?? 0;
    const t = total.get(k) ?? 0;
    return {
      function: fn,
      location,
      selfMs: Math.round(s),
      selfPct: pct(s),
      totalMs: Math.round(t),
      totalPct: pct(t),
    };
  };
  const notIdle = (k: string): boolean => !k.startsWith('(idle)') && !k.startsWith('(root)');
  return {
    file,
    durationMs: Math.round(sampled),
    busyMs: Math.round(busy),
    top: [...self.keys()]
      .filter(notIdle)
      .sort((a, b) => self.get(b)! - self.get(a)!)
      .slice(0, top)
      .map(row),
    topTotal: [...total.keys()]
      .filter(notIdle)
      .filter((k) => !k.startsWith('(program)'))
      .sort((a, b) => total.get(b)! - total.get(a)!)
      .slice(0, top)
      .map(row),
    byPackage: [...pkg.entries()]
      .filter(([p]) => p !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([p, ms]) => ({ package: p, selfMs: Math.round(ms), selfPct: pct(ms) })),
  };
}

function files(inputs: string[]): string[] {
  return inputs.flatMap((input) =>
    statSync(input).isDirectory()
      ? readdirSync(input)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => path.join(input, f))
      : [input],
  );
}

function print(s: ProfileSummary): void {
  console.log(`\n${shortUrl(s.file)}: ${s.durationMs} ms sampled, ${s.busyMs} ms busy (not idle)`);
  console.log('\n  self ms  self %  total %  function (location)');
  for (const r of s.top)
    console.log(
      `  ${String(r.selfMs).padStart(7)}  ${r.selfPct.toFixed(1).padStart(6)}  ${r.totalPct.toFixed(1).padStart(7)}  ${r.function} (${r.location})`,
    );
  console.log('\n  total %  function (location)');
  for (const r of s.topTotal.slice(0, 15))
    console.log(`  ${r.totalPct.toFixed(1).padStart(7)}  ${r.function} (${r.location})`);
  console.log('\n  self ms  self %  package');
  for (const p of s.byPackage.slice(0, 15))
    console.log(`  ${String(p.selfMs).padStart(7)}  ${p.selfPct.toFixed(1).padStart(6)}  ${p.package}`);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const topIndex = argv.indexOf('--top');
  const top = topIndex >= 0 ? Number(argv[topIndex + 1]) : 25;
  const json = argv.includes('--json');
  const inputs = argv.filter((a, i) => !a.startsWith('--') && (topIndex < 0 || i !== topIndex + 1));
  if (inputs.length === 0) {
    console.error(
      'usage: node bench/dist/src/profile-summary.js <file.cpuprofile | dir>… [--top N] [--json]',
    );
    process.exit(2);
  }
  const summaries = files(inputs).map((f) => summarize(f, top));
  if (json) console.log(JSON.stringify(summaries, null, 2));
  else summaries.forEach(print);
}
