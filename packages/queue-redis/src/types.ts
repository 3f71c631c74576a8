import type { Logger, QueueEntry } from '@connectors/framework/engine';
import type { RedisOptions } from 'ioredis';

export interface RedisStreamQueueOptions {
  /** Redis URL (default `redis://127.0.0.1:6379`). */
  url?: string;
  /**
   * Extra ioredis options, applied over this queue's defaults. The defaults matter for durability
   * (no offline queue, no silent resend): see the package README before overriding them.
   */
  redis?: RedisOptions;
  /**
   * Stream name: one per tenant by default (`connectors:<tenant>`, see `tenantStreamName`). Keys are
   * hash-tagged on it (`{connectors:<tenant>}:records`, `:dead`, `:bytes`) so they share a Cluster slot.
   */
  stream: string;
  /** Consumer group of the ingest workers (default `ingest`). */
  group?: string;
  /** Backlog bound in entries (default 100,000); `publish` waits above it. */
  maxEntries?: number;
  /** Backlog bound in payload bytes (default 256 MiB); `publish` waits above it. */
  maxBytes?: number;
  /** An entry unacknowledged this long is reclaimed from its (presumed dead) consumer (default 60,000 ms). */
  claimIdleMs?: number;
  /** How often a consumer runs the reclaim janitor (default min(claimIdleMs / 2, 5,000) ms). */
  claimIntervalMs?: number;
  /**
   * How often a reading consumer runs `housekeeping()` (trim acknowledged-but-kept entries, forget
   * consumers idle past `consumerTtlMs` with nothing pending), first at its first read; 0 turns it off.
   * Default: `DEFAULTS.housekeepingMs` in redis-stream.queue.ts.
   */
  housekeepingMs?: number;
  /**
   * A consumer with nothing pending and idle this long is removed from the group (default 10 minutes, or
   * twice `claimIdleMs` if longer): consumers of workers that died do not accumulate.
   */
  consumerTtlMs?: number;
  /** An entry delivered more than this many times goes to the dead-letter stream (default 5). */
  maxDeliveries?: number;
  /** Longest pause between back-pressure checks while the backlog is full (default 100 ms). */
  backpressurePollMs?: number;
  /** Longest pause between reconnect attempts and publish retries (default 2,000 ms). */
  reconnectCapMs?: number;
  /**
   * A blocked read that gets no answer within its block time plus this (a half-open connection, a hung
   * server) drops its connection and fails, so the worker reconnects. Default: `DEFAULTS.blockTimeoutGraceMs`.
   */
  blockTimeoutGraceMs?: number;
  /** How long `connect` waits for Redis at start (default 10,000 ms). */
  connectTimeoutMs?: number;
  /**
   * After each publish, wait until Redis has fsynced the AOF (`WAITAOF 1 0`), when the server has
   * the command (Redis 7.2+). Ignored with a warning on older servers. Default false.
   */
  waitAof?: boolean;
  /** How long `WAITAOF` may wait, ms (default 2,000). */
  waitAofTimeoutMs?: number;
  logger?: Logger;
}

/** Counters of this queue instance (this process), for metrics. */
export interface RedisQueueFigures {
  published: number;
  /** Publish attempts repeated after a connection error (each may have added duplicates). */
  publishRetries: number;
  /** Times a publish waited because the backlog was at its bound. */
  backpressureWaits: number;
  /** Times a publish waited because Redis answered OOM (maxmemory reached). */
  oomWaits: number;
  /** Total time publishes spent waiting for room, ms. */
  waitedMs: number;
  claimed: number;
  deadLettered: number;
  /** Entries at most held by this instance's producers at one time (payload strings of one batch each). */
  maxInFlightEntries: number;
  inFlightEntries: number;
}

export interface RedisServerCapabilities {
  version: string;
  waitAof: boolean;
  xackdel: boolean;
}

export interface RedisDeadLetter {
  /** Id in the dead-letter stream. */
  id: string;
  /** Id the entry had in the queue stream. */
  sourceId: string;
  entry: QueueEntry | string;
  reason: string;
  deliveries: number;
  consumer: string;
  at: number;
}

export interface StreamKeys {
  stream: string;
  dead: string;
  bytes: string;
}
