import type { AddressInfo } from 'node:net';
import { ConnectorError, toConnectorError } from '@connectors/framework/engine';
import { Heartbeat, HOST_VERSION } from './cluster/host.directory';
import type { ConnectorHost } from './host';
import { HealthServer } from './metrics/health.server';
import { Scheduler } from './scheduler/scheduler';
import { STATUS_REFRESH_MS } from './status/status.tracker';
import type { DaemonOptions, IngestHandle, RunSummary } from './types';

/**
 * The long-running host: the scheduler, ingest workers, the five-minute status refresh, and the
 * metrics and health endpoints. `stop()` is the graceful shutdown (runs finish or are released,
 * ingest workers hand back what they hold).
 */
export class Daemon {
  readonly scheduler: Scheduler;
  /** This host's record in the shared store: id, roles, version, runs in progress. */
  readonly heartbeat: Heartbeat;
  private readonly ingest: IngestHandle[] = [];
  private health?: HealthServer;
  private refreshLoop?: Promise<void>;
  private readonly stopRefresh = new AbortController();
  private stopping?: Promise<void>;
  /** Unhandled rejections escaping while the daemon runs (each one a bug, logged as such). */
  escapedRejections = 0;
  private readonly onEscapedRejection = (reason: unknown): void => {
    this.escapedRejections++;
    this.host.logger.error(
      { err: toConnectorError(reason) },
      'BUG: an unhandled promise rejection escaped; the daemon keeps running (please report it)',
    );
  };
  address?: AddressInfo;

  private constructor(
    readonly host: ConnectorHost,
    private readonly options: DaemonOptions,
    onRun?: (run: RunSummary) => void,
  ) {
    this.scheduler = new Scheduler(
      {
        store: host.store,
        clock: host.clock,
        registry: host.connectors,
        coordinator: host.coordinator,
        logger: host.logger,
        onRun,
      },
      options,
    );
    const startedAt = host.clock.now();
    const ingestWorkers = options.ingestWorkers ?? 1;
    this.heartbeat = new Heartbeat({
      directory: host.directory,
      clock: host.clock,
      logger: host.logger,
      ttlMs: options.heartbeatTtlMs,
      describe: () => ({
        hostId: host.hostId,
        roles: [...host.roles],
        version: HOST_VERSION,
        startedAt,
        runsInProgress: host.coordinator.runsInProgress,
        ingestWorkers,
        sharedLake: host.options.sharedLake === true,
      }),
    });
  }

  static async start(
    host: ConnectorHost,
    options: DaemonOptions = {},
    onRun?: (run: RunSummary) => void,
  ): Promise<Daemon> {
    const d = new Daemon(host, options, onRun);
    // Without a handler node exits with code 1 on an escaped rejection, aborting every run in flight.
    process.on('unhandledRejection', d.onEscapedRejection);
    const workers = options.ingestWorkers ?? 1;
    // Listen first: a taken port must stop the start before any worker or run has begun.
    if (options.metricsPort !== undefined) {
      d.health = new HealthServer(host.metrics, [
        { name: 'store', check: async () => void (await host.store.list('tenants')) },
        { name: 'queue', check: async () => void (await (await host.queue()).stats()) },
      ]);
      d.address = await d.health
        .listen(options.metricsPort, options.metricsHost)
        .catch((err: NodeJS.ErrnoException) => {
          throw listenError(err, options.metricsPort!, options.metricsHost ?? '127.0.0.1');
        });
    }
    try {
      for (let i = 0; i < workers; i++) {
        const worker = await host.createIngest(`daemon-${host.hostId}-${i}`);
        d.ingest.push(worker);
        worker.start();
      }
      if (options.leaseTtlMs !== undefined) host.coordinator.leaseTtlMs = options.leaseTtlMs;
      if (options.shutdownGraceMs !== undefined) host.coordinator.settleMs = options.shutdownGraceMs;
      // Listed before the scheduler takes work: a manual run looks for live ingest workers here.
      await d.heartbeat.start();
      d.scheduler.start();
      d.startRefresh(options.statusRefreshMs ?? STATUS_REFRESH_MS);
    } catch (err) {
      await d.stop().catch(() => undefined);
      throw err;
    }
    host.logger.info(
      {
        hostId: host.hostId,
        roles: host.roles,
        store: host.store.kind,
        ingestWorkers: workers,
        maxConcurrentRuns: d.scheduler.maxConcurrent,
        pagesInFlight: host.pageBudget.size,
        metrics: d.address ? `${d.address.address}:${d.address.port}` : undefined,
      },
      'daemon started',
    );
    return d;
  }

  private startRefresh(periodMs: number): void {
    const { host } = this;
    this.refreshLoop = (async () => {
      while (!this.stopRefresh.signal.aborted) {
        try {
          const statuses = await host.status.refreshAll();
          host.metrics.observeStatus(statuses, await host.status.backlog());
        } catch (err) {
          host.logger.warn({ err: toConnectorError(err) }, 'status refresh failed');
        }
        try {
          await host.clock.sleep(periodMs, this.stopRefresh.signal);
        } catch {
          return;
        }
      }
    })();
  }

  /** Graceful shutdown; safe to call more than once. */
  stop(graceMs?: number): Promise<void> {
    this.stopping ??= (async () => {
      this.stopRefresh.abort();
      await this.scheduler.stop(graceMs ?? this.options.shutdownGraceMs);
      await this.refreshLoop;
      await Promise.all(this.ingest.map((w) => w.stop().catch(() => undefined)));
      await this.heartbeat.stop();
      await this.health?.close();
      process.off('unhandledRejection', this.onEscapedRejection);
      this.host.logger.info({ hostId: this.host.hostId }, 'daemon stopped');
    })();
    return this.stopping;
  }
}

/** The metrics listener could not bind: name the address and what to do (exit 1, not a usage error). */
function listenError(err: NodeJS.ErrnoException, port: number, host: string): ConnectorError {
  const inUse = err.code === 'EADDRINUSE';
  return new ConnectorError(
    inUse ? 'METRICS_PORT_IN_USE' : 'METRICS_LISTEN_FAILED',
    `cannot listen for metrics on ${host}:${port}: ${inUse ? 'the port is in use' : err.message}`,
    {
      hint: inUse
        ? `Stop what listens on port ${port}, or start with another --metrics-port (or --no-metrics).`
        : 'Pick a port and address this user may bind with --metrics-port and --metrics-host.',
      cause: err,
    },
  );
}
