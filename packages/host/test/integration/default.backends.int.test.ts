import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { createSilentLogger, type QueueEntry, type ReadOptions } from '@connectors/framework';
import { Lake } from '@connectors/lake';
import { defaultBackends } from '../../src/backends/default.backends';
import { EMBEDDED_INGEST_BATCH } from '../../src/backends/ingest.defaults';

const RECORDS = EMBEDDED_INGEST_BATCH + 500;

function entry(i: number): QueueEntry {
  return {
    kind: 'record',
    record: {
      id: i.toString(16).padStart(32, '0'),
      timestamp: 1_700_000_000_000 + i,
      tenant_id: 'acme',
      msg_class: 'test_records',
      n: i,
    } as never,
  };
}

describe('defaultBackends', () => {
  describe('#createIngest', () => {
    let dataDir: string;

    beforeEach(() => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'host-backends-'));
    });

    afterEach(() => {
      sinon.restore();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('should read the in-process queue in batches of EMBEDDED_INGEST_BATCH into the lake', async () => {
      const backends = await defaultBackends({ dataDir, prefix: 'test', logger: createSilentLogger() });
      const queue = await backends.openQueue();
      const counts: number[] = [];
      const read = queue.read.bind(queue);
      sinon.stub(queue, 'read').callsFake(async (options: ReadOptions) => {
        counts.push(options.count);
        return read(options);
      });
      const ingest = await backends.createIngest(queue, 'ingest-1');
      try {
        ingest.start();
        await queue.publish(Array.from({ length: RECORDS }, (_, i) => entry(i)));
        await ingest.drained(AbortSignal.timeout(20_000));
      } finally {
        await ingest.stop();
        await backends.close?.();
      }
      expect(counts.length).to.be.greaterThan(0);
      expect(new Set(counts)).to.deep.equal(new Set([EMBEDDED_INGEST_BATCH]));
      const lake = Lake.open(dataDir, { readonly: true });
      try {
        expect(lake.stats().records).to.equal(RECORDS);
      } finally {
        lake.close();
      }
    });
  });
});
