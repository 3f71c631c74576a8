import {
  ConnectorError,
  errorForStatus,
  retryAfterOf,
  vendorMessageOf,
  withRetry,
  wrapHttpError,
  type Clock,
  type HttpClientFactory,
  type Logger,
} from '@connectors/framework';
import type { AxiosInstance, AxiosResponseHeaders, RawAxiosResponseHeaders } from 'axios';
import type { ComputerDto } from '../internal-types';
import type { CloudOneConfig } from '../types';
import { cloudOneHints, isRetryable, MalformedResponseError } from './cloud-one.errors';

const USER_AGENT = 'connectors-trendmicro-cloudone/0.1';

export interface CloudOneClientDeps {
  httpClientFactory: HttpClientFactory;
  clock: Clock;
  logger: Logger;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

export interface SearchRequest {
  /** Exclusive lower bound: computers with a greater ID. */
  afterId: number;
  maxItems: number;
  expand: readonly string[];
  signal?: AbortSignal;
  /** Retries for this call (default the config's `maxRetries`). */
  retries?: number;
}

export interface ProbeResult {
  status: number;
  vendorMessage?: string;
  contentType?: string;
}

interface RawResponse {
  status: number;
  headers: Record<string, unknown>;
  /** The body as the framework's HTTP client gives it: parsed when it is JSON, else its text. */
  data: unknown;
}

/** The body as text, for vendor messages in errors. */
function bodyText(data: unknown): string {
  if (data === undefined || data === null) return '';
  return typeof data === 'string' ? data : JSON.stringify(data);
}

/**
 * The only code that talks to the Workload Security API. Each call builds its auth header from the
 * secret at the last moment; errors keep method, URL (no query), status and vendor message only.
 */
export class CloudOneClient {
  private constructor(
    private readonly http: AxiosInstance,
    private readonly config: CloudOneConfig,
    private readonly deps: CloudOneClientDeps,
  ) {}

  /**
   * The one seam for the vendor: tests stub this (or inject an HTTP client factory). The factory
   * applies the URL policy and the address guard to every connection.
   */
  static fromConfig(config: CloudOneConfig, deps: CloudOneClientDeps): CloudOneClient {
    const http = deps.httpClientFactory.create({
      baseURL: config.apiUrl,
      field: 'apiUrl',
      timeoutMs: Math.round(config.requestTimeoutSeconds * 1000),
      headers: { 'api-version': 'v1', Accept: 'application/json', 'User-Agent': USER_AGENT },
    });
    return new CloudOneClient(http, config, deps);
  }

  get apiUrl(): string {
    return this.config.apiUrl;
  }

  /**
   * One request without the key: proves DNS, TCP and TLS, and that something answers at the URL.
   * Any HTTP status counts as reachable; network and TLS failures throw.
   */
  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    const res = await this.send('GET', 'computers', {
      params: { expand: ['none'] },
      signal,
      authenticated: false,
      action: 'reaching the API',
    });
    const contentType =
      typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined;
    return { status: res.status, vendorMessage: vendorMessageOf(bodyText(res.data)), contentType };
  }

  /**
   * One page of `POST /computers/search`: computers with ID greater than `afterId`, sorted by ID,
   * at most `maxItems`. Retries 429, 5xx, timeouts, network failures and malformed pages.
   */
  async searchComputers(request: SearchRequest): Promise<ComputerDto[]> {
    const action = `searching computers after ID ${request.afterId}`;
    const body = {
      maxItems: request.maxItems,
      sortByObjectID: true,
      searchCriteria: [{ idTest: 'greater-than', idValue: request.afterId }],
    };
    return this.retrying(action, request.signal, request.retries, async () => {
      const res = await this.send('POST', 'computers/search', {
        params: { expand: request.expand },
        data: body,
        signal: request.signal,
        authenticated: true,
        action,
      });
      if (res.status < 200 || res.status >= 300) throw this.errorFor(res, 'POST', 'computers/search', action);
      return parseComputersPage(res.data, action, `${this.config.apiUrl}/computers/search`);
    });
  }

  private async retrying<T>(
    action: string,
    signal: AbortSignal | undefined,
    retries: number | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    let attempts = 0;
    try {
      return await withRetry(
        () => {
          attempts++;
          return fn();
        },
        {
          retries: retries ?? this.config.maxRetries,
          baseMs: this.config.retryBaseDelayMs,
          capMs: this.config.retryMaxDelayMs,
          random: this.deps.random,
          clock: this.deps.clock,
          signal,
          isRetryable,
          retryAfterMs: retryAfterOf,
          onRetry: ({ attempt, delayMs, error }) => {
            const e = error as ConnectorError;
            this.deps.logger.warn(
              {
                attempt,
                delayMs,
                code: e.code,
                status: e.details?.status,
                vendorMessage: e.details?.vendorMessage,
              },
              `${action}: ${e.message}; retrying in ${delayMs} ms`,
            );
          },
        },
      );
    } catch (err) {
      if (attempts > 1 && err instanceof ConnectorError && isRetryable(err)) {
        err.message = `${err.message} (gave up after ${attempts} attempts)`;
      }
      throw err;
    }
  }

  private errorFor(res: RawResponse, method: string, path: string, action: string): Error {
    return errorForStatus(res.status, res.headers, bodyText(res.data), {
      action,
      method,
      url: `${this.config.apiUrl}/${path}`,
      now: this.deps.clock.now(),
      hints: cloudOneHints(this.config.authScheme),
    });
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    options: {
      params: Record<string, readonly string[]>;
      data?: unknown;
      signal?: AbortSignal;
      authenticated: boolean;
      action: string;
    },
  ): Promise<RawResponse> {
    const params = new URLSearchParams();
    // `expand` is a repeated parameter (expand=a&expand=b); a comma list is not the API's format.
    for (const [name, values] of Object.entries(options.params))
      for (const v of values) params.append(name, v);
    try {
      const res = await this.http.request<unknown>({
        method,
        url: path,
        params,
        data: options.data,
        signal: options.signal,
        headers: options.authenticated ? this.authHeader() : {},
        validateStatus: () => true,
      });
      return {
        status: res.status,
        headers: headersOf(res.headers),
        data: res.data,
      };
    } catch (err) {
      throw wrapHttpError(err, options.action);
    }
  }

  private authHeader(): Record<string, string> {
    const key = this.config.apiKey.reveal();
    return this.config.authScheme === 'apiKey'
      ? { Authorization: `ApiKey ${key}` }
      : { 'api-secret-key': key };
  }
}

function headersOf(headers: RawAxiosResponseHeaders | AxiosResponseHeaders): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/**
 * Reads `{"computers": [...]}`: each computer an object with a positive integer ID. Anything else is a
 * malformed page (retried, then fails the run). A body that is not JSON arrives as text.
 */
function parseComputersPage(data: unknown, action: string, url: string): ComputerDto[] {
  if (typeof data === 'string') {
    throw new MalformedResponseError(`${action}: the API returned malformed JSON (${data.length} bytes)`, {
      url,
      bytes: data.length,
    });
  }
  const computers = (data as { computers?: unknown } | null)?.computers;
  if (!Array.isArray(computers)) {
    throw new MalformedResponseError(`${action}: the API answer has no "computers" array`, { url });
  }
  for (let i = 0; i < computers.length; i++) {
    const id = (computers[i] as { ID?: unknown } | null)?.ID;
    if (!Number.isSafeInteger(id) || (id as number) <= 0) {
      throw new MalformedResponseError(
        `${action}: computer ${i + 1} of ${computers.length} has no valid integer ID`,
        {
          url,
          index: i,
        },
      );
    }
  }
  return computers as ComputerDto[];
}
