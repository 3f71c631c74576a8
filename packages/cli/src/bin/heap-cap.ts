import { spawn } from 'node:child_process';

/** The V8 old-space cap of the daemon (MB): keeps the host within its memory target (docs/PERFORMANCE.md). */
export const DEFAULT_DAEMON_HEAP_MB = 96;
/**
 * The daemon's young generation (V8 semi-space, MB): capping it trades a little throughput for peak RSS
 * (docs/PERFORMANCE.md). Semi-spaces come in powers of two, so a value between two acts as the larger.
 */
export const DEFAULT_DAEMON_SEMI_SPACE_MB = 8;
/** Set in the re-executed process, so it never re-executes itself again. */
export const HEAP_CAPPED_ENV = 'CONNECTORS_HEAP_CAPPED';
/** Overrides the cap in MB; `0` (or `off`) runs with node's own heap sizing. */
export const HEAP_MB_ENV = 'CONNECTORS_MAX_HEAP_MB';

/**
 * Commands that hold a host's pipeline for as long as a collection takes (the daemon; `run`, whose one
 * collection can be a whole inventory); the others end in seconds and keep node's defaults.
 */
const LONG_RUNNING = new Set(['start', 'run']);
/** Options of the program itself that take a value (so their value is not the command name). */
export const GLOBAL_OPTIONS_WITH_VALUE = [
  '--data-dir',
  '--redis-url',
  '--redis-prefix',
  '--lake-url',
  '--plugins-dir',
  '--log-level',
  '--requests-per-minute',
];
const HEAP_FLAG = /(^|\s)--max[-_]old[-_]space[-_]size(=|\s|$)/;
const SEMI_SPACE_FLAG = /(^|\s)--(max|min)[-_]semi[-_]space[-_]size(=|\s|$)/;

export type HeapCapPlan =
  | { reexec: false; reason: string }
  | { reexec: true; heapMb: number; nodeArgs: string[] }
  | { error: string };

export interface HeapCapInput {
  /** The CLI arguments (process.argv.slice(2)). */
  args: readonly string[];
  /** Node's own flags of this process (process.execArgv). */
  execArgv: readonly string[];
  env: NodeJS.ProcessEnv;
}

/** The command name: the first argument that is neither an option nor the value of a global option. */
export function commandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return args[i + 1];
    if (a.startsWith('-')) {
      if (GLOBAL_OPTIONS_WITH_VALUE.includes(a)) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

/**
 * Whether to run this CLI again under `node --max-old-space-size=<MB> --max-semi-space-size=8`, and with
 * which node flags.
 * Only the daemon and `run` are capped: a host's RSS is mostly V8 heap slack, which the cap removes without
 * slowing collection. A cap already given (node flag or NODE_OPTIONS) wins, and the re-executed process is
 * marked so it never re-executes itself.
 */
export function planHeapCap({ args, execArgv, env }: HeapCapInput): HeapCapPlan {
  if (!LONG_RUNNING.has(commandOf(args) ?? '')) return { reexec: false, reason: 'not a collecting command' };
  if (env[HEAP_CAPPED_ENV]) return { reexec: false, reason: 'already re-executed' };
  // A flag on node's command line or in NODE_OPTIONS is the user's: it wins.
  const given = (flag: RegExp): boolean =>
    execArgv.some((a) => flag.test(a)) || flag.test(env.NODE_OPTIONS ?? '');
  if (given(HEAP_FLAG)) return { reexec: false, reason: 'a heap size was given' };
  // A debugger port is taken by this process already; re-executing would fight over it.
  if (execArgv.some((a) => a.startsWith('--inspect')))
    return { reexec: false, reason: 'a debugger is attached' };
  const raw = (env[HEAP_MB_ENV] ?? '').trim();
  let heapMb = DEFAULT_DAEMON_HEAP_MB;
  if (raw) {
    if (raw === '0' || raw.toLowerCase() === 'off') return { reexec: false, reason: `${HEAP_MB_ENV}=${raw}` };
    if (!/^\d+$/.test(raw) || Number(raw) < 32) {
      return {
        error: `${HEAP_MB_ENV}="${raw}" is not a heap size: use a whole number of MB, at least 32 (default ${DEFAULT_DAEMON_HEAP_MB}), or 0 for node's default`,
      };
    }
    heapMb = Number(raw);
  }
  const nodeArgs = [...execArgv, `--max-old-space-size=${heapMb}`];
  if (!given(SEMI_SPACE_FLAG)) nodeArgs.push(`--max-semi-space-size=${DEFAULT_DAEMON_SEMI_SPACE_MB}`);
  return { reexec: true, heapMb, nodeArgs };
}

/**
 * In the re-executed daemon: if the launcher dies without passing a signal on (SIGKILL, the OOM
 * killer), die at once too, as the one process did before, rather than run on as an orphan that
 * holds run leases nobody can stop.
 */
export function followLauncher(): void {
  if (!process.env[HEAP_CAPPED_ENV] || !process.channel) return;
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  // The channel must not keep the daemon alive once its work is done.
  process.channel.unref();
}

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `script args` in a new node with `nodeArgs`, standard streams shared, and ends this process
 * the way the child ended: same exit code, or the same signal. Signals sent to this process are
 * passed on (a terminal's Ctrl-C reaches both; the daemon treats a repeated signal as the same one).
 */
export function reexec(script: string, plan: { nodeArgs: string[] }, args: readonly string[]): void {
  const child = spawn(process.execPath, [...plan.nodeArgs, script, ...args], {
    // The IPC channel only tells the daemon when this process is gone (see followLauncher).
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [HEAP_CAPPED_ENV]: '1' },
  });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const s of FORWARDED_SIGNALS) process.on(s, forward);
  child.on('error', (err) => {
    process.stderr.write(`connectors: could not start node again with a heap cap: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
