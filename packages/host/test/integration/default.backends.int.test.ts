import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import Redis from 'ioredis';
import sinon from 'sinon';
import { createSilentLogger, type QueueEntry, type ReadOptions } from '@connectors/framework/engine';
import { Lake } from '@connectors/lake';
import { streamKeys } from '@connectors/queue-redis';
import { defaultBackends, queueStreamName } from '../../src/backends/default.backends';
import { EMBEDDED_INGEST_BATCH } from '../../src/backends/ingest.defaults';

const RECORDS = EMBEDDED_INGEST_BATCH + 500;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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
    let prefix: string;

    beforeEach(() => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'host-backends-'));
      prefix = `test-backends-${randomUUID()}`;
    });

    afterEach(async () => {
      sinon.restore();
      rmSync(dataDir, { recursive: true, force: true });
      const redis = new Redis(REDIS_URL);
      try {
        const keys = streamKeys(queueStreamName(prefix));
        await redis.del(keys.stream, keys.dead, keys.bytes);
      } finally {
        redis.disconnect();
      }
    });

    /** Runs the backends' ingest over RECORDS entries; the queue's reads and acks, in order. */
    async function ingestAll(options: {
      lakeThread?: boolean;
      redisUrl?: string;
    }): Promise<{ counts: number[]; calls: string[] }> {
      const backends = await defaultBackends({ dataDir, prefix, logger: createSilentLogger(), ...options });
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
      const { counts } = await ingestAll({});
      expect(counts.length).to.be.greaterThan(0);
      expect(new Set(counts)).to.deep.equal(new Set([EMBEDDED_INGEST_BATCH]));
      expect(lakeRecords()).to.equal(RECORDS);
    });

    it('should not read ahead from Redis into the lake on this thread', async () => {
      const { counts, calls } = await ingestAll({ redisUrl: REDIS_URL });
      expect(new Set(counts)).to.deep.equal(new Set([500]));
      // Each batch acknowledged before the next read.
      expect(calls).to.have.length.greaterThan(2);
      calls.forEach((call, i) => expect(call, `call ${i}`).to.equal(i % 2 === 0 ? 'read' : 'ack'));
      expect(lakeRecords()).to.equal(RECORDS);
    });

    it('should read ahead from Redis into the lake thread', async () => {
      const { calls } = await ingestAll({ redisUrl: REDIS_URL, lakeThread: true });
      expect(calls.slice(0, 2)).to.deep.equal(['read', 'read']);
      expect(lakeRecords()).to.equal(RECORDS);
    });
  });
});
