import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { QueueEntry } from '@connectors/framework/engine';
import { snapshotMarker, testAsset, testRecord } from '@connectors/queue-memory/dist/test/contract/entries';
import { Lake } from '../../src';

const HOUR = 3_600_000;

function recordsOf(snapshotId: string, at: number, ids: number[]): QueueEntry[] {
  return ids.map((i): QueueEntry => {
    const record = testRecord(i, { timestamp: at, prefix: snapshotId });
    return { kind: 'record', record, asset: testAsset(i, record, at), snapshotId };
  });
}

describe('LakeWriter', () => {
  let dir: string;
  let lake: Lake;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lake-snapshots-'));
    lake = Lake.open(dir, { checkpoints: 'inline', snapshotExpiryMs: 2 * HOUR });
  });

  afterEach(() => {
    lake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('#expireSnapshots()', () => {
    it('should close a snapshot that has not moved for the expiry as incomplete, drop its rows and remove nothing', () => {
      const t0 = Date.UTC(2026, 0, 1);
      lake.writer.write([snapshotMarker('s1', 'start', t0), ...recordsOf('s1', t0 + 1, [1, 2, 3])], t0 + 5);
      expect(lake.snapshots()[0]).to.include({ state: 'open', seen: 3 });
      lake.writer.write([{ kind: 'record', record: testRecord(9, { timestamp: t0 + 10 }) }], t0 + HOUR);
      expect(lake.snapshots().find((s) => s.snapshotId === 's1')).to.include({ state: 'open' });

      lake.writer.write([{ kind: 'record', record: testRecord(9, { timestamp: t0 + 20 }) }], t0 + 3 * HOUR);
      expect(lake.snapshots().find((s) => s.snapshotId === 's1')).to.include({
        state: 'incomplete',
        removed: 0,
      });
      expect(
        lake.db.prepare("SELECT count(*) FROM snapshot_records WHERE snapshot_id = 's1'").pluck().get(),
      ).to.equal(0);
      expect(lake.stats()).to.include({ openSnapshots: 0, removedAssets: 0 });
    });
  });
});
