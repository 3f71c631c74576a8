import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assetId, type AssetRecord, type QueueEntry, type SyslogRecord } from '@connectors/framework/engine';
import {
  snapshotMarker,
  testAsset,
  testEntries,
  testRecord,
} from '@connectors/queue-memory/dist/test/contract/entries';
import { Lake, LakeSink } from '../../src';
import { SCHEMA_VERSION } from '../../src/lake.schema';
import { writeV1Lake } from '../fixtures/lake.v1';

function assetEntry(
  i: number,
  observedAt: number,
  extra: { hostname?: string; snapshotId?: string } = {},
): QueueEntry {
  const record = testRecord(i, { timestamp: observedAt, prefix: `obs${observedAt}` });
  const asset = {
    ...testAsset(i, record, observedAt),
    ...(extra.hostname ? { hostname: extra.hostname } : {}),
  };
  return { kind: 'record', record, asset, ...(extra.snapshotId ? { snapshotId: extra.snapshotId } : {}) };
}

describe('Lake', () => {
  let dir: string;
  let sink: LakeSink;
  let lake: Lake;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lake-test-'));
    sink = new LakeSink(dir);
    lake = sink.lake;
  });

  afterEach(async () => {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('.open()', () => {
    it('should create lake.sqlite in WAL mode', () => {
      expect(lake.file).to.equal(path.join(dir, 'lake.sqlite'));
      expect(lake.db.pragma('journal_mode', { simple: true })).to.equal('wal');
    });

    it('should refuse to open a missing lake read-only with a hint', () => {
      expect(() => Lake.open(path.join(dir, 'nope'), { readonly: true })).to.throw(/cannot open the lake/);
    });

    describe('when the file is a version 1 lake', () => {
      let v1Dir: string;
      const part = (i: number, at: number): { record: SyslogRecord; asset: AssetRecord } => {
        const e = assetEntry(i, at) as Extract<QueueEntry, { kind: 'record' }>;
        return { record: e.record, asset: e.asset! };
      };

      beforeEach(() => {
        v1Dir = path.join(dir, 'v1');
        mkdirSync(v1Dir);
        const [old0, r1, r2, a4] = [part(0, 1_001), part(1, 2_001), part(2, 2_001), part(4, 1_001)];
        writeV1Lake(path.join(v1Dir, 'lake.sqlite'), {
          records: [old0.record, r1.record, r2.record],
          assets: [
            { asset: r1.asset, firstSeen: 1_001, lastSeen: 2_001 },
            { asset: r2.asset, firstSeen: 1_001, lastSeen: 2_001 },
            { asset: a4.asset, firstSeen: 1_001, lastSeen: 1_001 },
          ],
          changes: [
            { assetId: 'asset-1', change: 'added', at: 1_001 },
            { assetId: 'asset-2', change: 'added', at: 1_001 },
            { assetId: 'asset-4', change: 'added', at: 1_001 },
            {
              assetId: 'asset-1',
              change: 'changed',
              at: 2_001,
              detail: { hostname: { from: 'a', to: 'b' } },
            },
          ],
          // The end marker is in; two of its three records were counted by the version 1 writer.
          snapshots: [
            {
              snapshotId: 's2',
              startedAt: 2_000,
              endedAt: 2_010,
              complete: true,
              expected: 3,
              recordIds: [r1.record.id, r2.record.id],
            },
          ],
        });
      });

      it('should answer queries read-only before it is migrated', () => {
        const old = Lake.open(v1Dir, { readonly: true });
        try {
          expect(old.count()).to.equal(3);
          expect(old.assetChanges({ assetId: 'asset-1' }).map((c) => c.change)).to.deep.equal([
            'added',
            'changed',
          ]);
        } finally {
          old.close();
        }
      });

      it('should migrate it in place, keep its data and go on counting its open snapshot', async () => {
        const migrated = new LakeSink(v1Dir);
        try {
          const m = migrated.lake;
          expect(m.db.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
          expect(m.count()).to.equal(3);
          expect(m.search({ since: 2_000 }).map((r) => r.id)).to.have.members(['obs2001-1', 'obs2001-2']);
          expect(m.getAsset('tenant-a', 'asset-1')).to.include({ firstSeen: 1_001, lastSeen: 2_001 });
          const history = m.assetChanges({ assetId: 'asset-1' });
          expect(history.map((c) => c.change)).to.deep.equal(['added', 'changed']);
          expect(history[1].detail).to.deep.equal({ hostname: { from: 'a', to: 'b' } });
          expect(m.snapshots()[0]).to.include({ snapshotId: 's2', state: 'open', seen: 2 });

          // Record 2 was counted before the migration: its redelivery must not count again.
          await migrated.write([assetEntry(2, 2_001, { snapshotId: 's2' })]);
          expect(m.snapshots()[0]).to.include({ state: 'open', seen: 2 });
          await migrated.write([assetEntry(3, 2_001, { snapshotId: 's2' })]);
          expect(m.snapshots()[0]).to.include({ state: 'finalized', seen: 3, removed: 1 });
          expect(m.getAsset('tenant-a', 'asset-4')).to.include({ removed: true, removedBy: 's2' });
          expect(m.assetChanges({ assetId: 'asset-4' }).map((c) => c.change)).to.deep.equal([
            'added',
            'removed',
          ]);
          expect(m.assetChanges({ assetId: 'asset-3' }).map((c) => c.change)).to.deep.equal(['added']);
          expect(m.stats()).to.deep.equal({
            records: 4,
            assets: 3,
            removedAssets: 1,
            assetChanges: 6,
            openSnapshots: 0,
          });
        } finally {
          await migrated.close();
        }
      });

      it('should wait out another process holding the write lock, whatever busyTimeoutMs says', async () => {
        // Another process (e.g. a second ingest process upgrading the same file) holds the write lock for
        // longer than this open's busy timeout; the upgrade must wait for it rather than fail to open.
        const holder = spawn(
          process.execPath,
          [
            '-e',
            `const db = new (require(process.argv[1]))(process.argv[2]);
             db.exec('BEGIN IMMEDIATE');
             process.stdout.write('locked\\n');
             Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
             db.exec('COMMIT');
             db.close();`,
            require.resolve('better-sqlite3'),
            path.join(v1Dir, 'lake.sqlite'),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const exited = once(holder, 'exit');
        await once(holder.stdout!, 'data');
        const upgraded = Lake.open(v1Dir, { busyTimeoutMs: 10 });
        try {
          expect(upgraded.db.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
          expect(upgraded.db.pragma('busy_timeout', { simple: true })).to.equal(10);
          expect(upgraded.count()).to.equal(3);
        } finally {
          upgraded.close();
          await exited;
        }
      });

      it("should keep the records' rowids as their seq, so a later VACUUM cannot renumber them", async () => {
        const before = new Database(path.join(v1Dir, 'lake.sqlite'), { readonly: true });
        const rowids = before.prepare('SELECT id, rowid AS seq FROM records ORDER BY rowid').all();
        before.close();
        const migrated = Lake.open(v1Dir);
        try {
          expect(migrated.db.prepare('SELECT id, seq FROM records ORDER BY seq').all()).to.deep.equal(rowids);
          const columns = migrated.db
            .prepare("SELECT name, pk FROM pragma_table_info('records') WHERE pk = 1")
            .all();
          expect(columns).to.deep.equal([{ name: 'seq', pk: 1 }]);
        } finally {
          migrated.close();
        }
      });
    });
  });

  describe('when the file is a version 2 lake with tenant-wide asset ids', () => {
    /** An asset entry keyed as version 2 did: the tenant-wide hash of its primary key. */
    const v2Entry = (i: number, connectorId: string): QueueEntry => {
      const e = assetEntry(i, 1_000 + i) as Extract<QueueEntry, { kind: 'record' }>;
      const record = {
        ...e.record,
        id: `${connectorId}-${i}`,
        connector: { ...e.record.connector, id: connectorId },
      };
      const asset = { ...e.asset!, connector: record.connector };
      asset.id = assetId(asset.tenant_id, asset.source, asset.primaryKey.key, asset.primaryKey.value);
      return { kind: 'record', record, asset };
    };

    it('should re-key its assets to their connector, keeping their history, so a second account no longer merges', async () => {
      await sink.write([v2Entry(1, 'c1'), v2Entry(2, 'c1'), assetEntry(9, 1_009)]);
      await sink.close();
      const raw = new Database(path.join(dir, 'lake.sqlite'));
      raw.pragma('user_version = 2');
      raw.close();

      sink = new LakeSink(dir);
      lake = sink.lake;
      expect(lake.db.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
      const scoped = assetId('tenant-a', 'trendmicro_cloudone', 'ID', '1', 'c1');
      expect(lake.getAsset('tenant-a', scoped)).to.include({ firstSeen: 1_001 });
      expect(lake.getAsset('tenant-a', scoped)?.record.id).to.equal(scoped);
      expect(lake.assetChanges({ assetId: scoped }).map((c) => c.change)).to.deep.equal(['added']);
      expect(lake.getAsset('tenant-a', 'asset-9'), 'an id not made by the old rule stays').to.not.equal(
        undefined,
      );

      // The same vendor ID from a second account's connector is another machine.
      const second = v2Entry(1, 'c2') as Extract<QueueEntry, { kind: 'record' }>;
      second.asset!.id = assetId('tenant-a', 'trendmicro_cloudone', 'ID', '1', 'c2');
      await sink.write([second]);
      expect(lake.stats().assets).to.equal(4);
    });
  });

  describe('LakeSink#write()', () => {
    it('should upsert records by id so a replay does not change the count', async () => {
      const batch = testEntries(0, 50);
      expect(await sink.write(batch)).to.deep.equal({ written: 50, failures: [] });
      await sink.write(batch);
      await sink.write(batch.slice(10, 20));
      expect(lake.count()).to.equal(50);
    });

    it('should keep the newest collection of a record id', async () => {
      const [older] = testEntries(1, 1, { timestamp: 1_000 });
      const [newer] = testEntries(1, 1, { timestamp: 2_000 });
      await sink.write([newer]);
      await sink.write([older]);
      expect(lake.search()[0].timestamp).to.equal(2_000);
    });

    it('should report a poison record as a non-retryable failure and write the rest', async () => {
      const batch = testEntries(0, 5);
      (batch[2] as { record: { id?: string } }).record.id = '';
      (batch[4] as { record: { timestamp: unknown } }).record.timestamp = 'yesterday';
      const result = await sink.write(batch);
      expect(result.written).to.equal(3);
      expect(result.failures).to.deep.equal([
        { index: 2, reason: 'record has no id', retryable: false },
        { index: 4, reason: 'record rec-4 has no numeric timestamp', retryable: false },
      ]);
      expect(lake.count()).to.equal(3);
    });
  });

  describe('#search()', () => {
    beforeEach(async () => {
      await sink.write(testEntries(0, 20, { tenant: 'tenant-a' }));
      await sink.write(testEntries(100, 5, { tenant: 'tenant-b' }));
    });

    it('should return newest first with a limit', () => {
      const found = lake.search({ tenant: 'tenant-a', limit: 3 });
      expect(found.map((r) => r.id)).to.deep.equal(['rec-19', 'rec-18', 'rec-17']);
    });

    it('should filter by tenant and time range', () => {
      const base = 1_700_000_000_000;
      expect(lake.count({ tenant: 'tenant-b' })).to.equal(5);
      expect(lake.search({ since: base + 5, until: base + 8 }).map((r) => r.id)).to.deep.equal([
        'rec-7',
        'rec-6',
        'rec-5',
      ]);
    });

    it('should match fields on any path: msg_class, nested vendor fields, array elements', () => {
      expect(lake.count({ where: [{ path: 'msg_class', value: 'trendmicro_cloudone_computer' }] })).to.equal(
        25,
      );
      expect(
        lake.search({ where: [{ path: 'host.hostname', value: 'host-7' }] }).map((r) => r.id),
      ).to.deep.equal(['rec-7']);
      expect(
        lake.count({ tenant: 'tenant-a', where: [{ path: 'trendmicro_cloudone.platform', value: 'Linux' }] }),
      ).to.equal(10);
      expect(lake.count({ where: [{ path: 'trendmicro_cloudone.ID', value: '3' }] })).to.equal(1);
      expect(
        lake.search({ where: [{ path: 'host.ip', value: '10.0.0.12' }] }).map((r) => r.id),
      ).to.deep.equal(['rec-12']);
    });

    it('should support neq, contains (case-insensitive) and exists', () => {
      expect(
        lake.count({
          tenant: 'tenant-a',
          where: [{ path: 'trendmicro_cloudone.platform', op: 'neq', value: 'Linux' }],
        }),
      ).to.equal(10);
      expect(lake.count({ where: [{ path: 'host.hostname', op: 'contains', value: 'HOST-1' }] })).to.equal(
        11 + 5,
      );
      expect(lake.count({ where: [{ path: 'host.hostname', op: 'exists' }] })).to.equal(25);
      expect(lake.count({ where: [{ path: 'host.nothing', op: 'exists' }] })).to.equal(0);
    });

    it('should refuse a bad path or limit', () => {
      expect(() => lake.search({ where: [{ path: "x') OR 1=1 --", value: 'a' }] })).to.throw(
        /invalid field path/,
      );
      expect(() => lake.search({ limit: 0 })).to.throw(/limit must be a positive integer/);
    });
  });

  describe('assets', () => {
    it('should upsert by identity with first and last seen, and record changes once', async () => {
      await sink.write([assetEntry(1, 1_000)]);
      await sink.write([assetEntry(1, 2_000)]);
      await sink.write([assetEntry(1, 3_000, { hostname: 'renamed' })]);
      await sink.write([assetEntry(1, 3_000, { hostname: 'renamed' })]);
      const asset = lake.getAsset('tenant-a', 'asset-1')!;
      expect(asset).to.include({ firstSeen: 1_000, lastSeen: 3_000, hostname: 'renamed', removed: false });
      const changes = lake.assetChanges({ assetId: 'asset-1' });
      expect(changes.map((c) => c.change)).to.deep.equal(['added', 'changed']);
      expect(changes[1].detail).to.deep.equal({ hostname: { from: 'host-1', to: 'renamed' } });
    });

    it('should not let an older observation overwrite a newer one', async () => {
      await sink.write([assetEntry(1, 5_000, { hostname: 'new' })]);
      await sink.write([assetEntry(1, 4_000, { hostname: 'old' })]);
      expect(lake.getAsset('tenant-a', 'asset-1')).to.include({
        hostname: 'new',
        firstSeen: 4_000,
        lastSeen: 5_000,
      });
    });
  });

  describe('snapshots', () => {
    async function run(
      id: string,
      at: number,
      assets: number[],
      options: { complete?: boolean } = {},
    ): Promise<void> {
      await sink.write([
        snapshotMarker(id, 'start', at),
        ...assets.map((i) => assetEntry(i, at + 1, { snapshotId: id })),
        snapshotMarker(id, 'end', at + 2, { complete: options.complete ?? true, count: assets.length }),
      ]);
    }

    it('should mark assets not seen in a complete snapshot as removed and record it', async () => {
      await run('s1', 1_000, [1, 2, 3]);
      await run('s2', 2_000, [1, 3]);
      expect(lake.listAssets().map((a) => a.id)).to.have.members(['asset-1', 'asset-3']);
      const removed = lake.getAsset('tenant-a', 'asset-2')!;
      expect(removed).to.include({ removed: true, removedBy: 's2' });
      const last = lake.assetChanges({ assetId: 'asset-2' }).pop()!;
      expect(last).to.include({ change: 'removed', snapshotId: 's2' });
      expect(lake.listAssets({ includeRemoved: true })).to.have.length(3);
      expect(lake.snapshots().find((s) => s.snapshotId === 's2')).to.include({
        state: 'finalized',
        removed: 1,
      });
    });

    it('should never remove assets after an incomplete snapshot', async () => {
      await run('s1', 1_000, [1, 2, 3]);
      await run('s2', 2_000, [1], { complete: false });
      expect(lake.listAssets()).to.have.length(3);
      expect(lake.snapshots().find((s) => s.snapshotId === 's2')).to.include({ state: 'incomplete' });
    });

    it('should wait for every record of the snapshot when the end marker arrives first', async () => {
      await run('s1', 1_000, [1, 2, 3, 4]);
      // A second worker delivered the end marker and record 1 before records 2 and 3 arrive.
      await sink.write([
        snapshotMarker('s2', 'end', 2_010, { complete: true, count: 3 }),
        assetEntry(1, 2_001, { snapshotId: 's2' }),
      ]);
      await sink.write([snapshotMarker('s2', 'start', 2_000)]);
      await sink.write([assetEntry(2, 2_001, { snapshotId: 's2' })]);
      await sink.write([assetEntry(2, 2_001, { snapshotId: 's2' })]); // a redelivery counts once
      expect(lake.listAssets()).to.have.length(4);
      expect(lake.snapshots().find((s) => s.snapshotId === 's2')).to.include({ state: 'open', seen: 2 });
      await sink.write([assetEntry(3, 2_001, { snapshotId: 's2' })]);
      expect(lake.listAssets().map((a) => a.id)).to.have.members(['asset-1', 'asset-2', 'asset-3']);
      expect(lake.getAsset('tenant-a', 'asset-4')).to.include({ removed: true });
    });

    it('should ignore a late redelivery from before the removal, and restore on a new sighting', async () => {
      await run('s1', 1_000, [1, 2]);
      await run('s2', 2_000, [1]);
      await sink.write([assetEntry(2, 1_001, { snapshotId: 's1' })]);
      expect(lake.getAsset('tenant-a', 'asset-2')).to.include({ removed: true });
      await run('s3', 3_000, [1, 2]);
      expect(lake.getAsset('tenant-a', 'asset-2')).to.include({ removed: false, lastSeen: 3_001 });
      expect(lake.assetChanges({ assetId: 'asset-2' }).map((c) => c.change)).to.deep.equal([
        'added',
        'removed',
        'restored',
      ]);
    });
  });

  describe('#stats()', () => {
    it('should count records, assets and changes', async () => {
      await sink.write([assetEntry(1, 1_000), assetEntry(2, 1_000)]);
      expect(lake.stats()).to.deep.equal({
        records: 2,
        assets: 2,
        removedAssets: 0,
        assetChanges: 2,
        openSnapshots: 0,
      });
    });
  });
});
