import type { Logger, Queue, Sink } from '@connectors/framework';
import { LakeSink } from '@connectors/lake';
import { MemoryQueue } from '@connectors/queue-memory';
import { RedisStreamQueue } from '@connectors/queue-redis';
import type { HostBackends, IngestHandle } from '../types';

export interface DefaultBackendOptions {
  dataDir: string;
  redisUrl?: string;
  prefix: string;
  logger: Logger;
}

/** The stream every host of one Redis prefix publishes to and ingests from. */
export function queueStreamName(prefix: string): string {
  return `${prefix}:queue`;
}

/**
 * Embedded: the in-process queue (it lives and dies with this process, so a run waits for its own
 * ingestion). With a Redis URL: the Redis Streams queue shared by every host of the prefix, one stream
 * for all connectors. Ingestion writes into the lake in the data directory.
 */
export async function defaultBackends(options: DefaultBackendOptions): Promise<HostBackends> {
  let queue: Promise<Queue> | undefined;
  const sinks: Sink[] = [];
  return {
    openQueue: () =>
      (queue ??= options.redisUrl
        ? RedisStreamQueue.connect({
            url: options.redisUrl,
            stream: queueStreamName(options.prefix),
            logger: options.logger,
          })
        : Promise.resolve(new MemoryQueue({}))),
    createIngest: async (q, consumer) => {
      const sink = new LakeSink(options.dataDir);
      sinks.push(sink);
      return new InterimIngest(q, consumer, sink);
    },
    close: async () => {
      await Promise.all(sinks.map((s) => s.close().catch(() => undefined)));
      await (await queue?.catch(() => undefined))?.close();
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
