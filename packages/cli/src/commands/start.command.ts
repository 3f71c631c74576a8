import { getHeapStatistics } from 'node:v8';
import type { Command } from 'commander';
import { DEFAULT_MAX_CONCURRENT_RUNS, DEFAULT_PAGES_IN_FLIGHT } from '@connectors/host';
import { bind, collect, intOpt, listOpt, optString, positiveIntOpt, type ProgramState } from './shared';

export function registerStart(program: Command, state: ProgramState): void {
  program
    .command('start')
    .description(
      'the daemon: scheduler, ingest workers, status refresh, metrics and health endpoints; runs with a ' +
        "V8 heap cap of CONNECTORS_MAX_HEAP_MB (default 96 MB; 0 for node's default; a " +
        '--max-old-space-size in NODE_OPTIONS wins)',
    )
    .option('--metrics-port <port>', 'port of /metrics and /healthz (0 picks one; default 9464)', '9464')
    .option('--metrics-host <host>', 'address to listen on', '127.0.0.1')
    .option('--no-metrics', 'no metrics and health endpoints')
    .option('--ingest-workers <n>', 'ingest workers in this process', '1')
    .option('--host-id <id>', 'name of this host in leases and run history (default hostname:pid)')
    .option(
      '--role <role>',
      'a placement this host takes: dp (data processor) or sensor:ID; repeatable; only connectors whose ' +
        '"run on" is one of its roles run here (default dp)',
      collect,
      [],
    )
    .option(
      '--heartbeat-ttl-ms <ms>',
      'a heartbeat older than this means the host is gone (it beats every third of it; default 15000)',
    )
    .option('--tick-ms <ms>', 'how often due runs are checked', '1000')
    // No commander defaults: unset, the scheduler's and the host's own apply (and are what is printed).
    .option(
      '--max-concurrent-runs <n>',
      `collection runs this process executes at once (default ${DEFAULT_MAX_CONCURRENT_RUNS})`,
    )
    .option(
      '--pages-in-flight <n>',
      'pages every run of this host may hold together (a page permit is taken before each fetch): ' +
        `bounds the memory pages take whatever --max-concurrent-runs is (default ${DEFAULT_PAGES_IN_FLIGHT})`,
    )
    .option('--lease-ttl-ms <ms>', 'run lease time to live: a crashed run is retried after this', '10000')
    .option(
      '--redis-deadline-ms <ms>',
      'how long a run keeps going while Redis does not answer before it fails (default 15000)',
    )
    .option(
      '--shutdown-grace-ms <ms>',
      'time runs get to finish at shutdown before they are released',
      '10000',
    )
    .action(
      bind(state, async (ctx, opts) => {
        const logger = ctx.logger('info');
        const pagesInFlight = positiveIntOpt(opts, 'pagesInFlight', 'pages-in-flight');
        const redisDeadlineMs = positiveIntOpt(opts, 'redisDeadlineMs', 'redis-deadline-ms');
        const { daemon, facade } = await ctx.startDaemon(
          {
            hostId: optString(opts, 'hostId'),
            roles: listOpt(opts, 'role'),
            ...(pagesInFlight !== undefined ? { pagesInFlight } : {}),
            ...(redisDeadlineMs !== undefined ? { redisDeadlineMs } : {}),
          },
          {
            maxConcurrentRuns: positiveIntOpt(opts, 'maxConcurrentRuns', 'max-concurrent-runs'),
            metricsPort: opts.metrics === false ? undefined : intOpt(opts, 'metricsPort', 'metrics-port'),
            metricsHost: optString(opts, 'metricsHost'),
            ingestWorkers: intOpt(opts, 'ingestWorkers', 'ingest-workers'),
            tickMs: intOpt(opts, 'tickMs', 'tick-ms'),
            leaseTtlMs: intOpt(opts, 'leaseTtlMs', 'lease-ttl-ms'),
            shutdownGraceMs: intOpt(opts, 'shutdownGraceMs', 'shutdown-grace-ms'),
            heartbeatTtlMs: positiveIntOpt(opts, 'heartbeatTtlMs', 'heartbeat-ttl-ms'),
          },
        );
        const info = facade.info();
        const where = daemon.address
          ? ` metrics and health on http://${daemon.address.address}:${daemon.address.port}/metrics and /healthz`
          : '';
        const heapMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
        let stopping = false;
        const signals = ['SIGINT', 'SIGTERM'] as const;
        const onSignal = (sig: NodeJS.Signals): void => {
          // Once only: a terminal's Ctrl-C reaches this process twice when the launcher passes it on
          // (bin/connectors.js runs the daemon in a child node with a heap cap); shutdown is bounded
          // by --shutdown-grace-ms anyway.
          if (stopping) return;
          stopping = true;
          logger.info({ signal: sig }, 'shutting down');
        };
        // Listening before the started line is printed: a Ctrl-C right after it must stop the daemon
        // gracefully, not find node's default action still in place and kill it.
        const stopRequested = new Promise<void>((resolve) => {
          for (const sig of signals)
            process.on(sig, () => {
              onSignal(sig);
              resolve();
            });
        });
        ctx.io.stderr.write(
          `connectors daemon ${info.hostId} started as ${info.roles.join(', ')} (${info.registry} registry, data in ${ctx.dataDir}, ` +
            `V8 heap limit ${heapMb} MB, ${daemon.scheduler.maxConcurrent} concurrent runs, ${info.pagesInFlight} pages in flight);${where}\n`,
        );
        await stopRequested;
        await daemon.stop();
      }),
    );
}
