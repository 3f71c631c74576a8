import type { Clock, Logger, Queue, Sink } from '@connectors/framework/engine';

export interface IngestWorkerOptions {
  queue: Queue;
  /** Every entry must be committed by every sink before it is acknowledged. */
  sinks: Sink[];
  /** Consumer name, unique among live workers; reuse it after a restart to resume own pending entries. */
  consumer: string;
  /** Entries per read (default 500). */
  batchSize?: number;
  /** How long a read waits for entries (default 1,000 ms). */
  blockMs?: number;
  /**
   * A record that a sink keeps rejecting with a retryable failure is dead-lettered once its deliveries
   * plus in-worker attempts reach this (default 5). A sink that fails as a whole (throws) is never the
   * record's fault: the batch is retried until the sink is back, however long that takes.
   */
  maxDeliveries?: number;
  /** Backoff between retries of a failing sink: first delay and cap, ms (defaults 200 and 5,000). */
  retryBaseMs?: number;
  retryCapMs?: number;
  /**
   * How often a batch held through sink retries is touched so it is not reclaimed as idle (default:
   * a third of the queue's `claimIdleMs`, or 5,000 ms).
   */
  heartbeatMs?: number;
  /** Read the next batch while the current one is written (default true). */
  prefetch?: boolean;
  logger?: Logger;
  clock?: Clock;
}

export interface IngestFigures {
  running: boolean;
  /** Batches read and processed. */
  batches: number;
  /** Entries committed by every sink and acknowledged. */
  recordsWritten: number;
  /** Sink failures: whole-batch throws plus per-record failures. */
  failures: number;
  /** Batch retries after a failure. */
  retries: number;
  deadLetters: number;
  /** Entries handed back to the queue on stop. */
  released: number;
  lastError?: string;
}

export interface DrainOptions {
  signal?: AbortSignal;
  /** Time between queue checks (default 100 ms). */
  pollMs?: number;
  /** Give up after this long (default: wait as long as it takes). */
  timeoutMs?: number;
}

export interface NdjsonSinkOptions {
  /** fsync after each batch before reporting it committed (default true). */
  fsync?: boolean;
  /** Record ids remembered to skip immediate redeliveries (default 100,000; 0 disables). */
  dedupeWindow?: number;
}

export interface StdoutSinkOptions {
  /** Where lines go (default process.stdout). */
  stream?: NodeJS.WritableStream;
}
