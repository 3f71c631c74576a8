import { abortReason } from '@connectors/framework/engine';

/**
 * Wakes every waiter at once when state changes (capacity freed, entries published). Waiters re-check
 * their own condition, so a spurious wake-up is harmless and no wake-up is lost.
 */
export class Notifier {
  private waiters = new Set<(err?: Error) => void>();

  /** Resolves on the next `notify()`, after `timeoutMs`, or rejects on abort / `fail()`. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const done = (err?: Error): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(done);
        if (err) reject(err);
        else resolve();
      };
      const onAbort = (): void => done(abortReason(signal!));
      const timer = setTimeout(() => done(), Math.max(0, timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(done);
    });
  }

  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  fail(err: Error): void {
    for (const w of [...this.waiters]) w(err);
  }

  get size(): number {
    return this.waiters.size;
  }
}
