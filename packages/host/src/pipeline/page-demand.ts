import { abortReason, CancelledError, type PageDemand } from '@connectors/framework/engine';

/**
 * Joins `line` (called in turn by whoever serves it) and resolves when served; an abort leaves the line
 * and rejects with the signal's reason.
 */
function waitInLine(line: Array<() => void>, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const served = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      const at = line.indexOf(served);
      if (at >= 0) line.splice(at, 1);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    line.push(served);
  });
}

/**
 * Pages in flight across every run of a host: a pool of permits the runs' `PageGate`s share. A permit
 * is taken before a page is fetched and returned once that page is published, so the memory pages
 * take is bounded by the budget, not by the number of runs in progress. Waiters are served in arrival
 * order.
 */
export class PageBudget {
  private used = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`page budget must be ≥ 1, got ${size}`);
  }

  /** Permits taken; above `size` while pages that arrived without asking are held (see `take`). */
  get inUse(): number {
    return this.used;
  }

  /** Callers waiting in `acquire()`. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes a permit if one is free now; never waits (a look-ahead fetch). */
  tryAcquire(): boolean {
    // Waiters imply nothing is free: release() hands a permit to the first waiter before anyone else.
    if (this.used >= this.size) return false;
    this.used++;
    return true;
  }

  /** Waits for a permit; an abort rejects with the signal's reason and takes nothing. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.tryAcquire()) return Promise.resolve();
    return waitInLine(this.waiters, signal);
  }

  /**
   * Counts a page that was fetched without asking (a plugin that does not await `ready()` before
   * every page). It is in memory whether or not there is room, so it is counted even above `size`,
   * and nobody else gets a permit until the budget is back under it.
   */
  take(): void {
    this.used++;
  }

  release(): void {
    if (this.used === 0) throw new RangeError('page budget: release without a permit taken');
    this.used--;
    while (this.used < this.size && this.waiters.length) {
      this.used++;
      this.waiters.shift()!();
    }
  }
}

/**
 * The pipeline's side of pull-style paging for one run: `hold()` when a page is emitted, `release()`
 * once it is published; the collector's `ready()` waits while `limit` pages are held. With the default
 * limit of 1 the next page is fetched only after the previous one was published; with 2 the next page
 * is fetched while the previous one is processed (the vendor's latency hides behind the host's work),
 * and at most two pages are held.
 *
 * With a host-wide `PageBudget`, `ready()` also takes a permit for the page it lets the collector
 * fetch, and the page keeps it until it is released:
 * - a run holding no page waits for a permit in the budget's queue;
 * - a run holding a page takes a permit for the look-ahead only if one is free at that moment, and
 *   otherwise waits for its own page to be published, whose permit then passes to this fetch. A run
 *   that holds a page never queues for a permit, so every permit in use belongs to a page that can be
 *   published or a fetch in progress: no deadlock however few the permits;
 * - a permit freed by publishing goes to the same run's next fetch only when that fetch is already
 *   waiting and the run would otherwise hold nothing (the page it replaces is gone, memory is
 *   unchanged), so a started run keeps paging instead of queueing behind runs that hold nothing yet;
 *   it goes back to the budget otherwise.
 * A permit that `ready()` took but no page used (the last fetch found no more data, failed, or was
 * cancelled) stays with the gate for its next page and is returned by `close()`, which the pipeline
 * calls when the run ends.
 */
export class PageGate implements PageDemand {
  private outstanding = 0;
  /** Budget permits taken by `ready()` that no page uses yet. */
  private reserved = 0;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(
    readonly limit = 1,
    private readonly budget?: PageBudget,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`page gate limit must be ≥ 1, got ${limit}`);
  }

  hold(): void {
    this.outstanding++;
    if (!this.budget || this.closed) return;
    if (this.reserved > 0) this.reserved--;
    else this.budget.take();
  }

  release(): void {
    if (this.outstanding === 0) return;
    this.outstanding--;
    if (this.budget && !this.closed) {
      const handOver =
        this.waiters.length > 0 &&
        this.outstanding === 0 &&
        this.reserved === 0 &&
        this.budget.inUse <= this.budget.size;
      if (handOver) this.reserved++;
      else this.budget.release();
    }
    this.wake();
  }

  get held(): number {
    return this.outstanding;
  }

  /** Budget permits this gate has: one per held page plus those taken for fetches not yet emitted. */
  get permits(): number {
    return this.budget && !this.closed ? this.outstanding + this.reserved : 0;
  }

  async ready(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      if (this.closed) throw new CancelledError('the run has ended');
      if (this.outstanding >= this.limit) {
        await this.nextRelease(signal);
      } else if (!this.budget || this.reserved > 0) {
        return;
      } else if (this.outstanding === 0) {
        await this.budget.acquire(signal);
        if (this.closed) {
          this.budget.release();
          throw new CancelledError('the run has ended');
        }
        this.reserved++;
        return;
      } else if (this.budget.tryAcquire()) {
        this.reserved++;
        return;
      } else {
        await this.nextRelease(signal);
      }
    }
  }

  /** Returns every permit the gate has to the budget; `ready()` refuses from now on. Idempotent. */
  close(): void {
    if (this.closed) return;
    const permits = this.permits;
    this.closed = true;
    this.reserved = 0;
    for (let i = 0; i < permits; i++) this.budget!.release();
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  private nextRelease(signal?: AbortSignal): Promise<void> {
    return waitInLine(this.waiters, signal);
  }
}
