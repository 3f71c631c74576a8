import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { expect } from 'chai';
import { SystemClock } from '@connectors/framework/engine';
import { RedisRateBudget } from '../../src/budget/rate-budget';

describe('RedisRateBudget', () => {
  let redis: Redis;
  const prefix = `{test-budget-${randomUUID()}}`;
  before(() => (redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')));
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  describe('#take', () => {
    it('should share one bucket between two hosts using the same credential', async () => {
      // Two budgets on two connections stand for two host processes.
      const other = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      try {
        const a = new RedisRateBudget(redis, prefix, new SystemClock(), { requestsPerMinute: 600, burst: 3 });
        const b = new RedisRateBudget(other, prefix, new SystemClock(), { requestsPerMinute: 600, burst: 3 });
        await Promise.all([a.take('cred'), b.take('cred'), a.take('cred')]);
        const state = await redis.hgetall(`${prefix}:budget:cred`);
        expect(Number(state.tokens)).to.be.below(1);
        // The fourth request has to wait for a refill (10 per second here), whichever host asks.
        const waited = await b.take('cred').then(() => true);
        expect(waited).to.equal(true);
        const after = await redis.hgetall(`${prefix}:budget:cred`);
        expect(Number(after.tokens)).to.be.below(1);
      } finally {
        await other.quit();
      }
    });
  });
});
