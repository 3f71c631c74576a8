import type Redis from 'ioredis';
import {
  isSecret,
  type Clock,
  type HttpClientFactory,
  type HttpClientOptions,
} from '@connectors/framework/engine';

type HttpClient = ReturnType<HttpClientFactory['create']>;

/** A request budget shared by everyone who takes from the same key. */
export interface RateBudget {
  /** Resolves when one request may be sent under `key`; waits (abortably) while the budget is spent. */
  take(key: string, signal?: AbortSignal): Promise<void>;
}

export interface BucketOptions {
  /** Tokens added per minute. */
  requestsPerMinute: number;
  /** Bucket size. */
  burst: number;
}

export const DEFAULT_BUCKET: BucketOptions = { requestsPerMinute: 450, burst: 50 };

/** In-process token bucket: embedded mode, where every connector runs in this process. */
export class MemoryRateBudget implements RateBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly options: BucketOptions = DEFAULT_BUCKET,
  ) {
    this.perMs = options.requestsPerMinute / 60_000;
  }

  async take(key: string, signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const b = this.buckets.get(key) ?? { tokens: this.options.burst, at: now };
    b.tokens = Math.min(this.options.burst, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    this.buckets.set(key, b);
    // A waiter reserves its token (the bucket goes into debt) and sleeps once until it exists, so a
    // herd of waiters is served in turn, one evaluation each; an abort gives the token back.
    b.tokens -= 1;
    if (b.tokens >= 0) return;
    try {
      await this.clock.sleep(Math.ceil(-b.tokens / this.perMs), signal);
    } catch (err) {
      b.tokens += 1;
      throw err;
    }
  }
}

// Token bucket in one script with the server's clock, so every host agrees on time. A caller always
// takes its token, going into debt when there is none, and is told how long until it exists.
const TAKE = `
local cap = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or cap
local at = tonumber(state[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - at) * perMs)
tokens = tokens - 1
local wait = 0
if tokens < 0 then wait = math.ceil(-tokens / perMs) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((cap - tokens) / perMs) + 60000)
return wait`;

/** The distributed budget: one Redis token bucket per credential, shared by every host. */
export class RedisRateBudget implements RateBudget {
  private readonly perMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly clock: Clock,
    private readonly options: BucketOptions = DEFAULT_BUCKET,
  ) {
    this.perMs = options.requestsPerMinute / 60_000;
  }

  async take(key: string, signal?: AbortSignal): Promise<void> {
    const bucket = `${this.keyPrefix}:budget:${key}`;
    const wait = Number(
      await this.redis.eval(TAKE, 1, bucket, String(this.options.burst), String(this.perMs)),
    );
    if (wait <= 0) return;
    try {
      await this.clock.sleep(wait, signal);
    } catch (err) {
      // The reserved token goes back (best effort: a lost refund only slows this credential briefly).
      await this.redis.hincrbyfloat(bucket, 'tokens', 1).catch(() => undefined);
      throw err;
    }
  }
}

/** A keyed hash (HMAC under the host's secret key), hex: nobody without that key can recompute it. */
export type KeyedHash = (text: string) => string;

/**
 * The budget key of a connector: its plugin plus a keyed hash of its secret values, so connectors that
 * share a vendor credential share a budget, and a key name listed from Redis cannot confirm a guessed
 * credential offline.
 */
export function budgetKey(
  plugin: string,
  config: Record<string, unknown>,
  fallback: string,
  hash: KeyedHash,
): string {
  const secrets: string[] = [];
  const walk = (v: unknown): void => {
    if (isSecret(v)) secrets.push(v.reveal());
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(config);
  const material = secrets.length ? secrets.sort().join('\u0000') : `instance:${fallback}`;
  return `${plugin}:${hash(`${plugin}\u0000${material}`).slice(0, 24)}`;
}

/** An HTTP client factory whose clients take a token from the budget before every request. */
export class BudgetedHttpClientFactory implements HttpClientFactory {
  constructor(
    private readonly inner: HttpClientFactory,
    private readonly budget: RateBudget,
    /** Read at request time: the credential is only known once the config is resolved. */
    private readonly key: () => string,
  ) {}

  get development(): boolean {
    return this.inner.development;
  }

  create(options: HttpClientOptions): HttpClient {
    const client = this.inner.create(options);
    client.interceptors.request.use(async (config) => {
      await this.budget.take(this.key(), (config.signal as AbortSignal | undefined) ?? undefined);
      return config;
    });
    return client;
  }
}
