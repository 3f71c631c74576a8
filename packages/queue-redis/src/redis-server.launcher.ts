// Starts a real `redis-server` on a free loopback port in a temp directory: for integration and
// fault tests (kill, restart, maxmemory) and benchmarks. Not for production, where Redis is a service.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConnectorError } from '@connectors/framework/engine';

export interface RedisServerOptions {
  /** AOF persistence (default true). */
  appendonly?: boolean;
  /** `always`, `everysec` (default) or `no`. */
  appendfsync?: string;
  /** e.g. `32mb`; unset means no limit. */
  maxmemory?: string;
  /** Default `noeviction` (the only policy that never deletes queued entries). */
  maxmemoryPolicy?: string;
  /** Data directory; default a fresh temp dir, removed by `stop()`. */
  dir?: string;
  /** Default: a free port picked at start. */
  port?: number;
  /** Binary to run; default `$REDIS_SERVER` or `redis-server` from PATH. */
  binary?: string;
  /** More `--name value` arguments. */
  extraArgs?: string[];
  startTimeoutMs?: number;
}

export interface RedisServerHandle {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Process id of the running server (undefined while stopped). */
  readonly pid: number | undefined;
  /** Graceful shutdown (SIGTERM: the AOF is flushed); removes the data dir if this launcher created it. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL) and waits for the process to exit; the data dir is kept. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and data dir (kills it first if it is running). */
  restart(): Promise<void>;
  /** The last lines the server logged, for failure messages. */
  logTail(): string;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test run that ends early must not leave redis-server processes behind.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function serverArgs(options: RedisServerOptions, port: number, dir: string): string[] {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--save',
    '',
    '--logfile',
    '',
    '--appendonly',
    options.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    options.appendfsync ?? 'everysec',
  ];
  if (options.maxmemory) {
    args.push(
      '--maxmemory',
      options.maxmemory,
      '--maxmemory-policy',
      options.maxmemoryPolicy ?? 'noeviction',
    );
  }
  return [...args, ...(options.extraArgs ?? [])];
}

/** Spawns `redis-server` and resolves once it accepts connections (after loading its AOF). */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  installExitHook();
  const ownDir = !options.dir;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'connectors-redis-'));
  const binary = options.binary ?? process.env.REDIS_SERVER ?? 'redis-server';
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  let port = options.port ?? 0;
  let child: ChildProcess | undefined;
  let log: string[] = [];

  const launch = async (): Promise<void> => {
    log = [];
    const proc = spawn(binary, serverArgs(options, port, dir), { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // Once ready, an exit is the business of `kill`/`stop` callers, not a start failure.
        proc.removeListener('exit', onExit);
        if (!err) return resolve();
        proc.kill('SIGKILL');
        reject(
          new ConnectorError(
            'REDIS_START_FAILED',
            `could not start redis-server on port ${port}: ${err.message}`,
            {
              hint: `Is ${binary} installed and on PATH? Server log:\n${log.slice(-15).join('\n')}`,
              details: { port, dir },
            },
          ),
        );
      };
      const timer = setTimeout(
        () => settle(new Error('timed out waiting for "Ready to accept connections"')),
        timeoutMs,
      );
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        settle(new Error(`redis-server exited during start (code ${code}, signal ${signal})`));
      const onData = (chunk: Buffer): void => {
        for (const line of chunk.toString().split('\n')) {
          if (!line.trim()) continue;
          log.push(line);
          if (log.length > 200) log.shift();
          if (/Ready to accept connections/.test(line)) settle();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('error', (err) => settle(err));
      proc.once('exit', onExit);
    });
    child = proc;
  };

  const waitExit = (proc: ChildProcess): Promise<void> =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
    });

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const proc = child;
    if (!proc) return;
    child = undefined;
    proc.kill(signal);
    await waitExit(proc);
  };

  // A free port can be taken between the probe and the bind: try a few times when we picked it.
  for (let attempt = 0; ; attempt++) {
    if (!options.port) port = await freePort();
    try {
      await launch();
      break;
    } catch (err) {
      const inUse = /Address already in use/.test(log.join('\n'));
      if (options.port || !inUse || attempt >= 4) {
        if (ownDir) rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return child?.pid;
    },
    async stop() {
      await kill('SIGTERM');
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    kill,
    async restart() {
      await kill('SIGKILL');
      await launch();
    },
    logTail: () => log.slice(-30).join('\n'),
  };
}
