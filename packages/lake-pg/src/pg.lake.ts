import { Pool, type QueryResult, type QueryResultRow } from 'pg';
import {
  ConnectorError,
  type AssetRecord,
  type QueueEntry,
  type Sink,
  type SinkWriteResult,
  type SyslogRecord,
} from '@connectors/framework/engine';
import {
  clampLimit,
  decodeCursor,
  encodeCursor,
  EXPORT_PAGE_SIZE,
  openSnapshotOf,
  pagesOf,
  type AssetChange,
  type AssetChangeKind,
  type AssetChangesQuery,
  type LakeAsset,
  type LakeCountQuery,
  type LakeReader,
  type LakeSearchPage,
  type LakeSearchPageQuery,
  type LakeSearchQuery,
  type LakeStats,
  type ListAssetsQuery,
  type OpenSnapshot,
  type OpenSnapshotsQuery,
  type SnapshotState,
  type SnapshotStateName,
} from '@connectors/lake';
import { checkUrl, describeTarget, isTransientPgError, redactUrl, unreachable } from './pg.errors';
import { Partitions } from './pg.partitions';
import { Params, whereSql } from './pg.query';
import { MIGRATIONS, MIGRATIONS_TABLE, SCHEMA_LOCK, SCHEMA_VERSION } from './pg.schema';
import { inTransaction } from './pg.transaction';
import { PgLakeWriter, type SnapshotRow } from './pg.writer';
import type { PgLakeOptions } from './types';

const DAY_MS = 86_400_000;
const n = (v: string | number | null): number | undefined => (v === null ? undefined : Number(v));

/**
 * The data lake on PostgreSQL (docs/adr/0014-postgresql-lake.md): the SQLite lake's contract (the
 * `LakeReader` queries and, through `PgLakeSink`, the ingest sink) over a connection pool, so that every
 * host of a cluster writes and reads one lake. Open it with `PgLake.open`; it migrates the schema.
 */
export class PgLake implements LakeReader {
  readonly location: string;
  /** @internal The write side, used by PgLakeSink. */
  readonly writer: PgLakeWriter;
  /** @internal */
  readonly partitions: Partitions;

  private constructor(
    /** @internal */
    readonly pool: Pool,
    options: PgLakeOptions,
  ) {
    this.location = redactUrl(options.url);
    const retentionMs = options.retentionDays === undefined ? undefined : options.retentionDays * DAY_MS;
    this.partitions = new Partitions(pool, retentionMs);
    this.writer = new PgLakeWriter(pool, this.partitions, options.snapshotExpiryMs);
  }

  /**
   * Connects, creates or upgrades the schema (`schema_migrations`), loads the partitions and drops
   * those past the retention. Fails with `LAKE_UNREACHABLE` (host, database, what to check) or
   * `LAKE_SCHEMA_NEWER`.
   */
  static async open(options: PgLakeOptions): Promise<PgLake> {
    checkUrl(options.url);
    if (
      options.retentionDays !== undefined &&
      (!Number.isFinite(options.retentionDays) || options.retentionDays <= 0)
    ) {
      throw new ConnectorError(
        'LAKE_OPTION_INVALID',
        `retentionDays must be a positive number, not ${options.retentionDays}`,
        { hint: 'Leave retentionDays out to keep every record.' },
      );
    }
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      application_name: 'connectors-lake',
    });
    // An idle connection that the server ends (a restart) is dropped from the pool; the next query
    // opens a new one. Without a listener the error would end the process.
    pool.on('error', () => undefined);
    const lake = new PgLake(pool, options);
    try {
      await lake.migrate(options.url);
      await lake.partitions.load();
      await lake.partitions.dropExpired();
    } catch (err) {
      await pool.end().catch(() => undefined);
      if (err instanceof ConnectorError) throw err;
      throw unreachable(options.url, err);
    }
    return lake;
  }

  /** The schema version the database is at. */
  async schemaVersion(): Promise<number> {
    const { rows } = await this.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_migrations',
    );
    return rows[0].v ?? 0;
  }

  private async migrate(url: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // One process migrates; the others wait here, then find it done.
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(MIGRATIONS_TABLE);
      const { rows } = await client.query<{ v: number | null }>(
        'SELECT max(version) AS v FROM schema_migrations',
      );
      const current = rows[0].v ?? 0;
      if (current > SCHEMA_VERSION) {
        throw new ConnectorError(
          'LAKE_SCHEMA_NEWER',
          `the PostgreSQL lake at ${describeTarget(url)} has schema ${current}, this build knows ${SCHEMA_VERSION}`,
          { hint: 'Upgrade the connectors package on this host to the version the other hosts run.' },
        );
      }
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [
          m.version,
          m.description,
        ]);
      }
    });
  }

  async search(query: LakeSearchQuery = {}): Promise<SyslogRecord[]> {
    return (await this.searchPage({ ...query, withTotal: false })).records;
  }

  async searchPage(query: LakeSearchPageQuery = {}): Promise<LakeSearchPage> {
    const p = new Params();
    let where = whereSql(query, p);
    if (query.cursor !== undefined) {
      const at = decodeCursor(query.cursor);
      where = `${where ? `${where} AND` : 'WHERE'} (r.ts, r.id) < (${p.add(at.ts)}, ${p.add(at.id)})`;
    }
    const limit = clampLimit(query.limit);
    const { rows } = await this.query<{ ts: string; id: string; doc: SyslogRecord }>(
      `SELECT r.ts, r.id, r.doc FROM records r ${where} ORDER BY r.ts DESC, r.id DESC LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return {
      records: rows.map((r) => r.doc),
      ...(more ? { nextCursor: encodeCursor({ ts: Number(last.ts), id: last.id }) } : {}),
      ...(query.withTotal === false ? {} : { total: await this.count(query) }),
    };
  }

  async *exportRecords(query: LakeCountQuery = {}, pageSize = EXPORT_PAGE_SIZE): AsyncIterable<SyslogRecord> {
    yield* pagesOf((cursor) => this.searchPage({ ...query, cursor, limit: pageSize, withTotal: false }));
  }

  async count(query: LakeCountQuery = {}): Promise<number> {
    const p = new Params();
    const where = whereSql(query, p);
    const { rows } = await this.query<{ n: string }>(
      `SELECT count(*) AS n FROM records r ${where}`,
      p.values,
    );
    return Number(rows[0].n);
  }

  async listAssets(query: ListAssetsQuery = {}): Promise<LakeAsset[]> {
    const p = new Params();
    const parts: string[] = [];
    if (query.tenant !== undefined) parts.push(`tenant = ${p.add(query.tenant)}`);
    if (query.connectorId !== undefined) parts.push(`connector_id = ${p.add(query.connectorId)}`);
    if (!query.includeRemoved) parts.push('removed_at IS NULL');
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    // NULLS FIRST and C collation: the order SQLite gives (NULL first, then bytewise).
    const { rows } = await this.query<AssetRow>(
      `SELECT * FROM assets ${where} ORDER BY tenant COLLATE "C", hostname COLLATE "C" NULLS FIRST, id COLLATE "C"
       LIMIT ${p.add(clampLimit(query.limit, 1_000))} OFFSET ${p.add(Math.max(0, query.offset ?? 0))}`,
      p.values,
    );
    return rows.map(toAsset);
  }

  async getAsset(tenant: string, id: string): Promise<LakeAsset | undefined> {
    const { rows } = await this.query<AssetRow>('SELECT * FROM assets WHERE tenant = $1 AND id = $2', [
      tenant,
      id,
    ]);
    return rows[0] ? toAsset(rows[0]) : undefined;
  }

  async assetChanges(query: AssetChangesQuery = {}): Promise<AssetChange[]> {
    const p = new Params();
    const parts: string[] = [];
    if (query.tenant !== undefined) parts.push(`tenant = ${p.add(query.tenant)}`);
    if (query.assetId !== undefined) {
      parts.push(`asset_seq IN (SELECT seq FROM assets WHERE id = ${p.add(query.assetId)})`);
    }
    if (query.afterSeq !== undefined) parts.push(`seq > ${p.add(query.afterSeq)}`);
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const { rows } = await this.query<{
      seq: string;
      tenant: string;
      asset_id: string;
      change: string;
      at: string;
      snapshot_id: string | null;
      detail: Record<string, unknown> | null;
    }>(
      `SELECT * FROM asset_changes ${where} ORDER BY seq LIMIT ${p.add(clampLimit(query.limit, 1_000))}`,
      p.values,
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      tenant_id: r.tenant,
      assetId: r.asset_id,
      change: r.change as AssetChangeKind,
      at: Number(r.at),
      ...(r.snapshot_id ? { snapshotId: r.snapshot_id } : {}),
      ...(r.detail ? { detail: r.detail } : {}),
    }));
  }

  async snapshots(query: { tenant?: string; limit?: number } = {}): Promise<SnapshotState[]> {
    const p = new Params();
    const where = query.tenant !== undefined ? `WHERE tenant = ${p.add(query.tenant)}` : '';
    const { rows } = await this.query<SnapshotRow>(
      `SELECT * FROM snapshots ${where} ORDER BY coalesce(started_at, ended_at) DESC NULLS LAST
       LIMIT ${p.add(clampLimit(query.limit))}`,
      p.values,
    );
    return rows.map((r) => ({
      snapshotId: r.snapshot_id,
      tenant_id: r.tenant,
      connectorId: r.connector_id ?? '',
      contentType: r.content_type ?? '',
      ...(r.started_at !== null ? { startedAt: Number(r.started_at) } : {}),
      ...(r.ended_at !== null ? { endedAt: Number(r.ended_at) } : {}),
      ...(r.complete !== null ? { complete: r.complete } : {}),
      ...(r.expected !== null ? { expected: Number(r.expected) } : {}),
      seen: Number(r.seen),
      state: r.state as SnapshotStateName,
      ...(r.removed !== null ? { removed: Number(r.removed) } : {}),
    }));
  }

  async openSnapshots(query: OpenSnapshotsQuery = {}): Promise<OpenSnapshot[]> {
    const p = new Params();
    const where = [
      "state = 'open'",
      ...(query.tenant !== undefined ? [`tenant = ${p.add(query.tenant)}`] : []),
      ...(query.connectorId !== undefined ? [`connector_id = ${p.add(query.connectorId)}`] : []),
    ];
    const { rows } = await this.query<SnapshotRow>(
      `SELECT * FROM snapshots WHERE ${where.join(' AND ')}
       ORDER BY connector_id, coalesce(opened_at, started_at, ended_at), snapshot_id`,
      p.values,
    );
    return rows.map((r) =>
      openSnapshotOf({
        ...r,
        started_at: n(r.started_at) ?? null,
        ended_at: n(r.ended_at) ?? null,
        expected: n(r.expected) ?? null,
        seen: Number(r.seen),
        opened_at: n(r.opened_at) ?? null,
        active_at: n(r.active_at) ?? null,
      }),
    );
  }

  async stats(): Promise<LakeStats> {
    const { rows } = await this.query<Record<keyof LakeStats, string>>(
      `SELECT (SELECT count(*) FROM records) AS records,
         (SELECT count(*) FROM assets WHERE removed_at IS NULL) AS assets,
         (SELECT count(*) FROM assets WHERE removed_at IS NOT NULL) AS "removedAssets",
         (SELECT count(*) FROM asset_changes) AS "assetChanges",
         (SELECT count(*) FROM snapshots WHERE state = 'open') AS "openSnapshots"`,
    );
    const r = rows[0];
    return {
      records: Number(r.records),
      assets: Number(r.assets),
      removedAssets: Number(r.removedAssets),
      assetChanges: Number(r.assetChanges),
      openSnapshots: Number(r.openSnapshots),
    };
  }

  /**
   * A read. A connection the server ended while it sat idle in the pool (a restart) fails its next
   * query; the read is tried once more on a new connection.
   */
  private async query<T extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<T>> {
    try {
      return await this.pool.query<T>(text, values);
    } catch (err) {
      if (!isTransientPgError(err)) throw err;
      return this.pool.query<T>(text, values);
    }
  }

  private closed: Promise<void> | undefined;

  async close(): Promise<void> {
    await (this.closed ??= this.pool.end());
  }
}

/**
 * The PostgreSQL lake as an ingestion sink: `write` resolves after the batch's COMMIT, so the worker
 * may acknowledge it; a connection or server failure rejects (the worker retries the batch).
 */
export class PgLakeSink implements Sink {
  readonly name = 'lake';

  private constructor(readonly lake: PgLake) {}

  static async open(options: PgLakeOptions): Promise<PgLakeSink> {
    return new PgLakeSink(await PgLake.open(options));
  }

  async write(batch: readonly QueueEntry[]): Promise<SinkWriteResult> {
    return this.lake.writer.write(batch);
  }

  async close(): Promise<void> {
    await this.lake.close();
  }
}

interface AssetRow {
  seq: string;
  tenant: string;
  id: string;
  connector_id: string;
  source: string;
  content_type: string;
  primary_key: string;
  primary_value: string;
  hostname: string | null;
  doc: AssetRecord;
  first_seen: string;
  last_seen: string;
  removed_at: string | null;
  removed_by: string | null;
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
    firstSeen: Number(row.first_seen),
    lastSeen: Number(row.last_seen),
    removed: row.removed_at !== null,
    ...(row.removed_at !== null ? { removedAt: n(row.removed_at) } : {}),
    ...(row.removed_by !== null ? { removedBy: row.removed_by } : {}),
    record: row.doc,
  };
}
