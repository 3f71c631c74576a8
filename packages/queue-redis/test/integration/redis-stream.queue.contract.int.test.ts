import { randomUUID } from 'node:crypto';
import { describeQueueContract } from '@connectors/queue-memory/dist/test/contract/queue.contract';
import { RedisStreamQueue } from '../../src';

// The shared Redis of the test machine (no persistence) is enough for the contract: every test gets
// its own stream and deletes it afterwards.
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describeQueueContract('RedisStreamQueue', async (options) => {
  const stream = `test:contract:${randomUUID()}`;
  const open = (): Promise<RedisStreamQueue> =>
    RedisStreamQueue.connect({ url, stream, ...options, claimIntervalMs: 20, backpressurePollMs: 20 });
  const queue = await open();
  const extra: RedisStreamQueue[] = [];
  return {
    queue,
    reopen: async () => {
      const q = await open();
      extra.push(q);
      return q;
    },
    destroy: async () => {
      await queue.destroy();
      await Promise.all([queue, ...extra].map((q) => q.close()));
    },
  };
});
