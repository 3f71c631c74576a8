import type { AssetRecord, SyslogRecord } from '@connectors/framework/engine';

export type ConditionOp = 'eq' | 'neq' | 'contains' | 'exists';

/** A field condition on any dotted path of a record, e.g. `{ path: 'host.hostname', value: 'web-1' }`. */
export interface LakeCondition {
  /** Dotted path: `msg_class`, `host.hostname`, `trendmicro_cloudone.platform`, `host.ip`. */
  path: string;
  /**
   * `eq` (default): the value, or any element of an array at the path, equals `value`;
   * `neq`: no such value (a missing field counts as not equal);
   * `contains`: the value (or an element) contains `value` as a substring, case-insensitive;
   * `exists`: the path is present.
   */
  op?: ConditionOp;
  value?: string;
}

export interface LakeSearchQuery {
  tenant?: string;
  /** Inclusive lower bound on `timestamp`, epoch ms. */
  since?: number;
  /** Exclusive upper bound on `timestamp`, epoch ms. */
  until?: number;
  where?: LakeCondition[];
  /** Most records returned (default 100, at most 10,000). */
  limit?: number;
}

export type LakeCountQuery = Omit<LakeSearchQuery, 'limit'>;

/** A page of a search: newest first, resumed after `cursor` (the `nextCursor` of the page before). */
export interface LakeSearchPageQuery extends LakeSearchQuery {
  /** Opaque: the position (time and id) of the last record of the previous page. */
  cursor?: string;
  /** Count every match (default true); an export's pages leave it off. */
  withTotal?: boolean;
}

export interface LakeSearchPage {
  records: SyslogRecord[];
  /** Present when more records match: pass it as `cursor` for the next page. */
  nextCursor?: string;
  /** Every record the query matches (all pages), unless `withTotal` was false. */
  total?: number;
}

/**
 * The lake's read side as the host uses it, whatever the store (SQLite file or PostgreSQL): the same
 * queries and answers, asynchronous. Proven by one contract suite run against both lakes.
 */
export interface LakeReader {
  /** Where the data is, for messages (a file, or a PostgreSQL URL without its password). */
  readonly location: string;
  search(query?: LakeSearchQuery): Promise<SyslogRecord[]>;
  searchPage(query?: LakeSearchPageQuery): Promise<LakeSearchPage>;
  /** Every match, newest first, a page at a time (bounded memory, no cap). */
  exportRecords(query?: LakeCountQuery, pageSize?: number): AsyncIterable<SyslogRecord>;
  count(query?: LakeCountQuery): Promise<number>;
  listAssets(query?: ListAssetsQuery): Promise<LakeAsset[]>;
  getAsset(tenant: string, id: string): Promise<LakeAsset | undefined>;
  assetChanges(query?: AssetChangesQuery): Promise<AssetChange[]>;
  snapshots(query?: { tenant?: string; limit?: number }): Promise<SnapshotState[]>;
  /** Snapshots still open (not finalized, not expired), by connector, oldest first. */
  openSnapshots(query?: OpenSnapshotsQuery): Promise<OpenSnapshot[]>;
  stats(): Promise<LakeStats>;
  close(): Promise<void>;
}

export interface LakeOptions {
  /**
   * SQLite `synchronous` in WAL mode. `NORMAL` (default): a committed batch survives a crash of this
   * process; an OS crash or power loss can lose the last commits. `FULL`: also survives power loss.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** SQLite page size for a new lake file (default 32 KiB; ignored for an existing file). */
  pageSize?: number;
  /** How long a writer waits for another process's write lock, ms (default 5,000). */
  busyTimeoutMs?: number;
  /**
   * Who folds the WAL into the database. `background` (default): a worker thread with its own connection,
   * every `checkpointIntervalMs`, so the writer's thread never waits on it; `inline`: the writer, on
   * commit, once the WAL holds 1,000 pages (SQLite's default).
   */
  checkpoints?: 'background' | 'inline';
  /** How often the checkpoint thread runs, ms (default 100). */
  checkpointIntervalMs?: number;
  /**
   * WAL pages past which the writer checkpoints itself right after a commit, so that the next write starts
   * the WAL over (default 4,096: 128 MiB at 32 KiB pages). Bounds the WAL under a writer that never pauses.
   */
  walRestartPages?: number;
  readonly?: boolean;
  /**
   * An open snapshot that has not moved (no record counted, no marker) for this long, on the lake's clock,
   * is closed as incomplete and its bookkeeping removed (default `DEFAULT_SNAPSHOT_EXPIRY_MS`): its run
   * died, or its end marker or some of its records never arrived.
   */
  snapshotExpiryMs?: number;
}

export interface LakeThreadSinkOptions extends LakeOptions {
  /** V8 old-space cap of the lake thread, MB (default 48: it holds one batch at a time). */
  maxHeapMb?: number;
}

/** An asset as the lake holds it. Times are epoch ms. */
export interface LakeAsset {
  id: string;
  tenant_id: string;
  connectorId: string;
  source: string;
  contentType: string;
  primaryKey: { key: string; value: string };
  hostname?: string;
  /** First and last time a collection observed the asset (collection time). */
  firstSeen: number;
  lastSeen: number;
  removed: boolean;
  removedAt?: number;
  /** The snapshot that found the asset gone. */
  removedBy?: string;
  /** The latest asset record. */
  record: AssetRecord;
}

export type AssetChangeKind = 'added' | 'changed' | 'removed' | 'restored';

export interface AssetChange {
  seq: number;
  tenant_id: string;
  assetId: string;
  change: AssetChangeKind;
  at: number;
  snapshotId?: string;
  /** For `changed`: the fields that changed, with old and new values. */
  detail?: Record<string, unknown>;
}

export interface AssetChangesQuery {
  tenant?: string;
  assetId?: string;
  /** Changes after this sequence number (for paging/tailing). */
  afterSeq?: number;
  limit?: number;
}

export interface ListAssetsQuery {
  tenant?: string;
  connectorId?: string;
  includeRemoved?: boolean;
  limit?: number;
  offset?: number;
}

export type SnapshotStateName = 'open' | 'finalized' | 'incomplete';

export interface SnapshotState {
  snapshotId: string;
  tenant_id: string;
  connectorId: string;
  contentType: string;
  startedAt?: number;
  endedAt?: number;
  complete?: boolean;
  /** Records the end marker announced. */
  expected?: number;
  /** Distinct records of the snapshot ingested so far. */
  seen: number;
  state: SnapshotStateName;
  /** Assets marked removed when the snapshot was finalized. */
  removed?: number;
}

export interface OpenSnapshotsQuery {
  tenant?: string;
  connectorId?: string;
}

/** A snapshot the lake has not closed: its end marker or some of its records have not arrived. */
export interface OpenSnapshot {
  snapshotId: string;
  tenant_id: string;
  connectorId: string;
  contentType: string;
  /** When the lake first heard of the snapshot, on the lake's clock (epoch ms). */
  openedAt: number;
  /** The lake's clock at the snapshot's last marker or record; it expires `snapshotExpiryMs` after. */
  lastActivityAt: number;
  /** Distinct records of the snapshot ingested so far. */
  seen: number;
  /** Records the end marker announced; absent until it arrives. */
  expected?: number;
  endMarker: boolean;
  /** A snapshot is only finalized once its start marker arrived too (its time is the removal cut-off). */
  startMarker: boolean;
}

export interface LakeStats {
  records: number;
  assets: number;
  removedAssets: number;
  assetChanges: number;
  openSnapshots: number;
}
