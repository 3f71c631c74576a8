import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** The repository root (this file runs from packages/cli/dist/test/helpers). */
const WORKSPACE = path.resolve(__dirname, '..', '..', '..', '..', '..');
export const BIN = path.join(WORKSPACE, 'packages', 'cli', 'bin', 'connectors.js');
export const SECRET_KEY = randomBytes(32).toString('base64');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document (throws when it is not exactly one). */
  json<T = unknown>(): T;
}

export interface CliEnv {
  dataDir: string;
  redisUrl?: string;
  redisPrefix?: string;
  env?: Record<string, string>;
  /** Written to the command's standard input, which is then closed (default: no input). */
  input?: string;
  /** Run as an unprivileged user (`nobody` through setpriv when the tests run as root, who may write anywhere). */
  unprivileged?: boolean;
}

export function cliEnv(e: CliEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CONNECTORS_DEV: '1',
    CONNECTORS_DATA_DIR: e.dataDir,
    CONNECTORS_WORKSPACE: WORKSPACE,
    CONNECTORS_SECRET_KEY: SECRET_KEY,
    LOG_LEVEL: 'warn',
    ...(e.redisUrl ? { REDIS_URL: e.redisUrl } : {}),
    ...(e.redisPrefix ? { CONNECTORS_REDIS_PREFIX: e.redisPrefix } : {}),
    ...e.env,
  };
  return env;
}

/** Runs `connectors …` as a subprocess (no TTY) and collects its output. */
export function runCli(args: string[], e: CliEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const asNobody = e.unprivileged && process.getuid?.() === 0;
    const child = spawn(
      asNobody ? 'setpriv' : process.execPath,
      asNobody
        ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args]
        : [BIN, ...args],
      {
        env: cliEnv(e),
        cwd: e.dataDir,
        stdio: [e.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      },
    );
    if (e.input !== undefined) child.stdin?.end(e.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch (err) {
            throw new Error(
              `stdout of \`connectors ${args.join(' ')}\` is not one JSON document (${(err as Error).message}):\n${stdout}\nstderr:\n${stderr}`,
            );
          }
        },
      }),
    );
  });
}

/** Starts `connectors start …` (the daemon) in the background. */
export function startDaemon(
  args: string[],
  e: CliEnv,
): { child: ChildProcess; output: () => string; exited: Promise<number> } {
  const child = spawn(process.execPath, [BIN, 'start', '--no-metrics', ...args], {
    env: cliEnv(e),
    cwd: e.dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1))),
  );
  return { child, output: () => out, exited };
}

/** Waits until the output matches (20 s at most), for a started process such as `startDaemon`'s. */
export async function waitForOutput(
  d: { output(): string; child: ChildProcess },
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(d.output());
    if (match) return match;
    if (Date.now() > end) {
      d.child.kill('SIGKILL');
      throw new Error(`no ${pattern} in the output:\n${d.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `create` arguments for a Cloud One connector on the data processor (`extra`: more flags, e.g. `--profile`). */
export function createCloudOne(
  name: string,
  tenant: string,
  apiUrl: string,
  apiKey: string,
  ...extra: string[]
): string[] {
  return [
    'create',
    '--plugin',
    'trendmicro-cloudone',
    '--name',
    name,
    '--tenant',
    tenant,
    '--run-on',
    'dp',
    ...extra,
    '--set',
    `apiUrl=${apiUrl}`,
    '--set',
    `apiKey=${apiKey}`,
  ];
}
