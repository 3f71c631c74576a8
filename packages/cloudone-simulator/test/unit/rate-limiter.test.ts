import { expect } from 'chai';
import { SlidingWindowRateLimiter } from '../../src/faults/rate-limiter';

describe('SlidingWindowRateLimiter', () => {
  describe('#check()', () => {
    it('should allow the limit per key within the window and refuse the next call', () => {
      const limiter = new SlidingWindowRateLimiter({ perMinute: 3, windowMs: 60_000, retryAfter: 'none' });
      expect([0, 1, 2].map((t) => limiter.check('k', t).allowed)).to.deep.equal([true, true, true]);
      expect(limiter.check('k', 3)).to.deep.equal({ allowed: false, retryAfter: undefined });
      expect(limiter.check('other', 3).allowed).to.equal(true);
    });

    it('should not count refused calls and free a slot when the oldest call leaves the window', () => {
      const limiter = new SlidingWindowRateLimiter({ perMinute: 2, windowMs: 1000, retryAfter: 'window' });
      limiter.check('k', 0);
      limiter.check('k', 500);
      for (let t = 600; t < 1000; t += 50) expect(limiter.check('k', t).allowed).to.equal(false);
      expect(limiter.check('k', 1000).allowed).to.equal(true);
      expect(limiter.check('k', 1001)).to.deep.equal({ allowed: false, retryAfter: '0.499' });
    });

    it('should send whole seconds for a real window and a fixed value when configured', () => {
      const real = new SlidingWindowRateLimiter({ perMinute: 1, windowMs: 60_000, retryAfter: 'window' });
      real.check('k', 0);
      expect(real.check('k', 100)).to.deep.equal({ allowed: false, retryAfter: '60' });
      const fixed = new SlidingWindowRateLimiter({ perMinute: 1, windowMs: 60_000, retryAfter: 7 });
      fixed.check('k', 0);
      expect(fixed.check('k', 1)).to.deep.equal({ allowed: false, retryAfter: '7' });
    });

    it('should allow everything when the limit is 0', () => {
      const off = new SlidingWindowRateLimiter({ perMinute: 0, windowMs: 1000, retryAfter: 'none' });
      for (let i = 0; i < 1000; i++) expect(off.check('k', 0).allowed).to.equal(true);
    });
  });
});
