import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConnectorError } from '@connectors/framework/engine';
import type { CliResult, CliSession, CliSessionOptions } from './types';

/**
 * The real `connectors` CLI against a throw-away data directory: for a plugin's end-to-end tests
 * (create a connector, test it, run a response action) exactly as a user would. The CLI is found
 * from `cwd` (the plugin or workspace directory), which is also where it looks for plugins.
 */
export async function createCliSession(options: CliSessionOptions): Promise<CliSession> {
  let bin: string;
  try {
    bin = require.resolve('@connectors/cli/bin/connectors.js', { paths: [options.cwd] });
  } catch (err) {
    throw new ConnectorError(
      'TESTKIT_CLI_MISSING',
      `the connectors CLI is not installed where ${options.cwd} can find it`,
      {
        cause: err,
        hint: 'Run the tests inside the connectors workspace (npm run build first).',
      },
    );
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'connectors-cli-'));
  // Development (test APIs listen on plain http at loopback) and embedded (no Redis) unless the test
  // asks otherwise: a REDIS_URL in the runner's shell is not inherited.
  const env = { ...process.env, LOG_LEVEL: 'error', CONNECTORS_DEV: '1', REDIS_URL: '', ...options.env };
  return {
    dataDir,
    run(...args: string[]): Promise<CliResult> {
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          [bin, '--data-dir', dataDir, ...args],
          { cwd: options.cwd, env, timeout: options.timeoutMs ?? 60_000 },
          (err, stdout, stderr) => {
            const code = err
              ? typeof (err as { code?: unknown }).code === 'number'
                ? (err as { code: number }).code
                : 1
              : 0;
            resolve({ code, stdout, stderr });
          },
        );
      });
    },
    close: () => rm(dataDir, { recursive: true, force: true }),
  };
}
