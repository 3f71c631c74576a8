// The lake contract: what the ingest worker (the sink) and the host (the reader) rely on, run against
// every lake (SQLite here, PostgreSQL in @connectors/lake-pg) so the two cannot drift.
import { expect } from 'chai';
import type { QueueEntry, Sink, SyslogRecord } from '@connectors/framework/engine';
import {
  snapshotMarker,
  testAsset,
  testEntries,
  testRecord,
} from '@connectors/queue-memory/dist/test/contract/entries';
import type { LakeReader } from '../../src';

export interface LakeUnderTest {
  sink: Sink;
  reader: LakeReader;
  /** Writes a batch as if the lake's clock read `now` (epoch ms); the lake expires snapshots after a day. */
  writeAt(batch: readonly QueueEntry[], now: number): Promise<unknown>;
  /** Closes both and removes what the lake stored (its file or database). */
  close(): Promise<void>;
}

export function assetEntry(
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

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

async function collect(records: AsyncIterable<SyslogRecord>): Promise<SyslogRecord[]> {
  const all: SyslogRecord[] = [];
  for await (const r of records) all.push(r);
  return all;
}

/** Registers the contract's tests for one lake; `open` gives a new, empty lake per test. */
export function lakeContract(open: () => Promise<LakeUnderTest>): void {
  let under: LakeUnderTest;
  let sink: Sink;
  let lake: LakeReader;

  beforeEach(async () => {
    under = await open();
    sink = under.sink;
    lake = under.reader;
  });

  afterEach(async () => {
    await under.close();
  });

  describe('Sink#write()', () => {
    it('should upsert records by id so a replay does not change the count', async () => {
      const batch = testEntries(0, 50);
      expect(await sink.write(batch)).to.deep.equal({ written: 50, failures: [] });
      await sink.write(batch);
      await sink.write(batch.slice(10, 20));
      expect(await lake.count()).to.equal(50);
    });

    it('should keep the newest collection of a record id, within a batch and across batches', async () => {
      const [older] = testEntries(1, 1, { timestamp: 1_000 });
      const [newer] = testEntries(1, 1, { timestamp: 2_000 });
      await sink.write([newer]);
      await sink.write([older]);
      expect((await lake.search()).map((r) => r.timestamp)).to.deep.equal([2_000]);
      const [newest] = testEntries(1, 1, { timestamp: 3_000 });
      await sink.write([newest, older]);
      expect((await lake.search()).map((r) => r.timestamp)).to.deep.equal([3_000]);
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
      expect(await lake.count()).to.equal(3);
    });
  });

  describe('#search()', () => {
    beforeEach(async () => {
      await sink.write(testEntries(0, 20, { tenant: 'tenant-a' }));
      await sink.write(testEntries(100, 5, { tenant: 'tenant-b' }));
    });

    it('should return newest first with a limit', async () => {
      const found = await lake.search({ tenant: 'tenant-a', limit: 3 });
      expect(found.map((r) => r.id)).to.deep.equal(['rec-19', 'rec-18', 'rec-17']);
    });

    it('should return the records as written', async () => {
      const [found] = await lake.search({ where: [{ path: 'id', value: 'rec-3' }] });
      expect(found).to.deep.equal(testRecord(3));
    });

    it('should filter by tenant and time range', async () => {
      const base = 1_700_000_000_000;
      expect(await lake.count({ tenant: 'tenant-b' })).to.equal(5);
      expect((await lake.search({ since: base + 5, until: base + 8 })).map((r) => r.id)).to.deep.equal([
        'rec-7',
        'rec-6',
        'rec-5',
      ]);
    });

    it('should match fields on any path: msg_class, nested vendor fields, numbers, array elements', async () => {
      expect(
        await lake.count({ where: [{ path: 'msg_class', value: 'trendmicro_cloudone_computer' }] }),
      ).to.equal(25);
      expect(
        (await lake.search({ where: [{ path: 'host.hostname', value: 'host-7' }] })).map((r) => r.id),
      ).to.deep.equal(['rec-7']);
      expect(
        await lake.count({
          tenant: 'tenant-a',
          where: [{ path: 'trendmicro_cloudone.platform', value: 'Linux' }],
        }),
      ).to.equal(10);
      expect(await lake.count({ where: [{ path: 'trendmicro_cloudone.ID', value: '3' }] })).to.equal(1);
      expect(
        (await lake.search({ where: [{ path: 'host.ip', value: '10.0.0.12' }] })).map((r) => r.id),
      ).to.deep.equal(['rec-12']);
      expect(await lake.count({ where: [{ path: 'host.ip.0', value: '10.0.0.12' }] })).to.equal(1);
    });

    it('should support neq, contains (case-insensitive) and exists', async () => {
      expect(
        await lake.count({
          tenant: 'tenant-a',
          where: [{ path: 'trendmicro_cloudone.platform', op: 'neq', value: 'Linux' }],
        }),
      ).to.equal(10);
      expect(
        await lake.count({ where: [{ path: 'host.hostname', op: 'contains', value: 'HOST-1' }] }),
      ).to.equal(11 + 5);
      expect(await lake.count({ where: [{ path: 'host.ip', op: 'contains', value: '0.0.1' }] })).to.equal(
        11 + 5,
      );
      expect(await lake.count({ where: [{ path: 'host.hostname', op: 'exists' }] })).to.equal(25);
      expect(await lake.count({ where: [{ path: 'host.nothing', op: 'exists' }] })).to.equal(0);
      expect(
        await lake.count({ where: [{ path: 'host.nothing', op: 'neq', value: 'x' }] }),
        'a missing field counts as different',
      ).to.equal(25);
    });

    it('should refuse a bad path or limit', async () => {
      expect(
        (await rejection(lake.search({ where: [{ path: "x') OR 1=1 --", value: 'a' }] }))).message,
      ).to.match(/invalid field path/);
      expect((await rejection(lake.search({ limit: 0 }))).message).to.match(
        /limit must be a positive integer/,
      );
    });
  });

  describe('#searchPage()', () => {
    beforeEach(async () => {
      // Two records per millisecond, so the pages must order by id within a time.
      await sink.write(testEntries(0, 15, { timestamp: 5_000 }));
      await sink.write(testEntries(100, 15, { timestamp: 6_000 }));
      await sink.write(testEntries(200, 7, { tenant: 'tenant-b' }));
    });

    it('should page through every match newest first, once each, with the total on every page', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await lake.searchPage({ tenant: 'tenant-a', limit: 4, ...(cursor ? { cursor } : {}) });
        expect(page.total).to.equal(30);
        seen.push(...page.records.map((r) => r.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).to.equal(8);
      const all = (await lake.search({ tenant: 'tenant-a', limit: 100 })).map((r) => r.id);
      expect(seen).to.deep.equal(all);
      expect(new Set(seen).size).to.equal(30);
      expect(seen.slice(0, 15).every((id) => id.startsWith('rec-1'))).to.equal(true);
    });

    it('should give no cursor on the last page', async () => {
      const page = await lake.searchPage({ tenant: 'tenant-b', limit: 7 });
      expect(page).to.include({ total: 7 });
      expect(page.records).to.have.length(7);
      expect(page.nextCursor).to.equal(undefined);
    });

    it('should stay stable when newer records arrive between pages', async () => {
      const first = await lake.searchPage({ tenant: 'tenant-a', limit: 10 });
      await sink.write(testEntries(300, 5, { timestamp: 9_000 }));
      const second = await lake.searchPage({ tenant: 'tenant-a', limit: 10, cursor: first.nextCursor });
      expect(second.records.map((r) => r.id)).to.not.include.members(first.records.map((r) => r.id));
      expect(second.records.every((r) => r.timestamp <= first.records[9].timestamp)).to.equal(true);
      expect(second.total).to.equal(35);
    });

    it('should refuse a cursor it did not give out', async () => {
      expect((await rejection(lake.searchPage({ cursor: 'not-a-cursor' }))).message).to.match(
        /is not one this lake gave out/,
      );
    });
  });

  describe('#exportRecords()', () => {
    it('should yield every match newest first, past the page size and past 10,000', async () => {
      for (let from = 0; from < 10_050; from += 2_000) {
        await sink.write(testEntries(from, Math.min(2_000, 10_050 - from), { bytes: 120 }));
      }
      const ids = (await collect(lake.exportRecords({}, 3_000))).map((r) => r.id);
      expect(ids).to.have.length(10_050);
      expect(new Set(ids).size).to.equal(10_050);
      expect(ids[0]).to.equal('rec-10049');
      expect(ids[ids.length - 1]).to.equal('rec-0');
    });

    it('should apply the conditions', async () => {
      await sink.write(testEntries(0, 20));
      const found = await collect(
        lake.exportRecords({ where: [{ path: 'trendmicro_cloudone.platform', value: 'Windows' }] }, 3),
      );
      expect(found.map((r) => r.id)).to.have.length(10);
      expect(found.every((r) => (r.trendmicro_cloudone as { platform: string }).platform === 'Windows')).to.be
        .true;
    });
  });

  describe('assets', () => {
    it('should upsert by identity with first and last seen, and record changes once', async () => {
      await sink.write([assetEntry(1, 1_000)]);
      await sink.write([assetEntry(1, 2_000)]);
      await sink.write([assetEntry(1, 3_000, { hostname: 'renamed' })]);
      await sink.write([assetEntry(1, 3_000, { hostname: 'renamed' })]);
      const asset = (await lake.getAsset('tenant-a', 'asset-1'))!;
      expect(asset).to.include({ firstSeen: 1_000, lastSeen: 3_000, hostname: 'renamed', removed: false });
      expect(asset.record).to.include({ id: 'asset-1', hostname: 'renamed' });
      const changes = await lake.assetChanges({ assetId: 'asset-1' });
      expect(changes.map((c) => c.change)).to.deep.equal(['added', 'changed']);
      expect(changes[1].detail).to.deep.equal({ hostname: { from: 'host-1', to: 'renamed' } });
      expect(changes[1].seq).to.be.greaterThan(changes[0].seq);
      expect(await lake.assetChanges({ afterSeq: changes[0].seq })).to.have.length(1);
    });

    it('should apply several sightings of one asset in one batch in order', async () => {
      await sink.write([assetEntry(1, 1_000), assetEntry(1, 2_000, { hostname: 'renamed' })]);
      expect(await lake.getAsset('tenant-a', 'asset-1')).to.include({
        firstSeen: 1_000,
        lastSeen: 2_000,
        hostname: 'renamed',
      });
      expect((await lake.assetChanges({ assetId: 'asset-1' })).map((c) => c.change)).to.deep.equal([
        'added',
        'changed',
      ]);
    });

    it('should not let an older observation overwrite a newer one', async () => {
      await sink.write([assetEntry(1, 5_000, { hostname: 'new' })]);
      await sink.write([assetEntry(1, 4_000, { hostname: 'old' })]);
      expect(await lake.getAsset('tenant-a', 'asset-1')).to.include({
        hostname: 'new',
        firstSeen: 4_000,
        lastSeen: 5_000,
      });
    });

    it('should list assets by tenant with a limit and an offset', async () => {
      await sink.write([1, 2, 3].map((i) => assetEntry(i, 1_000)));
      expect((await lake.listAssets({ tenant: 'tenant-a' })).map((a) => a.id)).to.deep.equal([
        'asset-1',
        'asset-2',
        'asset-3',
      ]);
      expect((await lake.listAssets({ limit: 1, offset: 1 })).map((a) => a.id)).to.deep.equal(['asset-2']);
      expect(await lake.listAssets({ tenant: 'nobody' })).to.deep.equal([]);
      expect(await lake.getAsset('tenant-a', 'nope')).to.equal(undefined);
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
      expect((await lake.listAssets()).map((a) => a.id)).to.have.members(['asset-1', 'asset-3']);
      const removed = (await lake.getAsset('tenant-a', 'asset-2'))!;
      expect(removed).to.include({ removed: true, removedBy: 's2' });
      const last = (await lake.assetChanges({ assetId: 'asset-2' })).pop()!;
      expect(last).to.include({ change: 'removed', snapshotId: 's2' });
      expect(await lake.listAssets({ includeRemoved: true })).to.have.length(3);
      expect((await lake.snapshots()).find((s) => s.snapshotId === 's2')).to.include({
        state: 'finalized',
        removed: 1,
        seen: 2,
        expected: 2,
        complete: true,
        startedAt: 2_000,
        endedAt: 2_002,
        connectorId: 'c1',
        contentType: 'computers',
      });
    });

    it('should never remove assets after an incomplete snapshot', async () => {
      await run('s1', 1_000, [1, 2, 3]);
      await run('s2', 2_000, [1], { complete: false });
      expect(await lake.listAssets()).to.have.length(3);
      expect((await lake.snapshots()).find((s) => s.snapshotId === 's2')).to.include({ state: 'incomplete' });
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
      expect(await lake.listAssets()).to.have.length(4);
      expect((await lake.snapshots()).find((s) => s.snapshotId === 's2')).to.include({
        state: 'open',
        seen: 2,
      });
      await sink.write([assetEntry(3, 2_001, { snapshotId: 's2' })]);
      expect((await lake.listAssets()).map((a) => a.id)).to.have.members(['asset-1', 'asset-2', 'asset-3']);
      expect(await lake.getAsset('tenant-a', 'asset-4')).to.include({ removed: true });
    });

    describe('#openSnapshots()', () => {
      const t0 = Date.UTC(2026, 0, 1);

      it('should list a snapshot as open after its start marker, on the lake clock', async () => {
        await under.writeAt([snapshotMarker('s1', 'start', 1_000)], t0);
        await under.writeAt([assetEntry(1, 1_001, { snapshotId: 's1' })], t0 + 60_000);
        expect(await lake.openSnapshots()).to.deep.equal([
          {
            snapshotId: 's1',
            tenant_id: 'tenant-a',
            connectorId: 'c1',
            contentType: 'computers',
            openedAt: t0,
            lastActivityAt: t0 + 60_000,
            seen: 1,
            endMarker: false,
            startMarker: true,
          },
        ]);
        expect(await lake.openSnapshots({ connectorId: 'other' })).to.deep.equal([]);
      });

      it('should keep a snapshot open with its end marker while records are missing, and close it once complete', async () => {
        await under.writeAt(
          [
            snapshotMarker('s1', 'start', 1_000),
            assetEntry(1, 1_001, { snapshotId: 's1' }),
            snapshotMarker('s1', 'end', 1_002, { complete: true, count: 2 }),
          ],
          t0,
        );
        expect(await lake.openSnapshots()).to.have.length(1);
        expect((await lake.openSnapshots())[0]).to.include({ seen: 1, expected: 2, endMarker: true });
        await under.writeAt([assetEntry(2, 1_001, { snapshotId: 's1' })], t0 + 1_000);
        expect(await lake.openSnapshots()).to.deep.equal([]);
      });

      it('should not list a snapshot that expired', async () => {
        await under.writeAt([snapshotMarker('s1', 'start', 1_000)], t0);
        await under.writeAt([snapshotMarker('s2', 'start', 2_000)], t0 + 2 * 86_400_000);
        expect((await lake.openSnapshots()).map((s) => s.snapshotId)).to.deep.equal(['s2']);
        expect((await lake.snapshots()).find((s) => s.snapshotId === 's1')).to.include({
          state: 'incomplete',
        });
      });
    });

    it('should ignore a late redelivery from before the removal, and restore on a new sighting', async () => {
      await run('s1', 1_000, [1, 2]);
      await run('s2', 2_000, [1]);
      await sink.write([assetEntry(2, 1_001, { snapshotId: 's1' })]);
      expect(await lake.getAsset('tenant-a', 'asset-2')).to.include({ removed: true });
      await run('s3', 3_000, [1, 2]);
      expect(await lake.getAsset('tenant-a', 'asset-2')).to.include({ removed: false, lastSeen: 3_001 });
      expect((await lake.assetChanges({ assetId: 'asset-2' })).map((c) => c.change)).to.deep.equal([
        'added',
        'removed',
        'restored',
      ]);
    });
  });

  describe('#stats()', () => {
    it('should count records, assets and changes', async () => {
      await sink.write([assetEntry(1, 1_000), assetEntry(2, 1_000)]);
      await sink.write([snapshotMarker('s9', 'start', 900)]);
      expect(await lake.stats()).to.deep.equal({
        records: 2,
        assets: 2,
        removedAssets: 0,
        assetChanges: 2,
        openSnapshots: 1,
      });
    });
  });
}
