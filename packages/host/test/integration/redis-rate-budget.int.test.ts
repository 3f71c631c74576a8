import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { expect } from 'chai';
import { SystemClock } from '@connectors/framework/engine';
import sinon from 'sinon';
import { RedisRateBudget } from '../../src/budget/rate-budget';
import { FakeClock } from '../helpers/fake-clock';

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

    it('should answer a herd of waiters with one evaluation each, in turn', async () => {
      const clock = new FakeClock();
      const budget = new RedisRateBudget(redis, prefix, clock, { requestsPerMinute: 60, burst: 1 });
      const evals = sinon.spy(redis, 'eval');
      try {
        await budget.take('herd');
        const done: number[] = [];
        const herd = [1, 2, 3, 4].map((n) => budget.take('herd').then(() => done.push(n)));
        // Each waiter reserved its token: all four sleep (about 1, 2, 3 and 4 seconds), once each.
        for (let i = 0; i < 200 && clock.pendingSleepers < 4; i++)
          await new Promise((r) => setTimeout(r, 10));
        expect(clock.pendingSleepers).to.equal(4);
        expect(evals.callCount).to.equal(5);
        await clock.advance(4_500, 500);
        await Promise.all(herd);
        expect(done).to.deep.equal([1, 2, 3, 4]);
        expect(evals.callCount).to.equal(5);
      } finally {
        evals.restore();
      }
    });
  });
});
