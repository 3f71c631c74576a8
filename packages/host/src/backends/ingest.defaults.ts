/**
 * Entries per ingest batch with the in-process queue. Each lake commit rewrites every page of the two
 * id indexes (records, assets) that its keys land on, so a larger batch shares those pages among more
 * records: at 1,000,000 computers 3,604–3,636 → 3,779–3,887 records/s and the same peak RSS, measured
 * in docs/PERFORMANCE.md (round 6). The Redis queue keeps the worker's default (500): a read that size
 * is what its memory figures were measured with.
 */
export const EMBEDDED_INGEST_BATCH = 2_000;
