import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assetId, type AssetRecord, type QueueEntry, type SyslogRecord } from '@connectors/framework/engine';
import { Lake, LakeSink } from '../../src';
import { SCHEMA_VERSION } from '../../src/lake.schema';
import { writeV1Lake } from '../fixtures/lake.v1';
import { assetEntry } from '../support/lake.contract';

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
          // No lake-clock columns yet: the start marker's time stands in.
          expect(old.openSnapshots()).to.deep.include({
            snapshotId: 's2',
            tenant_id: 'tenant-a',
            connectorId: 'c1',
            contentType: 'computers',
            openedAt: 2_000,
            lastActivityAt: 2_000,
            seen: 2,
            expected: 3,
            endMarker: true,
            startMarker: true,
          });
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
          expect(m.openSnapshots()[0]).to.include({ openedAt: 2_000 });
          expect(m.openSnapshots()[0].lastActivityAt, 'the redelivery moved it').to.be.above(2_000);
          await migrated.write([assetEntry(3, 2_001, { snapshotId: 's2' })]);
          expect(m.openSnapshots()).to.deep.equal([]);
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
});
