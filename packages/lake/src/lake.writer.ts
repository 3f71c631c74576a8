import type Database from 'better-sqlite3';
import type { AssetRow, SnapshotRow } from './lake.schema';
import {
  jsonOf,
  type AssetRecord,
  type QueueEntry,
  type SinkFailure,
  type SinkWriteResult,
  type SnapshotMarker,
  type SyslogRecord,
} from '@connectors/framework/engine';

/** A record the lake can never store; reported per record so the rest of the batch goes through. */
export class PoisonEntryError extends Error {}

/** SQLite result codes that mean "try again later", not "this record is bad". */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|NOMEM|INTERRUPT|PROTOCOL)/;

export function isTransientSqliteError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && TRANSIENT.test(code);
}

/** The columns the writer selects for an existing asset. */
type WriterAssetRow = Pick<
  AssetRow,
  'seq' | 'first_seen' | 'last_seen' | 'fingerprint' | 'doc' | 'removed_at' | 'removed_cutoff'
>;

/** Per-batch snapshot bookkeeping: distinct records newly seen per open snapshot (null: not open). */
type Touched = Map<string, number | null>;

/** Default `LakeOptions.snapshotExpiryMs`: a day without a marker. */
const DEFAULT_SNAPSHOT_EXPIRY_MS = 86_400_000;
/** How often a writing lake looks for abandoned snapshots. */
const EXPIRY_CHECK_MS = 60_000;

/** The asset fields whose change is recorded as `changed`. */
const FINGERPRINT_FIELDS = ['hostname', 'ip', 'mac', 'os'] as const;

/** What a `changed` compares: an asset's hostname, IP, MAC and OS, as one string. */
export function fingerprint(asset: AssetRecord): string {
  return JSON.stringify(FINGERPRINT_FIELDS.map((f) => asset[f] ?? null));
}

/** The detail of a `changed`: each fingerprint field that differs, with its old and new value. */
export function changeDetail(before: AssetRecord, after: AssetRecord): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  for (const f of FINGERPRINT_FIELDS) {
    if (JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null)) {
      detail[f] = { from: before[f] ?? null, to: after[f] ?? null };
    }
  }
  return detail;
}

/**
 * Splits a batch into the entries a lake can store (with their positions) and a non-retryable failure
 * for each of the others; `check` throws for an entry the lake cannot store (default `validateEntry`).
 */
export function splitBatch(
  batch: readonly QueueEntry[],
  check: (entry: QueueEntry) => void = validateEntry,
): { good: QueueEntry[]; goodIndex: number[]; failures: SinkFailure[] } {
  const failures: SinkFailure[] = [];
  const good: QueueEntry[] = [];
  const goodIndex: number[] = [];
  batch.forEach((entry, index) => {
    try {
      check(entry);
      good.push(entry);
      goodIndex.push(index);
    } catch (err) {
      failures.push({ index, reason: (err as Error).message, retryable: false });
    }
  });
  return { good, goodIndex, failures };
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Checks the parts of an entry the lake relies on; anything else in a record is stored as is. */
export function validateEntry(entry: QueueEntry): void {
  if (!entry || typeof entry !== 'object') throw new PoisonEntryError('entry is not an object');
  if (entry.kind === 'record') {
    const r = entry.record as Partial<SyslogRecord> | undefined;
    if (!r || typeof r !== 'object') throw new PoisonEntryError('record entry without a record');
    if (!nonEmpty(r.id)) throw new PoisonEntryError('record has no id');
    if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp)) {
      throw new PoisonEntryError(`record ${r.id} has no numeric timestamp`);
    }
    if (!nonEmpty(r.tenant_id)) throw new PoisonEntryError(`record ${r.id} has no tenant_id`);
    if (!nonEmpty(r.msg_class)) throw new PoisonEntryError(`record ${r.id} has no msg_class`);
    if (entry.asset) {
      const a = entry.asset as Partial<AssetRecord>;
      if (
        !nonEmpty(a.id) ||
        !nonEmpty(a.tenant_id) ||
        !nonEmpty(a.contentType) ||
        !nonEmpty(a.connector?.id)
      ) {
        throw new PoisonEntryError(
          `asset of record ${r.id} lacks id, tenant_id, contentType or connector.id`,
        );
      }
      if (!a.primaryKey || !nonEmpty(a.primaryKey.key) || typeof a.observedAt !== 'number') {
        throw new PoisonEntryError(`asset ${a.id} lacks primaryKey or observedAt`);
      }
    }
    return;
  }
  if (entry.kind === 'snapshot') {
    const m = entry.marker as Partial<SnapshotMarker> | undefined;
    if (!m || !nonEmpty(m.snapshotId) || (m.phase !== 'start' && m.phase !== 'end')) {
      throw new PoisonEntryError('snapshot marker lacks snapshotId or phase');
    }
    if (
      !nonEmpty(m.tenant_id) ||
      !nonEmpty(m.connectorId) ||
      !nonEmpty(m.contentType) ||
      typeof m.at !== 'number'
    ) {
      throw new PoisonEntryError(
        `snapshot marker ${m.snapshotId} lacks tenant_id, connectorId, contentType or at`,
      );
    }
    return;
  }
  throw new PoisonEntryError(`unknown entry kind "${String((entry as { kind?: unknown }).kind)}"`);
}

/**
 * The lake's write side. A batch is one `BEGIN IMMEDIATE` transaction: records upserted by id (the
 * newest collection wins), assets upserted with first/last seen and a change history, snapshot
 * markers and per-snapshot distinct record counts kept so that a snapshot is finalized (assets not
 * seen in it marked removed) only once its end marker AND every one of its records are in, whatever
 * order several ingest workers deliver them in.
 */
export class LakeWriter {
  private readonly upsertRecord: Database.Statement;
  private readonly selectAsset: Database.Statement;
  private readonly insertAsset: Database.Statement;
  private readonly updateAsset: Database.Statement;
  private readonly touchAsset: Database.Statement;
  private readonly insertChange: Database.Statement;
  private readonly selectSnapshot: Database.Statement;
  private readonly ensureSnapshot: Database.Statement;
  private readonly snapshotStart: Database.Statement;
  private readonly snapshotEnd: Database.Statement;
  private readonly addSnapshotRecord: Database.Statement;
  private readonly bumpSeen: Database.Statement;
  private readonly removeUnseen: Database.Statement;
  private readonly closeSnapshot: Database.Statement;
  private readonly dropSnapshotRecords: Database.Statement;
  private readonly batchTx: Database.Transaction<(entries: readonly QueueEntry[], now: number) => void>;
  private readonly oneTx: Database.Transaction<(entry: QueueEntry, now: number) => void>;
  /** Runs after each committed `write` (the lake's background checkpoints hook in here). */
  afterCommit: (() => void) | undefined;
  private readonly selectOpen: Database.Statement;
  private readonly expireOne: Database.Statement;
  /** Open snapshots by id: what they looked like and since when (lake time) they have not moved. */
  private readonly stillSince = new Map<string, { mark: string; since: number }>();
  private readonly dropExpiredRecords: Database.Statement;
  /** Open snapshots silent for longer than this are closed as incomplete (`LakeOptions.snapshotExpiryMs`). */
  private readonly snapshotExpiryMs: number;
  private lastExpiryAt = 0;

  constructor(db: Database.Database, snapshotExpiryMs = DEFAULT_SNAPSHOT_EXPIRY_MS) {
    this.snapshotExpiryMs = snapshotExpiryMs;
    this.selectOpen = db.prepare(
      "SELECT snapshot_id AS id, seen, coalesce(ended_at, -1) AS ended FROM snapshots WHERE state = 'open'",
    );
    this.expireOne = db.prepare(
      "UPDATE snapshots SET state = 'incomplete', removed = 0, finalized_at = ? WHERE snapshot_id = ? AND state = 'open'",
    );
    this.dropExpiredRecords = db.prepare('DELETE FROM snapshot_records WHERE snapshot_id = ?');
    this.upsertRecord = db.prepare(
      `INSERT INTO records (id, ts, tenant, msg_class, connector_id, doc, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET ts = excluded.ts, doc = excluded.doc, ingested_at = excluded.ingested_at
       WHERE excluded.ts > records.ts`,
    );
    this.selectAsset = db.prepare(
      'SELECT seq, first_seen, last_seen, fingerprint, doc, removed_at, removed_cutoff FROM assets WHERE tenant = ? AND id = ?',
    );
    this.insertAsset = db.prepare(
      `INSERT INTO assets (tenant, id, connector_id, source, content_type, primary_key, primary_value, hostname,
         fingerprint, doc, first_seen, last_seen, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateAsset = db.prepare(
      `UPDATE assets SET connector_id = ?, source = ?, content_type = ?, primary_key = ?, primary_value = ?,
         hostname = ?, fingerprint = ?, doc = ?, first_seen = ?, last_seen = ?, removed_at = NULL, removed_by = NULL,
         removed_cutoff = NULL, updated_at = ?
       WHERE seq = ?`,
    );
    this.touchAsset = db.prepare('UPDATE assets SET first_seen = ?, updated_at = ? WHERE seq = ?');
    this.insertChange = db.prepare(
      'INSERT INTO asset_changes (tenant, asset_id, asset_seq, change, at, snapshot_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectSnapshot = db.prepare('SELECT * FROM snapshots WHERE snapshot_id = ?');
    this.ensureSnapshot = db.prepare(
      'INSERT OR IGNORE INTO snapshots (snapshot_id, tenant, opened_at, active_at) VALUES (?, ?, ?, ?)',
    );
    this.snapshotStart = db.prepare(
      `UPDATE snapshots SET connector_id = ?, content_type = ?, started_at = ? WHERE snapshot_id = ?`,
    );
    this.snapshotEnd = db.prepare(
      `UPDATE snapshots SET connector_id = ?, content_type = ?, ended_at = ?, complete = ?, expected = ?
       WHERE snapshot_id = ?`,
    );
    // By the record's seq (the record was upserted just before, so it exists and its page is cached).
    this.addSnapshotRecord = db.prepare(
      'INSERT OR IGNORE INTO snapshot_records (snapshot_id, record_seq) SELECT ?, seq FROM records WHERE id = ?',
    );
    this.bumpSeen = db.prepare('UPDATE snapshots SET seen = seen + ?, active_at = ? WHERE snapshot_id = ?');
    this.removeUnseen = db.prepare(
      `UPDATE assets SET removed_at = @now, removed_by = @sid, removed_cutoff = @cutoff, updated_at = @now
       WHERE tenant = @tenant AND connector_id = @connector AND content_type = @contentType
         AND removed_at IS NULL AND last_seen < @cutoff
       RETURNING id, seq`,
    );
    this.closeSnapshot = db.prepare(
      'UPDATE snapshots SET state = ?, removed = ?, finalized_at = ? WHERE snapshot_id = ?',
    );
    this.dropSnapshotRecords = db.prepare('DELETE FROM snapshot_records WHERE snapshot_id = ?');

    this.batchTx = db.transaction((entries: readonly QueueEntry[], now: number) => {
      const touched: Touched = new Map();
      for (const entry of entries) this.apply(entry, now, touched);
      this.settle(touched, now);
      if (Math.abs(now - this.lastExpiryAt) >= EXPIRY_CHECK_MS) {
        this.lastExpiryAt = now;
        this.expireSnapshots(now);
      }
    });
    this.oneTx = db.transaction((entry: QueueEntry, now: number) => {
      const touched: Touched = new Map();
      this.apply(entry, now, touched);
      this.settle(touched, now);
    });
  }

  /**
   * Closes as incomplete (no removals) every open snapshot that has not moved (no record counted, no
   * marker) for the expiry, measured on this lake's clock: its run died, or its end marker or some of
   * its records never arrived. Returns how many.
   */
  expireSnapshots(now = Date.now()): number {
    const open = this.selectOpen.all() as Array<{ id: string; seen: number; ended: number }>;
    const live = new Set<string>();
    let expired = 0;
    for (const { id, seen, ended } of open) {
      live.add(id);
      const mark = `${seen}/${ended}`;
      const known = this.stillSince.get(id);
      if (!known || known.mark !== mark) this.stillSince.set(id, { mark, since: now });
      else if (now - known.since >= this.snapshotExpiryMs) {
        this.expireOne.run(now, id);
        this.dropExpiredRecords.run(id);
        this.stillSince.delete(id);
        expired++;
      }
    }
    for (const id of this.stillSince.keys()) if (!live.has(id)) this.stillSince.delete(id);
    return expired;
  }

  /**
   * Commits a batch. Invalid entries are reported as non-retryable failures and skipped. If the
   * transaction fails for a transient reason (lock timeout, disk), the whole batch throws so the
   * caller retries it; if it fails because of one entry, entries are retried one by one so only the
   * bad ones are reported.
   */
  write(batch: readonly QueueEntry[], now = Date.now()): SinkWriteResult {
    const { good, goodIndex, failures } = splitBatch(batch);
    if (good.length === 0) return { written: 0, failures };
    try {
      this.batchTx.immediate(good, now);
    } catch (err) {
      if (isTransientSqliteError(err)) throw err;
      return this.writeOneByOne(good, goodIndex, failures, now);
    }
    this.afterCommit?.();
    return { written: good.length, failures };
  }

  /** After a batch failed because of one of its entries: each entry alone, so only the bad ones fail. */
  private writeOneByOne(
    good: readonly QueueEntry[],
    goodIndex: readonly number[],
    failures: SinkFailure[],
    now: number,
  ): SinkWriteResult {
    let written = 0;
    good.forEach((entry, k) => {
      try {
        this.oneTx.immediate(entry, now);
        written++;
      } catch (err) {
        failures.push({
          index: goodIndex[k],
          reason: (err as Error).message,
          retryable: isTransientSqliteError(err),
        });
      }
    });
    failures.sort((a, b) => a.index - b.index);
    if (written > 0) this.afterCommit?.();
    return { written, failures };
  }

  private apply(entry: QueueEntry, now: number, touched: Touched): void {
    if (entry.kind === 'snapshot') return this.applyMarker(entry.marker, now, touched);
    const r = entry.record;
    // No RETURNING here: it makes SQLite keep a statement journal, a copy of every page the statement
    // touches, which multiplies the bytes written per record.
    this.upsertRecord.run(
      r.id,
      r.timestamp,
      r.tenant_id,
      r.msg_class,
      r.connector?.id ?? null,
      jsonOf(r),
      now,
    );
    if (entry.asset) this.upsertAsset(entry.asset, now);
    if (entry.snapshotId) this.countSnapshotRecord(entry.snapshotId, r.tenant_id, r.id, now, touched);
  }

  private upsertAsset(asset: AssetRecord, now: number): void {
    const tenant = asset.tenant_id;
    const seenAt = asset.observedAt;
    const row = this.selectAsset.get(tenant, asset.id) as WriterAssetRow | undefined;
    const fp = fingerprint(asset);
    // The columns an insert and an update both write, in the statements' order.
    const columns = [
      asset.connector.id,
      asset.source,
      asset.contentType,
      asset.primaryKey.key,
      asset.primaryKey.value,
      asset.hostname ?? null,
      fp,
      jsonOf(asset),
    ];
    if (!row) {
      const seq = this.insertAsset.run(tenant, asset.id, ...columns, seenAt, seenAt, now).lastInsertRowid;
      this.insertChange.run(tenant, asset.id, seq, 'added', seenAt, null, null);
      return;
    }
    const update = (): void => {
      this.updateAsset.run(...columns, Math.min(row.first_seen, seenAt), seenAt, now, row.seq);
    };
    if (row.removed_at !== null) {
      // A late redelivery from before the snapshot that removed the asset must not bring it back.
      if (seenAt < (row.removed_cutoff ?? 0)) return;
      update();
      this.insertChange.run(tenant, asset.id, row.seq, 'restored', seenAt, null, null);
      return;
    }
    if (seenAt >= row.last_seen) {
      update();
      if (fp !== row.fingerprint) {
        const detail = changeDetail(JSON.parse(row.doc) as AssetRecord, asset);
        this.insertChange.run(tenant, asset.id, row.seq, 'changed', seenAt, null, JSON.stringify(detail));
      }
    } else if (seenAt < row.first_seen) {
      this.touchAsset.run(seenAt, now, row.seq);
    }
  }

  private snapshotRow(snapshotId: string): SnapshotRow | undefined {
    return this.selectSnapshot.get(snapshotId) as SnapshotRow | undefined;
  }

  private countSnapshotRecord(
    snapshotId: string,
    tenant: string,
    recordId: string,
    now: number,
    touched: Touched,
  ): void {
    if (!touched.has(snapshotId)) {
      this.ensureSnapshot.run(snapshotId, tenant, now, now);
      touched.set(snapshotId, this.snapshotRow(snapshotId)?.state === 'open' ? 0 : null);
    }
    const count = touched.get(snapshotId);
    if (count === null || count === undefined) return;
    // Distinct record ids (one seq per id), so redeliveries and producer retries do not count twice.
    if (this.addSnapshotRecord.run(snapshotId, recordId).changes > 0) touched.set(snapshotId, count + 1);
  }

  private applyMarker(m: SnapshotMarker, now: number, touched: Touched): void {
    this.ensureSnapshot.run(m.snapshotId, m.tenant_id, now, now);
    if (m.phase === 'start') this.snapshotStart.run(m.connectorId, m.contentType, m.at, m.snapshotId);
    else
      this.snapshotEnd.run(
        m.connectorId,
        m.contentType,
        m.at,
        m.complete ? 1 : 0,
        m.count ?? null,
        m.snapshotId,
      );
    if (!touched.has(m.snapshotId))
      touched.set(m.snapshotId, this.snapshotRow(m.snapshotId)?.state === 'open' ? 0 : null);
  }

  /** Adds this batch's counts and finalizes every touched snapshot that is now whole. */
  private settle(touched: Touched, now: number): void {
    for (const [snapshotId, added] of touched) {
      if (added === null) continue;
      this.bumpSeen.run(added, now, snapshotId);
      const s = this.snapshotRow(snapshotId);
      if (!s || s.state !== 'open' || s.ended_at === null) continue;
      if (s.complete !== 1) {
        // Only a complete snapshot may mark assets removed.
        this.closeSnapshot.run('incomplete', 0, now, snapshotId);
        this.dropSnapshotRecords.run(snapshotId);
        continue;
      }
      if (s.started_at === null || s.seen < (s.expected ?? 0)) continue;
      const removed = this.removeUnseen.all({
        now,
        sid: snapshotId,
        cutoff: s.started_at,
        tenant: s.tenant,
        connector: s.connector_id,
        contentType: s.content_type,
      }) as Array<{ id: string; seq: number }>;
      for (const { id, seq } of removed) {
        this.insertChange.run(s.tenant, id, seq, 'removed', now, snapshotId, null);
      }
      this.closeSnapshot.run('finalized', removed.length, now, snapshotId);
      this.dropSnapshotRecords.run(snapshotId);
    }
  }
}
