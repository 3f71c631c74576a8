import {
  abortReason,
  ConnectorError,
  entryBytes,
  holdEntry,
  type Delivery,
  type PublishOptions,
  type Queue,
  type QueueEntry,
  type QueueStats,
  type ReadOptions,
} from '@connectors/framework/engine';
import { Notifier } from './notifier';
import type { MemoryDeadLetter, MemoryQueueOptions } from './types';

interface Slot {
  id: string;
  /**
   * The entry as `holdEntry` keeps it: the record as its JSON text and header (a change the producer
   * makes to its record later changes nothing), the asset as published with its JSON kept, so the
   * in-process path never serializes whole entries and parses them back. The byte bound counts the same
   * JSON (`entryBytes`).
   */
  entry: QueueEntry;
  bytes: number;
  deliveries: number;
  consumer?: string;
  deliveredAt: number;
}

// 16 MiB of entries (a few pages of records with their assets) decouples the collector from ingestion
// as well as more would, and it lives in the host's heap: a larger bound can exhaust the daemon's heap
// cap once the lake falls behind (docs/PERFORMANCE.md).
const DEFAULTS = { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024, maxDeliveries: 5, claimIdleMs: 30_000 };

export function queueClosedError(kind: string): ConnectorError {
  return new ConnectorError('QUEUE_CLOSED', `the ${kind} queue is closed`, {
    hint: 'The host is shutting down; entries not yet published were not accepted.',
  });
}

/**
 * The framework's queue contract in process memory: the embedded default for a single process without
 * Redis. Same semantics as the Redis queue — bounded backlog with blocking `publish`, at-least-once
 * delivery, redelivery of entries left unacknowledged (visibility timeout, consumer restart or
 * `release`), dead letters after too many deliveries — but nothing survives the process.
 */
export class MemoryQueue implements Queue {
  readonly kind = 'memory';
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxDeliveries: number;
  readonly claimIdleMs: number;

  private readonly now: () => number;
  private seq = 0;
  private bytes = 0;
  private closed = false;
  /** Every entry held, in publish order. */
  private readonly slots = new Map<string, Slot>();
  /** Never-delivered ids, FIFO (array + head index to avoid O(n) shifts). */
  private ready: string[] = [];
  private readyHead = 0;
  /** Released ids, redelivered before new ones. */
  private released: string[] = [];
  /** Delivered and unacknowledged, ordered by delivery time (re-inserted on each delivery). */
  private readonly pending = new Map<string, Slot>();
  /** Consumers that have read from this instance: a consumer's first read resumes its own pending entries. */
  private readonly consumers = new Set<string>();
  private readonly deadLetterStore: MemoryDeadLetter[] = [];
  private readonly space = new Notifier();
  private readonly arrivals = new Notifier();

  constructor(options: MemoryQueueOptions = {}) {
    this.maxEntries = positive(options.maxEntries, DEFAULTS.maxEntries, 'maxEntries');
    this.maxBytes = positive(options.maxBytes, DEFAULTS.maxBytes, 'maxBytes');
    this.maxDeliveries = positive(options.maxDeliveries, DEFAULTS.maxDeliveries, 'maxDeliveries');
    this.claimIdleMs = positive(options.claimIdleMs, DEFAULTS.claimIdleMs, 'claimIdleMs');
    this.now = options.now ?? Date.now;
  }

  async publish(entries: readonly QueueEntry[], options: PublishOptions = {}): Promise<void> {
    if (entries.length === 0) return;
    const sizes = entries.map(entryBytes);
    const bytes = sizes.reduce((sum, size) => sum + size, 0);
    // Wait until the whole batch fits; an empty queue takes any batch so an oversized one cannot deadlock.
    while (!this.fits(entries.length, bytes)) {
      if (this.closed) throw queueClosedError(this.kind);
      await this.space.wait(1_000, options.signal);
    }
    if (this.closed) throw queueClosedError(this.kind);
    for (let i = 0; i < entries.length; i++) {
      const id = `${this.now()}-${this.seq++}`;
      this.slots.set(id, {
        id,
        entry: holdEntry(entries[i]),
        bytes: sizes[i],
        deliveries: 0,
        deliveredAt: 0,
      });
      this.ready.push(id);
    }
    this.bytes += bytes;
    this.arrivals.notify();
  }

  async read(options: ReadOptions): Promise<Delivery[]> {
    const deadline = this.now() + Math.max(0, options.blockMs);
    for (;;) {
      if (this.closed) throw queueClosedError(this.kind);
      if (options.signal?.aborted) throw abortReason(options.signal);
      const out = this.take(options.consumer, Math.max(1, options.count));
      if (out.length > 0) return out;
      const now = this.now();
      if (now >= deadline) return [];
      // Wake for a publish/release, the block deadline, or the moment the oldest pending entry turns idle.
      const first = this.pending.values().next().value as Slot | undefined;
      const untilClaim = first ? first.deliveredAt + this.claimIdleMs - now : Infinity;
      await this.arrivals.wait(Math.max(1, Math.min(deadline - now, untilClaim)), options.signal);
    }
  }

  async ack(deliveryIds: readonly string[]): Promise<void> {
    let freed = false;
    for (const id of deliveryIds) freed = this.remove(id) !== undefined || freed;
    if (freed) this.space.notify();
  }

  async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    const slot = this.remove(delivery.deliveryId);
    // Gone already: acknowledged or dead-lettered by another consumer that also held it.
    if (!slot) return;
    this.deadLetterStore.push({
      deliveryId: delivery.deliveryId,
      entry: slot.entry,
      reason,
      deliveries: slot.deliveries,
      at: this.now(),
    });
    this.space.notify();
  }

  async release(deliveryIds: readonly string[]): Promise<void> {
    for (const id of deliveryIds) {
      const slot = this.pending.get(id);
      if (!slot) continue;
      this.pending.delete(id);
      slot.consumer = undefined;
      this.released.push(id);
    }
    this.arrivals.notify();
  }

  async touch(consumer: string, deliveryIds: readonly string[]): Promise<void> {
    const now = this.now();
    for (const id of deliveryIds) {
      const slot = this.pending.get(id);
      if (!slot || slot.consumer !== consumer) continue;
      slot.deliveredAt = now;
      this.pending.delete(id);
      this.pending.set(id, slot);
    }
  }

  async stats(): Promise<QueueStats> {
    const first = this.pending.values().next().value as Slot | undefined;
    return {
      length: this.slots.size,
      lag: this.slots.size - this.pending.size,
      pending: this.pending.size,
      oldestPendingIdleMs: first ? Math.max(0, this.now() - first.deliveredAt) : 0,
      deadLetters: this.deadLetterStore.length,
      bytes: this.bytes,
    };
  }

  /** Dead letters held by this process, oldest first. */
  deadLetters(): readonly MemoryDeadLetter[] {
    return this.deadLetterStore;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = queueClosedError(this.kind);
    this.space.fail(err);
    this.arrivals.fail(err);
  }

  private fits(count: number, bytes: number): boolean {
    if (this.slots.size === 0) return true;
    return this.slots.size + count <= this.maxEntries && this.bytes + bytes <= this.maxBytes;
  }

  /** Picks up to `count` deliveries for `consumer`: its abandoned entries, idle ones, released, then new. */
  private take(consumer: string, count: number): Delivery[] {
    const now = this.now();
    const picked: Slot[] = [];
    if (!this.consumers.has(consumer)) {
      this.consumers.add(consumer);
      for (const slot of this.pending.values()) {
        if (picked.length >= count) break;
        if (slot.consumer === consumer) picked.push(slot);
      }
    }
    for (const slot of this.pending.values()) {
      if (picked.length >= count || now - slot.deliveredAt < this.claimIdleMs) break;
      if (!picked.includes(slot)) picked.push(slot);
    }
    while (picked.length < count && this.released.length > 0) {
      const slot = this.slots.get(this.released.shift()!);
      if (slot && !this.pending.has(slot.id)) picked.push(slot);
    }
    while (picked.length < count && this.readyHead < this.ready.length) {
      const slot = this.slots.get(this.ready[this.readyHead++]);
      if (slot) picked.push(slot);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }

    const out: Delivery[] = [];
    let freed = false;
    for (const slot of picked) {
      slot.deliveries++;
      slot.consumer = consumer;
      slot.deliveredAt = now;
      this.pending.delete(slot.id);
      this.pending.set(slot.id, slot);
      const entry = slot.entry;
      if (slot.deliveries > this.maxDeliveries) {
        this.remove(slot.id);
        this.deadLetterStore.push({
          deliveryId: slot.id,
          entry,
          reason: `delivered ${slot.deliveries - 1} times without acknowledgement (maxDeliveries ${this.maxDeliveries})`,
          deliveries: slot.deliveries - 1,
          at: now,
        });
        freed = true;
        continue;
      }
      out.push({ deliveryId: slot.id, entry, deliveries: slot.deliveries });
    }
    if (freed) this.space.notify();
    return out;
  }

  /** Deletes a delivered entry (acknowledged or dead-lettered); undelivered entries are never removed. */
  private remove(id: string): Slot | undefined {
    const slot = this.slots.get(id);
    if (!slot || slot.deliveries === 0) return undefined;
    this.slots.delete(id);
    this.pending.delete(id);
    this.bytes -= slot.bytes;
    return slot;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConnectorError('QUEUE_OPTION_INVALID', `${name} must be a positive number, got ${value}`);
  }
  return value;
}
