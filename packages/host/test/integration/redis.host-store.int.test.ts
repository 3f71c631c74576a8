import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { RedisHostStore } from '../../src/store/redis.host-store';
import { describeStoreContract } from '../helpers/store.contract';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describeStoreContract('RedisHostStore', async () => {
  const store = await RedisHostStore.connect({ url: REDIS_URL, prefix: `test-host-${randomUUID()}` });
  return {
    store,
    ttlMs: 300,
    elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
    cleanup: async () => {
      await store.destroy();
      await store.close();
    },
  };
});

describe('RedisHostStore', () => {
  describe('.connect', () => {
    it('should fail fast with the URL (password masked) when Redis cannot be reached', async () => {
      let err: unknown;
      await RedisHostStore.connect({ url: 'redis://:hunter22@127.0.0.1:1', prefix: 'x' }).catch(
        (e) => (err = e),
      );
      expect(err).to.have.property('code', 'REDIS_UNREACHABLE');
      expect((err as Error).message)
        .to.contain('redis://:***@127.0.0.1:1')
        .and.not.contain('hunter22');
    });
  });
});
