/**
 * Entries per ingest batch with the in-process queue. Each lake commit rewrites every page of the two
 * id indexes (records, assets) that its keys land on, so a larger batch shares those pages among more
 * records: at 1,000,000 computers 3,604–3,636 → 3,779–3,887 records/s and the same peak RSS, measured
 * in docs/PERFORMANCE.md (round 6). The Redis queue keeps the worker's default (500): there 2,000 gained
 * 4–8 % but cost 15–19 MB of peak RSS, on a path already above the 200 MB line (open finding 10).
 */
export const EMBEDDED_INGEST_BATCH = 2_000;
