import type { Pool, PoolClient } from 'pg';
import {
  jsonOf,
  type AssetRecord,
  type QueueEntry,
  type SinkFailure,
  type SinkWriteResult,
  type SnapshotMarker,
  type SyslogRecord,
} from '@connectors/framework/engine';
import { changeDetail, fingerprint, splitBatch, validateEntry } from '@connectors/lake';
import { isTransientPgError } from './pg.errors';
import type { Partitions } from './pg.partitions';
import { STATE_LOCK } from './pg.schema';
import { inTransaction } from './pg.transaction';

const DEFAULT_SNAPSHOT_EXPIRY_MS = 86_400_000;
const EXPIRY_CHECK_MS = 60_000;

type RecordEntry = Extract<QueueEntry, { kind: 'record' }>;

interface AssetState {
  seq?: number;
  tenant: string;
  id: string;
  asset: AssetRecord;
  fingerprint: string;
  firstSeen: number;
  lastSeen: number;
  removedAt: number | null;
  removedBy: string | null;
  removedCutoff: number | null;
  dirty: boolean;
}

interface Change {
  tenant: string;
  key: string;
  assetId: string;
  change: string;
  at: number;
  snapshotId: string | null;
  detail: string | null;
}

/** A row of `snapshots` as pg returns it (bigint columns as strings). */
export interface SnapshotRow {
  snapshot_id: string;
  tenant: string;
  connector_id: string | null;
  content_type: string | null;
  started_at: string | null;
  ended_at: string | null;
  complete: boolean | null;
  expected: string | null;
  seen: string;
  state: string;
  removed: string | null;
  opened_at: string | null;
  active_at: string | null;
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

/**
 * The PostgreSQL lake's write side, with the SQLite writer's semantics (packages/lake/README.md): one
 * transaction per batch, committed before `write` resolves. Records go in with a few bulk statements
 * (`unnest` of arrays), no lock; assets and snapshots, which read before they write, under a transaction
 * advisory lock so concurrent ingest workers apply them one batch at a time.
 */
export class PgLakeWriter {
  private readonly stillSince = new Map<string, { mark: string; since: number }>();
  private lastExpiryAt = 0;

  constructor(
    private readonly pool: Pool,
    private readonly partitions: Partitions,
    private readonly snapshotExpiryMs = DEFAULT_SNAPSHOT_EXPIRY_MS,
  ) {}

  /**
   * Commits a batch. Invalid entries fail alone (not retryable). A connection or server failure throws,
   * so the ingest worker retries the whole batch; a failure caused by one entry (a value PostgreSQL
   * refuses, such as \u0000 in JSON) makes the entries go one by one so only the bad ones fail.
   */
  async write(batch: readonly QueueEntry[], now = Date.now()): Promise<SinkWriteResult> {
    const { good, goodIndex, failures } = splitBatch(batch, (entry) => {
      validateEntry(entry);
      this.partitions.check(entry);
    });
    if (good.length === 0) return { written: 0, failures };
    try {
      await this.transaction(good, now);
    } catch (err) {
      if (isTransientPgError(err)) throw err;
      return this.writeOneByOne(good, goodIndex, failures, now);
    }
    return { written: good.length, failures };
  }

  private async writeOneByOne(
    good: readonly QueueEntry[],
    goodIndex: readonly number[],
    failures: SinkFailure[],
    now: number,
  ): Promise<SinkWriteResult> {
    let written = 0;
    for (let k = 0; k < good.length; k++) {
      try {
        await this.transaction([good[k]], now);
        written++;
      } catch (err) {
        if (isTransientPgError(err)) throw err;
        failures.push({ index: goodIndex[k], reason: (err as Error).message, retryable: false });
      }
    }
    failures.sort((a, b) => a.index - b.index);
    return { written, failures };
  }

  /** One batch, one transaction; resolves after COMMIT. */
  private async transaction(entries: readonly QueueEntry[], now: number): Promise<void> {
    const records = entries.filter((e): e is RecordEntry => e.kind === 'record');
    // Only days the retention keeps: an old redelivery must not bring a dropped partition back.
    await this.partitions.ensure(
      this.partitions.retained(records.map((e) => e.record)).map((r) => r.timestamp),
    );
    await inTransaction(this.pool, async (client) => {
      await this.upsertRecords(client, records, now);
      const stateful = entries.some((e) => e.kind === 'snapshot' || e.asset || e.snapshotId);
      const expire = Math.abs(now - this.lastExpiryAt) >= EXPIRY_CHECK_MS;
      if (!stateful && !expire) return;
      await client.query('SELECT pg_advisory_xact_lock($1)', [STATE_LOCK]);
      await this.upsertAssets(client, records, now);
      await this.applySnapshots(client, entries, now);
      if (expire) {
        this.lastExpiryAt = now;
        await this.expireSnapshots(client, now);
      }
    });
  }

  /**
   * Upsert by id, the newest record time wins (ties: the first written). `record_ids` holds the key;
   * a newer collection moves the record to its new time's partition.
   */
  private async upsertRecords(
    client: PoolClient,
    entries: readonly RecordEntry[],
    now: number,
  ): Promise<void> {
    const byId = new Map<string, SyslogRecord>();
    for (const { record } of entries) {
      const seen = byId.get(record.id);
      if (!seen || record.timestamp > seen.timestamp) byId.set(record.id, record);
    }
    const kept = this.partitions.retained([...byId.values()]);
    if (kept.length === 0) return;
    // Sorted, so concurrent batches lock shared ids in the same order (no deadlock between them).
    kept.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const fresh = new Set(
      (
        await client.query<{ id: string }>(
          `INSERT INTO record_ids (id, ts) SELECT * FROM unnest($1::text[], $2::bigint[])
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [kept.map((r) => r.id), kept.map((r) => r.timestamp)],
        )
      ).rows.map((r) => r.id),
    );
    const toInsert = kept.filter((r) => fresh.has(r.id));
    const known = kept.filter((r) => !fresh.has(r.id));
    if (known.length) {
      const stored = new Map(
        (
          await client.query<{ id: string; ts: string }>(
            'SELECT id, ts FROM record_ids WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
            [known.map((r) => r.id)],
          )
        ).rows.map((r) => [r.id, Number(r.ts)]),
      );
      const newer = known.filter((r) => r.timestamp > (stored.get(r.id) ?? Infinity));
      if (newer.length) {
        const ids = newer.map((r) => r.id);
        await client.query(
          `UPDATE record_ids SET ts = u.ts FROM unnest($1::text[], $2::bigint[]) AS u(id, ts) WHERE record_ids.id = u.id`,
          [ids, newer.map((r) => r.timestamp)],
        );
        await client.query(
          `DELETE FROM records r USING unnest($1::text[], $2::bigint[]) AS o(id, ts) WHERE r.ts = o.ts AND r.id = o.id`,
          [ids, newer.map((r) => stored.get(r.id))],
        );
        toInsert.push(...newer);
      }
    }
    if (toInsert.length === 0) return;
    await client.query(
      `INSERT INTO records (id, ts, tenant, msg_class, connector_id, doc, ingested_at)
       SELECT id, ts, tenant, msg_class, connector_id, doc::jsonb, $7
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS t(id, ts, tenant, msg_class, connector_id, doc)
       ON CONFLICT (ts, id) DO NOTHING`,
      [
        toInsert.map((r) => r.id),
        toInsert.map((r) => r.timestamp),
        toInsert.map((r) => r.tenant_id),
        toInsert.map((r) => r.msg_class),
        toInsert.map((r) => r.connector?.id ?? null),
        toInsert.map((r) => jsonOf(r)),
        now,
      ],
    );
  }

  /** Assets in batch order: added, changed (hostname, IP, MAC, OS), restored; older sightings do not win. */
  private async upsertAssets(
    client: PoolClient,
    entries: readonly RecordEntry[],
    now: number,
  ): Promise<void> {
    const sightings = entries.flatMap((e) => (e.asset ? [e.asset] : []));
    if (sightings.length === 0) return;
    const keyOf = (tenant: string, id: string): string => `${tenant}\u0000${id}`;
    const states = new Map<string, AssetState>();
    const keys = [...new Map(sightings.map((a) => [keyOf(a.tenant_id, a.id), a])).values()];
    const { rows } = await client.query<{
      seq: string;
      tenant: string;
      id: string;
      doc: AssetRecord;
      fingerprint: string;
      first_seen: string;
      last_seen: string;
      removed_at: string | null;
      removed_by: string | null;
      removed_cutoff: string | null;
    }>(
      `SELECT seq, tenant, id, doc, fingerprint, first_seen, last_seen, removed_at, removed_by, removed_cutoff
       FROM assets a JOIN unnest($1::text[], $2::text[]) AS k(tenant, id) USING (tenant, id)`,
      [keys.map((a) => a.tenant_id), keys.map((a) => a.id)],
    );
    for (const r of rows) {
      states.set(keyOf(r.tenant, r.id), {
        seq: Number(r.seq),
        tenant: r.tenant,
        id: r.id,
        asset: r.doc,
        fingerprint: r.fingerprint,
        firstSeen: Number(r.first_seen),
        lastSeen: Number(r.last_seen),
        removedAt: num(r.removed_at),
        removedBy: r.removed_by,
        removedCutoff: num(r.removed_cutoff),
        dirty: false,
      });
    }
    const changes: Change[] = [];
    for (const asset of sightings) {
      const key = keyOf(asset.tenant_id, asset.id);
      const state = states.get(key);
      const seenAt = asset.observedAt;
      const fp = fingerprint(asset);
      const change = (kind: string, detail: string | null = null): void => {
        changes.push({
          tenant: asset.tenant_id,
          key,
          assetId: asset.id,
          change: kind,
          at: seenAt,
          snapshotId: null,
          detail,
        });
      };
      if (!state) {
        states.set(key, {
          tenant: asset.tenant_id,
          id: asset.id,
          asset,
          fingerprint: fp,
          firstSeen: seenAt,
          lastSeen: seenAt,
          removedAt: null,
          removedBy: null,
          removedCutoff: null,
          dirty: true,
        });
        change('added');
        continue;
      }
      const update = (): void => {
        Object.assign(state, {
          asset,
          fingerprint: fp,
          firstSeen: Math.min(state.firstSeen, seenAt),
          lastSeen: seenAt,
          removedAt: null,
          removedBy: null,
          removedCutoff: null,
          dirty: true,
        });
      };
      if (state.removedAt !== null) {
        // A late redelivery from before the snapshot that removed the asset must not bring it back.
        if (seenAt < (state.removedCutoff ?? 0)) continue;
        update();
        change('restored');
      } else if (seenAt >= state.lastSeen) {
        const before = state.asset;
        const changed = fp !== state.fingerprint;
        update();
        if (changed) change('changed', JSON.stringify(changeDetail(before, asset)));
      } else if (seenAt < state.firstSeen) {
        state.firstSeen = seenAt;
        state.dirty = true;
      }
    }
    const dirty = [...states.values()].filter((s) => s.dirty);
    const column = (s: AssetState): unknown[] => [
      s.asset.connector.id,
      s.asset.source,
      s.asset.contentType,
      s.asset.primaryKey.key,
      s.asset.primaryKey.value,
      s.asset.hostname ?? null,
      s.fingerprint,
      jsonOf(s.asset),
      s.firstSeen,
      s.lastSeen,
      s.removedAt,
      s.removedBy,
      s.removedCutoff,
    ];
    const arrays = (list: AssetState[]): unknown[][] => {
      const cols: unknown[][] = Array.from({ length: 13 }, () => []);
      for (const s of list) column(s).forEach((v, i) => cols[i].push(v));
      return cols;
    };
    const types =
      '$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], $14::text[], $15::bigint[]';
    const cols =
      'connector_id, source, content_type, primary_key, primary_value, hostname, fingerprint, doc, first_seen, last_seen, removed_at, removed_by, removed_cutoff';
    const added = dirty.filter((s) => s.seq === undefined);
    if (added.length) {
      const inserted = await client.query<{ seq: string; tenant: string; id: string }>(
        `INSERT INTO assets (tenant, id, ${cols}, updated_at)
         SELECT tenant, id, connector_id, source, content_type, primary_key, primary_value, hostname, fingerprint,
           doc::jsonb, first_seen, last_seen, removed_at, removed_by, removed_cutoff, $16
         FROM unnest($1::text[], $2::text[], ${types}) AS t(tenant, id, ${cols})
         RETURNING seq, tenant, id`,
        [added.map((s) => s.tenant), added.map((s) => s.id), ...arrays(added), now],
      );
      for (const r of inserted.rows) states.get(keyOf(r.tenant, r.id))!.seq = Number(r.seq);
    }
    const isNew = new Set(added);
    const updated = dirty.filter((s) => !isNew.has(s));
    if (updated.length) {
      await client.query(
        `UPDATE assets a SET connector_id = t.connector_id, source = t.source, content_type = t.content_type,
           primary_key = t.primary_key, primary_value = t.primary_value, hostname = t.hostname,
           fingerprint = t.fingerprint, doc = t.doc::jsonb, first_seen = t.first_seen, last_seen = t.last_seen,
           removed_at = t.removed_at, removed_by = t.removed_by, removed_cutoff = t.removed_cutoff, updated_at = $16
         FROM unnest($1::bigint[], $2::text[], ${types}) AS t(seq, tenant, ${cols})
         WHERE a.seq = t.seq`,
        [updated.map((s) => s.seq), updated.map((s) => s.tenant), ...arrays(updated), now],
      );
    }
    await insertChanges(
      client,
      changes.map((c) => ({ ...c, seq: states.get(c.key)!.seq! })),
    );
  }

  /** Markers, distinct record counts per open snapshot, then finalization of the snapshots now whole. */
  private async applySnapshots(
    client: PoolClient,
    entries: readonly QueueEntry[],
    now: number,
  ): Promise<void> {
    const tenants = new Map<string, string>();
    for (const e of entries) {
      if (e.kind === 'snapshot') tenants.set(e.marker.snapshotId, e.marker.tenant_id);
      else if (e.snapshotId && !tenants.has(e.snapshotId)) tenants.set(e.snapshotId, e.record.tenant_id);
    }
    if (tenants.size === 0) return;
    const ids = [...tenants.keys()].sort();
    await client.query(
      `INSERT INTO snapshots (snapshot_id, tenant, opened_at, active_at)
       SELECT id, tenant, $3, $3 FROM unnest($1::text[], $2::text[]) AS t(id, tenant) ON CONFLICT DO NOTHING`,
      [ids, ids.map((id) => tenants.get(id)), now],
    );
    const open = new Set(
      (
        await client.query<{ snapshot_id: string }>(
          `SELECT snapshot_id FROM snapshots WHERE snapshot_id = ANY($1::text[]) AND state = 'open'`,
          [ids],
        )
      ).rows.map((r) => r.snapshot_id),
    );
    for (const e of entries) {
      if (e.kind !== 'snapshot') continue;
      const m: SnapshotMarker = e.marker;
      if (m.phase === 'start') {
        await client.query(
          'UPDATE snapshots SET connector_id = $1, content_type = $2, started_at = $3 WHERE snapshot_id = $4',
          [m.connectorId, m.contentType, m.at, m.snapshotId],
        );
      } else {
        await client.query(
          `UPDATE snapshots SET connector_id = $1, content_type = $2, ended_at = $3, complete = $4, expected = $5
           WHERE snapshot_id = $6`,
          [m.connectorId, m.contentType, m.at, Boolean(m.complete), m.count ?? null, m.snapshotId],
        );
      }
    }
    const counted = entries.filter(
      (e): e is RecordEntry => e.kind === 'record' && e.snapshotId !== undefined && open.has(e.snapshotId),
    );
    const added = new Map<string, number>();
    if (counted.length) {
      const { rows } = await client.query<{ snapshot_id: string; n: string }>(
        `WITH added AS (
           INSERT INTO snapshot_records (snapshot_id, record_id) SELECT * FROM unnest($1::text[], $2::text[])
           ON CONFLICT DO NOTHING RETURNING snapshot_id)
         SELECT snapshot_id, count(*) AS n FROM added GROUP BY snapshot_id`,
        [counted.map((e) => e.snapshotId), counted.map((e) => e.record.id)],
      );
      for (const r of rows) added.set(r.snapshot_id, Number(r.n));
    }
    for (const id of ids) {
      if (!open.has(id)) continue;
      const n = added.get(id) ?? 0;
      const { rows } = await client.query<SnapshotRow>(
        'UPDATE snapshots SET seen = seen + $1, active_at = $3 WHERE snapshot_id = $2 RETURNING *',
        [n, id, now],
      );
      await this.settle(client, rows[0], now);
    }
  }

  private async settle(client: PoolClient, s: SnapshotRow, now: number): Promise<void> {
    if (s.state !== 'open' || s.ended_at === null) return;
    const close = async (state: string, removed: number): Promise<void> => {
      await client.query(
        'UPDATE snapshots SET state = $1, removed = $2, finalized_at = $3 WHERE snapshot_id = $4',
        [state, removed, now, s.snapshot_id],
      );
      await client.query('DELETE FROM snapshot_records WHERE snapshot_id = $1', [s.snapshot_id]);
    };
    // Only a complete snapshot may mark assets removed.
    if (s.complete !== true) return close('incomplete', 0);
    if (s.started_at === null || Number(s.seen) < Number(s.expected ?? 0)) return;
    const { rows } = await client.query<{ id: string; seq: string }>(
      `UPDATE assets SET removed_at = $1, removed_by = $2, removed_cutoff = $3, updated_at = $1
       WHERE tenant = $4 AND connector_id = $5 AND content_type = $6 AND removed_at IS NULL AND last_seen < $3
       RETURNING id, seq`,
      [now, s.snapshot_id, Number(s.started_at), s.tenant, s.connector_id, s.content_type],
    );
    rows.sort((a, b) => Number(a.seq) - Number(b.seq));
    await insertChanges(
      client,
      rows.map((r) => ({
        tenant: s.tenant,
        assetId: r.id,
        seq: Number(r.seq),
        change: 'removed',
        at: now,
        snapshotId: s.snapshot_id,
        detail: null,
      })),
    );
    await close('finalized', rows.length);
  }

  /**
   * Closes as incomplete (no removals) every open snapshot that has not moved for the expiry, on this
   * lake's clock, as the SQLite lake does.
   */
  private async expireSnapshots(client: PoolClient, now: number): Promise<void> {
    const { rows } = await client.query<{ id: string; seen: string; ended: string }>(
      "SELECT snapshot_id AS id, seen, coalesce(ended_at, -1) AS ended FROM snapshots WHERE state = 'open'",
    );
    const live = new Set<string>();
    for (const { id, seen, ended } of rows) {
      live.add(id);
      const mark = `${seen}/${ended}`;
      const known = this.stillSince.get(id);
      if (!known || known.mark !== mark) this.stillSince.set(id, { mark, since: now });
      else if (now - known.since >= this.snapshotExpiryMs) {
        await client.query(
          "UPDATE snapshots SET state = 'incomplete', removed = 0, finalized_at = $1 WHERE snapshot_id = $2 AND state = 'open'",
          [now, id],
        );
        await client.query('DELETE FROM snapshot_records WHERE snapshot_id = $1', [id]);
        this.stillSince.delete(id);
      }
    }
    for (const id of this.stillSince.keys()) if (!live.has(id)) this.stillSince.delete(id);
  }
}

async function insertChanges(
  client: PoolClient,
  changes: ReadonlyArray<Omit<Change, 'key'> & { seq: number }>,
): Promise<void> {
  if (changes.length === 0) return;
  await client.query(
    `INSERT INTO asset_changes (tenant, asset_id, asset_seq, change, at, snapshot_id, detail)
     SELECT tenant, asset_id, asset_seq, change, at, snapshot_id, detail::jsonb
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[])
       WITH ORDINALITY AS t(tenant, asset_id, asset_seq, change, at, snapshot_id, detail, n)
     ORDER BY n`,
    [
      changes.map((c) => c.tenant),
      changes.map((c) => c.assetId),
      changes.map((c) => c.seq),
      changes.map((c) => c.change),
      changes.map((c) => c.at),
      changes.map((c) => c.snapshotId),
      changes.map((c) => c.detail),
    ],
  );
}
