import type { Logger, Queue, Sink } from '@connectors/framework/engine';
import { IngestWorker } from '@connectors/ingest';
import { LakeSink, LakeThreadSink } from '@connectors/lake';
import { PgLakeSink } from '@connectors/lake-pg';
import { MemoryQueue } from '@connectors/queue-memory';
import { RedisStreamQueue } from '@connectors/queue-redis';
import type { HostBackends, IngestHandle } from '../types';
import { hostIngestReading } from './ingest.defaults';

export interface DefaultBackendOptions {
  dataDir: string;
  redisUrl?: string;
  /** The PostgreSQL lake (see HostOptions.lakeUrl); every ingest worker of this host writes there. */
  lakeUrl?: string;
  /** Days of records the PostgreSQL lake keeps (HostOptions.lakeRetentionDays). */
  lakeRetentionDays?: number;
  prefix: string;
  logger: Logger;
  /** The lake's writes on a worker thread (see HostOptions.lakeThread). */
  lakeThread?: boolean;
}

/** The stream every host of one Redis prefix publishes to and ingests from. */
export function queueStreamName(prefix: string): string {
  return `${prefix}:queue`;
}

/**
 * Embedded: the in-process queue (it lives and dies with this process, so a run waits for its own
 * ingestion). With a Redis URL: the Redis Streams queue shared by every host of the prefix, one stream
 * for all connectors. Ingestion: `IngestWorker`s writing into the lake in the data directory, on this
 * thread, or with `lakeThread` on a worker thread (`LakeThreadSink`: two cores, more memory); with a
 * lake URL, into the PostgreSQL lake through one connection pool shared by this host's workers.
 */
export async function defaultBackends(options: DefaultBackendOptions): Promise<HostBackends> {
  let queue: Promise<Queue> | undefined;
  const sinks: Sink[] = [];
  let pgSink: Promise<PgLakeSink> | undefined;
  const openSink = async (): Promise<Sink> => {
    if (options.lakeUrl)
      return (pgSink ??= PgLakeSink.open({
        url: options.lakeUrl,
        ...(options.lakeRetentionDays !== undefined ? { retentionDays: options.lakeRetentionDays } : {}),
      }).catch((err: unknown) => {
        pgSink = undefined; // unreachable now: the next ingest start tries again
        throw err;
      }));
    const sink = options.lakeThread
      ? await LakeThreadSink.open(options.dataDir)
      : new LakeSink(options.dataDir);
    sinks.push(sink);
    return sink;
  };
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
      const sink = await openSink();
      const worker = new IngestWorker({
        queue: q,
        sinks: [sink],
        consumer,
        ...hostIngestReading({
          redis: Boolean(options.redisUrl),
          lakeOnThisThread: !options.lakeThread && !options.lakeUrl,
        }),
        logger: options.logger.child({ consumer }),
      });
      return workerHandle(worker);
    },
    close: async () => {
      await Promise.all(sinks.map((s) => s.close().catch(() => undefined)));
      await (await pgSink?.catch(() => undefined))?.close();
      await (await queue?.catch(() => undefined))?.close();
    },
  };
}

function workerHandle(worker: IngestWorker): IngestHandle {
  return {
    start: () => worker.start(),
    drained: async (signal) => {
      await worker.drainUntilEmpty({ signal });
    },
    stop: () => worker.stop(),
  };
}
