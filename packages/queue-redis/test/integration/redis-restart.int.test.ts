import { expect } from 'chai';
import Redis from 'ioredis';
import type { QueueEntry, Sink, SinkWriteResult } from '@connectors/framework/engine';
import { IngestWorker } from '@connectors/ingest';
import { entryKey, testEntries } from '@connectors/queue-memory/dist/test/contract/entries';
import { RedisStreamQueue, startRedisServer, type RedisServerHandle } from '../../src';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(50);
  }
}

/** Rejects one record for good, and on the first write stops Redis before answering. */
class RejectingSink implements Sink {
  readonly name = 'rejecting';
  readonly stored = new Set<string>();
  onFirstWrite?: () => Promise<void>;

  constructor(private readonly poison: string) {}

  async write(batch: readonly QueueEntry[]): Promise<SinkWriteResult> {
    const hook = this.onFirstWrite;
    this.onFirstWrite = undefined;
    await hook?.();
    const failures: SinkWriteResult['failures'] = [];
    for (const [index, entry] of batch.entries()) {
      if (entryKey(entry) === this.poison) failures.push({ index, reason: 'rejected', retryable: false });
      else this.stored.add(entryKey(entry));
    }
    return { written: batch.length - failures.length, failures };
  }

  async close(): Promise<void> {}
}

describe('RedisStreamQueue across a Redis restart', function () {
  this.timeout(30_000);
  let server: RedisServerHandle;
  let queue: RedisStreamQueue;
  const workers: IngestWorker[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    server = await startRedisServer({ appendonly: true });
    queue = await RedisStreamQueue.connect({
      url: server.url,
      stream: 'restart',
      claimIdleMs: 500,
      claimIntervalMs: 100,
      reconnectCapMs: 100,
      blockTimeoutGraceMs: 300,
    });
  });

  afterEach(async () => {
    while (workers.length) await workers.pop()!.stop();
    while (closers.length) await closers.pop()!();
    await queue.close();
    await server.stop();
  });

  describe('#read()', () => {
    it('should fail a blocked read that gets no answer (a hung server) and read again once it answers', async () => {
      // Only the blocking connection is in play: no janitor or housekeeping on the command connection.
      const reader = await RedisStreamQueue.connect({
        url: server.url,
        stream: 'restart',
        claimIntervalMs: 600_000,
        housekeepingMs: 0,
        blockTimeoutGraceMs: 300,
      });
      closers.push(() => reader.close());
      await reader.read({ consumer: 'c1', count: 10, blockMs: 50 });
      process.kill(server.pid!, 'SIGSTOP');
      let resumed = false;
      try {
        const started = Date.now();
        const err = await Promise.race([
          reader.read({ consumer: 'c1', count: 10, blockMs: 100 }).catch((e: unknown) => e),
          sleep(5_000).then(() => 'still blocked'),
        ]);
        expect(err).to.have.property('code', 'QUEUE_UNAVAILABLE');
        expect(Date.now() - started).to.be.below(3_000);
        process.kill(server.pid!, 'SIGCONT');
        resumed = true;
        await queue.publish(testEntries(0, 3));
        let got = 0;
        await until(async () => {
          got += (await reader.read({ consumer: 'c1', count: 10, blockMs: 50 }).catch(() => [])).length;
          return got === 3;
        });
      } finally {
        if (!resumed) process.kill(server.pid!, 'SIGCONT');
      }
    });
  });

  describe('#housekeeping()', () => {
    it('should remove the consumers of crashed workers at the first read of a new process', async () => {
      await queue.publish(testEntries(0, 4));
      // Two workers that read, acknowledged (or had their entries reclaimed) and died.
      for (const consumer of ['crashed-1', 'crashed-2']) {
        const got = await queue.read({ consumer, count: 2, blockMs: 50 });
        await queue.ack(got.map((d) => d.deliveryId));
      }
      await sleep(300);
      const restarted = await RedisStreamQueue.connect({
        url: server.url,
        stream: 'restart',
        consumerTtlMs: 200,
      });
      closers.push(() => restarted.close());
      await restarted.read({ consumer: 'live', count: 10, blockMs: 50 });
      const raw = new Redis(server.url);
      try {
        const consumers = (await raw.xinfo('CONSUMERS', queue.keys.stream, queue.group)) as unknown[][];
        expect(consumers.map((c) => c[1])).to.deep.equal(['live']);
      } finally {
        raw.disconnect();
      }
    });
  });

  describe('IngestWorker#start()', () => {
    it('should keep running and dead-letter a rejected record once Redis is back', async () => {
      const entries = testEntries(0, 20);
      const sink = new RejectingSink(entryKey(entries[3]));
      const escaped: unknown[] = [];
      const onRejection = (err: unknown): number => escaped.push(err);
      process.on('unhandledRejection', onRejection);
      try {
        await queue.publish(entries);
        // Redis goes away between the sink's verdict and the dead-lettering, and comes back a moment later.
        sink.onFirstWrite = async () => {
          await server.kill('SIGTERM');
          setTimeout(() => void server.restart(), 500);
        };
        const worker = new IngestWorker({
          queue,
          sinks: [sink],
          consumer: 'w1',
          blockMs: 50,
          retryBaseMs: 20,
          retryCapMs: 200,
        });
        workers.push(worker);
        worker.start();
        await until(async () => (await queue.stats().catch(() => undefined))?.deadLetters === 1);
        await until(async () => (await queue.stats().catch(() => undefined))?.length === 0);
        expect(worker.figures).to.include({ running: true, deadLetters: 1, recordsWritten: 19 });
        expect((await queue.listDeadLetters())[0]).to.include({ reason: 'rejecting: rejected' });
        expect(escaped).to.deep.equal([]);
      } finally {
        process.off('unhandledRejection', onRejection);
      }
    });
  });
});
