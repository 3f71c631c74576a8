import type { Clock } from '@connectors/framework/engine';
import type { HostStore } from '../store/host-store';
import type { FirstRunPacingOptions } from '../types';

/** Where the pacer keeps its burst (its own collection: Redis watches a whole collection per update). */
const PACING_COLLECTION = 'pacing';
const FIRST_RUN_KEY = 'first-run';

interface BurstState {
  /** When the burst's first connector was activated (epoch ms). */
  anchor: number;
  /** Connectors activated in this burst so far. */
  count: number;
  /** When the last one was activated. */
  lastAt: number;
}

const DEFAULT_FIRST_RUN_WINDOW_MS = 60_000;
const DEFAULT_FIRST_RUN_BURST_GAP_MS = 1_000;

/**
 * Chooses when a newly active connector pulls for the first time. A connector activated alone is due
 * at once. Connectors activated together (a provisioning script, a migration) form a burst: the k-th
 * gets the k-th point of a van der Corput sequence (0, 1/2, 1/4, 3/4, 1/8, …) across the window, so
 * however many there are, their first pulls are spread nearly evenly over the whole window (gaps within
 * a factor 2 of window / count), and the rate of due runs never exceeds what the burst needs on
 * average. Even, not random, because later runs are due one interval after each run started: the
 * first round's spacing carries into every round, and random offsets would leave clumps that recur.
 * The burst lives in the store, so hosts sharing a Redis spread one burst together.
 */
export class FirstRunPacer {
  readonly windowMs: number;
  readonly burstGapMs: number;

  constructor(
    private readonly store: HostStore,
    private readonly clock: Clock,
    options: FirstRunPacingOptions = {},
  ) {
    this.windowMs = Math.max(0, options.windowMs ?? DEFAULT_FIRST_RUN_WINDOW_MS);
    this.burstGapMs = Math.max(0, options.burstGapMs ?? DEFAULT_FIRST_RUN_BURST_GAP_MS);
  }

  /** The due time of the first pull of a connector whose interval is `intervalMs`. */
  async firstRunAt(intervalMs: number): Promise<number> {
    const now = this.clock.now();
    const window = Math.min(this.windowMs, intervalMs);
    if (window <= 0) return now;
    let slot = now;
    await this.store.update<BurstState>(PACING_COLLECTION, FIRST_RUN_KEY, (cur) => {
      // A new burst after a pause, or once the window of the current one has passed.
      const same = cur !== undefined && now - cur.lastAt < this.burstGapMs && now - cur.anchor < window;
      const burst = same ? cur : { anchor: now, count: 0, lastAt: now };
      // `update` may call this again on contention (Redis): the last call is the one written.
      slot = Math.max(now, burst.anchor + Math.floor(window * vanDerCorput(burst.count)));
      return { anchor: burst.anchor, count: burst.count + 1, lastAt: now };
    });
    return slot;
  }
}

/** The k-th point of the base-2 van der Corput sequence in [0, 1): k's bits reversed after the point. */
export function vanDerCorput(k: number): number {
  let x = 0;
  let f = 0.5;
  for (let n = k; n > 0; n >>>= 1, f /= 2) if (n & 1) x += f;
  return x;
}
