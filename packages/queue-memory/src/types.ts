import type { QueueEntry } from '@connectors/framework/engine';

export interface MemoryQueueOptions {
  /** Backlog bound in entries (queued + delivered-not-acknowledged); `publish` waits above it. Default 10,000. */
  maxEntries?: number;
  /** Backlog bound in bytes of serialized entries; `publish` waits above it. Default 16 MiB (it is held in the host's heap). */
  maxBytes?: number;
  /** An entry delivered more than this many times without acknowledgement is dead-lettered. Default 5. */
  maxDeliveries?: number;
  /** Visibility timeout: an entry delivered and not acknowledged for this long is redelivered. Default 30 s. */
  claimIdleMs?: number;
  /** Clock in epoch ms; injectable for tests. */
  now?: () => number;
}

/** An entry moved aside after failing: kept in memory with the reason (the in-process queue has no disk). */
export interface MemoryDeadLetter {
  deliveryId: string;
  entry: QueueEntry;
  reason: string;
  deliveries: number;
  at: number;
}
