import { abortReason, type Clock } from '@connectors/framework/engine';
import type { FakeClockOptions } from './types';

interface Sleeper {
  until: number;
  resolve(): void;
  reject(err: Error): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** A framework `Clock` whose time moves only when the test says so (or on every sleep, in auto mode). */
export class FakeClock implements Clock {
  private current: number;
  private readonly autoAdvance: boolean;
  private sleepers: Sleeper[] = [];
  /** Every duration passed to `sleep`, in call order: what a test asserts backoff against. */
  readonly sleeps: number[] = [];

  constructor(options: FakeClockOptions = {}) {
    this.current = options.now ?? Date.UTC(2024, 0, 1);
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.current;
  }

  /** Sleeps not yet resolved. */
  get pending(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.autoAdvance) {
      return new Promise((resolve, reject) => {
        const onAbort = (): void => {
          clearImmediate(timer);
          reject(abortReason(signal!));
        };
        const timer = setImmediate(() => {
          signal?.removeEventListener('abort', onAbort);
          this.current += Math.max(0, ms);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { until: this.current + Math.max(0, ms), resolve, reject, signal };
      if (signal) {
        sleeper.onAbort = () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', sleeper.onAbort, { once: true });
      }
      this.sleepers.push(sleeper);
    });
  }

  /**
   * Moves time forward by `ms`, waking sleepers in deadline order; awaits between wake-ups so code
   * that sleeps again (a retry loop) is woken within the same advance when its deadline has passed.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      const next = this.sleepers.filter((s) => s.until <= target).sort((a, b) => a.until - b.until)[0];
      if (!next) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.current = Math.max(this.current, next.until);
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve();
      await new Promise((r) => setImmediate(r));
    }
    this.current = target;
  }

  /** Sets the time without waking anyone (for "the vendor clock moved" scenarios). */
  set(now: number): void {
    this.current = now;
  }
}
