#!/usr/bin/env node
// Runs the simulator standalone: `cloudone-simulator --computers 5000 --port 0 --api-key KEY`.
// Prints the base URL and the key(s) a client needs, then serves until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { MAX_COMPUTERS, startSimulator } from '../start-simulator';
import type { RetryAfterMode } from '../types';

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

function retryAfter(value: string): RetryAfterMode {
  if (value === 'none' || value === 'window') return value;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('expected none, window or a number of seconds');
  return n;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('cloudone-simulator')
    .description('Trend Micro Cloud One Workload Security computers API simulator')
    .option('--computers <n>', `computers in the fleet (0-${MAX_COMPUTERS})`, integer(0, MAX_COMPUTERS), 100)
    .option('--port <port>', 'port to listen on (0 = any free port)', integer(0, 65535), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--seed <seed>', 'seed of the generated fleet', '1')
    .option('--api-key <key>', 'API key to accept (default: a fresh Cloud One-shaped key)')
    .option('--api-keys-file <path>', 'more keys to accept, one per line (e.g. one per tenant)')
    .option('--legacy-api-key <key>', 'legacy key accepted under the api-secret-key header')
    .option('--read-limited-api-key <key>', 'a key that authenticates but may not view computers')
    .option(
      '--rate-limit <perMinute>',
      'calls per key per window before 429 (0 = off)',
      integer(0, 1_000_000),
      500,
    )
    .option('--rate-window-ms <ms>', 'length of the sliding rate window', integer(1, 3_600_000), 60_000)
    .option(
      '--retry-after <mode>',
      'Retry-After on 429: none, window or seconds',
      retryAfter,
      'none' as RetryAfterMode,
    )
    .option('--latency-ms <ms>', 'latency added to every request', integer(0, 600_000), 0)
    .option('--max-items-cap <n>', 'largest maxItems served', integer(1, 1_000_000), 5000)
    .option('--json', 'print the connection details as one JSON line')
    .parse();
  const o = program.opts<{
    computers: number;
    port: number;
    host: string;
    seed: string;
    apiKey?: string;
    apiKeysFile?: string;
    legacyApiKey?: string;
    readLimitedApiKey?: string;
    rateLimit: number;
    rateWindowMs: number;
    retryAfter: RetryAfterMode;
    latencyMs: number;
    maxItemsCap: number;
    json?: boolean;
  }>();
  const sim = await startSimulator({
    computers: o.computers,
    port: o.port,
    host: o.host,
    seed: /^\d+$/.test(o.seed) ? Number(o.seed) : o.seed,
    apiKey: o.apiKey,
    apiKeys: o.apiKeysFile
      ? readFileSync(o.apiKeysFile, 'utf8')
          .split('\n')
          .map((k) => k.trim())
          .filter(Boolean)
      : undefined,
    legacyApiKey: o.legacyApiKey,
    readLimitedApiKey: o.readLimitedApiKey,
    rateLimitPerMinute: o.rateLimit,
    rateLimitWindowMs: o.rateWindowMs,
    retryAfter: o.retryAfter,
    latencyMs: o.latencyMs,
    maxItemsCap: o.maxItemsCap,
  });
  if (o.json) {
    console.log(
      JSON.stringify({
        baseUrl: sim.baseUrl,
        port: sim.port,
        apiKey: sim.apiKey,
        legacyApiKey: sim.legacyApiKey,
        readLimitedApiKey: sim.readLimitedApiKey,
        computers: o.computers,
        pid: process.pid,
      }),
    );
  } else {
    // This is a test double: printing its key is the point (the client under test needs it).
    console.log(`Cloud One Workload Security simulator: ${o.computers} computers`);
    console.log(`API URL:  ${sim.baseUrl}`);
    console.log(`API key:  ${sim.apiKey}`);
    if (sim.legacyApiKey) console.log(`Legacy key (api-secret-key): ${sim.legacyApiKey}`);
    if (sim.readLimitedApiKey) console.log(`Read-limited key: ${sim.readLimitedApiKey}`);
    console.log(
      `Rate limit: ${o.rateLimit ? `${o.rateLimit} calls per ${o.rateWindowMs} ms per key` : 'off'}. Ctrl-C stops.`,
    );
  }
  const stop = (): void => {
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`simulator: stop failed: ${(err as Error)?.message ?? String(err)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`cloudone-simulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
