import {
  AuthenticationError,
  parseRetryAfter,
  PermissionError,
  RateLimitError,
  VendorApiError,
  withRetry,
  wrapHttpError,
  type Clock,
  type HttpClientFactory,
} from '@connectors/framework';
import type { EdrErrorBody, EdrHost, EdrHostsPage } from './internal-types';
import type { ExampleEdrConfig } from './types';

type Http = ReturnType<HttpClientFactory['create']>;

export interface ExampleEdrClientDeps {
  http: HttpClientFactory;
  clock: Clock;
}

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  params?: Record<string, unknown>;
  data?: unknown;
  signal?: AbortSignal;
  /** Statuses that are answers, not errors (409 "already isolated", 404 "not on the block list"). */
  accept?: number[];
}

export interface Answer<T> {
  status: number;
  body: T;
}

/** The vendor's error as a typed framework error with a hint; 429 and 5xx are marked retryable. */
export function vendorError(status: number, body: unknown, retryAfter: unknown, what: string): Error {
  const vendorMessage = (body as EdrErrorBody | undefined)?.message;
  const details = { status, vendorMessage };
  if (status === 401) {
    return new AuthenticationError(
      `${what}: the API key was refused (HTTP 401)`,
      'Check apiKey: create a new key in the EDR console.',
      details,
    );
  }
  if (status === 403) {
    return new PermissionError(
      `${what}: the API key lacks permission (HTTP 403)`,
      "Give the key's role read access to hosts and, for Respond, the isolation and block-list permissions.",
      details,
    );
  }
  if (status === 429)
    return new RateLimitError(`${what}: rate limited (HTTP 429)`, parseRetryAfter(retryAfter), details);
  return new VendorApiError(`${what}: HTTP ${status}${vendorMessage ? ` (${vendorMessage})` : ''}`, {
    ...details,
    retryable: status >= 500,
  });
}

/**
 * The one seam to the EDR API: every call retries 429, 5xx and network faults with backoff (honouring
 * Retry-After) and turns other statuses into typed errors. Response actions are idempotent on the
 * vendor side (409 / 404 are accepted answers), so retrying them is safe.
 */
export class ExampleEdrClient {
  static fromConfig(config: ExampleEdrConfig, deps: ExampleEdrClientDeps): ExampleEdrClient {
    const http = deps.http.create({
      baseURL: config.baseUrl,
      timeoutMs: 30_000,
      headers: { 'x-api-key': config.apiKey.reveal(), accept: 'application/json' },
    });
    return new ExampleEdrClient(http, deps.clock, config.pageSize);
  }

  private constructor(
    private readonly http: Http,
    private readonly clock: Clock,
    private readonly pageSize: number,
  ) {}

  /** One raw request for test(): the HTTP status is returned, network faults are thrown. */
  async probe(signal?: AbortSignal): Promise<Answer<unknown>> {
    const res = await this.http.get('/api/v1/hosts', { params: { limit: 1 }, signal }).catch((err) => {
      throw wrapHttpError(err, 'GET /api/v1/hosts');
    });
    return { status: res.status, body: res.data };
  }

  async listHosts(cursor: string, signal?: AbortSignal): Promise<EdrHostsPage> {
    const params = { limit: this.pageSize, ...(cursor ? { cursor } : {}) };
    return (await this.call<EdrHostsPage>({ method: 'GET', path: '/api/v1/hosts', params, signal })).body;
  }

  async findHosts(hostname: string, signal?: AbortSignal): Promise<EdrHost[]> {
    const params = { hostname, limit: 2 };
    return (await this.call<EdrHostsPage>({ method: 'GET', path: '/api/v1/hosts', params, signal })).body
      .data;
  }

  isolate(hostId: string, signal?: AbortSignal): Promise<Answer<unknown>> {
    return this.call({
      method: 'POST',
      path: `/api/v1/hosts/${encodeURIComponent(hostId)}/isolation`,
      signal,
      accept: [409],
    });
  }

  release(hostId: string, signal?: AbortSignal): Promise<Answer<unknown>> {
    return this.call({
      method: 'DELETE',
      path: `/api/v1/hosts/${encodeURIComponent(hostId)}/isolation`,
      signal,
      accept: [409],
    });
  }

  blockIp(ip: string, signal?: AbortSignal): Promise<Answer<unknown>> {
    return this.call({
      method: 'POST',
      path: '/api/v1/blocklist',
      data: { type: 'ip', value: ip },
      signal,
      accept: [409],
    });
  }

  unblockIp(ip: string, signal?: AbortSignal): Promise<Answer<unknown>> {
    return this.call({
      method: 'DELETE',
      path: `/api/v1/blocklist/ip/${encodeURIComponent(ip)}`,
      signal,
      accept: [404],
    });
  }

  private call<T>(c: Call): Promise<Answer<T>> {
    const what = `${c.method} ${c.path}`;
    return withRetry(
      async () => {
        const res = await this.http
          .request({ method: c.method, url: c.path, params: c.params, data: c.data, signal: c.signal })
          .catch((err) => {
            throw wrapHttpError(err, what);
          });
        if ((res.status >= 200 && res.status < 300) || c.accept?.includes(res.status))
          return { status: res.status, body: res.data as T };
        throw vendorError(res.status, res.data, res.headers['retry-after'], what);
      },
      {
        clock: this.clock,
        signal: c.signal,
        retries: 5,
        isRetryable: (err) =>
          err instanceof RateLimitError || (err instanceof VendorApiError && err.retryable),
        retryAfterMs: (err) => (err instanceof RateLimitError ? err.retryAfterMs : undefined),
      },
    );
  }
}
