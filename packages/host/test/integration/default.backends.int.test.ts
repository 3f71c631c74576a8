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

    /** Runs the backends' ingest over RECORDS entries; the queue's reads and acks, in order. */
    async function ingestAll(lakeThread: boolean): Promise<{ counts: number[]; calls: string[] }> {
      const backends = await defaultBackends({
        dataDir,
        prefix: 'test',
        logger: createSilentLogger(),
        lakeThread,
      });
      const queue = await backends.openQueue();
      const counts: number[] = [];
      const calls: Array<{ call: string }> = [];
      const read = queue.read.bind(queue);
      const ack = queue.ack.bind(queue);
      sinon.stub(queue, 'read').callsFake(async (options: ReadOptions) => {
        counts.push(options.count);
        // Logged when issued; dropped again if it brought nothing (the idle reads, the one stop aborts).
        const mark = { call: 'read' };
        calls.push(mark);
        let deliveries: Awaited<ReturnType<typeof read>> = [];
        try {
          deliveries = await read(options);
          return deliveries;
        } finally {
          if (deliveries.length === 0) calls.splice(calls.indexOf(mark), 1);
        }
      });
      sinon.stub(queue, 'ack').callsFake(async (ids: readonly string[]) => {
        calls.push({ call: 'ack' });
        return ack(ids);
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
      return { counts, calls: calls.map((c) => c.call) };
    }

    function lakeRecords(): number {
      const lake = Lake.open(dataDir, { readonly: true });
      try {
        return lake.stats().records;
      } finally {
        lake.close();
      }
    }

    it('should read the in-process queue in batches of EMBEDDED_INGEST_BATCH into the lake', async () => {
      const { counts } = await ingestAll(false);
      expect(counts.length).to.be.greaterThan(0);
      expect(new Set(counts)).to.deep.equal(new Set([EMBEDDED_INGEST_BATCH]));
      expect(lakeRecords()).to.equal(RECORDS);
    });

    it('should not read ahead of a batch the lake writes on this thread', async () => {
      const { calls } = await ingestAll(false);
      // Each batch acknowledged before the next read.
      expect(calls).to.deep.equal(['read', 'ack', 'read', 'ack']);
      expect(lakeRecords()).to.equal(RECORDS);
    });

    it('should read ahead of a batch the lake thread writes', async () => {
      const { calls } = await ingestAll(true);
      expect(calls.slice(0, 2)).to.deep.equal(['read', 'read']);
      expect(calls.filter((c) => c === 'ack')).to.have.length(2);
      expect(lakeRecords()).to.equal(RECORDS);
    });
  });
});
