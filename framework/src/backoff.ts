import { CancelledError } from './errors';
import type { Clock } from './types';

export interface BackoffOptions {
  /** First delay in ms (default 500). */
  baseMs?: number;
  /** Largest delay in ms (default 60 000: vendor rate windows are often a minute). */
  capMs?: number;
  /** Returns a number in [0, 1); injectable for deterministic tests. */
  random?: () => number;
}

/** "Full jitter" exponential backoff: a random delay in [0, min(cap, base·2^attempt)], at least 50 ms. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 60_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  return Math.max(50, Math.floor(random() * ceiling));
}

export interface RetryOptions extends BackoffOptions {
  /** Attempts after the first (default 8). */
  retries?: number;
  clock: Clock;
  signal?: AbortSignal;
  isRetryable(err: unknown): boolean;
  /** A delay the server asked for (Retry-After), which wins over the computed backoff. */
  retryAfterMs?(err: unknown): number | undefined;
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
}

/** Runs `fn`, retrying retryable failures with jittered exponential backoff, honoring Retry-After. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retries = options.retries ?? 8;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new CancelledError();
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal?.aborted) throw err instanceof CancelledError ? err : new CancelledError();
      if (attempt >= retries || !options.isRetryable(err)) throw err;
      const asked = options.retryAfterMs?.(err);
      const cap = options.capMs ?? 60_000;
      const delayMs =
        asked !== undefined ? Math.min(Math.max(asked, 0), cap) : backoffDelay(attempt, options);
      options.onRetry?.({ attempt: attempt + 1, delayMs, error: err });
      await options.clock.sleep(delayMs, options.signal);
    }
  }
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
