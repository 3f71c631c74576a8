import { randomUUID } from 'node:crypto';
import { CancelledError, toConnectorError, type Clock, type Logger } from '@connectors/framework';
import { BusyError } from '../errors';
import { COLLECTIONS, RUN_HISTORY_LIMIT, runLeaseName } from '../registry/collections';
import type { ConnectorRegistry } from '../registry/connector.registry';
import type { HostStore, Lease } from '../store/host-store';
import type { StatusTracker } from '../status/status.tracker';
import type { ConnectorDefinition, RunProgress, RunSummary, ScheduleState } from '../types';

export interface RunRequest {
  runId: string;
  trigger: RunSummary['trigger'];
  fence: number;
  scheduledFor?: number;
  signal: AbortSignal;
  onProgress?(progress: RunProgress): void;
  /** Ingestion the run waits for (a manual run): its failure fails the run, in status and history. */
  ingestion?: RunIngestion;
}

/** Started before collection (the queue is bounded, so it must drain while collecting); drained after. */
export interface RunIngestion {
  start(): Promise<void>;
  drained(signal: AbortSignal): Promise<void>;
}

/** Executes one collection run (the host's pipeline); never throws, failures are in the summary. */
export type RunExecutor = (def: ConnectorDefinition, request: RunRequest) => Promise<RunSummary>;

export interface RunCoordinatorOptions {
  store: HostStore;
  clock: Clock;
  registry: ConnectorRegistry;
  status: StatusTracker;
  logger: Logger;
  hostId: string;
  execute: RunExecutor;
  leaseTtlMs?: number;
  minuteMs?: number;
}

export interface TryRunOptions {
  trigger: RunSummary['trigger'];
  /** Shutdown: an aborted run is released without being committed, so another host takes it over. */
  signal?: AbortSignal;
  onProgress?(progress: RunProgress): void;
  ingestion?: RunIngestion;
}

export class LeaseLostError extends CancelledError {
  constructor() {
    super('the run lease was lost (another host took over)');
  }
}

/**
 * One run per connector at a time, cluster-wide. A run holds a lease with a fencing token, renews it
 * while it works, and commits its outcome (next due time, status, history) only while it still holds
 * that lease, releasing it in the same step. A run cut short by a crash leaves the due time in the
 * past, so the next host to get the lease after it expires runs it again.
 */
export class RunCoordinator {
  leaseTtlMs: number;
  private readonly minuteMs: number;

  constructor(private readonly options: RunCoordinatorOptions) {
    this.leaseTtlMs = options.leaseTtlMs ?? 30_000;
    this.minuteMs = options.minuteMs ?? 60_000;
  }

  /**
   * Runs the connector if its lease is free (and, for a scheduled run, if it is still due once the
   * lease is held); undefined when another run holds it or someone else already ran it.
   */
  async tryRun(def: ConnectorDefinition, options: TryRunOptions): Promise<RunSummary | undefined> {
    const { store, clock, logger } = this.options;
    const lease = await store.acquireLease(runLeaseName(def.id), this.options.hostId, this.leaseTtlMs);
    if (!lease) return undefined;
    let scheduledFor: number | undefined;
    if (options.trigger === 'schedule') {
      // Another host may have finished this very run between our read and our lease.
      const schedule = await store.get<ScheduleState>(COLLECTIONS.schedule, def.id);
      if (schedule?.nextRunAt === undefined || schedule.nextRunAt > clock.now()) {
        await store.releaseLease(lease);
        return undefined;
      }
      scheduledFor = schedule.nextRunAt;
    }

    const controller = new AbortController();
    const onOuterAbort = (): void =>
      controller.abort(options.signal?.reason ?? new CancelledError('shutting down'));
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (options.signal?.aborted) onOuterAbort();
    const heartbeat = this.keepAlive(lease, controller);

    const runId = randomUUID();
    let summary: RunSummary;
    try {
      summary = await this.options.execute(def, {
        runId,
        trigger: options.trigger,
        fence: lease.token,
        ...(scheduledFor !== undefined ? { scheduledFor } : {}),
        signal: controller.signal,
        onProgress: options.onProgress,
        ...(options.ingestion ? { ingestion: options.ingestion } : {}),
      });
    } finally {
      heartbeat.stop();
      options.signal?.removeEventListener('abort', onOuterAbort);
    }

    if (options.signal?.aborted) {
      // Shutdown: not a failure and not done; leave it due so the next lease holder runs it.
      await store.releaseLease(lease).catch(() => undefined);
      logger.info({ connector: def.name, runId }, 'run released at shutdown');
      return summary;
    }
    const committed = await this.commit(def, lease, summary).catch((err) => {
      logger.error({ err: toConnectorError(err), connector: def.name, runId }, 'could not record the run');
      return false;
    });
    if (!committed) {
      logger.warn(
        { connector: def.name, runId, fence: lease.token },
        'run finished after its lease was lost; outcome not recorded',
      );
    }
    return summary;
  }

  /** Like tryRun, for a run a user asked for: a busy connector is an error, not a skip. */
  async runNow(def: ConnectorDefinition, options: Omit<TryRunOptions, 'trigger'>): Promise<RunSummary> {
    const summary = await this.tryRun(def, { ...options, trigger: 'manual' });
    if (!summary) {
      const lease = await this.options.store.getLease(runLeaseName(def.id));
      throw new BusyError(
        'RUN_IN_PROGRESS',
        `${def.name} is already running${lease ? ` on ${lease.owner}` : ''}`,
        'Wait for that run to finish (see `connectors status`).',
      );
    }
    return summary;
  }

  private async commit(def: ConnectorDefinition, lease: Lease, run: RunSummary): Promise<boolean> {
    const { store, registry, status } = this.options;
    const current = await registry.getById(def.id);
    if (!current) return store.releaseLease(lease); // deleted meanwhile
    const [schedule, history, active] = await Promise.all([
      store.get<ScheduleState>(COLLECTIONS.schedule, def.id),
      store.get<RunSummary[]>(COLLECTIONS.runs, def.id),
      registry.isActive(current),
    ]);
    let nextRunAt: number | undefined;
    if (active) {
      // From the start of this run; if that is already past, once now: missed intervals do not pile up.
      const interval = registry.settings(current).intervalMinutes * this.minuteMs;
      nextRunAt = Math.max(run.startedAt + interval, run.finishedAt);
      // A test may have brought the next run forward while this one ran; keep the earlier due time.
      // Not a spread first pull that a manual run came before: that run was the first pull.
      const firstPullDone = run.trigger === 'manual' && schedule?.lastStartedAt === undefined;
      if (
        schedule?.nextRunAt !== undefined &&
        schedule.nextRunAt > (run.scheduledFor ?? run.startedAt) &&
        !firstPullDone
      ) {
        nextRunAt = Math.min(nextRunAt, schedule.nextRunAt);
      }
    }
    const nextSchedule: ScheduleState = {
      connectorId: def.id,
      lastFence: lease.token,
      lastStartedAt: run.startedAt,
      lastFinishedAt: run.finishedAt,
      ...(nextRunAt !== undefined ? { nextRunAt } : {}),
    };
    return store.writeIfLeaseHeld(
      lease,
      [
        { collection: COLLECTIONS.schedule, key: def.id, value: nextSchedule },
        await status.afterRun(current, run),
        {
          collection: COLLECTIONS.runs,
          key: def.id,
          value: [run, ...(history ?? [])].slice(0, RUN_HISTORY_LIMIT),
        },
      ],
      true,
    );
  }

  /** Renews the lease every third of its time to live; a lost lease cancels the run. */
  private keepAlive(lease: Lease, controller: AbortController): { stop(): void } {
    const { store, clock, logger } = this.options;
    const stopper = new AbortController();
    void (async () => {
      while (!stopper.signal.aborted) {
        try {
          await clock.sleep(Math.max(1, Math.floor(this.leaseTtlMs / 3)), stopper.signal);
        } catch {
          return;
        }
        if (stopper.signal.aborted) return;
        const ok = await store.extendLease(lease, this.leaseTtlMs).catch(() => false);
        if (!ok && !stopper.signal.aborted) {
          logger.warn({ lease: lease.name, fence: lease.token }, 'run lease lost; cancelling the run');
          controller.abort(new LeaseLostError());
          return;
        }
      }
    })();
    return { stop: () => stopper.abort() };
  }
}
