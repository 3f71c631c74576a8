// Child processes of a benchmark: the Cloud One simulator, redis-server and the measured host worker.
// On a 2-core machine the simulator must not share the host's process (or its event loop): each runs
// in its own process, and each process's CPU and peak RSS are read from /proc separately.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { procStats, type ProcStats } from './proc';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const SIMULATOR_BIN = path.join(ROOT, 'packages', 'cloudone-simulator', 'bin', 'cloudone-simulator.js');
export const PLUGIN_DIR = path.join(ROOT, 'plugins', 'trendmicro-cloudone');

/** Resolves with the first stdout line of `child` parsed as JSON; rejects if it exits first. */
export function firstJsonLine<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      reject(new Error(`${what} exited (code ${code}, signal ${signal}) before reporting`));
    child.once('exit', onExit);
    // Lines that are not JSON objects (e.g. `--trace-gc` output) are passed through to stderr.
    const onLine = (line: string): void => {
      if (!line.startsWith('{')) {
        process.stderr.write(`${line}\n`);
        return;
      }
      lines.off('line', onLine);
      child.off('exit', onExit);
      // Keep draining stdout so the child never blocks on a full pipe.
      lines.on('line', (rest) => process.stderr.write(`${rest}\n`));
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${what} printed ${line}`));
      }
    };
    lines.on('line', onLine);
  });
}

export function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** Where `--cpu-prof` writes: bench/results/profiles/<label> (git-ignored). */
function profileDir(label: string): string {
  const dir = path.join(RESULTS_DIR, 'profiles', label);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface SimulatorChild {
  baseUrl: string;
  apiKey: string;
  pid: number;
  stats(): ProcStats | undefined;
  stop(): Promise<ProcStats | undefined>;
}

export interface SimulatorChildOptions {
  computers: number;
  seed?: string;
  /** Write a CPU profile of the simulator under bench/results/profiles/<label>. */
  profile?: string;
  extraArgs?: string[];
}

/** Starts the simulator in its own process (rate limit off: the benchmark measures throughput). */
export async function startSimulatorChild(options: SimulatorChildOptions): Promise<SimulatorChild> {
  const nodeArgs = options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir(options.profile)] : [];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      SIMULATOR_BIN,
      '--computers',
      String(options.computers),
      '--port',
      '0',
      '--seed',
      options.seed ?? '1',
      '--rate-limit',
      '0',
      '--json',
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const info = await firstJsonLine<{ baseUrl: string; apiKey: string }>(child, 'the simulator');
  return {
    ...info,
    pid: child.pid!,
    stats: () => procStats(child.pid!),
    async stop() {
      const last = procStats(child.pid!);
      child.kill('SIGTERM');
      await waitExit(child);
      return last;
    },
  };
}

export interface WorkerOptions {
  /** The scenario module to run with `--worker` (its compiled file). */
  file: string;
  /** JSON-serializable job description, passed as one argv entry. */
  job: unknown;
  /** Sent on stdin (API keys: argv is visible to every user of the machine). */
  stdin?: string;
  /** Write a CPU profile under bench/results/profiles/<label>. */
  profile?: string;
  /** Extra node flags, e.g. `--max-old-space-size=…`. */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Runs one measured job in a fresh node process and returns the JSON line it prints. */
export async function runWorker<T>(options: WorkerOptions): Promise<T> {
  const nodeArgs = [
    '--expose-gc',
    ...(options.nodeArgs ?? []),
    ...(options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir(options.profile)] : []),
  ];
  const child = spawn(
    process.execPath,
    [...nodeArgs, options.file, '--worker', JSON.stringify(options.job)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, CONNECTORS_DEV: '1', ...options.env },
    },
  );
  child.stdin!.end(options.stdin ?? '');
  const result = await firstJsonLine<T>(child, `the worker (${path.basename(options.file)})`);
  // The profile is written at exit: wait for it.
  await waitExit(child);
  return result;
}

/** Reads everything from stdin (a worker's secret input). */
export async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.trim();
}

/**
 * The worker side of `runWorker`: when this module was started with `--worker <job>`, runs `fn(job)`,
 * prints its result as one JSON line and exits.
 */
export function workerMain<J, R>(mod: NodeJS.Module, fn: (job: J) => Promise<R>): void {
  if (require.main !== mod || process.argv[2] !== '--worker') return;
  fn(JSON.parse(process.argv[3]) as J).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
