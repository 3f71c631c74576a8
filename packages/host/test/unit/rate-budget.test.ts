import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { AxiosHttpClientFactory, Secret } from '@connectors/framework/engine';
import { BudgetedHttpClientFactory, budgetKey, MemoryRateBudget } from '../../src/budget/rate-budget';
import { SecretBox } from '../../src/crypto/secret-box';
import { createHash, randomBytes } from 'node:crypto';
import sinon from 'sinon';
import { FakeClock, settle } from '../helpers/fake-clock';

describe('MemoryRateBudget', () => {
  describe('#take', () => {
    it('should allow the burst, then one request per refill interval, shared by key', async () => {
      const clock = new FakeClock();
      const budget = new MemoryRateBudget(clock, { requestsPerMinute: 60, burst: 2 });
      await budget.take('cred-a');
      await budget.take('cred-a');
      let third = false;
      void budget.take('cred-a').then(() => (third = true));
      await settle();
      expect(third).to.equal(false);
      await budget.take('cred-b'); // another credential has its own budget
      await clock.advance(1_000, 1_000);
      expect(third).to.equal(true);
    });

    it('should serve a herd of waiters in turn, each sleeping once', async () => {
      const clock = new FakeClock();
      const budget = new MemoryRateBudget(clock, { requestsPerMinute: 60, burst: 1 });
      await budget.take('cred');
      const sleeps = sinon.spy(clock, 'sleep');
      const done: number[] = [];
      const herd = [1, 2, 3].map((n) => budget.take('cred').then(() => done.push(n)));
      await clock.advance(1_000, 1_000);
      expect(done).to.deep.equal([1]);
      await clock.advance(2_000, 1_000);
      await Promise.all(herd);
      expect(done).to.deep.equal([1, 2, 3]);
      expect(sleeps.callCount).to.equal(3);
    });

    it("should give an aborted waiter's token back to the next one", async () => {
      const clock = new FakeClock();
      const budget = new MemoryRateBudget(clock, { requestsPerMinute: 60, burst: 1 });
      await budget.take('cred');
      const abort = new AbortController();
      const first = budget.take('cred', abort.signal).catch(() => 'aborted');
      abort.abort();
      expect(await first).to.equal('aborted');
      let second = false;
      void budget.take('cred').then(() => (second = true));
      await clock.advance(1_000, 1_000);
      expect(second).to.equal(true);
    });
  });
});

describe('budgetKey', () => {
  const box = new SecretBox(randomBytes(32));
  const hmac = (text: string): string => box.keyedHash('rate-budget', text);

  it('should be equal for the same credential and differ otherwise, without revealing it', () => {
    const a = budgetKey(
      'trendmicro-cloudone',
      { apiUrl: 'https://x', apiKey: new Secret('k1-abcdef') },
      'c1',
      hmac,
    );
    const b = budgetKey(
      'trendmicro-cloudone',
      { apiUrl: 'https://y', apiKey: new Secret('k1-abcdef') },
      'c2',
      hmac,
    );
    const c = budgetKey('trendmicro-cloudone', { apiKey: new Secret('k2-abcdef') }, 'c1', hmac);
    expect(a).to.equal(b);
    expect(a).not.to.equal(c);
    expect(a).not.to.contain('k1-abcdef');
    expect(budgetKey('p', {}, 'c1', hmac)).not.to.equal(budgetKey('p', {}, 'c2', hmac));
  });

  it('should be a keyed hash: a guessed credential cannot be confirmed without the secret key', () => {
    const config = { apiKey: new Secret('k1-abcdef') };
    const name = budgetKey('trendmicro-cloudone', config, 'c1', hmac);
    const unkeyed = createHash('sha256')
      .update('trendmicro-cloudone\u0000k1-abcdef')
      .digest('hex')
      .slice(0, 24);
    expect(name).to.equal(`trendmicro-cloudone:${hmac('trendmicro-cloudone\u0000k1-abcdef').slice(0, 24)}`);
    expect(name).not.to.contain(unkeyed);
    const otherHost = new SecretBox(randomBytes(32));
    expect(
      budgetKey('trendmicro-cloudone', config, 'c1', (t) => otherHost.keyedHash('rate-budget', t)),
    ).not.to.equal(name);
  });
});

describe('BudgetedHttpClientFactory', () => {
  describe('#create', () => {
    it('should take a token from the shared budget before every request', async () => {
      const server = http.createServer((_req, res) => res.end('{}'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const taken: string[] = [];
      const factory = new BudgetedHttpClientFactory(
        new AxiosHttpClientFactory({ development: true }),
        { take: async (key) => void taken.push(key) },
        () => 'cred-1',
      );
      try {
        const client = factory.create({
          baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        });
        await client.get('/a');
        await client.get('/b');
        expect(taken).to.deep.equal(['cred-1', 'cred-1']);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  });
});
