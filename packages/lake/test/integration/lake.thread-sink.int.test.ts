import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { decodeEntry, headerJson, jsonOf, type QueueEntry } from '@connectors/framework/engine';
import {
  snapshotMarker,
  testAsset,
  testEntries,
  testRecord,
} from '@connectors/queue-memory/dist/test/contract/entries';
import { Lake, LakeSink, LakeThreadSink } from '../../src';

function snapshotRun(id: string, at: number, assets: number[]): QueueEntry[] {
  return [
    snapshotMarker(id, 'start', at),
    ...assets.map((i): QueueEntry => {
      const record = testRecord(i, { timestamp: at + 1, prefix: `obs${at}` });
      return { kind: 'record', record, asset: testAsset(i, record, at + 1), snapshotId: id };
    }),
    snapshotMarker(id, 'end', at + 2, { complete: true, count: assets.length }),
  ];
}

describe('LakeThreadSink', () => {
  let dir: string;
  let sink: LakeThreadSink | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lake-thread-'));
  });

  afterEach(async () => {
    await sink?.close();
    sink = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  describe('#write()', () => {
    it('should leave the lake exactly as LakeSink does for the same batches', async () => {
      const batches = [
        testEntries(0, 20),
        snapshotRun('s1', 1_000, [1, 2, 3]),
        snapshotRun('s2', 2_000, [1, 3]),
        testEntries(10, 20),
      ];
      sink = await LakeThreadSink.open(path.join(dir, 'thread'));
      const direct = new LakeSink(path.join(dir, 'direct'));
      try {
        for (const batch of batches) {
          expect(await sink.write(batch)).to.deep.equal(await direct.write(batch));
        }
      } finally {
        await direct.close();
      }
      await sink.close();
      const a = Lake.open(path.join(dir, 'thread'), { readonly: true });
      const b = Lake.open(path.join(dir, 'direct'), { readonly: true });
      try {
        expect(a.stats()).to.deep.equal(b.stats());
        expect(a.search({ limit: 100 })).to.deep.equal(b.search({ limit: 100 }));
        const asset = (l: Lake): unknown[] =>
          l
            .listAssets({ includeRemoved: true })
            .map(({ id, removed, removedBy }) => ({ id, removed, removedBy }));
        expect(asset(a)).to.deep.equal(asset(b));
        expect(asset(a)).to.deep.include({ id: 'asset-2', removed: true, removedBy: 's2' });
      } finally {
        a.close();
        b.close();
      }
    });

    it('should report poison entries at their own index and write the rest', async () => {
      sink = await LakeThreadSink.open(dir);
      const batch = testEntries(0, 5);
      (batch[1] as { record: { id?: string } }).record.id = '';
      (batch[3] as { record: { timestamp: unknown } }).record.timestamp = 'yesterday';
      const result = await sink.write(batch);
      expect(result.written).to.equal(3);
      expect(result.failures).to.deep.equal([
        { index: 1, reason: 'record has no id', retryable: false },
        { index: 3, reason: 'record rec-3 has no numeric timestamp', retryable: false },
      ]);
    });

    it('should store the queued text of a record it never parsed', async () => {
      sink = await LakeThreadSink.open(dir);
      const record = testRecord(7);
      // An escape JSON.stringify would not write: finding it stored proves the text was passed, not re-serialized.
      const text = `${JSON.stringify(record).slice(0, -1)},"raw":"\\u0041"}`;
      const entry = decodeEntry(['r', text, 'h', headerJson(record)]);
      expect(await sink.write([entry])).to.deep.equal({ written: 1, failures: [] });
      await sink.close();
      const lake = Lake.open(dir, { readonly: true });
      try {
        const row = lake.db.prepare('SELECT doc FROM records WHERE id = ?').get(record.id) as { doc: string };
        expect(row.doc).to.equal(text);
      } finally {
        lake.close();
      }
      expect(jsonOf((entry as { record: object }).record)).to.equal(text);
    });

    it('should fail the writes of a thread that died and start a new one for the next write', async () => {
      sink = await LakeThreadSink.open(dir);
      await sink.write(testEntries(0, 5));
      const worker = (sink as unknown as { worker: Worker }).worker;
      const pending = sink.write(testEntries(5, 5)).catch((e: unknown) => e);
      await worker.terminate();
      const err = await pending;
      // Either the batch was committed before the thread died, or the write failed for a retry.
      if (err instanceof Error) expect(err).to.have.property('code', 'LAKE_THREAD_EXITED');
      expect(await sink.write(testEntries(5, 5))).to.deep.equal({ written: 5, failures: [] });
      await sink.close();
      const lake = Lake.open(dir, { readonly: true });
      expect(lake.count()).to.equal(10);
      lake.close();
    });

    it('should refuse writes after close with LAKE_CLOSED', async () => {
      sink = await LakeThreadSink.open(dir);
      await sink.close();
      const err = await sink.write(testEntries(0, 1)).catch((e: unknown) => e);
      expect(err).to.have.property('code', 'LAKE_CLOSED');
    });
  });

  describe('.open()', () => {
    it('should fail with the lake error when the data directory cannot hold a lake', async () => {
      const file = path.join(dir, 'not-a-dir');
      writeFileSync(file, 'x');
      const err = await LakeThreadSink.open(file).catch((e: unknown) => e);
      expect(err)
        .to.have.property('code')
        .that.matches(/^LAKE_OPEN_FAILED$|^EEXIST$|^ENOTDIR$/);
    });
  });
});
