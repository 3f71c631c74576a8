import { expect } from 'chai';
import { existsSync } from 'node:fs';
import Redis from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../src';

describe('startRedisServer', () => {
  let server: RedisServerHandle | undefined;
  let client: Redis | undefined;

  afterEach(async () => {
    client?.disconnect();
    client = undefined;
    await server?.stop();
    server = undefined;
  });

  it('should start a server with AOF that keeps acknowledged writes across SIGKILL and restart', async () => {
    server = await startRedisServer({ appendonly: true, appendfsync: 'everysec' });
    expect(server.url).to.match(/^redis:\/\/127\.0\.0\.1:\d+$/);
    client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    await client.connect();
    expect(await client.config('GET', 'appendonly')).to.deep.equal(['appendonly', 'yes']);
    await client.set('k', 'v');
    const pid = server.pid;
    await server.kill('SIGKILL');
    expect(server.pid).to.equal(undefined);
    await server.restart();
    expect(server.pid).to.not.equal(pid);
    const again = new Redis(server.url);
    try {
      expect(await again.get('k')).to.equal('v');
    } finally {
      again.disconnect();
    }
  });

  it('should apply maxmemory with noeviction and remove its temp dir on stop', async () => {
    server = await startRedisServer({ appendonly: false, maxmemory: '8mb' });
    client = new Redis(server.url);
    expect(await client.config('GET', 'maxmemory-policy')).to.deep.equal(['maxmemory-policy', 'noeviction']);
    expect(await client.config('GET', 'maxmemory')).to.deep.equal(['maxmemory', String(8 * 1024 * 1024)]);
    client.disconnect();
    client = undefined;
    const dir = server.dir;
    await server.stop();
    server = undefined;
    expect(existsSync(dir)).to.equal(false);
  });

  it('should report a clear error when the binary is missing', async () => {
    const err = await startRedisServer({ binary: '/nonexistent/redis-server' }).catch((e: unknown) => e);
    expect(err).to.have.property('code', 'REDIS_START_FAILED');
  });
});
