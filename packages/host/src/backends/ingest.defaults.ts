import type { IngestWorkerOptions } from '@connectors/ingest';

/**
 * Entries per ingest batch with the in-process queue. Each lake commit rewrites every page of the two
 * id indexes (records, assets) that its keys land on, so a larger batch shares those pages among more
 * records at no cost in peak RSS. The Redis queue keeps the worker's default (500): there a larger batch
 * costs peak RSS on a path already above the memory target (docs/PERFORMANCE.md).
 */
export const EMBEDDED_INGEST_BATCH = 2_000;

/**
 * How the host's ingest reads its queue: the batch size above, and no read ahead from Redis into a lake
 * that writes synchronously on the worker's own thread, where the read cannot overlap the write and only
 * holds entries longer. The in-process queue and the lake thread (whose write yields) keep reading ahead.
 */
export function hostIngestReading(where: {
  redis: boolean;
  lakeOnThisThread: boolean;
}): Pick<IngestWorkerOptions, 'batchSize' | 'prefetch'> {
  return {
    ...(where.redis ? {} : { batchSize: EMBEDDED_INGEST_BATCH }),
    prefetch: !(where.redis && where.lakeOnThisThread),
  };
}
