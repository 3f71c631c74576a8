import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assetId, ConnectorError, type AssetRecord, type SyslogRecord } from '@connectors/framework/engine';
import { BackgroundCheckpoints } from './lake.checkpoints';
import { dataFileError } from './data-file.error';
import { decodeCursor, encodeCursor, EXPORT_PAGE_SIZE } from './lake.cursor';
import { clampLimit, whereClause } from './lake.query';
import {
  MIGRATE_1_TO_2,
  MIGRATE_3_TO_4,
  SCHEMA,
  SCHEMA_VERSION,
  type AssetRow,
  type SnapshotRow,
} from './lake.schema';
import { LakeWriter } from './lake.writer';
import type {
  AssetChange,
  AssetChangeKind,
  AssetChangesQuery,
  LakeAsset,
  LakeCountQuery,
  LakeOptions,
  LakeReader,
  LakeSearchPage,
  LakeSearchPageQuery,
  LakeSearchQuery,
  LakeStats,
  ListAssetsQuery,
  OpenSnapshot,
  OpenSnapshotsQuery,
  SnapshotState,
  SnapshotStateName,
} from './types';

export const LAKE_FILE = 'lake.sqlite';

const DEFAULT_CHECKPOINT_INTERVAL_MS = 100;
const DEFAULT_WAL_RESTART_PAGES = 4096;

interface ChangeRow {
  seq: number;
  tenant: string;
  asset_id: string;
  change: string;
  at: number;
  snapshot_id: string | null;
  detail: string | null;
}

/**
 * The embedded data lake: one SQLite file (`<dataDir>/lake.sqlite`, WAL mode) holding the Syslog index
 * (records by id, indexed on time, tenant and msg_class), the assets table with its change history,
 * and snapshot bookkeeping. Reads are synchronous (better-sqlite3); writes go through `LakeSink`.
 * Several processes may open the same file: SQLite serializes writers, readers never block.
 */
export class Lake {
  readonly file: string;
  private readonly writerInstance: LakeWriter | undefined;
  private backgroundCheckpoints: BackgroundCheckpoints | undefined;

  private constructor(
    readonly db: Database.Database,
    file: string,
    /** The schema of the file; below SCHEMA_VERSION only for a file opened read-only. */
    private readonly schemaVersion: number,
    snapshotExpiryMs?: number,
  ) {
    this.file = file;
    this.writerInstance = db.readonly ? undefined : new LakeWriter(db, snapshotExpiryMs);
  }

  static open(dataDir: string, options: LakeOptions = {}): Lake {
    const checkpoints = backgroundCheckpointsOf(options);
    if (!options.readonly) mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, LAKE_FILE);
    let db: Database.Database;
    try {
      db = new Database(file, {
        readonly: options.readonly ?? false,
        fileMustExist: options.readonly ?? false,
      });
    } catch (err) {
      const named = dataFileError(err, file, 'lake');
      if (named && named.code !== 'DATA_DIR_READONLY') throw named;
      throw new ConnectorError(
        'LAKE_OPEN_FAILED',
        `cannot open the lake at ${file}: ${(err as Error).message}`,
        {
          hint: options.readonly
            ? 'Nothing was ingested into this data directory yet, or the path is wrong.'
            : 'Check that the data directory is writable.',
          cause: err,
        },
      );
    }
    try {
      prepareLake(db, file, options);
    } catch (err) {
      if (db.open) db.close();
      throw dataFileError(err, file, 'lake') ?? err;
    }
    const lake = new Lake(
      db,
      file,
      db.pragma('user_version', { simple: true }) as number,
      options.snapshotExpiryMs,
    );
    if (checkpoints) {
      const background = new BackgroundCheckpoints(db, { file, ...checkpoints });
      lake.backgroundCheckpoints = background;
      lake.writer.afterCommit = () => background.afterCommit();
    }
    return lake;
  }

  /**
   * Who checkpoints the WAL now: a thread of its own, or the writer on commit (see `LakeOptions`); `inline`
   * for a read-only lake, which writes nothing.
   */
  get checkpoints(): 'background' | 'inline' {
    return this.backgroundCheckpoints?.active ? 'background' : 'inline';
  }

  /** @internal The write side, used by LakeSink. */
  get writer(): LakeWriter {
    if (!this.writerInstance) throw new ConnectorError('LAKE_READONLY', `${this.file} was opened read-only`);
    return this.writerInstance;
  }

  /** Syslog records matching the query, newest first. */
  search(query: LakeSearchQuery = {}): SyslogRecord[] {
    const { sql, params } = whereClause(query);
    const rows = this.db
      .prepare(`SELECT doc FROM records r ${sql} ORDER BY r.ts DESC, r.id DESC LIMIT ?`)
      .pluck()
      .all(...params, clampLimit(query.limit)) as string[];
    return rows.map((doc) => JSON.parse(doc) as SyslogRecord);
  }

  /**
   * One page of a search, newest first (time, then id, both descending: a stable order, so a page never
   * repeats or skips a record that was there when the first page was read), with the total.
   */
  searchPage(query: LakeSearchPageQuery = {}): LakeSearchPage {
    const { sql, params } = whereClause(query);
    let where = sql;
    if (query.cursor !== undefined) {
      const at = decodeCursor(query.cursor);
      where = `${sql ? `${sql} AND` : 'WHERE'} (r.ts, r.id) < (?, ?)`;
      params.push(at.ts, at.id);
    }
    const limit = clampLimit(query.limit);
    const rows = this.db
      .prepare(`SELECT r.ts, r.id, r.doc FROM records r ${where} ORDER BY r.ts DESC, r.id DESC LIMIT ?`)
      .all(...params, limit + 1) as Array<{ ts: number; id: string; doc: string }>;
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return {
      records: rows.map((r) => JSON.parse(r.doc) as SyslogRecord),
      ...(more ? { nextCursor: encodeCursor({ ts: last.ts, id: last.id }) } : {}),
      ...(query.withTotal === false ? {} : { total: this.count(query) }),
    };
  }

  count(query: LakeCountQuery = {}): number {
    const { sql, params } = whereClause(query);
    return this.db
      .prepare(`SELECT count(*) FROM records r ${sql}`)
      .pluck()
      .get(...params) as number;
  }

  listAssets(query: ListAssetsQuery = {}): LakeAsset[] {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (query.tenant !== undefined) {
      parts.push('tenant = ?');
      params.push(query.tenant);
    }
    if (query.connectorId !== undefined) {
      parts.push('connector_id = ?');
      params.push(query.connectorId);
    }
    if (!query.includeRemoved) parts.push('removed_at IS NULL');
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const rows = this.db
      .prepare(`SELECT * FROM assets ${where} ORDER BY tenant, hostname, id LIMIT ? OFFSET ?`)
      .all(...params, clampLimit(query.limit, 1_000), Math.max(0, query.offset ?? 0)) as AssetRow[];
    return rows.map(toAsset);
  }

  getAsset(tenant: string, id: string): LakeAsset | undefined {
    const row = this.db.prepare('SELECT * FROM assets WHERE tenant = ? AND id = ?').get(tenant, id) as
      AssetRow | undefined;
    return row ? toAsset(row) : undefined;
  }

  /** The asset change history (added, changed, removed, restored), oldest first. */
  assetChanges(query: AssetChangesQuery = {}): AssetChange[] {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (query.tenant !== undefined) {
      parts.push('tenant = ?');
      params.push(query.tenant);
    }
    if (query.assetId !== undefined) {
      // Version 2 indexes the history by the asset's seq; a version 1 file (read-only) by its id.
      parts.push(
        this.schemaVersion >= 2 ? 'asset_seq IN (SELECT seq FROM assets WHERE id = ?)' : 'asset_id = ?',
      );
      params.push(query.assetId);
    }
    if (query.afterSeq !== undefined) {
      parts.push('seq > ?');
      params.push(query.afterSeq);
    }
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const rows = this.db
      .prepare(`SELECT * FROM asset_changes ${where} ORDER BY seq LIMIT ?`)
      .all(...params, clampLimit(query.limit, 1_000)) as ChangeRow[];
    return rows.map((r) => ({
      seq: r.seq,
      tenant_id: r.tenant,
      assetId: r.asset_id,
      change: r.change as AssetChangeKind,
      at: r.at,
      ...(r.snapshot_id ? { snapshotId: r.snapshot_id } : {}),
      ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, unknown> } : {}),
    }));
  }

  snapshots(query: { tenant?: string; limit?: number } = {}): SnapshotState[] {
    const where = query.tenant !== undefined ? 'WHERE tenant = ?' : '';
    const params = query.tenant !== undefined ? [query.tenant] : [];
    const rows = this.db
      .prepare(`SELECT * FROM snapshots ${where} ORDER BY coalesce(started_at, ended_at) DESC LIMIT ?`)
      .all(...params, clampLimit(query.limit)) as SnapshotRow[];
    return rows.map((r) => ({
      snapshotId: r.snapshot_id,
      tenant_id: r.tenant,
      connectorId: r.connector_id ?? '',
      contentType: r.content_type ?? '',
      ...(r.started_at !== null ? { startedAt: r.started_at } : {}),
      ...(r.ended_at !== null ? { endedAt: r.ended_at } : {}),
      ...(r.complete !== null ? { complete: r.complete === 1 } : {}),
      ...(r.expected !== null ? { expected: r.expected } : {}),
      seen: r.seen,
      state: r.state as SnapshotStateName,
      ...(r.removed !== null ? { removed: r.removed } : {}),
    }));
  }

  /** Ordered by connector, then as the lake first heard of them (rowid: no column a schema-3 file lacks). */
  openSnapshots(query: OpenSnapshotsQuery = {}): OpenSnapshot[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM snapshots WHERE state = 'open'
           AND (@tenant IS NULL OR tenant = @tenant) AND (@connector IS NULL OR connector_id = @connector)
         ORDER BY connector_id, rowid`,
      )
      .all({ tenant: query.tenant ?? null, connector: query.connectorId ?? null }) as SnapshotRow[];
    return rows.map(openSnapshotOf);
  }

  stats(): LakeStats {
    const one = (sql: string): number => this.db.prepare(sql).pluck().get() as number;
    return {
      records: one('SELECT count(*) FROM records'),
      assets: one('SELECT count(*) FROM assets WHERE removed_at IS NULL'),
      removedAssets: one('SELECT count(*) FROM assets WHERE removed_at IS NOT NULL'),
      assetChanges: one('SELECT count(*) FROM asset_changes'),
      openSnapshots: one("SELECT count(*) FROM snapshots WHERE state = 'open'"),
    };
  }

  close(): void {
    this.backgroundCheckpoints?.stop();
    if (this.db.open) this.db.close();
  }
}

function backgroundCheckpointsOf(
  options: LakeOptions,
): { intervalMs: number; restartPages: number } | undefined {
  if (
    options.checkpoints !== undefined &&
    options.checkpoints !== 'background' &&
    options.checkpoints !== 'inline'
  ) {
    throw new ConnectorError(
      'LAKE_OPTION_INVALID',
      `checkpoints must be "background" or "inline", not "${String(options.checkpoints)}"`,
      {
        hint: 'Leave checkpoints out for the default ("background").',
      },
    );
  }
  const intervalMs = positive(
    'checkpointIntervalMs',
    options.checkpointIntervalMs,
    DEFAULT_CHECKPOINT_INTERVAL_MS,
  );
  const restartPages = positive('walRestartPages', options.walRestartPages, DEFAULT_WAL_RESTART_PAGES);
  return options.readonly || options.checkpoints === 'inline' ? undefined : { intervalMs, restartPages };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) {
    throw new ConnectorError('LAKE_OPTION_INVALID', `${name} must be a number of at least 1, not ${value}`, {
      hint: `Leave ${name} out for the default (${fallback}).`,
    });
  }
  return Math.floor(value);
}

/** Pragmas and the schema (created or upgraded) of a lake opened for writing; a read-only open reads once. */
function prepareLake(db: Database.Database, file: string, options: LakeOptions): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
  if (options.readonly) {
    // A damaged or foreign file is found here, named, rather than in the first query.
    db.prepare('SELECT 1 FROM records LIMIT 1').get();
    return;
  }
  // Only takes effect on a new file (before the first table and before WAL). Large pages cut the
  // number of write calls per committed batch.
  db.pragma(`page_size = ${options.pageSize ?? 32_768}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new ConnectorError(
      'LAKE_SCHEMA_NEWER',
      `${file} has schema ${version}, this build knows ${SCHEMA_VERSION}`,
      {
        hint: 'Upgrade the connectors package that opens this data directory.',
      },
    );
  }
  if (version < SCHEMA_VERSION) upgrade(db);
}

/**
 * Version 2 to 3 (in the upgrade's transaction): an asset whose id is the tenant-wide hash of its
 * primary key gets the id that also names its connector, in the row, its document and its change
 * history. A row that two connectors shared keeps the connector that wrote it last; the other
 * connector's asset is added at its next run (docs/adr/0012).
 */
function rekeyAssets(db: Database.Database): void {
  const page = db.prepare(
    'SELECT seq, tenant, id, connector_id, source, primary_key, primary_value FROM assets WHERE seq > ? ORDER BY seq LIMIT 1000',
  );
  const setAsset = db.prepare("UPDATE assets SET id = ?, doc = json_set(doc, '$.id', ?) WHERE seq = ?");
  const setChanges = db.prepare('UPDATE asset_changes SET asset_id = ? WHERE asset_seq = ?');
  for (let after = 0; ;) {
    const rows = page.all(after) as AssetRow[];
    if (!rows.length) return;
    for (const r of rows) {
      if (r.id !== assetId(r.tenant, r.source, r.primary_key, r.primary_value)) continue;
      const id = assetId(r.tenant, r.source, r.primary_key, r.primary_value, r.connector_id);
      setAsset.run(id, id, r.seq);
      setChanges.run(id, r.seq);
    }
    after = rows[rows.length - 1].seq;
  }
}

/** How long an open waits for another process's upgrade of the same file (it copies the whole lake). */
const UPGRADE_WAIT_MS = 30 * 60_000;

/**
 * Creates the tables of a new file, or migrates an older one in place, in one write transaction (so a
 * crash leaves the old version, and a second process opening the file at the same time waits, then
 * finds it done).
 */
function upgrade(db: Database.Database): void {
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${UPGRADE_WAIT_MS}`);
  try {
    db.transaction(() => {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version >= SCHEMA_VERSION) return;
      // Version 1 tables, whatever user_version says (it was set after the tables were created).
      const v1 = db
        .prepare(
          "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'records' AND NOT EXISTS (SELECT 1 FROM pragma_table_info('records') WHERE name = 'seq')",
        )
        .get();
      if (v1) db.exec(MIGRATE_1_TO_2);
      db.exec(SCHEMA);
      const v3 = db
        .prepare(
          "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pragma_table_info('snapshots') WHERE name = 'opened_at')",
        )
        .get();
      if (v3) db.exec(MIGRATE_3_TO_4);
      rekeyAssets(db);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

function toAsset(row: AssetRow): LakeAsset {
  return {
    id: row.id,
    tenant_id: row.tenant,
    connectorId: row.connector_id,
    source: row.source,
    contentType: row.content_type,
    primaryKey: { key: row.primary_key, value: row.primary_value },
    ...(row.hostname !== null ? { hostname: row.hostname } : {}),
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    removed: row.removed_at !== null,
    ...(row.removed_at !== null ? { removedAt: row.removed_at } : {}),
    ...(row.removed_by !== null ? { removedBy: row.removed_by } : {}),
    record: JSON.parse(row.doc) as AssetRecord,
  };
}

/** The SQLite lake behind the asynchronous `LakeReader` contract (the host's read side). */
export class SqliteLakeReader implements LakeReader {
  constructor(readonly lake: Lake) {}

  /** Opens the lake of a data directory read-only. */
  static open(dataDir: string): SqliteLakeReader {
    return new SqliteLakeReader(Lake.open(dataDir, { readonly: true }));
  }

  get location(): string {
    return this.lake.file;
  }

  async search(query?: LakeSearchQuery): Promise<SyslogRecord[]> {
    return this.lake.search(query);
  }

  async searchPage(query?: LakeSearchPageQuery): Promise<LakeSearchPage> {
    return this.lake.searchPage(query);
  }

  async *exportRecords(query: LakeCountQuery = {}, pageSize = EXPORT_PAGE_SIZE): AsyncIterable<SyslogRecord> {
    yield* pagesOf((cursor) => this.searchPage({ ...query, cursor, limit: pageSize, withTotal: false }));
  }

  async count(query?: LakeCountQuery): Promise<number> {
    return this.lake.count(query);
  }

  async listAssets(query?: ListAssetsQuery): Promise<LakeAsset[]> {
    return this.lake.listAssets(query);
  }

  async getAsset(tenant: string, id: string): Promise<LakeAsset | undefined> {
    return this.lake.getAsset(tenant, id);
  }

  async assetChanges(query?: AssetChangesQuery): Promise<AssetChange[]> {
    return this.lake.assetChanges(query);
  }

  async snapshots(query?: { tenant?: string; limit?: number }): Promise<SnapshotState[]> {
    return this.lake.snapshots(query);
  }

  async openSnapshots(query?: OpenSnapshotsQuery): Promise<OpenSnapshot[]> {
    return this.lake.openSnapshots(query);
  }

  async stats(): Promise<LakeStats> {
    return this.lake.stats();
  }

  async close(): Promise<void> {
    this.lake.close();
  }
}

/**
 * An open snapshot as both lakes report it, from its row (numbers already numbers). A snapshot from
 * before the lake kept its own clock (schema 3) falls back to the markers' times.
 */
export function openSnapshotOf(r: {
  snapshot_id: string;
  tenant: string;
  connector_id: string | null;
  content_type: string | null;
  started_at: number | null;
  ended_at: number | null;
  expected: number | null;
  seen: number;
  opened_at: number | null;
  active_at: number | null;
}): OpenSnapshot {
  const openedAt = r.opened_at ?? r.started_at ?? r.ended_at ?? 0;
  return {
    snapshotId: r.snapshot_id,
    tenant_id: r.tenant,
    connectorId: r.connector_id ?? '',
    contentType: r.content_type ?? '',
    openedAt,
    lastActivityAt: r.active_at ?? openedAt,
    seen: r.seen,
    ...(r.ended_at !== null && r.expected !== null ? { expected: r.expected } : {}),
    endMarker: r.ended_at !== null,
    startMarker: r.started_at !== null,
  };
}

/**
 * Every record of a search, a page at a time: only one page is held, so an export of any size runs in
 * bounded memory. Shared by both lakes' `exportRecords`.
 */
export async function* pagesOf(
  page: (cursor: string | undefined) => Promise<LakeSearchPage>,
): AsyncIterable<SyslogRecord> {
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    yield* next.records;
    cursor = next.nextCursor;
  } while (cursor !== undefined);
}
