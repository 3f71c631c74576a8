import type { Logger, Queue } from '@connectors/framework';
import { MemoryQueue } from '@connectors/queue-memory';
import type { HostBackends } from '../types';

export interface DefaultBackendOptions {
  dataDir: string;
  redisUrl?: string;
  prefix: string;
  logger: Logger;
}

/** Embedded: the in-process queue. With a Redis URL: the Redis Streams queue. Ingestion into the lake. */
export async function defaultBackends(options: DefaultBackendOptions): Promise<HostBackends> {
  let queue: Queue | undefined;
  return {
    openQueue: async () => (queue ??= new MemoryQueue({})),
    createIngest: async () => {
      throw new Error(`ingestion is not wired yet (${options.dataDir})`);
    },
    close: async () => {
      await queue?.close();
    },
  };
}
