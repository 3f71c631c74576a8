import {
  backoffDelay,
  CancelledError,
  ConnectorError,
  createSilentLogger,
  SystemClock,
  type Clock,
  type Delivery,
  type Logger,
  type Queue,
  type QueueStats,
  type Sink,
} from '@connectors/framework/engine';
import type { DrainOptions, IngestFigures, IngestWorkerOptions } from './types';

const DEFAULTS = { batchSize: 500, blockMs: 1_000, maxDeliveries: 5, retryBaseMs: 200, retryCapMs: 5_000 };

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Takes batches from the queue and writes them to every sink; acknowledges an entry only once every
 * sink has committed it (at-least-once; sinks are idempotent on record id). A record a sink rejects
 * for good goes to the dead letters with the reason, without holding up the rest of its batch. A sink
 * that fails as a whole makes the worker retry the batch with backoff, holding it (and so, through the
 * bounded queue, the producers) until the sink is back.
 */
export class IngestWorker {
  private readonly queue: Queue;
  private readonly sinks: Sink[];
  readonly consumer: string;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly maxDeliveries: number;
  private readonly retryBaseMs: number;
  private readonly retryCapMs: number;
  private readonly heartbeatMs: number;
  private readonly prefetch: boolean;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private abort = new AbortController();
  private loop?: Promise<void>;
  private stopping = false;
  /** Delivery ids of the batch read ahead, while the current one is processed. */
  private ahead: string[] = [];
  private readonly counters: Omit<IngestFigures, 'running'> = {
    batches: 0,
    recordsWritten: 0,
    failures: 0,
    retries: 0,
    deadLetters: 0,
    released: 0,
  };

  constructor(options: IngestWorkerOptions) {
    if (options.sinks.length === 0) {
      throw new ConnectorError('INGEST_NO_SINK', 'an ingest worker needs at least one sink', {
        hint: 'Pass the lake sink (and optionally NDJSON or stdout sinks).',
      });
    }
    this.queue = options.queue;
    this.sinks = options.sinks;
    this.consumer = options.consumer;
    this.batchSize = options.batchSize ?? DEFAULTS.batchSize;
    this.blockMs = options.blockMs ?? DEFAULTS.blockMs;
    this.maxDeliveries = options.maxDeliveries ?? DEFAULTS.maxDeliveries;
    this.retryBaseMs = options.retryBaseMs ?? DEFAULTS.retryBaseMs;
    this.retryCapMs = options.retryCapMs ?? DEFAULTS.retryCapMs;
    this.heartbeatMs =
      options.heartbeatMs ??
      (this.queue.claimIdleMs ? Math.max(20, Math.floor(this.queue.claimIdleMs / 3)) : 5_000);
    this.prefetch = options.prefetch ?? true;
    this.logger = (options.logger ?? createSilentLogger()).child({
      component: 'ingest',
      consumer: this.consumer,
    });
    this.clock = options.clock ?? new SystemClock();
  }

  get figures(): IngestFigures {
    return { running: this.loop !== undefined && !this.stopping, ...this.counters };
  }

  /** Starts the read-write-acknowledge loop in the background; calling it again does nothing. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.abort = new AbortController();
    // The loop catches what it can retry; anything escaping it is a bug, logged, never an unhandled rejection.
    this.loop = this.run()
      .catch((err: unknown) => {
        this.counters.lastError = message(err);
        this.logger.error({ err }, 'the ingest loop ended on an unexpected error');
      })
      .finally(() => {
        this.loop = undefined;
      });
  }

  /**
   * Stops gracefully: a sink write in progress finishes and its entries are acknowledged; entries
   * still waiting for a retry are released for redelivery. Resolves once the loop has ended.
   */
  async stop(): Promise<void> {
    const loop = this.loop;
    if (!loop) return;
    this.stopping = true;
    this.abort.abort(new CancelledError('the ingest worker is stopping'));
    await loop;
  }

  /**
   * Resolves when the queue holds nothing: no entry waiting and none delivered without
   * acknowledgement (this and every other worker of the group included).
   */
  async drainUntilEmpty(options: DrainOptions = {}): Promise<QueueStats> {
    const started = this.clock.now();
    const pollMs = options.pollMs ?? 100;
    for (;;) {
      const stats = await this.queue.stats();
      if (stats.length === 0 && stats.lag === 0 && stats.pending === 0) return stats;
      if (options.timeoutMs !== undefined && this.clock.now() - started >= options.timeoutMs) {
        throw new ConnectorError('INGEST_DRAIN_TIMEOUT', `the queue still holds ${stats.length} entries`, {
          hint: this.counters.lastError
            ? `The last ingest error was: ${this.counters.lastError}`
            : 'Is an ingest worker running for this queue?',
          details: { ...stats },
        });
      }
      await this.clock.sleep(pollMs, options.signal);
    }
  }

  /** Reads and processes one batch; returns how many entries it got (for tests and one-shot use). */
  async pollOnce(): Promise<number> {
    const deliveries = await this.readBatch();
    if (deliveries.length > 0) await this.process(deliveries);
    return deliveries.length;
  }

  private readBatch(): Promise<Delivery[]> {
    return this.queue.read({
      consumer: this.consumer,
      count: this.batchSize,
      blockMs: this.blockMs,
      signal: this.abort.signal,
    });
  }

  private async run(): Promise<void> {
    let readFailures = 0;
    // With prefetch, the next batch is read while this one is written: the queue's round trip and
    // the sink's work overlap. At most two batches are held.
    let next: Promise<Delivery[]> | undefined;
    while (!this.stopping) {
      let deliveries: Delivery[];
      try {
        deliveries = await (next ?? this.readBatch());
        readFailures = 0;
      } catch (err) {
        if (this.stopping) break;
        this.counters.lastError = message(err);
        this.logger.warn({ err }, 'queue read failed; retrying');
        await this.pause(readFailures++);
        continue;
      } finally {
        next = undefined;
      }
      if (deliveries.length === 0) continue;
      if (this.prefetch && !this.stopping) {
        next = this.readBatch();
        // The heartbeat of a batch held through retries keeps the batch read ahead too.
        next.then(
          (ahead) => (this.ahead = ahead.map((d) => d.deliveryId)),
          () => undefined,
        );
      }
      try {
        await this.process(deliveries);
      } catch (err) {
        // Not fatal: the entries not acknowledged stay pending and are redelivered or reclaimed.
        this.counters.lastError = message(err);
        this.logger.error({ err, entries: deliveries.length }, 'processing a batch failed; continuing');
        await this.pause(readFailures++);
      }
      this.ahead = [];
    }
    // A batch read ahead but not processed goes back to the queue.
    const ahead = next ? await next.catch(() => [] as Delivery[]) : [];
    await this.releaseSafely(ahead.map((d) => d.deliveryId));
  }

  /** Sleeps for the backoff of `attempt`; returns false when interrupted by stop. */
  private async pause(attempt: number): Promise<boolean> {
    try {
      await this.clock.sleep(
        backoffDelay(attempt, { baseMs: this.retryBaseMs, capMs: this.retryCapMs }),
        this.abort.signal,
      );
      return true;
    } catch {
      return false;
    }
  }

  private async process(deliveries: Delivery[]): Promise<void> {
    this.counters.batches++;
    const entries = deliveries.map((d) => d.entry);
    // Per sink, the batch indexes it still has to commit; a sink that committed an entry is not asked again.
    const todo = this.sinks.map(() => new Set(entries.keys()));
    const attempts = new Map<number, number>();
    const finished = new Set<number>();
    let attempt = 0;
    let heartbeat: NodeJS.Timeout | undefined;

    try {
      for (;;) {
        const doomed = new Map<number, string>();
        let sinkDown = false;
        for (const [s, sink] of this.sinks.entries()) {
          const indexes = [...todo[s]];
          if (indexes.length === 0) continue;
          let result;
          try {
            result = await sink.write(indexes.map((i) => entries[i]));
          } catch (err) {
            sinkDown = true;
            this.counters.failures++;
            this.counters.lastError = `${sink.name}: ${message(err)}`;
            this.logger.warn(
              { err, sink: sink.name, entries: indexes.length },
              'sink failed; the batch will be retried',
            );
            continue;
          }
          const failed = new Set<number>();
          for (const f of result.failures) {
            const index = indexes[f.index];
            if (index === undefined) continue;
            failed.add(index);
            this.counters.failures++;
            const tries = (attempts.get(index) ?? 0) + 1;
            attempts.set(index, tries);
            const deliveriesSoFar = deliveries[index].deliveries - 1 + tries;
            if (!f.retryable) doomed.set(index, `${sink.name}: ${f.reason}`);
            else if (deliveriesSoFar >= this.maxDeliveries) {
              doomed.set(
                index,
                `${sink.name}: ${f.reason} (still failing after ${deliveriesSoFar} attempts)`,
              );
            } else this.counters.lastError = `${sink.name}: ${f.reason}`;
          }
          for (const i of indexes) if (!failed.has(i)) todo[s].delete(i);
        }

        for (const [index, reason] of doomed) {
          for (const t of todo) t.delete(index);
          // Not moved (stopped while the queue is unreachable): released below, so it comes back.
          if (!(await this.deadLetterSafely(deliveries[index], reason))) continue;
          finished.add(index);
          this.counters.deadLetters++;
          this.logger.warn({ deliveryId: deliveries[index].deliveryId, reason }, 'entry dead-lettered');
        }
        const committed = [...entries.keys()].filter((i) => !finished.has(i) && todo.every((t) => !t.has(i)));
        if (committed.length > 0) {
          await this.ackSafely(committed.map((i) => deliveries[i].deliveryId));
          committed.forEach((i) => finished.add(i));
          this.counters.recordsWritten += committed.length;
        }
        if (finished.size === entries.length) return;

        const left = [...entries.keys()].filter((i) => !finished.has(i)).map((i) => deliveries[i].deliveryId);
        if (this.stopping) {
          await this.releaseSafely(left);
          return;
        }
        heartbeat ??= this.startHeartbeat(() => [
          ...[...entries.keys()].filter((i) => !finished.has(i)).map((i) => deliveries[i].deliveryId),
          ...this.ahead,
        ]);
        this.counters.retries++;
        this.logger.debug({ attempt, left: left.length, sinkDown }, 'retrying the rest of the batch');
        if (!(await this.pause(attempt++))) {
          await this.releaseSafely(left);
          return;
        }
      }
    } finally {
      if (heartbeat) clearInterval(heartbeat);
    }
  }

  private startHeartbeat(ids: () => string[]): NodeJS.Timeout | undefined {
    const touch = this.queue.touch?.bind(this.queue);
    if (!touch) return undefined;
    const timer = setInterval(() => {
      touch(this.consumer, ids()).catch((err: unknown) => this.logger.debug({ err }, 'touch failed'));
    }, this.heartbeatMs);
    timer.unref();
    return timer;
  }

  /**
   * An acknowledgement that fails (queue unreachable) is retried a few times; if it still fails the
   * entries stay pending and are redelivered later, which the idempotent sinks absorb.
   */
  private async ackSafely(ids: string[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.queue.ack(ids);
        return;
      } catch (err) {
        this.counters.lastError = `ack: ${message(err)}`;
        if (attempt >= 5) {
          this.logger.warn(
            { err, entries: ids.length },
            'acknowledgement failed; the entries will be redelivered',
          );
          return;
        }
        await this.clock.sleep(backoffDelay(attempt, { baseMs: this.retryBaseMs, capMs: this.retryCapMs }));
      }
    }
  }

  /**
   * Dead-letters like any other queue write: retried with backoff while the queue is unreachable,
   * until it succeeds or the worker stops (then false, and the entry stays pending).
   */
  private async deadLetterSafely(delivery: Delivery, reason: string): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.queue.deadLetter(delivery, reason);
        return true;
      } catch (err) {
        this.counters.lastError = `dead letter: ${message(err)}`;
        this.logger.warn({ err, deliveryId: delivery.deliveryId }, 'dead-lettering failed; retrying');
        if (!(await this.pause(attempt))) return false;
      }
    }
  }

  private async releaseSafely(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    this.counters.released += ids.length;
    try {
      await this.queue.release?.(ids);
    } catch (err) {
      // Not fatal: unreleased entries are reclaimed once idle.
      this.logger.warn(
        { err, entries: ids.length },
        'release failed; the entries will be reclaimed when idle',
      );
    }
  }
}
