import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { snapshotMarker, testEntries } from '@connectors/queue-memory/dist/test/contract/entries';
import { NdjsonSink, StdoutSink } from '../../src';

function lines(file: string): Array<{ id: string }> {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string });
}

describe('NdjsonSink', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ndjson-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('#write()', () => {
    it('should append one JSON line per record and skip snapshot markers', async () => {
      const file = path.join(dir, 'out', 'records.ndjson');
      const sink = new NdjsonSink(file);
      const result = await sink.write([snapshotMarker('s', 'start', 1), ...testEntries(0, 3)]);
      await sink.close();
      expect(result).to.deep.equal({ written: 4, failures: [] });
      expect(lines(file).map((l) => l.id)).to.deep.equal(['rec-0', 'rec-1', 'rec-2']);
    });

    it('should skip recent ids on redelivery, and append again after a restart', async () => {
      const file = path.join(dir, 'records.ndjson');
      const sink = new NdjsonSink(file, { fsync: false });
      await sink.write(testEntries(0, 3));
      await sink.write(testEntries(1, 3));
      await sink.close();
      expect(lines(file).map((l) => l.id)).to.deep.equal(['rec-0', 'rec-1', 'rec-2', 'rec-3']);
      const restarted = new NdjsonSink(file, { fsync: false });
      await restarted.write(testEntries(0, 1));
      await restarted.close();
      expect(lines(file)).to.have.length(5);
    });

    it('should report a record without an id as a non-retryable failure', async () => {
      const sink = new NdjsonSink(path.join(dir, 'r.ndjson'));
      const batch = testEntries(0, 2);
      (batch[0] as { record: { id: string } }).record.id = '';
      const result = await sink.write(batch);
      await sink.close();
      expect(result).to.deep.equal({
        written: 1,
        failures: [{ index: 0, reason: 'record has no id', retryable: false }],
      });
    });
  });
});

describe('StdoutSink', () => {
  describe('#write()', () => {
    it('should print records as lines and wait for a full stream to drain', async () => {
      const stream = new PassThrough({ highWaterMark: 16 });
      const sink = new StdoutSink({ stream });
      let done = false;
      const writing = sink.write(testEntries(0, 2)).then((r) => ((done = true), r));
      await new Promise((r) => setTimeout(r, 20));
      expect(done, 'waits while nobody reads').to.equal(false);
      const text: string[] = [];
      stream.on('data', (chunk: Buffer) => text.push(chunk.toString()));
      expect(await writing).to.deep.equal({ written: 2, failures: [] });
      expect(
        text
          .join('')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { id: string }).id),
      ).to.deep.equal(['rec-0', 'rec-1']);
    });
  });
});
