export interface PgLakeOptions {
  /** `postgres://user:password@host:port/database`; the database must exist. */
  url: string;
  /** Connections in the pool (default 4): the writer holds one per batch, each query one while it runs. */
  poolSize?: number;
  /** How long opening a connection may take, ms (default 5,000). */
  connectTimeoutMs?: number;
  /**
   * Days of records to keep, by record time: partitions (one per UTC day) wholly older are dropped, at
   * open and hourly while writing, and older records are not stored. Default: keep everything.
   */
  retentionDays?: number;
  /**
   * An open snapshot that has not moved for this long is closed as incomplete (as in the SQLite lake;
   * default a day).
   */
  snapshotExpiryMs?: number;
}
