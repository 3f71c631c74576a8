import Redis from 'ioredis';
import { HostSetupError } from '../errors';
import type { DocWrite, HostStore, Lease, LeaseInfo } from './host-store';

// Leases: SET NX PX with a per-name fence counter, in one script so a token is only spent on success.
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local t = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. t, 'PX', ARGV[2])
return t`;
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
// KEYS[1] lease, KEYS[2..] hashes; ARGV[1] expected holder, ARGV[2] release flag, then (field, value|'') pairs
// in the same order as the hashes; an empty-string marker deletes the field.
const WRITE_IF_HELD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #KEYS do
  local field = ARGV[(i - 2) * 3 + 3]
  local op = ARGV[(i - 2) * 3 + 4]
  local value = ARGV[(i - 2) * 3 + 5]
  if op == 'del' then redis.call('HDEL', KEYS[i], field) else redis.call('HSET', KEYS[i], field, value) end
end
if ARGV[2] == '1' then redis.call('DEL', KEYS[1]) end
return 1`;

export interface RedisHostStoreOptions {
  url: string;
  /** Connection errors after the first connect (Redis restarting…); ioredis reconnects meanwhile. */
  onError?(err: Error): void;
  /** Key prefix; every key is `{prefix}:…` so the registry lives in one Redis Cluster slot. */
  prefix?: string;
}

/**
 * The shared store: one Redis hash per collection (`{prefix}:doc:<collection>`), leases as plain keys
 * with a TTL and a fence counter. Lease time is the Redis server's, so hosts need no synchronized clocks.
 */
export class RedisHostStore implements HostStore {
  readonly kind = 'redis' as const;
  private readonly tag: string;
  private updateChain: Promise<unknown> = Promise.resolve();
  private txClient?: Redis;

  private constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.tag = `{${prefix}}`;
  }

  static async connect(options: RedisHostStoreOptions): Promise<RedisHostStore> {
    const redis = createRedisClient(options.url, options.onError);
    try {
      await redis.connect();
    } catch (err) {
      redis.disconnect();
      throw new HostSetupError(
        'REDIS_UNREACHABLE',
        `cannot connect to Redis at ${safeRedisUrl(options.url)}: ${(err as Error).message}`,
        'Check --redis-url (or REDIS_URL) and that the Redis server is running.',
      );
    }
    return new RedisHostStore(redis, options.prefix ?? 'connectors');
  }

  key(...parts: string[]): string {
    return [this.tag, ...parts].join(':');
  }

  async get<T>(collection: string, key: string): Promise<T | undefined> {
    const raw = await this.redis.hget(this.key('doc', collection), key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async list<T>(collection: string): Promise<Array<{ key: string; value: T }>> {
    const all = await this.redis.hgetall(this.key('doc', collection));
    return Object.keys(all)
      .sort()
      .map((k) => ({ key: k, value: JSON.parse(all[k]) as T }));
  }

  async put(collection: string, key: string, value: unknown): Promise<void> {
    await this.redis.hset(this.key('doc', collection), key, JSON.stringify(value));
  }

  async putIfAbsent(collection: string, key: string, value: unknown): Promise<boolean> {
    return (await this.redis.hsetnx(this.key('doc', collection), key, JSON.stringify(value))) === 1;
  }

  async delete(collection: string, key: string): Promise<boolean> {
    return (await this.redis.hdel(this.key('doc', collection), key)) === 1;
  }

  async writeAll(writes: readonly DocWrite[]): Promise<void> {
    const multi = this.redis.multi();
    for (const w of writes) {
      if (w.value === undefined) multi.hdel(this.key('doc', w.collection), w.key);
      else multi.hset(this.key('doc', w.collection), w.key, JSON.stringify(w.value));
    }
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  /** WATCH/MULTI on a dedicated connection, serialized in this process, retried on conflict. */
  async update<T>(
    collection: string,
    key: string,
    fn: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined> {
    const run = async (): Promise<T | undefined> => {
      if (!this.txClient) {
        this.txClient = this.redis.duplicate();
        this.txClient.on('error', () => undefined); // the main client reports connection errors
      }
      const c = this.txClient;
      const hash = this.key('doc', collection);
      for (let attempt = 0; attempt < 50; attempt++) {
        await c.watch(hash);
        const raw = await c.hget(hash, key);
        const next = fn(raw === null ? undefined : (JSON.parse(raw) as T));
        const multi = c.multi();
        if (next === undefined) multi.hdel(hash, key);
        else multi.hset(hash, key, JSON.stringify(next));
        const res = await multi.exec();
        if (res !== null) return next;
      }
      throw new Error(`could not update ${collection}/${key}: too much contention`);
    };
    const result = this.updateChain.then(run, run);
    this.updateChain = result.catch(() => undefined);
    return result;
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    const token = (await this.redis.eval(
      ACQUIRE,
      2,
      this.key('lease', name),
      this.key('fence', name),
      owner,
      String(ttlMs),
    )) as number | null;
    return token === null ? undefined : { name, owner, token: Number(token) };
  }

  async extendLease(lease: Lease, ttlMs: number): Promise<boolean> {
    return (
      (await this.redis.eval(EXTEND, 1, this.key('lease', lease.name), holder(lease), String(ttlMs))) === 1
    );
  }

  async releaseLease(lease: Lease): Promise<boolean> {
    return (await this.redis.eval(RELEASE, 1, this.key('lease', lease.name), holder(lease))) === 1;
  }

  async getLease(name: string): Promise<LeaseInfo | undefined> {
    const k = this.key('lease', name);
    const [[, value], [, ttl]] = (await this.redis.multi().get(k).pttl(k).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    if (!value || ttl <= 0) return undefined;
    const sep = value.lastIndexOf('|');
    return { name, owner: value.slice(0, sep), token: Number(value.slice(sep + 1)), ttlMs: ttl };
  }

  async writeIfLeaseHeld(lease: Lease, writes: readonly DocWrite[], releaseAfter = false): Promise<boolean> {
    const keys = [this.key('lease', lease.name), ...writes.map((w) => this.key('doc', w.collection))];
    const args: string[] = [holder(lease), releaseAfter ? '1' : '0'];
    for (const w of writes)
      args.push(
        w.key,
        w.value === undefined ? 'del' : 'set',
        w.value === undefined ? '' : JSON.stringify(w.value),
      );
    return (await this.redis.eval(WRITE_IF_HELD, keys.length, ...keys, ...args)) === 1;
  }

  /** Deletes every key under this store's prefix, the host's queue stream included (tests). */
  async destroy(): Promise<void> {
    let cursor = '0';
    do {
      // `{prefix}:…` (registry) and `{prefix:queue}:…` (the queue stream).
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${this.tag.slice(0, -1)}[}:]*`,
        'COUNT',
        500,
      );
      cursor = next;
      if (keys.length) await this.redis.del(...keys);
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.redis.quit(), this.txClient?.quit()]);
  }
}

function holder(lease: Lease): string {
  return `${lease.owner}|${lease.token}`;
}

/** The longest any store command may take before it fails (and is retried by its caller). */
const COMMAND_TIMEOUT_MS = 5_000;

/**
 * An ioredis client that fails fast on the first connect (a wrong URL is reported, not retried
 * forever) and reconnects with a capped backoff once it was connected.
 */
export function createRedisClient(url: string, onError?: (err: Error) => void): Redis {
  let connected = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
    // A command never waits forever (a half-open connection, a hung server): lease renewal depends on it.
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => (connected ? Math.min(times * 100, 500) : null),
  });
  redis.once('ready', () => (connected = true));
  redis.on('error', (err: Error) => {
    if (connected) onError?.(err);
  });
  return redis;
}

/** The URL without its password, for messages. */
function safeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
