import { abortReason, type Clock } from '@connectors/framework/engine';

interface Sleeper {
  at: number;
  resolve(): void;
}

/** A clock that only moves when the test says so; `advance` wakes sleepers in time order. */
export class FakeClock implements Clock {
  private sleepers: Sleeper[] = [];

  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const sleeper: Sleeper = {
        at: this.current + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  /** Moves time forward in steps, letting woken code run (real macrotask turns) between steps. */
  async advance(ms: number, stepMs = 1_000): Promise<void> {
    const target = this.current + ms;
    while (this.current < target) {
      this.current = Math.min(target, this.current + stepMs);
      const due = this.sleepers.filter((s) => s.at <= this.current).sort((a, b) => a.at - b.at);
      this.sleepers = this.sleepers.filter((s) => s.at > this.current);
      due.forEach((s) => s.resolve());
      await settle();
    }
  }
}

/** Lets pending promise chains and I/O callbacks run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/** Polls (real time) until the condition holds; fails after `timeoutMs`. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
