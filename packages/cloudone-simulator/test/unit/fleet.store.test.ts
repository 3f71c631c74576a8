import { expect } from 'chai';
import { FleetStore } from '../../src/generator/fleet.store';

describe('FleetStore', () => {
  describe('#idsAfter()', () => {
    it('should list N strictly increasing IDs with gaps, lazily from any point', () => {
      const fleet = new FleetStore(1000, 7);
      const ids = [...fleet.idsAfter(0)];
      expect(ids).to.have.length(1000);
      for (let i = 1; i < ids.length; i++) expect(ids[i]).to.be.greaterThan(ids[i - 1]);
      expect(ids[ids.length - 1]).to.be.greaterThan(1000); // gaps exist
      const from = ids[499];
      expect([...fleet.idsAfter(from)]).to.deep.equal(ids.slice(500));
      expect([...fleet.idsAfter(from - 0.5)][0]).to.equal(from);
    });

    it('should serve a million-computer fleet from any offset without building it', () => {
      const fleet = new FleetStore(1_000_000, 1);
      const it = fleet.idsAfter(1_500_000);
      const first = it.next().value as number;
      expect(first).to.be.within(1_500_001, 1_500_003);
      expect(fleet.has(first)).to.equal(true);
      expect(fleet.maxId).to.be.within(1_999_999, 2_000_000);
    });

    it('should yield nothing for an empty fleet', () => {
      const fleet = new FleetStore(0, 1);
      expect([...fleet.idsAfter(0)]).to.deep.equal([]);
      expect([...fleet.idsUnordered()]).to.deep.equal([]);
      expect(fleet.size).to.equal(0);
    });
  });

  describe('#idsUnordered()', () => {
    it('should be a permutation of the live IDs that is not in ID order', () => {
      const fleet = new FleetStore(500, 3);
      const unordered = [...fleet.idsUnordered()];
      const sorted = [...fleet.idsAfter(0)];
      expect(unordered).to.not.deep.equal(sorted);
      expect([...unordered].sort((a, b) => a - b)).to.deep.equal(sorted);
    });
  });

  describe('#add() and #delete()', () => {
    it('should add computers after the largest ID and drop deleted ones from every listing', () => {
      const fleet = new FleetStore(10, 1);
      const before = fleet.maxId;
      const added = fleet.add(3);
      expect(added[0]).to.be.greaterThan(before);
      expect(fleet.size).to.equal(13);
      const victim = [...fleet.idsAfter(0)][2];
      expect(fleet.delete([victim, added[1], 999_999])).to.equal(2);
      expect(fleet.size).to.equal(11);
      expect(fleet.has(victim)).to.equal(false);
      const live = [...fleet.idsAfter(0)];
      expect(live).to.not.include(victim);
      expect(live).to.not.include(added[1]);
      expect(live).to.include(added[2]);
      expect([...fleet.idsUnordered()]).to.have.length(11);
    });
  });
});
