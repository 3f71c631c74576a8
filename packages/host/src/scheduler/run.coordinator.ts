import { randomUUID } from 'node:crypto';
import {
  backoffDelay,
  CancelledError,
  toConnectorError,
  type Clock,
  type Logger,
} from '@connectors/framework/engine';
import { DEFAULT_ROLES, placementOf } from '../cluster/placement';
import { emptyFigures } from '../pipeline/collection.pipeline';
import { BusyError } from '../errors';
import { COLLECTIONS, RUN_HISTORY_LIMIT, runLeaseName } from '../registry/collections';
import type { ConnectorRegistry } from '../registry/connector.registry';
import type { DocWrite, HostStore, Lease } from '../store/host-store';
import { acquireLease, isDeadLocalProcess, LeaseKeeper } from '../store/lease.keeper';
import type { StatusTracker } from '../status/status.tracker';
import type { ConnectorDefinition, RunProgress, RunSummary, ScheduleState } from '../types';

export interface RunRequest {
  runId: string;
  trigger: RunSummary['trigger'];
  fence: number;
  scheduledFor?: number;
  signal: AbortSignal;
  /** Throws when the run's lease is lost or its renewal overdue: checked before each page is published. */
  checkLease(): void;
  /** How long the end of a cancelled run (its end markers) may wait for the queue. */
  settleMs: number;
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
  /** The placements this host takes (`dp`, `sensor:ID`; default `dp`). */
  roles?: readonly string[];
  execute: RunExecutor;
  /** Run lease TTL (default 10 000 ms), renewed every third of it. */
  leaseTtlMs?: number;
  minuteMs?: number;
  /**
   * How long a run keeps going while the store (Redis) does not answer (default `DEFAULT_STORE_DEADLINE_MS`,
   * never past four fifths of the lease TTL); also bounds the end markers and the recording of a run.
   */
  deadlineMs?: number;
}

export interface TryRunOptions {
  trigger: RunSummary['trigger'];
  /** Shutdown: an aborted run is released without being committed, so another host takes it over. */
  signal?: AbortSignal;
  onProgress?(progress: RunProgress): void;
  ingestion?: RunIngestion;
}

export { LeaseLostError, StoreUnreachableError } from '../store/lease.keeper';

/** Errors of a run ended by infrastructure, not by the connector: the run is retried within a minute. */
const INFRASTRUCTURE_CODES = new Set(['STORE_UNREACHABLE', 'RUN_LEASE_LOST', 'QUEUE_UNAVAILABLE']);

/** Default for `RunCoordinatorOptions.deadlineMs`. */
const DEFAULT_STORE_DEADLINE_MS = 15_000;
/** Default `RunCoordinator.settleMs`, the scheduler's default shutdown grace. */
const DEFAULT_SETTLE_MS = 10_000;
/** Default run lease TTL: a killed run's lease frees this long after its last renewal. */
const DEFAULT_LEASE_TTL_MS = 10_000;

/** What a run records when it starts; still there with its lease gone, the run was interrupted. */
export interface ActiveRun {
  runId: string;
  connectorId: string;
  tenant: string;
  name: string;
  trigger: RunSummary['trigger'];
  fence: number;
  hostId: string;
  startedAt: number;
  scheduledFor?: number;
}

/** The history entry of a run that started and never recorded an outcome (its process died). */
function interruptedRun(active: ActiveRun, now: number): RunSummary {
  return {
    ...emptyFigures(),
    ...active,
    ok: false,
    interrupted: true,
    finishedAt: now,
    durationMs: now - active.startedAt,
    error: {
      code: 'RUN_INTERRUPTED',
      summary: `the run started on ${active.hostId} ended without recording an outcome (its process was killed or lost the store)`,
      hint: 'The run is retried as soon as its lease expires; check the host that ran it.',
      at: now,
      source: 'run',
    },
  };
}

/** The run recorded as started whose lease is gone or whose holder is known dead, if any. */
export async function findInterruptedRun(
  store: HostStore,
  connectorId: string,
  now: number,
): Promise<RunSummary | undefined> {
  const [active, lease] = await Promise.all([
    store.get<ActiveRun>(COLLECTIONS.activeRuns, connectorId),
    store.getLease(runLeaseName(connectorId)),
  ]);
  if (!active || (lease && lease.token === active.fence && !isDeadLocalProcess(lease.owner)))
    return undefined;
  return interruptedRun(active, now);
}

/**
 * One run per connector at a time, cluster-wide. A run holds a lease with a fencing token, renews it
 * while it works, and commits its outcome (next due time, status, history) only while it still holds
 * that lease, releasing it in the same step. A run cut short by a crash leaves the due time in the
 * past, so the next host to get the lease after it expires runs it again.
 */
export class RunCoordinator {
  leaseTtlMs: number;
  deadlineMs: number;
  /** How long the end of a cancelled run may wait for the queue (the daemon's shutdown grace). */
  settleMs = DEFAULT_SETTLE_MS;
  /** The placements this host takes. */
  readonly roles: readonly string[];
  private readonly minuteMs: number;
  private executing = 0;

  constructor(private readonly options: RunCoordinatorOptions) {
    this.roles = options.roles ?? DEFAULT_ROLES;
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_STORE_DEADLINE_MS;
    this.minuteMs = options.minuteMs ?? 60_000;
  }

  /** Collection runs executing in this process now (the heartbeat's "runs in progress"). */
  get runsInProgress(): number {
    return this.executing;
  }

  /** Whether this host takes the connector's placement ("run on" is one of its roles). */
  takes(def: Pick<ConnectorDefinition, 'runOn'>): boolean {
    return this.roles.includes(placementOf(def.runOn));
  }

  /**
   * Runs the connector if its lease is free (and, for a scheduled run, if it is still due once the
   * lease is held); undefined when another run holds it or someone else already ran it.
   */
  async tryRun(def: ConnectorDefinition, options: TryRunOptions): Promise<RunSummary | undefined> {
    const { store, clock, logger } = this.options;
    // Placement: a scheduled pull is taken only by a host of the connector's "run on"; a manual run
    // was checked by the caller (ConnectorHost.run).
    if (options.trigger === 'schedule' && !this.takes(def)) return undefined;
    const acquiredAt = clock.now();
    const lease = await acquireLease(store, runLeaseName(def.id), this.options.hostId, this.leaseTtlMs);
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
    const keeper = new LeaseKeeper(
      lease,
      {
        store,
        clock,
        logger,
        ttlMs: this.leaseTtlMs,
        deadlineMs: this.deadlineMs,
        onLost: (reason) => controller.abort(reason),
      },
      acquiredAt,
    );
    const runId = randomUUID();
    const active: ActiveRun = {
      runId,
      connectorId: def.id,
      tenant: def.tenant,
      name: def.name,
      trigger: options.trigger,
      fence: lease.token,
      hostId: this.options.hostId,
      startedAt: clock.now(),
      ...(scheduledFor !== undefined ? { scheduledFor } : {}),
    };
    if (!(await this.recordStart(lease, active).catch(() => false))) {
      keeper.stop();
      await store.releaseLease(lease).catch(() => undefined);
      return undefined;
    }

    const onOuterAbort = (): void =>
      controller.abort(options.signal?.reason ?? new CancelledError('shutting down'));
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (options.signal?.aborted) onOuterAbort();
    let summary: RunSummary;
    this.executing++;
    try {
      summary = await this.options.execute(def, {
        runId,
        trigger: options.trigger,
        fence: lease.token,
        ...(scheduledFor !== undefined ? { scheduledFor } : {}),
        signal: controller.signal,
        checkLease: () => keeper.check(),
        settleMs: Math.min(this.settleMs, this.deadlineMs),
        onProgress: options.onProgress,
        ...(options.ingestion ? { ingestion: options.ingestion } : {}),
      });
    } finally {
      this.executing--;
      keeper.stop();
      options.signal?.removeEventListener('abort', onOuterAbort);
    }

    const shutdown = options.signal?.aborted === true;
    const committed = await this.withDeadline(() =>
      shutdown ? this.recordReleased(def, lease, summary) : this.commit(def, lease, summary),
    ).catch((err) => {
      logger.error(
        { err: toConnectorError(err), connector: def.name, runId },
        'could not record the run; it shows as interrupted once the store is back',
      );
      return undefined;
    });
    if (committed === false) {
      // Someone else holds the lease now: the history still gets the run, the schedule stays theirs.
      await this.withDeadline(() => this.recordUnfenced(def, summary)).catch((err) =>
        logger.error({ err: toConnectorError(err), connector: def.name, runId }, 'could not record the run'),
      );
      logger.warn(
        { connector: def.name, runId, fence: lease.token },
        'run finished after its lease was lost',
      );
    }
    if (shutdown) logger.info({ connector: def.name, runId }, 'run released at shutdown');
    return summary;
  }

  /** Retries a store write that fails (store unreachable) until the deadline. */
  private async withDeadline<T>(write: () => Promise<T>): Promise<T> {
    const { clock } = this.options;
    const until = clock.now() + this.deadlineMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (clock.now() >= until) throw err;
        await clock.sleep(
          Math.min(until - clock.now(), backoffDelay(attempt, { baseMs: 100, capMs: 1_000 })),
        );
      }
    }
  }

  /** Records the start under the lease; a run found recorded and not ours was interrupted. */
  private async recordStart(lease: Lease, active: ActiveRun): Promise<boolean> {
    const { store, clock } = this.options;
    const [previous, history] = await Promise.all([
      store.get<ActiveRun>(COLLECTIONS.activeRuns, active.connectorId),
      store.get<RunSummary[]>(COLLECTIONS.runs, active.connectorId),
    ]);
    const writes: DocWrite[] = [
      { collection: COLLECTIONS.activeRuns, key: active.connectorId, value: active },
    ];
    if (previous) {
      writes.push({
        collection: COLLECTIONS.runs,
        key: active.connectorId,
        value: [interruptedRun(previous, clock.now()), ...(history ?? [])].slice(0, RUN_HISTORY_LIMIT),
      });
    }
    return store.writeIfLeaseHeld(lease, writes);
  }

  /** Shutdown: the run goes into the history, is left due (not done, not failed) and its lease released. */
  private async recordReleased(def: ConnectorDefinition, lease: Lease, run: RunSummary): Promise<boolean> {
    const history = await this.options.store.get<RunSummary[]>(COLLECTIONS.runs, def.id);
    return this.options.store.writeIfLeaseHeld(
      lease,
      [
        {
          collection: COLLECTIONS.runs,
          key: def.id,
          value: [run, ...(history ?? [])].slice(0, RUN_HISTORY_LIMIT),
        },
        { collection: COLLECTIONS.activeRuns, key: def.id, value: undefined },
      ],
      true,
    );
  }

  /** A run whose lease was lost: into the history and status, without touching the schedule. */
  private async recordUnfenced(def: ConnectorDefinition, run: RunSummary): Promise<void> {
    const { store, status, registry } = this.options;
    await store.update<RunSummary[]>(COLLECTIONS.runs, def.id, (h) =>
      [run, ...(h ?? [])].slice(0, RUN_HISTORY_LIMIT),
    );
    await store.update<ActiveRun>(COLLECTIONS.activeRuns, def.id, (a) =>
      a?.runId === run.runId ? undefined : a,
    );
    const current = await registry.getById(def.id);
    if (current) {
      const write = await status.afterRun(current, run);
      await store.put(write.collection, write.key, write.value);
    }
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
      // A run ended by infrastructure (store or queue unreachable) is retried soon, not an interval later.
      if (run.error && INFRASTRUCTURE_CODES.has(run.error.code))
        nextRunAt = Math.min(nextRunAt, run.finishedAt + this.minuteMs);
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
        { collection: COLLECTIONS.activeRuns, key: def.id, value: undefined },
      ],
      true,
    );
  }
}
