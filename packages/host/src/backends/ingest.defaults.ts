import type { IngestWorkerOptions } from '@connectors/ingest';

/**
 * Entries per ingest batch with the in-process queue. Each lake commit rewrites every page of the two
 * id indexes (records, assets) that its keys land on, so a larger batch shares those pages among more
 * records: at 1,000,000 computers 3,604–3,636 → 3,779–3,887 records/s and the same peak RSS, measured
 * in docs/PERFORMANCE.md (round 6). The Redis queue keeps the worker's default (500): there 2,000 gained
 * 4–8 % but cost 15–19 MB of peak RSS, on a path already above the 200 MB line (open finding 10).
 */
export const EMBEDDED_INGEST_BATCH = 2_000;

/**
 * How the host's ingest reads its queue: the batch size above, and no read ahead from Redis into a lake
 * that writes synchronously on the worker's own thread, where the read cannot overlap the write
 * (measured without it: +5–12 % in one process, +19–24 % for a separate ingest process; with the
 * in-process queue the pairs went both ways, and the lake thread's write yields, so those keep it).
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
