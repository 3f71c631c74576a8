import { hostname } from 'node:os';
import { ConnectorError, type Clock, type Logger } from '@connectors/framework/engine';
import type { HostStore, Lease } from './host-store';

/** The lease was taken by someone else (or vanished from the store): the run must stop. */
export class LeaseLostError extends ConnectorError {
  constructor() {
    super('RUN_LEASE_LOST', 'the run lease was lost: another host holds it now, or the store lost it', {
      hint: 'Another host may be running this connector; see `connectors status`.',
    });
  }
}

/** The store did not answer renewals for as long as the lease (or the deadline) allows. */
export class StoreUnreachableError extends ConnectorError {
  constructor(kind: HostStore['kind'], ms: number, cause?: unknown) {
    const what = kind === 'redis' ? 'Redis' : 'the registry database';
    super(
      'STORE_UNREACHABLE',
      `${what} was unreachable for ${Math.round(ms / 1000)} s; the run was stopped`,
      {
        hint:
          kind === 'redis'
            ? 'Check that the Redis server (--redis-url) is running and reachable; the run is retried once it is back.'
            : 'Check the data directory; the run is retried once the registry answers again.',
        cause,
      },
    );
  }
}

export interface LeaseKeeperOptions {
  store: HostStore;
  clock: Clock;
  logger: Logger;
  ttlMs: number;
  /** Stop once renewals have failed for this long (capped below the TTL, where the lease is at risk). */
  deadlineMs?: number;
  /** Called once when the lease is lost or its renewal overdue. */
  onLost(reason: ConnectorError): void;
}

/**
 * Keeps a lease alive: renews it every third of its TTL. A renewal the store refuses means another
 * holder (stop at once); a renewal that fails or hangs means an unreachable store, retried until the
 * lease is at risk (four fifths of the TTL since the last renewal was sent) or the deadline passed
 * (docs/adr/0011-leases-tell-lost-from-unreachable.md).
 */
export class LeaseKeeper {
  private readonly stopper = new AbortController();
  private lastRenewSentAt: number;
  private lost?: ConnectorError;
  private lastError?: unknown;
  private readonly limitMs: number;

  constructor(
    readonly lease: Lease,
    private readonly options: LeaseKeeperOptions,
    acquiredAt = options.clock.now(),
  ) {
    this.lastRenewSentAt = acquiredAt;
    const atRisk = Math.floor(options.ttlMs * 0.8);
    this.limitMs = Math.min(atRisk, options.deadlineMs ?? atRisk);
    // loop() never rejects: a failed renewal is recorded in lastError and ends in fail() or check().
    void this.loop();
  }

  /** Throws when the lease is lost or overdue: call before every write the lease fences. */
  check(): void {
    if (this.lost) throw this.lost;
    if (this.options.clock.now() - this.lastRenewSentAt >= this.limitMs) {
      this.fail(new StoreUnreachableError(this.options.store.kind, this.limitMs, this.lastError));
      throw this.lost;
    }
  }

  stop(): void {
    this.stopper.abort();
  }

  private fail(reason: ConnectorError): void {
    if (this.lost || this.stopper.signal.aborted) return;
    this.lost = reason;
    this.options.logger.warn(
      { lease: this.lease.name, fence: this.lease.token, code: reason.code },
      `lease not renewed: ${reason.message}`,
    );
    this.options.onLost(reason);
  }

  private async loop(): Promise<void> {
    const { store, clock, ttlMs } = this.options;
    const everyMs = Math.max(1, Math.floor(ttlMs / 3));
    const retryMs = Math.max(1, Math.min(1_000, Math.floor(ttlMs / 10)));
    let waitMs = everyMs;
    while (!this.stopper.signal.aborted && !this.lost) {
      // Wakes for the next renewal, or when the lease would become overdue while a renewal hangs.
      if (!(await this.sleep(waitMs))) return;
      const sentAt = clock.now();
      const overdueIn = this.lastRenewSentAt + this.limitMs - sentAt;
      if (overdueIn <= 0) {
        this.failIfOverdue();
        return;
      }
      // The wait for a hung renewal ends with the renewal, so no timer outlives it.
      const renewed = new AbortController();
      const outcome = await Promise.race([
        store.extendLease(this.lease, ttlMs).then(
          (held) => (held ? 'held' : 'lost'),
          (err: unknown) => {
            this.lastError = err;
            return 'error' as const;
          },
        ),
        this.sleep(overdueIn, renewed.signal).then(() => 'hung' as const),
      ]);
      renewed.abort();
      if (this.stopper.signal.aborted) return;
      if (outcome === 'held') {
        this.lastRenewSentAt = sentAt;
        this.lastError = undefined;
        waitMs = everyMs;
      } else if (outcome === 'lost') {
        return this.fail(new LeaseLostError());
      } else {
        if (this.failIfOverdue()) return;
        waitMs = Math.min(retryMs, Math.max(1, this.lastRenewSentAt + this.limitMs - clock.now()));
      }
    }
  }

  /** True when the lease is now lost (check() failed it). */
  private failIfOverdue(): boolean {
    try {
      this.check();
      return false;
    } catch {
      return true;
    }
  }

  private async sleep(ms: number, until?: AbortSignal): Promise<boolean> {
    try {
      const signal = until ? AbortSignal.any([this.stopper.signal, until]) : this.stopper.signal;
      await this.options.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Takes a lease; when it is held by a process of this machine that no longer exists (killed), the
 * dead holder's lease is released first. Holders are recognised by the default owner `hostname:pid`.
 */
export async function acquireLease(
  store: HostStore,
  name: string,
  owner: string,
  ttlMs: number,
): Promise<Lease | undefined> {
  const lease = await store.acquireLease(name, owner, ttlMs);
  if (lease) return lease;
  const holder = await store.getLease(name);
  if (!holder || !isDeadLocalProcess(holder.owner)) return undefined;
  await store.releaseLease(holder);
  return store.acquireLease(name, owner, ttlMs);
}

/** Whether `owner` (`hostname:pid`) names a process of this machine that is gone. */
export function isDeadLocalProcess(owner: string): boolean {
  const match = /^(.*):(\d+)$/.exec(owner);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
