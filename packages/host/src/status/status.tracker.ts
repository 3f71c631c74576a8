import { toConnectorError, type Clock, type Logger, type TestResult } from '@connectors/framework/engine';
import type { HostDirectory } from '../cluster/host.directory';
import { noHostMessage, placementOf } from '../cluster/placement';
import type { ConnectorRegistry } from '../registry/connector.registry';
import { COLLECTIONS, runLeaseName } from '../registry/collections';
import { findInterruptedRun } from '../scheduler/run.coordinator';
import { isDeadLocalProcess } from '../store/lease.keeper';
import type { DocWrite, HostStore } from '../store/host-store';
import type {
  ConnectorDefinition,
  ConnectorStatus,
  HostView,
  RunSummary,
  ScheduleState,
  StatusError,
} from '../types';

/** Default status refresh period: the product refreshes connector status every five minutes. */
export const STATUS_REFRESH_MS = 5 * 60_000;
/** After a test clears a failed status, the verification run is due within this delay. */
export const RECHECK_AFTER_TEST_MS = 50_000;

export interface StatusTrackerOptions {
  store: HostStore;
  clock: Clock;
  registry: ConnectorRegistry;
  logger: Logger;
  /** Queue backlog (entries not yet ingested), when a queue is open. */
  backlog?: () => Promise<number | undefined>;
  /** The hosts' heartbeats: a connector no live host takes says so. */
  directory?: HostDirectory;
  recheckAfterTestMs?: number;
}

/**
 * Connector status. What is stored is the outcome of runs and tests (ok / failed, last error, last
 * success, last run figures); what depends on the moment (running, inactive, next run, backlog) is
 * derived when read, so a crashed host never leaves a connector "running" forever.
 */
export class StatusTracker {
  private readonly recheckMs: number;

  constructor(private readonly options: StatusTrackerOptions) {
    this.recheckMs = options.recheckAfterTestMs ?? RECHECK_AFTER_TEST_MS;
  }

  /** The status document to commit with a finished run (written under the run's lease). */
  async afterRun(def: ConnectorDefinition, run: RunSummary): Promise<DocWrite> {
    const prev = await this.stored(def);
    const { error: _error, ...lastRun } = run;
    const next: ConnectorStatus = {
      ...prev,
      state: run.ok ? 'ok' : 'failed',
      lastActivityAt: run.finishedAt,
      lastRunRecords: run.records,
      lastRun,
      refreshedAt: this.options.clock.now(),
    };
    if (run.ok) {
      next.lastSuccessAt = run.finishedAt;
      delete next.lastError;
      delete next.reason;
    } else {
      next.lastError = run.error;
    }
    delete next.clearedByTestAt;
    return { collection: COLLECTIONS.status, key: def.id, value: next };
  }

  /**
   * Records a test. A passed test clears a failed status at once and brings the next run forward to
   * within a minute, so a fault that persists turns the status back to failed; a failed test marks
   * the connector failed with the step's detail.
   */
  async afterTest(def: ConnectorDefinition, result: TestResult): Promise<ConnectorStatus> {
    const now = this.options.clock.now();
    let saved: ConnectorStatus | undefined;
    await this.options.store.update<ConnectorStatus>(COLLECTIONS.status, def.id, (cur) => {
      const prev = cur ?? this.initial(def);
      const next: ConnectorStatus = { ...prev, lastActivityAt: now, refreshedAt: now };
      if (result.ok) {
        if (prev.state === 'failed') {
          next.state = 'ok';
          next.clearedByTestAt = now;
          delete next.lastError;
        }
      } else {
        const failed = result.steps.find((s) => s.status === 'failed');
        next.state = 'failed';
        next.lastError = {
          code: 'TEST_FAILED',
          summary: result.summary,
          ...(failed?.detail ? { detail: failed.detail } : result.detail ? { detail: result.detail } : {}),
          ...(result.hint ? { hint: result.hint } : {}),
          at: now,
          source: 'test',
        };
      }
      saved = next;
      return next;
    });
    if (saved?.clearedByTestAt === now) {
      await this.options.store.update<ScheduleState>(COLLECTIONS.schedule, def.id, (s) =>
        s && s.nextRunAt !== undefined ? { ...s, nextRunAt: Math.min(s.nextRunAt, now + this.recheckMs) } : s,
      );
    }
    return saved!;
  }

  /**
   * The current status: stored outcome plus what holds right now. `liveHosts` (read once by a caller
   * listing many connectors) is read from the directory when not given.
   */
  async get(def: ConnectorDefinition, backlog?: number, liveHosts?: HostView[]): Promise<ConnectorStatus> {
    const status = { ...(await this.stored(def)) };
    delete status.noHost;
    const [schedule, lease, active] = await Promise.all([
      this.options.store.get<ScheduleState>(COLLECTIONS.schedule, def.id),
      this.options.store.getLease(runLeaseName(def.id)),
      this.options.registry.isActive(def),
    ]);
    if (schedule?.nextRunAt !== undefined) status.nextRunAt = schedule.nextRunAt;
    else delete status.nextRunAt;
    if (backlog !== undefined) status.backlog = backlog;
    // A lease whose holder is a dead process of this machine is as good as expired.
    const held = lease !== undefined && !isDeadLocalProcess(lease.owner);
    const interrupted = held
      ? undefined
      : await findInterruptedRun(this.options.store, def.id, this.options.clock.now());
    if (held && lease) {
      status.state = 'running';
      status.reason = `running on ${lease.owner}`;
    } else if (interrupted) {
      status.state = 'failed';
      status.lastError = interrupted.error;
      status.reason = interrupted.error!.summary;
    } else if (!active) {
      status.state = 'inactive';
      status.reason = !def.functions.includes('collect')
        ? 'the Collect function is not enabled'
        : 'not in a data analyzer profile: it does not pull data until it is added to one';
      delete status.nextRunAt;
    }
    if (status.state !== 'running' && status.state !== 'inactive' && this.options.directory) {
      const role = placementOf(def.runOn);
      const hosts = liveHosts ?? (await this.options.directory.live());
      if (!hosts.some((h) => h.roles.includes(role))) {
        const { message, hint } = noHostMessage(role);
        status.noHost = `${message}: ${hint.charAt(0).toLowerCase()}${hint.slice(1, -1)}`;
      }
    }
    return status;
  }

  /** Refreshes and stores every connector's status (the daemon does this every five minutes). */
  async refreshAll(): Promise<ConnectorStatus[]> {
    const backlog = await this.backlog();
    const hosts = await this.options.directory?.live();
    const out: ConnectorStatus[] = [];
    for (const def of await this.options.registry.list()) {
      try {
        const s = await this.get(def, backlog, hosts);
        await this.options.store.update<ConnectorStatus>(COLLECTIONS.status, def.id, (cur) =>
          cur || s.state !== 'inactive'
            ? { ...(cur ?? this.initial(def)), backlog: s.backlog, refreshedAt: this.options.clock.now() }
            : undefined,
        );
        out.push({ ...s, refreshedAt: this.options.clock.now() });
      } catch (err) {
        this.options.logger.warn(
          { err: toConnectorError(err), connector: def.name },
          'status refresh failed',
        );
      }
    }
    return out;
  }

  async backlog(): Promise<number | undefined> {
    try {
      return await this.options.backlog?.();
    } catch {
      return undefined;
    }
  }

  private async stored(def: ConnectorDefinition): Promise<ConnectorStatus> {
    return (await this.options.store.get<ConnectorStatus>(COLLECTIONS.status, def.id)) ?? this.initial(def);
  }

  private initial(def: ConnectorDefinition): ConnectorStatus {
    return {
      connectorId: def.id,
      tenant: def.tenant,
      name: def.name,
      state: 'pending',
      refreshedAt: this.options.clock.now(),
    };
  }
}

/** A failure as status shows it: summary, detail and hint, never a secret (ConnectorErrors carry none). */
export function toStatusError(err: unknown, source: StatusError['source'], at: number): StatusError {
  const e = toConnectorError(err);
  const cause = e.cause instanceof Error && e.cause.message !== e.message ? e.cause.message : undefined;
  return {
    code: e.code,
    summary: e.message,
    ...(cause ? { detail: cause } : {}),
    ...(e.hint ? { hint: e.hint } : {}),
    at,
    source,
  };
}
