// The queue contract suite: every Queue implementation runs it (the in-process queue here, the Redis
// Streams queue in @connectors/queue-redis). Import it from
// `@connectors/queue-memory/dist/test/contract/queue.contract` and call `describeQueueContract`.
import { expect } from 'chai';
import type { Delivery, Queue } from '@connectors/framework/engine';
import { entryKey, testEntries } from './entries';

export interface ContractQueueOptions {
  maxEntries: number;
  maxBytes: number;
  maxDeliveries: number;
  claimIdleMs: number;
}

export interface ContractQueueHandle {
  queue: Queue;
  /**
   * Opens a second handle on the same backlog, as a restarted process would (a new connection for
   * Redis). Absent when the queue cannot outlive its instance (the in-process queue).
   */
  reopen?(): Promise<Queue>;
  /** Closes everything the factory opened and removes its data. */
  destroy(): Promise<void>;
}

export type ContractQueueFactory = (options: ContractQueueOptions) => Promise<ContractQueueHandle>;

const DEFAULTS: ContractQueueOptions = {
  maxEntries: 1_000,
  maxBytes: 16 * 1024 * 1024,
  maxDeliveries: 3,
  claimIdleMs: 150,
};

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function keys(deliveries: Delivery[]): string[] {
  return deliveries.map((d) => entryKey(d.entry));
}

/** Reads until `want` deliveries arrived (or a read comes back empty). */
async function readAll(queue: Queue, consumer: string, want: number, blockMs = 100): Promise<Delivery[]> {
  const out: Delivery[] = [];
  while (out.length < want) {
    const got = await queue.read({ consumer, count: want - out.length, blockMs });
    if (got.length === 0) break;
    out.push(...got);
  }
  return out;
}

export function describeQueueContract(name: string, factory: ContractQueueFactory): void {
  describe(`${name} (queue contract)`, () => {
    const handles: ContractQueueHandle[] = [];
    const open = async (options: Partial<ContractQueueOptions> = {}): Promise<ContractQueueHandle> => {
      const handle = await factory({ ...DEFAULTS, ...options });
      handles.push(handle);
      return handle;
    };

    afterEach(async () => {
      while (handles.length) await handles.pop()!.destroy();
    });

    describe('#publish() and #read()', () => {
      it('should deliver published entries in order, once each, with a delivery count of 1', async () => {
        const { queue } = await open();
        await queue.publish(testEntries(0, 25));
        const got = await readAll(queue, 'w1', 25);
        expect(keys(got)).to.deep.equal(testEntries(0, 25).map(entryKey));
        expect(got.every((d) => d.deliveries === 1)).to.equal(true);
        expect(await queue.read({ consumer: 'w1', count: 10, blockMs: 20 })).to.deep.equal([]);
      });

      it('should return the entry content unchanged', async () => {
        const { queue } = await open();
        const [entry] = testEntries(7, 1, { withAsset: true, snapshotId: 'snap-1' });
        await queue.publish([entry]);
        const [d] = await queue.read({ consumer: 'w1', count: 1, blockMs: 100 });
        expect(d.entry).to.deep.equal(entry);
      });

      it('should wake a blocked reader when entries are published', async () => {
        const { queue } = await open();
        const reading = queue.read({ consumer: 'w1', count: 5, blockMs: 5_000 });
        await sleep(30);
        await queue.publish(testEntries(0, 3));
        expect(keys(await reading)).to.deep.equal(testEntries(0, 3).map(entryKey));
      });

      it('should give each entry to one consumer of the group', async () => {
        const { queue } = await open();
        await queue.publish(testEntries(0, 40));
        const a = await queue.read({ consumer: 'a', count: 15, blockMs: 50 });
        const b = await queue.read({ consumer: 'b', count: 100, blockMs: 50 });
        expect(a).to.have.length(15);
        expect(b).to.have.length(25);
        expect(new Set([...keys(a), ...keys(b)]).size).to.equal(40);
      });
    });

    describe('#ack()', () => {
      it('should delete acknowledged entries and keep the others', async () => {
        const { queue } = await open();
        await queue.publish(testEntries(0, 10));
        const got = await readAll(queue, 'w1', 10);
        await queue.ack(got.slice(0, 6).map((d) => d.deliveryId));
        const stats = await queue.stats();
        expect(stats).to.include({ length: 4, pending: 4, lag: 0 });
      });

      it('should be harmless to acknowledge twice or an unknown id', async () => {
        const { queue } = await open();
        await queue.publish(testEntries(0, 2));
        const got = await readAll(queue, 'w1', 2);
        await queue.ack([got[0].deliveryId]);
        await queue.ack([got[0].deliveryId]);
        await queue.ack(['999999999-0']);
        expect(await queue.stats()).to.include({ length: 1, pending: 1 });
      });
    });

    describe('at-least-once redelivery', () => {
      it('should redeliver an entry left unacknowledged past the idle timeout to another consumer', async () => {
        const { queue } = await open({ claimIdleMs: 100 });
        await queue.publish(testEntries(0, 3));
        const first = await readAll(queue, 'dead-worker', 3);
        expect(first).to.have.length(3);
        await sleep(150);
        const again = await readAll(queue, 'live-worker', 3, 300);
        expect(keys(again).sort()).to.deep.equal(keys(first).sort());
        expect(again.every((d) => d.deliveries === 2)).to.equal(true);
        await queue.ack(again.map((d) => d.deliveryId));
        expect(await queue.stats()).to.include({ length: 0, pending: 0, lag: 0 });
      });

      it('should not hand a recently delivered entry to another consumer', async () => {
        const { queue } = await open({ claimIdleMs: 10_000 });
        await queue.publish(testEntries(0, 2));
        await readAll(queue, 'a', 2);
        expect(await queue.read({ consumer: 'b', count: 10, blockMs: 50 })).to.deep.equal([]);
      });

      it('should redeliver released entries at once', async () => {
        const { queue } = await open({ claimIdleMs: 60_000 });
        expect(queue.release, 'release is implemented').to.be.a('function');
        await queue.publish(testEntries(0, 4));
        const got = await readAll(queue, 'a', 4);
        await queue.release!(got.slice(2).map((d) => d.deliveryId));
        const again = await readAll(queue, 'b', 2);
        expect(keys(again)).to.deep.equal(keys(got.slice(2)));
        expect(again.every((d) => d.deliveries >= 2)).to.equal(true);
      });

      it('should not reclaim entries their consumer keeps touching', async () => {
        // Touched every 40 ms against a 400 ms timeout: a wide margin for a busy machine.
        const { queue } = await open({ claimIdleMs: 400 });
        expect(queue.touch, 'touch is implemented').to.be.a('function');
        await queue.publish(testEntries(0, 2));
        const got = await readAll(queue, 'slow', 2);
        for (let i = 0; i < 12; i++) {
          await sleep(40);
          await queue.touch!(
            'slow',
            got.map((d) => d.deliveryId),
          );
        }
        expect(await queue.read({ consumer: 'other', count: 10, blockMs: 20 })).to.deep.equal([]);
        await sleep(450);
        const reclaimed = await readAll(queue, 'other', 2, 200);
        expect(reclaimed.map((d) => d.deliveries)).to.deep.equal([2, 2]);
      });

      it('should dead-letter an entry delivered more than maxDeliveries times', async () => {
        const { queue } = await open({ claimIdleMs: 40, maxDeliveries: 2 });
        await queue.publish(testEntries(0, 1));
        expect(await readAll(queue, 'a', 1)).to.have.length(1);
        await sleep(60);
        expect(await readAll(queue, 'b', 1, 200)).to.have.length(1);
        await sleep(60);
        // The third delivery would exceed the limit: the entry goes to the dead letters instead.
        expect(await queue.read({ consumer: 'c', count: 1, blockMs: 100 })).to.deep.equal([]);
        const stats = await queue.stats();
        expect(stats).to.include({ length: 0, pending: 0, deadLetters: 1 });
      });
    });

    describe('#deadLetter()', () => {
      it('should move the entry aside with its reason and remove it from the backlog', async () => {
        const { queue } = await open();
        await queue.publish(testEntries(0, 3));
        const got = await readAll(queue, 'w1', 3);
        await queue.deadLetter(got[1], 'poison: record has no id');
        await queue.deadLetter(got[1], 'a second consumer holding it');
        await queue.ack([got[0].deliveryId, got[2].deliveryId]);
        expect(await queue.stats()).to.include({ length: 0, pending: 0, deadLetters: 1 });
      });
    });

    describe('back-pressure', () => {
      it('should make publish wait while the backlog is at maxEntries, and lose nothing', async () => {
        const { queue } = await open({ maxEntries: 10 });
        await queue.publish(testEntries(0, 10));
        let done = false;
        const publishing = queue.publish(testEntries(10, 5)).then(() => (done = true));
        await sleep(80);
        expect(done, 'publish waits at the bound').to.equal(false);
        expect((await queue.stats()).length).to.equal(10);
        const got = await readAll(queue, 'w1', 10);
        await queue.ack(got.map((d) => d.deliveryId));
        await publishing;
        const rest = await readAll(queue, 'w1', 5);
        expect(keys(rest)).to.deep.equal(testEntries(10, 5).map(entryKey));
      });

      it('should make publish wait while the backlog is at maxBytes', async () => {
        const { queue } = await open({ maxEntries: 1_000, maxBytes: 4_000 });
        await queue.publish(testEntries(0, 3, { bytes: 1_000 }));
        let done = false;
        const publishing = queue.publish(testEntries(3, 2, { bytes: 1_000 })).then(() => (done = true));
        await sleep(80);
        expect(done).to.equal(false);
        const got = await readAll(queue, 'w1', 3);
        await queue.ack(got.map((d) => d.deliveryId));
        await publishing;
        expect((await queue.stats()).length).to.equal(2);
      });

      it('should accept a batch larger than the bound into an empty backlog', async () => {
        const { queue } = await open({ maxEntries: 5 });
        await queue.publish(testEntries(0, 8));
        expect((await queue.stats()).length).to.equal(8);
      });

      it('should stop waiting when the publish is aborted, without publishing', async () => {
        const { queue } = await open({ maxEntries: 2 });
        await queue.publish(testEntries(0, 2));
        const abort = new AbortController();
        const publishing = queue.publish(testEntries(2, 2), { signal: abort.signal });
        setTimeout(() => abort.abort(), 30);
        let error: unknown;
        await publishing.catch((e: unknown) => (error = e));
        expect(error).to.be.instanceOf(Error);
        expect((await queue.stats()).length).to.equal(2);
      });
    });

    describe('#stats()', () => {
      it('should report length, lag, pending, oldest pending idle time and bytes', async () => {
        const { queue } = await open();
        await queue.publish(testEntries(0, 10, { bytes: 500 }));
        await readAll(queue, 'w1', 4);
        await sleep(40);
        const stats = await queue.stats();
        expect(stats).to.include({ length: 10, lag: 6, pending: 4, deadLetters: 0 });
        expect(stats.oldestPendingIdleMs).to.be.at.least(30);
        expect(stats.bytes).to.be.within(10 * 450, 10 * 700);
      });
    });

    describe('restart', () => {
      it("should resume a restarted consumer's own pending entries first", async function () {
        const handle = await open({ claimIdleMs: 60_000 });
        if (!handle.reopen) {
          // The in-process queue cannot outlive its instance; the same consumer name still resumes
          // entries it abandoned once it reads again after release.
          await handle.queue.publish(testEntries(0, 3));
          const got = await readAll(handle.queue, 'w1', 3);
          await handle.queue.release!(got.map((d) => d.deliveryId));
          expect(keys(await readAll(handle.queue, 'w1', 3))).to.deep.equal(keys(got));
          return;
        }
        await handle.queue.publish(testEntries(0, 6));
        const got = await readAll(handle.queue, 'w1', 4);
        const restarted = await handle.reopen();
        try {
          const resumed = await restarted.read({ consumer: 'w1', count: 10, blockMs: 50 });
          expect(keys(resumed)).to.deep.equal(keys(got));
          expect(resumed.every((d) => d.deliveries === 2)).to.equal(true);
          const fresh = await readAll(restarted, 'w1', 2);
          expect(keys(fresh)).to.deep.equal(testEntries(4, 2).map(entryKey));
        } finally {
          await restarted.close();
        }
      });
    });
  });
}
