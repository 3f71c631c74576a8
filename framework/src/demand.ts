import { abortReason } from './clock';
import type { PageDemand } from './types';

/** Demand that is always there: for collecting without a pipeline (tests, one-off scripts). */
export const IMMEDIATE_DEMAND: PageDemand = { ready: () => Promise.resolve() };

/**
 * The pipeline's side of pull-style paging: `hold()` when a page is emitted, `release()` once it is
 * published; the collector's `ready()` waits while `limit` pages are held. With the default limit of 1
 * the next page is fetched only after the previous one was published; with 2 the next page is fetched
 * while the previous one is processed (the vendor's latency hides behind the host's work), and at most
 * two pages are held.
 */
export class PageGate implements PageDemand {
  private outstanding = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly limit = 1) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`page gate limit must be ≥ 1, got ${limit}`);
  }

  hold(): void {
    this.outstanding++;
  }

  release(): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    if (this.outstanding < this.limit) {
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    }
  }

  get held(): number {
    return this.outstanding;
  }

  ready(signal?: AbortSignal): Promise<void> {
    if (this.outstanding < this.limit) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = (): void => reject(abortReason(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}
