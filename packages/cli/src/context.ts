import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createLogger, type Logger } from '@connectors/framework/engine';
import {
  ConnectorHost,
  Daemon,
  type DaemonOptions,
  type HostFacade,
  type HostOptions,
} from '@connectors/host';
import { UsageError } from './exit-codes';

export interface GlobalOptions {
  dataDir?: string;
  redisUrl?: string;
  redisPrefix?: string;
  lakeUrl?: string;
  pluginsDir?: string[];
  logLevel?: string;
  requestsPerMinute?: string;
}

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Read only when a command asks for it (`--set-secret KEY=-`). */
  stdin?: NodeJS.ReadableStream;
}

export const processIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
});

/**
 * What every command shares: resolved global options, the logger (JSON lines on stderr, so stdout
 * carries only the command's output), and the host's façade, opened on first use and closed at exit.
 * Commands call the façade's use cases only (docs/adr/0010-host-facade.md).
 */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Global flags checked before any command runs: a bad one exits 2 naming it, nothing is created. */
export function checkGlobals(globals: GlobalOptions, io: CliIO): void {
  if (globals.logLevel !== undefined && !LOG_LEVELS.includes(globals.logLevel)) {
    throw new UsageError(
      '--log-level',
      `"${globals.logLevel}" is not a log level`,
      `Use one of ${LOG_LEVELS.join(', ')}.`,
    );
  }
  const dir = globals.dataDir ?? io.env.CONNECTORS_DATA_DIR;
  if (dir !== undefined) {
    const resolved = path.resolve(io.cwd, dir);
    const stat = statSync(resolved, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) {
      throw new UsageError(
        globals.dataDir !== undefined ? '--data-dir' : 'CONNECTORS_DATA_DIR',
        `${resolved} is a file, not a directory`,
        'Name a directory (it is created if missing).',
      );
    }
  }
}

export class CliContext {
  private hostPromise?: Promise<ConnectorHost>;
  private loggerInstance?: Logger;

  constructor(
    readonly io: CliIO,
    readonly globals: GlobalOptions,
  ) {}

  get dataDir(): string {
    return path.resolve(this.io.cwd, this.globals.dataDir ?? this.io.env.CONNECTORS_DATA_DIR ?? 'data');
  }

  get redisUrl(): string | undefined {
    return this.globals.redisUrl ?? (this.io.env.REDIS_URL || undefined);
  }

  /** The PostgreSQL lake (`--lake-url`, or LAKE_URL); undefined for the SQLite lake of the data directory. */
  get lakeUrl(): string | undefined {
    const url = this.globals.lakeUrl ?? (this.io.env.LAKE_URL || undefined);
    if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
      throw new UsageError(
        'lake-url',
        `"${url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')}" is not a postgres:// URL`,
        'Pass --lake-url postgres://USER:PASSWORD@HOST:5432/DATABASE (or set LAKE_URL), or leave it out for the SQLite lake in the data directory.',
      );
    }
    return url;
  }

  /** CONNECTORS_LAKE_RETENTION_DAYS: days of records the PostgreSQL lake keeps. */
  private lakeRetention(): { lakeRetentionDays?: number } {
    const text = this.io.env.CONNECTORS_LAKE_RETENTION_DAYS;
    if (text === undefined || text === '') return {};
    const days = Number(text);
    if (!(Number.isFinite(days) && days > 0)) {
      throw new UsageError(
        'CONNECTORS_LAKE_RETENTION_DAYS',
        `"${text}" is not a positive number of days`,
        'Set e.g. CONNECTORS_LAKE_RETENTION_DAYS=90, or unset it to keep every record.',
      );
    }
    return { lakeRetentionDays: days };
  }

  get workspaceRoot(): string | undefined {
    return findWorkspaceRoot(
      this.io.env.CONNECTORS_WORKSPACE ? path.resolve(this.io.env.CONNECTORS_WORKSPACE) : this.io.cwd,
    );
  }

  logger(defaultLevel = 'warn'): Logger {
    this.loggerInstance ??= createLogger({
      name: 'connectors',
      level: this.globals.logLevel ?? this.io.env.LOG_LEVEL ?? defaultLevel,
      destination: this.io.stderr,
    });
    return this.loggerInstance;
  }

  hostOptions(extra: Partial<HostOptions> = {}): HostOptions {
    const minuteMs = Number(this.io.env.CONNECTORS_MINUTE_MS);
    const rpmText = this.globals.requestsPerMinute ?? this.io.env.CONNECTORS_REQUESTS_PER_MINUTE;
    const rpm = rpmText === undefined ? undefined : Number(rpmText);
    if (rpm !== undefined && !(Number.isFinite(rpm) && rpm > 0)) {
      throw new UsageError(
        'requests-per-minute',
        `"${rpmText}" is not a positive number`,
        'Pass e.g. --requests-per-minute 300.',
      );
    }
    const lakeThread = this.io.env.CONNECTORS_LAKE_THREAD;
    if (lakeThread !== undefined && !/^(1|0|true|false)$/.test(lakeThread)) {
      throw new UsageError(
        'CONNECTORS_LAKE_THREAD',
        `"${lakeThread}" is not 1, 0, true or false`,
        'Set CONNECTORS_LAKE_THREAD=1 to write the lake on its own thread, or unset it.',
      );
    }
    return {
      dataDir: this.dataDir,
      redisUrl: this.redisUrl,
      ...(this.lakeUrl ? { lakeUrl: this.lakeUrl } : {}),
      ...this.lakeRetention(),
      ...(lakeThread === '1' || lakeThread === 'true' ? { lakeThread: true } : {}),
      redisPrefix: this.globals.redisPrefix ?? this.io.env.CONNECTORS_REDIS_PREFIX ?? undefined,
      workspaceRoot: this.workspaceRoot,
      pluginDirs: this.globals.pluginsDir?.map((d) => path.resolve(this.io.cwd, d)),
      logger: this.logger(),
      ...(minuteMs > 0 ? { minuteMs } : {}),
      ...(rpm !== undefined ? { rateBudget: { requestsPerMinute: rpm } } : {}),
      ...extra,
    };
  }

  /** The host's use cases; `extra` host options apply when this opens the host (the first call). */
  async facade(extra: Partial<HostOptions> = {}): Promise<HostFacade> {
    return (await this.host(extra)).facade;
  }

  /** The daemon (scheduler, ingestion, metrics) on this process's host; `connectors start` only. */
  async startDaemon(
    extra: Partial<HostOptions>,
    options: DaemonOptions,
  ): Promise<{ daemon: Daemon; facade: HostFacade }> {
    const host = await this.host(extra);
    return { daemon: await Daemon.start(host, options), facade: host.facade };
  }

  private host(extra: Partial<HostOptions>): Promise<ConnectorHost> {
    this.hostPromise ??= ConnectorHost.open(this.hostOptions(extra));
    return this.hostPromise;
  }

  /** The one JSON document of a `--json` command. */
  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  print(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Human notes that must not pollute a JSON stdout. */
  note(text: string, json = false): void {
    (json ? this.io.stderr : this.io.stdout).write(`${text}\n`);
  }

  async close(): Promise<void> {
    const host = await this.hostPromise?.catch(() => undefined);
    await host?.close();
  }
}

/**
 * The workspace whose `plugins/*` and `examples/*` hold the plugins: the nearest directory upward
 * with a package.json declaring workspaces; otherwise the monorepo this CLI was built in.
 */
export function findWorkspaceRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // not a readable package.json: keep looking upward
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  const own = path.resolve(__dirname, '..', '..', '..', '..');
  return existsSync(path.join(own, 'package.json')) ? own : undefined;
}
