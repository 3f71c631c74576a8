import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { QueueEntry } from '@connectors/framework/engine';
import { LakeSink } from '@connectors/lake';
import { MemoryQueue } from '@connectors/queue-memory';
import { snapshotMarker, testAsset, testRecord } from '@connectors/queue-memory/dist/test/contract/entries';
import { IngestWorker } from '../../src';

function snapshotRun(id: string, at: number, hosts: number[]): QueueEntry[] {
  return [
    snapshotMarker(id, 'start', at),
    ...hosts.map((i): QueueEntry => {
      const record = testRecord(i, { timestamp: at + 1, prefix: id });
      return { kind: 'record', record, asset: testAsset(i, record), snapshotId: id };
    }),
    snapshotMarker(id, 'end', at + 2, { complete: true, count: hosts.length }),
  ];
}

describe('IngestWorker with LakeSink', () => {
  let dir: string;
  let queue: MemoryQueue;
  let sink: LakeSink;
  let workers: IngestWorker[];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ingest-lake-'));
    queue = new MemoryQueue({ maxEntries: 500 });
    sink = new LakeSink(dir);
    workers = [0, 1, 2].map(
      (i) => new IngestWorker({ queue, sinks: [sink], consumer: `w${i}`, batchSize: 37, blockMs: 20 }),
    );
  });

  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await queue.close();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should ingest snapshots through several workers and mark only the vanished assets removed', async () => {
    workers.forEach((w) => w.start());
    const hosts = Array.from({ length: 2_000 }, (_, i) => i);
    for (const [id, at, seen] of [
      ['s1', 1_000, hosts],
      ['s2', 2_000, hosts.filter((i) => i % 10 !== 0)],
    ] as const) {
      const entries = snapshotRun(id, at, [...seen]);
      for (let i = 0; i < entries.length; i += 100) await queue.publish(entries.slice(i, i + 100));
    }
    await workers[0].drainUntilEmpty({ pollMs: 20 });
    const lake = sink.lake;
    expect(lake.count()).to.equal(2_000 + 1_800);
    expect(lake.listAssets({ limit: 5_000 })).to.have.length(1_800);
    expect(lake.stats()).to.include({ removedAssets: 200, openSnapshots: 0 });
    expect(lake.assetChanges({ limit: 5_000 }).filter((c) => c.change === 'removed')).to.have.length(200);
    expect(workers.reduce((n, w) => n + w.figures.recordsWritten, 0)).to.equal(3_804);
  });
});
