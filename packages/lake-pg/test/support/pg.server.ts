import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

/** A PostgreSQL server of the test's own (initdb in a temp directory, a free port), to stop and start. */
export interface OwnServer {
  url: string;
  stop(): void;
  start(): void;
  /** Stops it and removes its directory. */
  destroy(): void;
}

/** Why an own server cannot be started here, or undefined when it can (root, with PostgreSQL 15). */
export function ownServerUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'the tests do not run as root (initdb runs as the postgres user)';
  if (!existsSync(path.join(BIN, 'initdb'))) return `${BIN}/initdb is not installed`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startOwnServer(): Promise<OwnServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lake-pg-server-'));
  const data = path.join(dir, 'data');
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
  const asPostgres = (bin: string, args: string[]): void => {
    execFileSync('runuser', ['-u', 'postgres', '--', path.join(BIN, bin), ...args], { stdio: 'ignore' });
  };
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = (): void =>
    asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  const stop = (): void => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: () => {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
