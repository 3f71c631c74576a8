import { expect } from 'chai';
import { FakeClock } from '../../src';

describe(FakeClock.name, () => {
  describe('#sleep (manual mode)', () => {
    it('should resolve only when time is advanced past the deadline', async () => {
      const clock = new FakeClock({ now: 1000 });
      let woke = false;
      const sleeping = clock.sleep(500).then(() => (woke = true));
      await clock.advance(499);
      expect(woke).to.equal(false);
      expect(clock.pending).to.equal(1);
      await clock.advance(1);
      await sleeping;
      expect(woke).to.equal(true);
      expect(clock.now()).to.equal(1500);
    });

    it('should wake sleepers in deadline order, at their deadline', async () => {
      const clock = new FakeClock({ now: 0 });
      const order: Array<[string, number]> = [];
      const a = clock.sleep(300).then(() => order.push(['a', clock.now()]));
      const b = clock.sleep(100).then(() => order.push(['b', clock.now()]));
      await clock.advance(1000);
      await Promise.all([a, b]);
      expect(order).to.deep.equal([
        ['b', 100],
        ['a', 300],
      ]);
      expect(clock.now()).to.equal(1000);
    });

    it('should wake a retry loop that sleeps again within the same advance', async () => {
      const clock = new FakeClock({ now: 0 });
      const loop = (async () => {
        for (let i = 0; i < 3; i++) await clock.sleep(100);
        return clock.now();
      })();
      await clock.advance(1000);
      expect(await loop).to.equal(300);
    });

    it('should reject with the abort reason and forget the sleeper', async () => {
      const clock = new FakeClock();
      const controller = new AbortController();
      const sleeping = clock.sleep(100, controller.signal);
      controller.abort(new Error('stop'));
      await sleeping.then(
        () => expect.fail('resolved'),
        (err: Error) => expect(err.message).to.equal('stop'),
      );
      expect(clock.pending).to.equal(0);
    });
  });

  describe('#sleep (auto-advance mode)', () => {
    it('should resolve at once, move time by the duration and record it', async () => {
      const clock = new FakeClock({ now: 0, autoAdvance: true });
      await clock.sleep(250);
      await clock.sleep(750);
      expect(clock.now()).to.equal(1000);
      expect(clock.sleeps).to.deep.equal([250, 750]);
    });
  });
});
