import type { FleetStore } from '../generator/fleet.store';
import type { CorruptionKind, FaultController, FaultScope, RetryAfterMode, RouteName } from '../types';
import { formatSeconds, type RateLimitSettings, type SlidingWindowRateLimiter } from './rate-limiter';

export type RequestFault =
  { type: 'hang' } | { type: 'status'; status: number; retryAfter?: string; label: string };

interface QueuedFault {
  remaining: number;
  route?: RouteName;
  take(): RequestFault;
}

/** Run-time switchable faults; the server asks it what to do with each request. */
export class Faults implements FaultController {
  latencyMs: number;
  private queue: QueuedFault[] = [];
  private corruptions: { remaining: number; kind: CorruptionKind }[] = [];
  private repeats = 0;

  constructor(
    private readonly limiter: SlidingWindowRateLimiter,
    private readonly fleet: FleetStore,
    private readonly initial: { rate: RateLimitSettings; latencyMs: number },
  ) {
    this.latencyMs = initial.latencyMs;
  }

  setRateLimit(perMinute: number, options: { windowMs?: number; retryAfter?: RetryAfterMode } = {}): void {
    this.limiter.settings = {
      perMinute: Math.max(0, perMinute),
      windowMs: options.windowMs ?? this.limiter.settings.windowMs,
      retryAfter: options.retryAfter ?? this.limiter.settings.retryAfter,
    };
    this.limiter.reset();
  }

  rateLimitNext(count: number, options: FaultScope & { retryAfterSeconds?: number } = {}): void {
    const retryAfter =
      options.retryAfterSeconds === undefined ? undefined : formatSeconds(options.retryAfterSeconds);
    this.enqueue(count, options.route, () => ({ type: 'status', status: 429, retryAfter, label: '429' }));
  }

  failNext(
    count: number,
    options: FaultScope & { statuses?: number[]; retryAfterSeconds?: number } = {},
  ): void {
    const statuses = options.statuses?.length ? options.statuses : [500, 502, 503];
    const retryAfter =
      options.retryAfterSeconds === undefined ? undefined : formatSeconds(options.retryAfterSeconds);
    let i = 0;
    this.enqueue(count, options.route, () => {
      const status = statuses[i++ % statuses.length];
      return { type: 'status', status, retryAfter, label: String(status) };
    });
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  hangNext(count: number, options: FaultScope = {}): void {
    this.enqueue(count, options.route, () => ({ type: 'hang' }));
  }

  corruptNext(count: number, kind: CorruptionKind): void {
    if (count > 0) this.corruptions.push({ remaining: count, kind });
  }

  repeatIdsNext(count: number): void {
    this.repeats += Math.max(0, count);
  }

  addComputers(count: number): number[] {
    return this.fleet.add(count);
  }

  deleteComputers(ids: readonly number[]): number {
    return this.fleet.delete(ids);
  }

  pending(): number {
    return (
      this.queue.reduce((s, q) => s + q.remaining, 0) +
      this.corruptions.reduce((s, c) => s + c.remaining, 0) +
      this.repeats
    );
  }

  reset(): void {
    this.queue = [];
    this.corruptions = [];
    this.repeats = 0;
    this.latencyMs = this.initial.latencyMs;
    this.limiter.settings = { ...this.initial.rate };
    this.limiter.reset();
  }

  /** The fault this request gets, if any (consumes it). */
  takeRequestFault(route: RouteName): RequestFault | undefined {
    const i = this.queue.findIndex((q) => q.remaining > 0 && (!q.route || q.route === route));
    if (i < 0) return undefined;
    const q = this.queue[i];
    q.remaining--;
    if (q.remaining === 0) this.queue.splice(i, 1);
    return q.take();
  }

  takeCorruption(): CorruptionKind | undefined {
    const c = this.corruptions[0];
    if (!c) return undefined;
    if (--c.remaining === 0) this.corruptions.shift();
    return c.kind;
  }

  takeRepeat(): boolean {
    if (this.repeats <= 0) return false;
    this.repeats--;
    return true;
  }

  private enqueue(count: number, route: RouteName | undefined, take: () => RequestFault): void {
    if (count > 0) this.queue.push({ remaining: count, route, take });
  }
}
