import axios, { AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import {
  AxiosHttpClientFactory,
  safeUrl,
  type HttpClientFactory,
  type HttpClientOptions,
} from '@connectors/framework/engine';
import type { RecordedHttpRequest } from './types';

/**
 * Wraps an `HttpClientFactory` and records every request its clients start and how each ended:
 * how the conformance suite proves "no HTTP before subscription", "one page while demand waits"
 * and "unsubscribe cancels the request in flight", whatever API the plugin talks to.
 */
export class RecordingHttpClientFactory implements HttpClientFactory {
  readonly requests: RecordedHttpRequest[] = [];
  /** Base URLs of the clients created, in order. */
  readonly baseUrls: string[] = [];
  private readonly listeners = new Set<(request: RecordedHttpRequest) => void>();
  private readonly byConfig = new WeakMap<object, RecordedHttpRequest>();

  constructor(
    private readonly inner: HttpClientFactory = new AxiosHttpClientFactory({ development: true }),
  ) {}

  get development(): boolean {
    return this.inner.development;
  }

  create(options: HttpClientOptions): AxiosInstance {
    const client = this.inner.create(options);
    this.baseUrls.push(options.baseURL);
    client.interceptors.request.use((config: InternalAxiosRequestConfig) => {
      const request: RecordedHttpRequest = {
        seq: this.requests.length + 1,
        method: (config.method ?? 'get').toUpperCase(),
        url: safeUrl(config.baseURL, config.url) ?? '',
        outcome: 'pending',
      };
      this.requests.push(request);
      this.byConfig.set(config, request);
      for (const listener of [...this.listeners]) listener(request);
      return config;
    });
    client.interceptors.response.use(
      (response) => {
        const request = this.byConfig.get(response.config);
        if (request) Object.assign(request, { outcome: 'response', status: response.status });
        return response;
      },
      (err: unknown) => {
        const config = (err as AxiosError).config;
        const request = config ? this.byConfig.get(config) : undefined;
        if (request) {
          request.outcome = axios.isCancel(err) ? 'cancelled' : 'error';
          if (err instanceof AxiosError && err.response) request.status = err.response.status;
        }
        return Promise.reject(err);
      },
    );
    return client;
  }

  /** Requests started so far. */
  get started(): number {
    return this.requests.length;
  }

  /** Requests started and not yet answered, failed or cancelled. */
  get inFlight(): number {
    return this.requests.filter((r) => r.outcome === 'pending').length;
  }

  /**
   * Calls `listener` synchronously as each request starts, before it is sent: a test can unsubscribe
   * right there and so cancel that very request deterministically. Returns the "off" function.
   */
  onRequest(listener: (request: RecordedHttpRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reset(): void {
    this.requests.length = 0;
    this.baseUrls.length = 0;
  }
}

/**
 * A factory whose clients fail every request as a network error (`ECONNREFUSED` by default), without
 * sending anything: for "test() reports an unreachable API instead of throwing".
 */
export class UnreachableHttpClientFactory implements HttpClientFactory {
  readonly development = true;

  constructor(private readonly code = 'ECONNREFUSED') {}

  create(options: HttpClientOptions): AxiosInstance {
    const code = this.code;
    return axios.create({
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      headers: options.headers,
      validateStatus: () => true,
      adapter: (config) => {
        const host = (() => {
          try {
            return new URL(config.url ?? '', config.baseURL).host;
          } catch {
            return config.baseURL ?? '';
          }
        })();
        return Promise.reject(new AxiosError(`connect ${code} ${host}`, code, config));
      },
    });
  }
}
