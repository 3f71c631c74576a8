import { abortableDelay, toConnectorError, type Clock, type Logger } from '@connectors/framework/engine';
import { COLLECTIONS } from '../registry/collections';
import type { ConnectorRegistry } from '../registry/connector.registry';
import type { HostStore } from '../store/host-store';
import type { ConnectorDefinition, RunSummary, ScheduleState, SchedulerOptions } from '../types';
import type { RunCoordinator } from './run.coordinator';

export interface SchedulerDeps {
  store: HostStore;
  clock: Clock;
  registry: ConnectorRegistry;
  coordinator: RunCoordinator;
  logger: Logger;
  /** Called after each run this scheduler started (metrics, tests). */
  onRun?(summary: RunSummary): void;
}

/**
 * Starts due runs. Every tick it reads the due times, and for each due connector not already running
 * here it asks the coordinator, which takes the cluster-wide lease. Several host processes can run a
 * scheduler against one Redis: the lease and the re-check of the due time under it make each due
 * run happen once. Only connectors whose "run on" is one of the host's roles are started here.
 */
/** Runs a scheduler executes at once unless `SchedulerOptions.maxConcurrentRuns` says otherwise. */
export const DEFAULT_MAX_CONCURRENT_RUNS = 4;

export class Scheduler {
  private readonly tickMs: number;
  /** Most runs this scheduler executes at once (`SchedulerOptions.maxConcurrentRuns`). */
  readonly maxConcurrent: number;
  private readonly graceMs: number;
  private readonly running = new Map<string, { promise: Promise<void>; controller: AbortController }>();
  private loop?: Promise<void>;
  private readonly stopTicking = new AbortController();
  private wake?: () => void;
  /** The earliest due time after the last tick (runs due already wait for room, not for time). */
  private nextDueAt?: number;
  /**
   * Connectors seen placed elsewhere ("run on" is fixed at creation, so this never goes stale): their
   * due times are skipped without reading their definitions at every tick.
   */
  private readonly placedElsewhere = new Set<string>();

  constructor(
    private readonly deps: SchedulerDeps,
    options: SchedulerOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 1_000;
    this.maxConcurrent = options.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
    this.graceMs = options.shutdownGraceMs ?? 10_000;
  }

  get activeRuns(): number {
    return this.running.size;
  }

  start(): void {
    if (this.loop) return;
    this.loop = (async () => {
      while (!this.stopTicking.signal.aborted) {
        await this.tick().catch((err) =>
          this.deps.logger.error(
            { err: toConnectorError(err) },
            'scheduler tick failed; retrying at the next tick',
          ),
        );
        // Sleep until the next tick, or until a run that actually ran ends: with the tick as the only
        // wake-up, a host could start at most maxConcurrentRuns runs per tick however short the runs.
        // Not past the next due time either: a tick of 1 s would make runs up to a second late.
        const untilDue = this.nextDueAt === undefined ? Infinity : this.nextDueAt - this.deps.clock.now();
        const napMs = Math.max(0, Math.min(this.tickMs, untilDue));
        const nap = new AbortController();
        this.wake = () => nap.abort();
        const onStop = (): void => nap.abort();
        this.stopTicking.signal.addEventListener('abort', onStop, { once: true });
        try {
          await this.deps.clock.sleep(napMs, nap.signal);
        } catch {
          // woken by a finished run, or stopping
        } finally {
          this.stopTicking.signal.removeEventListener('abort', onStop);
          this.wake = undefined;
        }
        if (this.stopTicking.signal.aborted) return;
      }
    })();
  }

  /**
   * One pass: starts every due run this process has room for. The definitions of the due connectors
   * are read together, a batch the size of the free room at a time, and each run is launched without
   * waiting for the previous one: with hundreds due at once, one read after another made the last
   * launch seconds late.
   */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    const schedules = await this.deps.store.list<ScheduleState>(COLLECTIONS.schedule);
    let nextDueAt: number | undefined;
    for (const { value: s } of schedules)
      if (s.nextRunAt !== undefined && s.nextRunAt > now && !this.placedElsewhere.has(s.connectorId))
        nextDueAt = Math.min(nextDueAt ?? Infinity, s.nextRunAt);
    this.nextDueAt = nextDueAt;
    const due = schedules
      .map((s) => s.value)
      .filter(
        (s) =>
          s.nextRunAt !== undefined &&
          s.nextRunAt <= now &&
          !this.running.has(s.connectorId) &&
          !this.placedElsewhere.has(s.connectorId),
      )
      .sort((a, b) => a.nextRunAt! - b.nextRunAt!)
      .map((s) => s.connectorId);
    let next = 0;
    while (next < due.length) {
      const room = this.maxConcurrent - this.running.size;
      if (this.stopTicking.signal.aborted || room <= 0) return;
      // Deleted, inactive or elsewhere placed connectors take no room, so another batch may follow.
      const batch = due.slice(next, next + room);
      next += batch.length;
      const defs = await this.deps.registry.activeAmong(batch);
      for (const def of defs) {
        if (this.stopTicking.signal.aborted) return;
        if (!this.deps.coordinator.takes(def)) {
          this.placedElsewhere.add(def.id);
          continue;
        }
        // tick() may also be called directly (tests) while the loop's own tick runs.
        if (!this.running.has(def.id)) this.launch(def);
      }
    }
  }

  private launch(def: ConnectorDefinition): void {
    const controller = new AbortController();
    let ran = false;
    const promise = this.deps.coordinator
      .tryRun(def, { trigger: 'schedule', signal: controller.signal })
      .then((summary) => {
        ran = summary !== undefined;
        if (summary) this.deps.onRun?.(summary);
      })
      .catch((err) =>
        this.deps.logger.error(
          { err: toConnectorError(err), connector: def.name },
          'scheduled run failed to start',
        ),
      )
      .finally(() => {
        this.running.delete(def.id);
        // Only a run that happened wakes the loop: a skipped one (lease held elsewhere) must not spin it.
        if (ran) this.wake?.();
      });
    this.running.set(def.id, { promise, controller });
  }

  /**
   * Graceful shutdown: no new runs; runs in progress get `graceMs` to finish, then they are
   * cancelled and their leases released (uncommitted), so another host runs them at once.
   */
  async stop(graceMs = this.graceMs): Promise<void> {
    this.stopTicking.abort();
    await this.loop;
    const pending = [...this.running.values()];
    if (!pending.length) return;
    const all = Promise.all(pending.map((r) => r.promise));
    const finished = await Promise.race([all.then(() => true), abortableDelay(graceMs).then(() => false)]);
    if (!finished) {
      this.deps.logger.warn(
        { runs: this.running.size },
        'shutdown grace elapsed; cancelling and releasing runs',
      );
      for (const r of this.running.values()) r.controller.abort();
      await all;
    }
  }
}
