import { expect } from 'chai';
import sinon from 'sinon';
import { jsonOf, type QueueEntry } from '@connectors/framework/engine';
import { MemoryQueue } from '../../src';
import { describeQueueContract } from '../contract/queue.contract';
import { testEntries } from '../contract/entries';

describeQueueContract('MemoryQueue', async (options) => {
  const queue = new MemoryQueue(options);
  return { queue, destroy: () => queue.close() };
});

describe('MemoryQueue', () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  describe('#constructor()', () => {
    it('should refuse a non-positive bound', () => {
      expect(() => new MemoryQueue({ maxEntries: 0 })).to.throw(/maxEntries must be a positive number/);
    });
  });

  describe('#read()', () => {
    it("should resume a consumer's abandoned entries on its first read from this instance", async () => {
      let now = 1_000;
      const queue = new MemoryQueue({ claimIdleMs: 60_000, now: () => now });
      await queue.publish(testEntries(0, 3));
      // Simulate a worker that read and died: the entries are pending for "w1" on a fresh consumer set.
      const first = await queue.read({ consumer: 'w1', count: 3, blockMs: 0 });
      (queue as unknown as { consumers: Set<string> }).consumers.clear();
      now += 10;
      const resumed = await queue.read({ consumer: 'w1', count: 3, blockMs: 0 });
      expect(resumed.map((d) => d.deliveryId)).to.deep.equal(first.map((d) => d.deliveryId));
      expect(resumed.map((d) => d.deliveries)).to.deep.equal([2, 2, 2]);
    });

    it('should hold a record as its JSON text, so a change after publish changes nothing', async () => {
      const queue = new MemoryQueue({ claimIdleMs: 10 });
      const [entry] = testEntries(0, 1);
      await queue.publish([entry]);
      const original = JSON.parse(JSON.stringify((entry as { record: object }).record)) as object;
      (entry as { record: { id: string; extra?: string } }).record.extra = 'changed-after-publish';
      const [d] = await queue.read({ consumer: 'a', count: 1, blockMs: 0 });
      expect(d.entry).to.not.equal(entry);
      expect({ ...(d.entry as { record: object }).record }).to.deep.equal(original);
    });

    it('should serialize an asset once and keep its JSON for the sinks', async () => {
      const queue = new MemoryQueue({ claimIdleMs: 10 });
      const asset = { id: 'a-0', tenant_id: 't1', identity: { hostname: 'h0' } };
      await queue.publish([{ ...testEntries(0, 1)[0], asset } as unknown as QueueEntry]);
      const [d] = await queue.read({ consumer: 'a', count: 1, blockMs: 0 });
      expect((d.entry as { asset: object }).asset).to.equal(asset);
      const stringify = sinon.spy(JSON, 'stringify');
      try {
        expect(jsonOf(asset)).to.equal('{"id":"a-0","tenant_id":"t1","identity":{"hostname":"h0"}}');
        expect(stringify.called, 'the asset was serialized again').to.equal(false);
      } finally {
        stringify.restore();
      }
    });

    it('should count the bytes of the entry JSON against maxBytes', async () => {
      const queue = new MemoryQueue();
      const entries = testEntries(0, 2, { bytes: 1_000 });
      await queue.publish(entries);
      const expected = entries.reduce(
        (sum, e) => sum + Buffer.byteLength(JSON.stringify((e as { record: object }).record)),
        0,
      );
      expect((await queue.stats()).bytes).to.equal(expected);
    });
  });

  describe('#deadLetter()', () => {
    it('should keep the entry, the reason and the delivery count', async () => {
      const queue = new MemoryQueue();
      await queue.publish(testEntries(0, 1));
      const [d] = await queue.read({ consumer: 'a', count: 1, blockMs: 0 });
      await queue.deadLetter(d, 'lake: record has no id');
      expect(queue.deadLetters()).to.have.length(1);
      expect(queue.deadLetters()[0]).to.include({ reason: 'lake: record has no id', deliveries: 1 });
      expect(queue.deadLetters()[0].entry).to.deep.equal(testEntries(0, 1)[0]);
    });
  });

  describe('#close()', () => {
    it('should reject a publish waiting for space and a blocked read', async () => {
      const queue = new MemoryQueue({ maxEntries: 1 });
      await queue.publish(testEntries(0, 1));
      const publishing = queue.publish(testEntries(1, 1));
      const reading = new MemoryQueue().read({ consumer: 'a', count: 1, blockMs: 10 });
      await queue.close();
      const err = await publishing.catch((e: unknown) => e);
      expect(err).to.have.property('code', 'QUEUE_CLOSED');
      expect(await reading).to.deep.equal([]);
      const readErr = await queue.read({ consumer: 'a', count: 1, blockMs: 0 }).catch((e: unknown) => e);
      expect(readErr).to.have.property('code', 'QUEUE_CLOSED');
    });
  });
});
