import { createHash } from 'node:crypto';
import type { Clock } from '@connectors/framework';
import type { HostStore } from '../store/host-store';
import type { FirstRunPacingOptions } from '../types';

/** Where the pacer keeps its cursor (its own collection: Redis watches a whole collection per update). */
export const PACING_COLLECTION = 'pacing';
const FIRST_RUN_KEY = 'first-run';

interface PacingState {
  /** The earliest time the next paced first pull may be due (epoch ms). */
  nextAt: number;
}

export const DEFAULT_FIRST_RUN_SPACING_MS = 100;
export const DEFAULT_FIRST_RUN_WINDOW_MS = 60_000;

/**
 * Chooses when a newly active connector pulls for the first time. A connector activated alone is due
 * at once; connectors activated together (a provisioning script, a migration) get slots `spacingMs`
 * apart from one cursor in the store, so a burst of 500 is due over 50 s instead of all at one instant
 * that no host can meet. Even spacing, rather than a random jitter, because later runs are due one
 * interval after each run started: the spacing of the first round carries into every round, and
 * random offsets would leave clumps that recur every interval. No first pull waits longer than the
 * window (`windowMs`, at most the connector's interval): once the cursor is that far ahead, a
 * connector gets a place in the window derived from its id instead (spread, deterministic, and the
 * cursor does not move further).
 */
export class FirstRunPacer {
  readonly spacingMs: number;
  readonly windowMs: number;

  constructor(
    private readonly store: HostStore,
    private readonly clock: Clock,
    options: FirstRunPacingOptions = {},
  ) {
    this.spacingMs = Math.max(0, options.spacingMs ?? DEFAULT_FIRST_RUN_SPACING_MS);
    this.windowMs = Math.max(0, options.windowMs ?? DEFAULT_FIRST_RUN_WINDOW_MS);
  }

  /** The due time of the first pull of connector `id`, whose interval is `intervalMs`. */
  async firstRunAt(id: string, intervalMs: number): Promise<number> {
    const now = this.clock.now();
    const window = Math.min(this.windowMs, intervalMs);
    if (this.spacingMs === 0 || window <= 0) return now;
    let slot = now;
    await this.store.update<PacingState>(PACING_COLLECTION, FIRST_RUN_KEY, (cur) => {
      const next = Math.max(now, cur?.nextAt ?? now);
      // `update` may call this again on contention (Redis): the last call is the one written.
      if (next - now < window) {
        slot = next;
        return { nextAt: next + this.spacingMs };
      }
      slot = now + offsetInWindow(id, window);
      return cur;
    });
    return slot;
  }
}

/** A stable place in [0, window) from the connector id. */
function offsetInWindow(id: string, window: number): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % Math.floor(window);
}
