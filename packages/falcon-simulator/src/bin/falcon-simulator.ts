#!/usr/bin/env node
// Runs the simulator standalone: `falcon-simulator --hosts 5000 --port 0 --client-id ID --client-secret S`.
// Prints the base URL and the credentials a client needs, then serves until SIGINT/SIGTERM.
import { Command, InvalidArgumentError } from 'commander';
import { MAX_HOSTS, startFalconSimulator } from '../start-simulator';

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

async function main(): Promise<void> {
  const o = new Command()
    .name('falcon-simulator')
    .description('CrowdStrike Falcon OAuth2 and hosts API simulator')
    .option('--hosts <n>', `hosts in the fleet (0-${MAX_HOSTS})`, integer(0, MAX_HOSTS), 100)
    .option('--port <port>', 'port to listen on (0 = any free port)', integer(0, 65535), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--seed <seed>', 'seed of the generated fleet', '1')
    .option('--client-id <id>', 'API client ID to accept (default: a fresh one)')
    .option('--client-secret <secret>', 'API client secret to accept (default: a fresh one)')
    .option(
      '--rate-limit <perMinute>',
      'requests per client per minute before 429 (0 = off)',
      integer(0, 1_000_000),
      6000,
    )
    .option(
      '--containment-delay-ms <ms>',
      'time a host stays in a pending containment state',
      integer(0, 600_000),
      1000,
    )
    .option('--json', 'print the connection details as one JSON line')
    .parse()
    .opts<{
      hosts: number;
      port: number;
      host: string;
      seed: string;
      clientId?: string;
      clientSecret?: string;
      rateLimit: number;
      containmentDelayMs: number;
      json?: boolean;
    }>();
  const sim = await startFalconSimulator({
    hosts: o.hosts,
    port: o.port,
    host: o.host,
    seed: o.seed,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    rateLimitPerMinute: o.rateLimit,
    containmentDelayMs: o.containmentDelayMs,
  });
  // This is a test double: printing its credentials is the point (the client under test needs them).
  if (o.json) {
    console.log(
      JSON.stringify({
        baseUrl: sim.baseUrl,
        port: sim.port,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        hosts: o.hosts,
        pid: process.pid,
      }),
    );
  } else {
    console.log(`CrowdStrike Falcon simulator: ${o.hosts} hosts`);
    console.log(`Base URL:      ${sim.baseUrl}`);
    console.log(`Client ID:     ${sim.clientId}`);
    console.log(`Client secret: ${sim.clientSecret}`);
    console.log('Ctrl-C stops.');
  }
  const stop = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`falcon-simulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
