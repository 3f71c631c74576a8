// Fault tests: real redis-server processes (AOF, everysec) on free loopback ports, real ingest worker
// processes, a real SQLite lake, about 10,000 records each. After every fault: each record id is in the
// lake exactly once, nothing is left pending, and the backlog and the producer's memory stay bounded.
import { expect } from 'chai';
import Redis from 'ioredis';
import type { QueueEntry, Sink, SinkWriteResult } from '@connectors/framework/engine';
import { IngestWorker } from '@connectors/ingest';
import { Lake, LakeSink } from '@connectors/lake';
import { testEntry } from '@connectors/queue-memory/dist/test/contract/entries';
import { startRedisServer, type RedisServerHandle, type RedisStreamQueue } from '../../src';
import {
  BacklogSampler,
  connectQueue,
  expectExactlyOnce,
  forkWorker,
  Producer,
  removeDir,
  sleep,
  tempDir,
  uniqueStream,
  waitDrained,
  waitFor,
} from '../fixtures/fault.harness';

const RECORDS = 10_000;

/** A sink in front of the lake that can be switched off. */
class SwitchableSink implements Sink {
  readonly name = 'lake';
  down = false;
  failedWrites = 0;
  constructor(private readonly inner: LakeSink) {}
  async write(batch: readonly QueueEntry[]): Promise<SinkWriteResult> {
    if (this.down) {
      this.failedWrites++;
      throw new Error('the lake is unavailable');
    }
    return this.inner.write(batch);
  }
  async close(): Promise<void> {}
}

describe('RedisStreamQueue fault tests', function () {
  this.timeout(60_000);

  let server: RedisServerHandle;
  let dataDir: string;
  let stream: string;
  let lake: Lake;
  let lakeSink: LakeSink;
  const queues: RedisStreamQueue[] = [];
  const workers: IngestWorker[] = [];

  async function queue(options: Parameters<typeof connectQueue>[2] = {}): Promise<RedisStreamQueue> {
    const q = await connectQueue(server.url, stream, options);
    queues.push(q);
    return q;
  }

  function worker(q: RedisStreamQueue, sinks: Sink[], consumer: string): IngestWorker {
    const w = new IngestWorker({
      queue: q,
      sinks,
      consumer,
      batchSize: 200,
      blockMs: 200,
      retryBaseMs: 20,
      retryCapMs: 200,
    });
    workers.push(w);
    w.start();
    return w;
  }

  beforeEach(async () => {
    server = await startRedisServer({ appendonly: true, appendfsync: 'everysec' });
    dataDir = tempDir('fault-lake-');
    stream = uniqueStream();
    lakeSink = new LakeSink(dataDir);
    lake = lakeSink.lake;
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await lakeSink.close();
    await server.stop();
    removeDir(dataDir);
  });

  it('1. should redeliver a batch whose consumer was SIGKILLed after the sink committed and before XACK', async () => {
    const q = await queue({ maxEntries: 20_000 });
    await new Producer(q, RECORDS).done;
    const doomed = await forkWorker({
      url: server.url,
      stream,
      dataDir,
      consumer: 'c1',
      hang: { batch: 3, at: 'after-commit' },
    });
    const { ids } = await doomed.next('hang');
    await doomed.kill('SIGKILL');
    // The scenario really happened: the batch is in the lake and still pending in Redis.
    expect(lake.count({ where: [{ path: 'id', value: ids[0] }] })).to.equal(1);
    // Its batch, and the one it had read ahead, are still pending.
    expect((await q.stats()).pending).to.be.at.least(ids.length);
    // The same consumer restarts and re-reads its own pending entries first.
    const restarted = await forkWorker({ url: server.url, stream, dataDir, consumer: 'c1' });
    await waitDrained(q);
    expect(await restarted.kill('SIGTERM')).to.equal(0);
    await expectExactlyOnce(lake, q, RECORDS);
    expect((await q.stats()).deadLetters).to.equal(0);
  });

  it('2. should reclaim a batch whose consumer was SIGKILLed before the sink wrote', async () => {
    const q = await queue({ maxEntries: 20_000 });
    await new Producer(q, RECORDS).done;
    const doomed = await forkWorker({
      url: server.url,
      stream,
      dataDir,
      consumer: 'c1',
      hang: { batch: 2, at: 'before-write' },
    });
    const { ids } = await doomed.next('hang');
    await doomed.kill('SIGKILL');
    expect(lake.count({ where: [{ path: 'id', value: ids[0] }] })).to.equal(0);
    // Another consumer's janitor takes the dead consumer's entries once they are idle.
    const other = await forkWorker({ url: server.url, stream, dataDir, consumer: 'c2' });
    await waitDrained(q);
    expect(await other.kill('SIGTERM')).to.equal(0);
    await expectExactlyOnce(lake, q, RECORDS);
    const groups = (await q.stats()).deadLetters;
    expect(groups).to.equal(0);
  });

  it('3. should lose nothing acknowledged to the producer when Redis is SIGKILLed and restarted (AOF everysec)', async () => {
    const producerQueue = await queue({ maxEntries: 3_000 });
    const consumerQueue = await queue();
    worker(consumerQueue, [lakeSink], 'w1');
    const producer = new Producer(producerQueue, RECORDS, 100);
    await waitFor(() => producer.acknowledged >= 3_000, '3,000 records published');
    await server.kill('SIGKILL');
    await sleep(300);
    await server.restart();
    await producer.done;
    await waitDrained(consumerQueue);
    expect(producer.acknowledgedIds).to.have.length(RECORDS);
    expect(producerQueue.figures.publishRetries, 'the kill interrupted publishing').to.be.greaterThan(0);
    await expectExactlyOnce(lake, consumerQueue, RECORDS);
  });

  it('4. should pause publishing while Redis is down for 10 s, without growing memory, and flow after', async function () {
    this.timeout(90_000);
    const producerQueue = await queue({ maxEntries: 2_000 });
    const consumerQueue = await queue();
    worker(consumerQueue, [lakeSink], 'w1');
    const producer = new Producer(producerQueue, RECORDS, 100);
    await waitFor(() => producer.acknowledged >= 2_000, '2,000 records published');
    await server.kill('SIGTERM');
    const before = {
      acknowledged: producer.acknowledged,
      generated: producer.generated,
      heap: process.memoryUsage().heapUsed,
    };
    await sleep(10_000);
    const during = {
      acknowledged: producer.acknowledged,
      generated: producer.generated,
      heap: process.memoryUsage().heapUsed,
    };
    expect(during.acknowledged, 'publishing paused').to.equal(before.acknowledged);
    expect(
      during.generated - before.generated,
      'records the producer made while Redis was down',
    ).to.be.at.most(100);
    expect(during.heap - before.heap, 'heap growth while down').to.be.below(64 * 1024 * 1024);
    expect(producerQueue.figures.maxInFlightEntries, 'entries held by the producer').to.be.at.most(100);
    await server.restart();
    await producer.done;
    await waitDrained(consumerQueue);
    await expectExactlyOnce(lake, consumerQueue, RECORDS);
  });

  it('5. should turn OOM replies at maxmemory (noeviction) into back-pressure, not dropped records', async () => {
    await server.stop();
    server = await startRedisServer({ appendonly: true, appendfsync: 'everysec', maxmemory: '6mb' });
    const producerQueue = await queue({ maxEntries: 1_000_000, maxBytes: 1024 ** 3 });
    const consumerQueue = await queue();
    const producer = new Producer(producerQueue, RECORDS, 200, { bytes: 1_000 });
    // Ingestion starts only once Redis refused a write for lack of memory.
    await waitFor(
      () => producerQueue.figures.oomWaits > 0 || producer.acknowledged === RECORDS,
      'an OOM reply',
    );
    expect(producerQueue.figures.oomWaits, 'Redis answered OOM').to.be.greaterThan(0);
    expect(producer.acknowledged).to.be.below(RECORDS);
    worker(consumerQueue, [lakeSink], 'w1');
    await producer.done;
    await waitDrained(consumerQueue);
    expect(producer.failed).to.equal(undefined);
    await expectExactlyOnce(lake, consumerQueue, RECORDS);
  });

  it('6. should hold publishing at the bound while the sink fails for 20 s, then drain everything', async function () {
    this.timeout(90_000);
    const producerQueue = await queue({ maxEntries: 2_000 });
    // A short claim timeout and few deliveries: only the heartbeat keeps the held batches from being
    // reclaimed into the dead letters while the sink is down.
    const consumerQueue = await queue({ claimIdleMs: 300, maxDeliveries: 3 });
    const sink = new SwitchableSink(lakeSink);
    sink.down = true;
    worker(consumerQueue, [sink], 'w1');
    worker(consumerQueue, [sink], 'w2');
    const sampler = new BacklogSampler(producerQueue);
    const producer = new Producer(producerQueue, RECORDS, 100);
    await sleep(20_000);
    expect(producer.acknowledged, 'publishing waits at the bound').to.be.within(1_900, 2_000);
    expect(producerQueue.figures.backpressureWaits).to.be.greaterThan(0);
    sink.down = false;
    await producer.done;
    await waitDrained(consumerQueue);
    const { maxLength } = sampler.stop();
    expect(maxLength, 'backlog never above its bound').to.be.within(1_900, 2_000);
    expect(sink.failedWrites).to.be.greaterThan(10);
    expect((await consumerQueue.stats()).deadLetters).to.equal(0);
    await expectExactlyOnce(lake, consumerQueue, RECORDS);
  });

  it('7. should dead-letter a poison record with its reason and acknowledge the rest', async () => {
    const q = await queue({ maxEntries: 20_000 });
    const poisonAt = 4_321;
    await new Producer(q, RECORDS, 200, {}, (i) => {
      const e = testEntry(i);
      if (i === poisonAt && e.kind === 'record') e.record.timestamp = 'not a time' as unknown as number;
      return e;
    }).done;
    worker(q, [lakeSink], 'w1');
    await waitDrained(q);
    const dead = await q.listDeadLetters();
    expect(dead.map((d) => [d.reason, (d.entry as { record: { id: string } }).record.id])).to.deep.equal([
      [`lake: record rec-${poisonAt} has no numeric timestamp`, `rec-${poisonAt}`],
    ]);
    expect(lake.count()).to.equal(RECORDS - 1);
    expect(await q.stats()).to.include({ length: 0, pending: 0, deadLetters: 1 });
  });

  it('8. should not change the lake when the same records are replayed', async () => {
    const q = await queue({ maxEntries: 20_000 });
    worker(q, [lakeSink], 'w1');
    await new Producer(q, RECORDS, 250, { withAsset: true }).done;
    await waitDrained(q);
    const first = lake.stats();
    await new Producer(q, RECORDS, 250, { withAsset: true }).done;
    await waitDrained(q);
    expect(lake.stats()).to.deep.equal(first);
    expect(first).to.include({ records: RECORDS, assets: RECORDS, assetChanges: RECORDS });
    await expectExactlyOnce(lake, q, RECORDS);
  });

  it('9. should finish or release the batch in flight on SIGTERM, losing nothing', async () => {
    const q = await queue({ maxEntries: 20_000 });
    await new Producer(q, RECORDS).done;
    // A slow sink: SIGTERM arrives while batch 3 is being written; the worker finishes and acknowledges it.
    const slow = await forkWorker({
      url: server.url,
      stream,
      dataDir,
      consumer: 'slow',
      slowMs: 300,
      notifyBatch: 3,
    });
    const writing = await slow.next('writing');
    expect(await slow.kill('SIGTERM'), 'clean exit').to.equal(0);
    expect(lake.count({ where: [{ path: 'id', value: writing.ids[writing.ids.length - 1] }] })).to.equal(1);
    // Whatever it still held (the batch it had read ahead) was released: claimable at once.
    const held = (await q.stats()).pending;
    const raw = new Redis(server.url);
    const released = async (): Promise<number> =>
      (
        (await raw.call(
          'XPENDING',
          q.keys.stream,
          q.group,
          'IDLE',
          '3600000',
          '-',
          '+',
          '10000',
        )) as unknown[]
      ).length;
    expect(await released(), 'pending entries left claimable').to.equal(held);
    // A worker whose sink is down holds its batch; on SIGTERM it releases it for the others at once.
    const stuck = await forkWorker({
      url: server.url,
      stream,
      dataDir,
      consumer: 'stuck',
      sinkDown: true,
      claimIdleMs: 60_000,
    });
    const heldBy = async (consumer: string): Promise<number> => {
      const summary = (await raw.xpending(q.keys.stream, q.group)) as [
        number,
        string,
        string,
        Array<[string, string]> | null,
      ];
      return Number((summary[3] ?? []).find(([name]) => name === consumer)?.[1] ?? 0);
    };
    await waitFor(async () => (await heldBy('stuck')) > 0, 'a batch in flight');
    expect(await stuck.kill('SIGTERM')).to.equal(0);
    const stopped = stuck.messages.find((m) => m.type === 'stopped');
    expect(stopped && stopped.type === 'stopped' ? stopped.figures.released : 0).to.be.at.least(200);
    expect(await released(), 'the stuck batch was released').to.be.at.least(200);
    raw.disconnect();
    worker(await queue({ claimIdleMs: 60_000 }), [lakeSink], 'after');
    await waitDrained(q);
    await expectExactlyOnce(lake, q, RECORDS);
  });

  it('10. should never delete an unacknowledged entry when trimming acknowledged ones', async () => {
    const q = await queue({ maxEntries: 3_000 });
    // This consumer acknowledges half of its batches without deleting them (as a foreign client
    // might), so the trimmer has acknowledged entries interleaved with pending and unread ones.
    const raw = new Redis(server.url);
    const leaky = await queue();
    let leaked = 0;
    const ack = leaky.ack.bind(leaky);
    leaky.ack = async (ids) => {
      if (leaked++ % 2 === 0) {
        await raw.xack(leaky.keys.stream, leaky.group, ...ids);
        return;
      }
      await ack(ids);
    };
    worker(leaky, [lakeSink], 'leaky');
    worker(await queue(), [lakeSink], 'w2');
    let trimmed = 0;
    let trimming = true;
    const trimmer = (async () => {
      while (trimming) {
        trimmed += await q.trimAcknowledged();
        await sleep(10);
      }
    })();
    // A consumer dies holding a batch: its entries are delivered, unacknowledged and idle while the
    // trimmer runs, and must still be there for the janitor to hand to another consumer.
    const doomed = await forkWorker({
      url: server.url,
      stream,
      dataDir,
      consumer: 'doomed',
      hang: { batch: 1, at: 'before-write' },
    });
    const sampler = new BacklogSampler(q);
    const producer = new Producer(q, RECORDS, 100);
    const { ids } = await doomed.next('hang');
    await doomed.kill('SIGKILL');
    await producer.done;
    await waitFor(
      async () => (await q.stats()).pending === 0 && lake.count() >= RECORDS,
      'everything ingested',
    );
    expect(lake.count({ where: [{ path: 'id', value: ids[0] }] }), "the dead consumer's batch").to.equal(1);
    await waitFor(async () => (await q.stats()).length === 0, 'acknowledged entries trimmed');
    trimming = false;
    await trimmer;
    raw.disconnect();
    expect(trimmed, 'entries the trimmer deleted').to.be.greaterThan(0);
    expect(sampler.stop().maxLength).to.be.at.most(3_000);
    expect(producer.maxHeld).to.be.at.most(100);
    await expectExactlyOnce(lake, q, RECORDS);
  });
});
