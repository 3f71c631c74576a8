import type { Command } from 'commander';
import { Daemon } from '@connectors/host';
import { bind, intOpt, optString, type ProgramState } from './shared';

export function registerStart(program: Command, state: ProgramState): void {
  program
    .command('start')
    .description('the daemon: scheduler, ingest workers, status refresh, metrics and health endpoints')
    .option('--metrics-port <port>', 'port of /metrics and /healthz (0 picks one; default 9464)', '9464')
    .option('--metrics-host <host>', 'address to listen on', '127.0.0.1')
    .option('--no-metrics', 'no metrics and health endpoints')
    .option('--ingest-workers <n>', 'ingest workers in this process', '1')
    .option('--host-id <id>', 'name of this host in leases and run history (default hostname:pid)')
    .option('--tick-ms <ms>', 'how often due runs are checked', '1000')
    .option('--lease-ttl-ms <ms>', 'run lease time to live: a crashed run is retried after this', '30000')
    .option(
      '--shutdown-grace-ms <ms>',
      'time runs get to finish at shutdown before they are released',
      '10000',
    )
    .action(
      bind(state, async (ctx, opts) => {
        const logger = ctx.logger('info');
        const host = await ctx.host({ hostId: optString(opts, 'hostId') });
        const daemon = await Daemon.start(host, {
          metricsPort: opts.metrics === false ? undefined : intOpt(opts, 'metricsPort', 'metrics-port'),
          metricsHost: optString(opts, 'metricsHost'),
          ingestWorkers: intOpt(opts, 'ingestWorkers', 'ingest-workers'),
          tickMs: intOpt(opts, 'tickMs', 'tick-ms'),
          leaseTtlMs: intOpt(opts, 'leaseTtlMs', 'lease-ttl-ms'),
          shutdownGraceMs: intOpt(opts, 'shutdownGraceMs', 'shutdown-grace-ms'),
        });
        const where = daemon.address
          ? ` metrics and health on http://${daemon.address.address}:${daemon.address.port}/metrics and /healthz`
          : '';
        ctx.io.stderr.write(
          `connectors daemon ${host.hostId} started (${host.store.kind} registry, data in ${ctx.dataDir});${where}\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = (sig: string): void => {
            logger.info({ signal: sig }, 'shutting down');
            resolve();
          };
          process.once('SIGINT', () => stop('SIGINT'));
          process.once('SIGTERM', () => stop('SIGTERM'));
        });
        await daemon.stop();
      }),
    );
}
