import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { entryKey, testEntries } from '@connectors/queue-memory/dist/test/contract/entries';
import { RedisStreamQueue, startRedisServer, type RedisServerHandle } from '../../src';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisStreamQueue', () => {
  let queue: RedisStreamQueue;
  let raw: Redis;

  beforeEach(async () => {
    queue = await RedisStreamQueue.connect({
      url,
      stream: `test:queue:${randomUUID()}`,
      claimIdleMs: 100,
      claimIntervalMs: 10,
    });
    raw = new Redis(url);
  });

  afterEach(async () => {
    await queue.destroy().catch(() => undefined);
    await queue.close();
    raw.disconnect();
  });

  describe('.connect()', () => {
    it('should create the stream and the consumer group from the first id', async () => {
      const groups = (await raw.xinfo('GROUPS', queue.keys.stream)) as unknown[][];
      expect(groups[0].slice(0, 2)).to.deep.equal(['name', 'ingest']);
      expect(queue.capabilities.version).to.match(/^\d+\.\d+/);
    });

    it('should fail with QUEUE_UNAVAILABLE when Redis does not answer in time', async () => {
      const err = await RedisStreamQueue.connect({
        url: 'redis://127.0.0.1:1',
        stream: 'x',
        connectTimeoutMs: 300,
      }).catch((e: unknown) => e);
      expect(err).to.have.property('code', 'QUEUE_UNAVAILABLE');
    });
  });

  describe('#publish()', () => {
    it('should keep the byte counter equal to the payload bytes held, and drop it when empty', async () => {
      const entries = testEntries(0, 20, { bytes: 700 });
      await queue.publish(entries);
      // Records without assets are stored as their record JSON and its header (the fields sinks index
      // by): those payload bytes are what the counter measures.
      const size = (e: (typeof entries)[number]): number => {
        if (e.kind !== 'record') return Buffer.byteLength(JSON.stringify(e));
        const { id, timestamp, tenant_id, msg_class, connector } = e.record;
        const header = JSON.stringify({ id, timestamp, tenant_id, msg_class, connector });
        return Buffer.byteLength(JSON.stringify(e.record)) + Buffer.byteLength(header);
      };
      const expected = entries.reduce((n, e) => n + size(e), 0);
      expect(Number(await raw.get(queue.keys.bytes))).to.equal(expected);
      const got = await queue.read({ consumer: 'a', count: 20, blockMs: 50 });
      await queue.ack(got.slice(0, 5).map((d) => d.deliveryId));
      const left = entries.slice(5).reduce((n, e) => n + size(e), 0);
      expect((await queue.stats()).bytes).to.equal(left);
      await queue.ack(got.map((d) => d.deliveryId));
      expect(await raw.exists(queue.keys.bytes)).to.equal(0);
    });

    it('should reject a publish waiting for room when the queue is closed', async () => {
      const small = await RedisStreamQueue.connect({
        url,
        stream: queue.keys.stream.replace(/:records$/, ''),
        maxEntries: 2,
      });
      await small.publish(testEntries(0, 2));
      const waiting = small.publish(testEntries(2, 1)).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 30));
      await small.close();
      expect(await waiting).to.have.property('code', 'QUEUE_CLOSED');
      expect(await raw.xlen(queue.keys.stream)).to.equal(2);
    });
  });

  describe('#read()', () => {
    it('should read the delivery counts of reclaimed entries exactly, whatever else the consumer holds between them', async () => {
      await queue.publish(testEntries(0, 300));
      const [oldest] = await queue.read({ consumer: 'dead', count: 1, blockMs: 50 });
      const own = await queue.read({ consumer: 'live', count: 298, blockMs: 50 });
      const [newest] = await queue.read({ consumer: 'dead', count: 1, blockMs: 50 });
      // The newest went round several times already: past maxDeliveries (5) it is a dead letter.
      for (let i = 0; i < 6; i++)
        await raw.xclaim(queue.keys.stream, queue.group, 'dead', 0, newest.deliveryId);
      await new Promise((r) => setTimeout(r, 150));
      await queue.touch(
        'live',
        own.map((d) => d.deliveryId),
      );
      // A janitor that scans the whole pending list at once: both idle entries come in one claim.
      const janitor = await RedisStreamQueue.connect({
        url,
        stream: queue.keys.stream.replace(/:records$/, ''),
        claimIdleMs: 100,
      });
      let reclaimed;
      try {
        reclaimed = await janitor.claimIdle('live', 300);
      } finally {
        await janitor.close();
      }
      expect(reclaimed.map((d) => d.deliveryId)).to.deep.equal([oldest.deliveryId]);
      expect((await queue.listDeadLetters()).map((d) => d.sourceId)).to.deep.equal([newest.deliveryId]);
    });

    it('should acknowledge and skip a pending entry that was deleted meanwhile', async () => {
      await queue.publish(testEntries(0, 3));
      const first = await queue.read({ consumer: 'w', count: 3, blockMs: 50 });
      await raw.xdel(queue.keys.stream, first[1].deliveryId);
      const restarted = await RedisStreamQueue.connect({
        url,
        stream: queue.keys.stream.replace(/:records$/, ''),
      });
      try {
        const resumed = await restarted.read({ consumer: 'w', count: 10, blockMs: 20 });
        expect(resumed.map((d) => entryKey(d.entry))).to.deep.equal(['rec-0', 'rec-2']);
        expect((await restarted.stats()).pending).to.equal(2);
      } finally {
        await restarted.close();
      }
    });

    it('should dead-letter an entry that is not JSON with the reason', async () => {
      await raw.xadd(queue.keys.stream, '*', 'e', '{not json');
      await queue.publish(testEntries(0, 1));
      const got = await queue.read({ consumer: 'w', count: 10, blockMs: 50 });
      expect(got.map((d) => entryKey(d.entry))).to.deep.equal(['rec-0']);
      const dead = await queue.listDeadLetters();
      expect(dead).to.have.length(1);
      expect(dead[0].entry).to.equal('{not json');
      expect(dead[0].reason).to.match(/^unreadable entry: /);
    });

    it('should recreate the consumer group when the stream vanished', async () => {
      await raw.del(queue.keys.stream);
      expect(await queue.read({ consumer: 'w', count: 1, blockMs: 10 })).to.deep.equal([]);
      await queue.publish(testEntries(0, 2));
      expect(await queue.read({ consumer: 'w', count: 5, blockMs: 50 })).to.have.length(2);
    });

    it('should end a blocked read at once when aborted, delivering nothing', async () => {
      const abort = new AbortController();
      const reading = queue
        .read({ consumer: 'w', count: 1, blockMs: 10_000, signal: abort.signal })
        .catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 50));
      abort.abort();
      expect(await reading).to.be.instanceOf(Error);
      await queue.publish(testEntries(0, 1));
      const got = await queue.read({ consumer: 'w', count: 1, blockMs: 50 });
      expect(got.map((d) => d.deliveries)).to.deep.equal([1]);
    });
  });

  describe('#deadLetter()', () => {
    it('should keep the entry, reason, delivery count and source id in the dead-letter stream', async () => {
      await queue.publish(testEntries(0, 2));
      const [d] = await queue.read({ consumer: 'w', count: 1, blockMs: 50 });
      await queue.deadLetter(d, 'lake: record has no id');
      await queue.deadLetter(d, 'twice');
      const dead = await queue.listDeadLetters();
      expect(dead).to.have.length(1);
      expect(dead[0]).to.include({ sourceId: d.deliveryId, reason: 'lake: record has no id', deliveries: 1 });
      expect(dead[0].entry).to.deep.equal(testEntries(0, 1)[0]);
      expect(await queue.stats()).to.include({ length: 1, pending: 0, deadLetters: 1 });
    });
  });

  describe('#trimAcknowledged()', () => {
    it('should delete only entries acknowledged by the group, never pending or unread ones', async () => {
      await queue.publish(testEntries(0, 10));
      const got = await queue.read({ consumer: 'w', count: 6, blockMs: 50 });
      // Entries 0-2 acknowledged by a client that did not delete them; 3 pending; 4-5 acknowledged
      // after the pending one; 6-9 never delivered.
      await raw.xack(queue.keys.stream, 'ingest', ...got.slice(0, 3).map((d) => d.deliveryId));
      await raw.xack(queue.keys.stream, 'ingest', ...got.slice(4, 6).map((d) => d.deliveryId));
      expect(await queue.trimAcknowledged()).to.equal(3);
      const left = (await raw.xrange(queue.keys.stream, '-', '+')).map(([id]) => id);
      // Entries 4-5 sit above the oldest pending one, so they wait for a later trim.
      expect(left.slice(0, 3)).to.deep.equal(got.slice(3, 6).map((d) => d.deliveryId));
      expect(left).to.have.length(7);
      const rest = await queue.read({ consumer: 'w', count: 10, blockMs: 50 });
      expect(rest.map((d) => entryKey(d.entry))).to.deep.equal(['rec-6', 'rec-7', 'rec-8', 'rec-9']);
    });
  });
});

describe('RedisStreamQueue housekeeping', () => {
  it('should trim acknowledged entries and forget idle consumers that hold nothing', async () => {
    const stream = `test:queue:${randomUUID()}`;
    const queue = await RedisStreamQueue.connect({ url, stream, consumerTtlMs: 20 });
    const raw = new Redis(url);
    try {
      await queue.publish(testEntries(0, 4));
      const gone = await queue.read({ consumer: 'gone', count: 2, blockMs: 50 });
      await raw.xack(queue.keys.stream, queue.group, ...gone.map((d) => d.deliveryId));
      await queue.read({ consumer: 'busy', count: 1, blockMs: 50 });
      await new Promise((r) => setTimeout(r, 40));
      expect(await queue.housekeeping()).to.deep.equal({ trimmed: 2, consumersRemoved: 1 });
      const consumers = (await raw.xinfo('CONSUMERS', queue.keys.stream, queue.group)) as unknown[][];
      expect(consumers.map((c) => c[1])).to.deep.equal(['busy']);
      expect(await queue.stats()).to.include({ length: 2, pending: 1, lag: 1 });
    } finally {
      await queue.destroy();
      await queue.close();
      raw.disconnect();
    }
  });
});

describe('RedisStreamQueue on its own server', () => {
  let server: RedisServerHandle;
  let queue: RedisStreamQueue;

  before(async () => {
    server = await startRedisServer({ appendonly: false });
    queue = await RedisStreamQueue.connect({ url: server.url, stream: 'connectors:t1' });
  });

  after(async () => {
    await queue.close();
    await server.stop();
  });

  describe('#publish()', () => {
    it('should send one MULTI of XADDs per call, never trimming', async () => {
      const raw = new Redis(server.url);
      try {
        await raw.config('RESETSTAT');
        await queue.publish(testEntries(0, 50));
        await queue.publish(testEntries(50, 30));
        const stats = (await raw.info('commandstats')) as string;
        const calls = (cmd: string): number =>
          Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
        expect(calls('exec')).to.equal(2);
        expect(calls('xadd')).to.equal(80);
        expect(calls('xtrim')).to.equal(0);
        expect(await raw.xlen('{connectors:t1}:records')).to.equal(80);
      } finally {
        raw.disconnect();
      }
    });
  });
});
