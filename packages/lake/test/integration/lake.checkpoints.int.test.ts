import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { QueueEntry } from '@connectors/framework/engine';
import { testRecord } from '@connectors/queue-memory/dist/test/contract/entries';
import { Lake } from '../../src';
import type { BackgroundCheckpoints } from '../../src/lake.checkpoints';

/** Records of about 4 KB, like a Cloud One computer's. */
function write(lake: Lake, from: number, count: number): void {
  const entries: QueueEntry[] = Array.from({ length: count }, (_, k) => ({
    kind: 'record',
    record: { ...testRecord(from + k), pad: 'x'.repeat(4_000) },
  }));
  expect(lake.writer.write(entries).written).to.equal(count);
}

const sizeOf = (file: string): number => (existsSync(file) ? statSync(file).size : 0);

async function waitFor(what: string, ok: () => boolean, deadlineMs = 5_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Lake checkpoints', () => {
  let dir: string;
  let lake: Lake | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lake-checkpoints-'));
  });

  afterEach(() => {
    lake?.close();
    lake = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when they run in the background (the default)', () => {
    it('should fold the WAL into the database from a thread, the writer never checkpointing', async () => {
      lake = Lake.open(dir);
      expect(lake.checkpoints).to.equal('background');
      expect(lake.db.pragma('wal_autocheckpoint', { simple: true })).to.equal(0);
      const before = sizeOf(lake.file);
      write(lake, 0, 2_000);
      // 8 MB is far below the writer's own threshold (1,000 pages of 32 KB), and it no longer has one.
      await waitFor('the database file to grow', () => sizeOf(lake!.file) > before + 4_000_000);
    });

    it('should keep the WAL bounded under a writer that never pauses', () => {
      lake = Lake.open(dir, { checkpointIntervalMs: 5, walRestartPages: 64 });
      let largest = 0;
      for (let batch = 0; batch < 300; batch++) {
        write(lake, batch * 100, 100);
        largest = Math.max(largest, sizeOf(`${lake.file}-wal`));
      }
      // Written back to back, faster than the thread's checkpoints catch up: a WAL that only they start
      // over grows with what is written. The bound holds only if the writer's own checkpoint starts it over.
      expect(largest).to.be.above(0).and.below(90_000_000);
      expect(sizeOf(lake.file)).to.be.above(40_000_000);
      expect(lake.count()).to.equal(30_000);
    });

    it('should have folded the WAL in and removed it when close() returns, the thread stopped first', () => {
      // Checkpoints back to back, so that the thread is in one when close() is called.
      lake = Lake.open(dir, { checkpointIntervalMs: 1 });
      for (let batch = 0; batch < 8; batch++) write(lake, batch * 500, 500);
      const file = lake.file;
      expect(sizeOf(`${file}-wal`)).to.be.above(1_000_000);
      lake.close();
      lake = undefined;
      // At once, as with SQLite's own checkpoints: a query opening the lake right after a run finds no
      // checkpoint going on (it got SQLITE_BUSY while the thread's close did this).
      expect(existsSync(`${file}-wal`)).to.equal(false);
      const reader = Lake.open(dir, { readonly: true });
      expect(reader.count()).to.equal(4_000);
      reader.close();
    });

    it('should go back to checkpointing on commit if the thread dies', async () => {
      lake = Lake.open(dir);
      const background = (lake as unknown as { backgroundCheckpoints: BackgroundCheckpoints })
        .backgroundCheckpoints;
      await background.thread.terminate();
      await waitFor('the lake to notice', () => lake!.checkpoints === 'inline');
      expect(lake.db.pragma('wal_autocheckpoint', { simple: true })).to.equal(1000);
      write(lake, 0, 10);
      expect(lake.count()).to.equal(10);
    });
  });

  describe('when they are inline', () => {
    it('should leave them to the writer, which folds nothing in below its threshold', async () => {
      lake = Lake.open(dir, { checkpoints: 'inline' });
      expect(lake.checkpoints).to.equal('inline');
      expect(lake.db.pragma('wal_autocheckpoint', { simple: true })).to.equal(1000);
      const before = sizeOf(lake.file);
      write(lake, 0, 2_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sizeOf(lake.file)).to.equal(before);
    });
  });

  describe('when an option is wrong', () => {
    it('should refuse it before opening anything, naming it', () => {
      const bad: Array<[object, RegExp]> = [
        [{ checkpoints: 'sometimes' }, /checkpoints must be "background" or "inline", not "sometimes"/],
        [{ checkpointIntervalMs: 0 }, /checkpointIntervalMs must be a number of at least 1, not 0/],
        [{ walRestartPages: Number.NaN }, /walRestartPages must be a number of at least 1, not NaN/],
      ];
      for (const [options, message] of bad) {
        expect(() => Lake.open(path.join(dir, 'never'), options))
          .to.throw(message)
          .with.property('code', 'LAKE_OPTION_INVALID');
        expect(existsSync(path.join(dir, 'never')), JSON.stringify(options)).to.equal(false);
      }
    });
  });
});
