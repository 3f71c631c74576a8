import { expect } from 'chai';
import sinon from 'sinon';
import type { QueueEntry, Sink, SinkWriteResult } from '@connectors/framework/engine';
import { MemoryQueue } from '@connectors/queue-memory';
import { entryKey, testEntries } from '@connectors/queue-memory/dist/test/contract/entries';
import { IngestWorker } from '../../src';

/** A sink that stores entries by key and can be told to fail. */
class FakeSink implements Sink {
  readonly stored = new Map<string, number>();
  writes = 0;
  down = false;
  /** Keys rejected for good / for now. */
  readonly poison = new Set<string>();
  readonly flaky = new Map<string, number>();
  delayMs = 0;

  constructor(readonly name = 'fake') {}

  async write(batch: readonly QueueEntry[]): Promise<SinkWriteResult> {
    this.writes++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.down) throw new Error('sink unavailable');
    const failures: SinkWriteResult['failures'] = [];
    for (const [index, entry] of batch.entries()) {
      const key = entryKey(entry);
      const flaky = this.flaky.get(key) ?? 0;
      if (this.poison.has(key)) failures.push({ index, reason: `cannot store ${key}`, retryable: false });
      else if (flaky > 0) {
        this.flaky.set(key, flaky - 1);
        failures.push({ index, reason: `busy on ${key}`, retryable: true });
      } else this.stored.set(key, (this.stored.get(key) ?? 0) + 1);
    }
    return { written: batch.length - failures.length, failures };
  }

  async close(): Promise<void> {}
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('IngestWorker', () => {
  const sandbox = sinon.createSandbox();
  let queue: MemoryQueue;
  const workers: IngestWorker[] = [];

  function worker(
    sinks: Sink[],
    extra: Partial<ConstructorParameters<typeof IngestWorker>[0]> = {},
  ): IngestWorker {
    const w = new IngestWorker({
      queue,
      sinks,
      consumer: `w${workers.length}`,
      blockMs: 20,
      retryBaseMs: 5,
      retryCapMs: 20,
      ...extra,
    });
    workers.push(w);
    return w;
  }

  beforeEach(() => {
    queue = new MemoryQueue({ claimIdleMs: 200, maxEntries: 10_000 });
  });

  afterEach(async () => {
    while (workers.length) await workers.pop()!.stop();
    await queue.close();
    sandbox.restore();
  });

  describe('#constructor()', () => {
    it('should refuse to run without a sink', () => {
      expect(() => new IngestWorker({ queue, sinks: [], consumer: 'w' })).to.throw(/at least one sink/);
    });
  });

  describe('#start()', () => {
    it('should write every entry to every sink once and acknowledge it', async () => {
      const a = new FakeSink('a');
      const b = new FakeSink('b');
      const w = worker([a, b], { batchSize: 100 });
      w.start();
      await queue.publish(testEntries(0, 1_000));
      await w.drainUntilEmpty({ pollMs: 10 });
      expect(a.stored.size).to.equal(1_000);
      expect([...b.stored.values()].every((n) => n === 1)).to.equal(true);
      expect(w.figures).to.include({ running: true, recordsWritten: 1_000, failures: 0, deadLetters: 0 });
      expect(w.figures.batches).to.be.at.least(10);
    });
  });

  describe('per-record failures', () => {
    it('should dead-letter a poison record with its reason and acknowledge the rest', async () => {
      const sink = new FakeSink('lake');
      sink.poison.add('rec-3');
      const w = worker([sink]);
      w.start();
      await queue.publish(testEntries(0, 10));
      await w.drainUntilEmpty({ pollMs: 10 });
      expect(sink.stored.size).to.equal(9);
      expect(queue.deadLetters().map((d) => [entryKey(d.entry), d.reason])).to.deep.equal([
        ['rec-3', 'lake: cannot store rec-3'],
      ]);
      expect(w.figures).to.include({ deadLetters: 1, recordsWritten: 9 });
    });

    it('should retry a record that fails for now, and not rewrite it to the sinks that took it', async () => {
      const a = new FakeSink('a');
      const b = new FakeSink('b');
      b.flaky.set('rec-1', 2);
      const w = worker([a, b]);
      w.start();
      await queue.publish(testEntries(0, 3));
      await w.drainUntilEmpty({ pollMs: 10 });
      expect(a.stored.get('rec-1')).to.equal(1);
      expect(b.stored.get('rec-1')).to.equal(1);
      expect(w.figures).to.include({ deadLetters: 0, recordsWritten: 3, failures: 2 });
    });

    it('should dead-letter a record still failing after maxDeliveries attempts', async () => {
      const sink = new FakeSink();
      sink.flaky.set('rec-0', 100);
      const w = worker([sink], { maxDeliveries: 3 });
      w.start();
      await queue.publish(testEntries(0, 2));
      await w.drainUntilEmpty({ pollMs: 10 });
      expect(queue.deadLetters()[0].reason).to.equal('fake: busy on rec-0 (still failing after 3 attempts)');
      expect(sink.stored.has('rec-1')).to.equal(true);
    });
  });

  describe('sink outage', () => {
    it('should hold the batch until the sink is back and lose nothing, with no dead letters', async () => {
      queue = new MemoryQueue({ claimIdleMs: 300, maxDeliveries: 2 });
      const sink = new FakeSink();
      sink.down = true;
      const w1 = worker([sink], { batchSize: 50, heartbeatMs: 20 });
      const w2 = worker([sink], { batchSize: 50, heartbeatMs: 20 });
      w1.start();
      w2.start();
      await queue.publish(testEntries(0, 100));
      // Longer than the claim timeout: the heartbeat keeps each batch with its worker.
      await sleep(500);
      expect(sink.stored.size).to.equal(0);
      sink.down = false;
      await w1.drainUntilEmpty({ pollMs: 10 });
      expect(sink.stored.size).to.equal(100);
      expect((await queue.stats()).deadLetters).to.equal(0);
      expect(w1.figures.retries + w2.figures.retries).to.be.greaterThan(2);
    });
  });

  describe('heartbeat', () => {
    it('should keep a batch held through retries from being reclaimed by a busy worker', async () => {
      queue = new MemoryQueue({ claimIdleMs: 600, maxDeliveries: 2 });
      const redelivered: string[] = [];
      const read = queue.read.bind(queue);
      queue.read = async (options) => {
        const got = await read(options);
        redelivered.push(...got.filter((d) => d.deliveries > 1).map((d) => entryKey(d.entry)));
        return got;
      };
      const sink = new FakeSink();
      // Only the batch holding rec-0 fails (one partition of the store is down); others flow.
      const write = sink.write.bind(sink);
      let partitionDown = true;
      sink.write = async (batch) => {
        if (partitionDown && batch.some((e) => entryKey(e) === 'rec-0')) throw new Error('partition down');
        return write(batch);
      };
      const w1 = worker([sink], { batchSize: 10, heartbeatMs: 50 });
      w1.start();
      await queue.publish(testEntries(0, 10));
      await sleep(30);
      const w2 = worker([sink], { batchSize: 10, heartbeatMs: 50 });
      w2.start();
      // Longer than the claim timeout: without the heartbeat, w2's janitor would take w1's batch.
      for (let i = 1; i <= 10; i++) {
        await queue.publish(testEntries(i * 10, 10));
        await sleep(100);
      }
      partitionDown = false;
      await w2.drainUntilEmpty({ pollMs: 10 });
      expect(queue.deadLetters()).to.deep.equal([]);
      expect(sink.stored.size).to.equal(110);
      expect(redelivered, 'entries delivered a second time').to.deep.equal([]);
    });
  });

  describe('#stop()', () => {
    it('should release a batch waiting for a retry so another worker takes it at once', async () => {
      queue = new MemoryQueue({ claimIdleMs: 60_000 });
      const down = new FakeSink();
      down.down = true;
      const w1 = worker([down]);
      w1.start();
      await queue.publish(testEntries(0, 5));
      await sleep(50);
      await w1.stop();
      expect(w1.figures).to.include({ running: false, released: 5 });
      const up = new FakeSink();
      const w2 = worker([up]);
      w2.start();
      await w2.drainUntilEmpty({ pollMs: 10 });
      expect(up.stored.size).to.equal(5);
    });

    it('should let a sink write in progress finish and acknowledge it', async () => {
      const sink = new FakeSink();
      sink.delayMs = 80;
      const w = worker([sink]);
      w.start();
      await queue.publish(testEntries(0, 5));
      await sleep(30);
      await w.stop();
      expect(sink.stored.size).to.equal(5);
      expect(await queue.stats()).to.include({ length: 0, pending: 0 });
    });
  });

  describe('prefetch', () => {
    it('should release the batch read ahead when stopping, leaving nothing pending', async () => {
      const sink = new FakeSink();
      sink.delayMs = 80;
      const w = worker([sink], { batchSize: 5 });
      await queue.publish(testEntries(0, 20));
      w.start();
      await sleep(30);
      await w.stop();
      expect(sink.stored.size).to.equal(5);
      expect(w.figures.released).to.equal(5);
      expect(await queue.stats()).to.include({ length: 15, pending: 0 });
    });
  });

  describe('#drainUntilEmpty()', () => {
    it('should give up after the timeout with the queue figures', async () => {
      const w = worker([new FakeSink()]);
      await queue.publish(testEntries(0, 3));
      const err = await w.drainUntilEmpty({ pollMs: 5, timeoutMs: 30 }).catch((e: unknown) => e);
      expect(err).to.have.property('code', 'INGEST_DRAIN_TIMEOUT');
      expect(err).to.have.nested.property('details.length', 3);
    });
  });

  describe('#pollOnce()', () => {
    it('should process one batch and report its size', async () => {
      const sink = new FakeSink();
      const w = worker([sink], { batchSize: 4 });
      await queue.publish(testEntries(0, 6));
      expect(await w.pollOnce()).to.equal(4);
      expect(sink.stored.size).to.equal(4);
    });
  });
});
