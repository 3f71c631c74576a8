import { expect } from 'chai';
import type { HostStore } from '../../src/store/host-store';

export interface StoreHarness {
  store: HostStore;
  /** Lets `ms` of lease time pass (fake clock for SQLite, real time for Redis). */
  elapse(ms: number): Promise<void>;
  /** A lease TTL short enough for `elapse` to outlive. */
  ttlMs: number;
  cleanup(): Promise<void>;
}

/** The behaviour every HostStore must have; run against SQLite and against Redis. */
export function describeStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`${name} (store contract)`, () => {
    let h: StoreHarness;
    beforeEach(async () => (h = await open()));
    afterEach(async () => h.cleanup());

    describe('documents', () => {
      it('should put, get, list in key order and delete', async () => {
        await h.store.put('things', 'b', { n: 2 });
        await h.store.put('things', 'a', { n: 1 });
        expect(await h.store.get('things', 'a')).to.deep.equal({ n: 1 });
        expect((await h.store.list('things')).map((r) => r.key)).to.deep.equal(['a', 'b']);
        expect(await h.store.delete('things', 'a')).to.equal(true);
        expect(await h.store.delete('things', 'a')).to.equal(false);
        expect(await h.store.get('things', 'a')).to.equal(undefined);
      });

      it('should write once with putIfAbsent', async () => {
        expect(await h.store.putIfAbsent('names', 'acme/x', 'id-1')).to.equal(true);
        expect(await h.store.putIfAbsent('names', 'acme/x', 'id-2')).to.equal(false);
        expect(await h.store.get('names', 'acme/x')).to.equal('id-1');
      });

      it('should apply writeAll with deletes', async () => {
        await h.store.put('a', 'k', 1);
        await h.store.writeAll([
          { collection: 'a', key: 'k', value: undefined },
          { collection: 'b', key: 'k', value: { x: true } },
        ]);
        expect(await h.store.get('a', 'k')).to.equal(undefined);
        expect(await h.store.get('b', 'k')).to.deep.equal({ x: true });
      });

      it('should serialize concurrent updates of one document', async () => {
        await Promise.all(
          Array.from({ length: 20 }, () => h.store.update<number>('counters', 'c', (n) => (n ?? 0) + 1)),
        );
        expect(await h.store.get('counters', 'c')).to.equal(20);
      });
    });

    describe('leases', () => {
      it('should give a lease to one owner at a time with increasing fencing tokens', async () => {
        const a = await h.store.acquireLease('run:1', 'host-a', h.ttlMs);
        expect(a).to.include({ owner: 'host-a' });
        expect(await h.store.acquireLease('run:1', 'host-b', h.ttlMs)).to.equal(undefined);
        expect(await h.store.getLease('run:1')).to.include({ owner: 'host-a', token: a!.token });
        expect(await h.store.releaseLease(a!)).to.equal(true);
        const b = await h.store.acquireLease('run:1', 'host-b', h.ttlMs);
        expect(b!.token).to.be.greaterThan(a!.token);
      });

      it('should let another owner take an expired lease and fence the old holder out', async () => {
        const a = (await h.store.acquireLease('run:2', 'host-a', h.ttlMs))!;
        await h.elapse(h.ttlMs + 50);
        const b = (await h.store.acquireLease('run:2', 'host-b', h.ttlMs))!;
        expect(b).to.include({ owner: 'host-b' });
        expect(await h.store.extendLease(a, h.ttlMs)).to.equal(false);
        expect(
          await h.store.writeIfLeaseHeld(a, [{ collection: 'schedule', key: 'c', value: 'stale' }]),
        ).to.equal(false);
        expect(await h.store.releaseLease(a)).to.equal(false);
        expect(
          await h.store.writeIfLeaseHeld(b, [{ collection: 'schedule', key: 'c', value: 'fresh' }], true),
        ).to.equal(true);
        expect(await h.store.get('schedule', 'c')).to.equal('fresh');
        expect(await h.store.getLease('run:2')).to.equal(undefined);
      });

      it('should keep a lease alive while it is extended', async () => {
        const a = (await h.store.acquireLease('run:3', 'host-a', h.ttlMs))!;
        await h.elapse(Math.floor(h.ttlMs / 2));
        expect(await h.store.extendLease(a, h.ttlMs)).to.equal(true);
        await h.elapse(Math.floor(h.ttlMs / 2) + 20);
        expect(await h.store.acquireLease('run:3', 'host-b', h.ttlMs)).to.equal(undefined);
      });
    });
  });
}
