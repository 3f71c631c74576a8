import type { Queue, QueueEntry } from '@connectors/framework/engine';
import type { IngestHandle } from '../../src/types';

/** What a fake ingest collected: every entry, in order. */
export class ArraySink {
  entries: QueueEntry[] = [];
  get records() {
    return this.entries.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
  }
  get markers() {
    return this.entries.flatMap((e) => (e.kind === 'snapshot' ? [e.marker] : []));
  }
}

/** A stand-in for the ingest worker: reads the queue into an array and acknowledges. */
export class ArrayIngest implements IngestHandle {
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly queue: Queue,
    private readonly consumer: string,
    private readonly sink: ArraySink,
  ) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const batch = await this.queue
          .read({ consumer: this.consumer, count: 500, blockMs: 20 })
          .catch(() => []);
        for (const d of batch) this.sink.entries.push(d.entry);
        if (batch.length) await this.queue.ack(batch.map((d) => d.deliveryId));
      }
    })();
  }

  async drained(signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted) {
      const s = await this.queue.stats();
      if (s.length === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
