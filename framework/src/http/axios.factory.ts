import type { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import axios, {
  AxiosError,
  type AxiosInstance,
  type AxiosRequestConfig,
  type InternalAxiosRequestConfig,
} from 'axios';
import { CancelledError, VendorApiError } from '../errors';
import { parseJsonBody } from '../json-body';
import type { HttpClientFactory, HttpClientOptions } from '../types';
import { parseBaseUrl } from './base-url';
import { guardedLookup, type LookupFunction } from './guarded.lookup';

export interface AxiosHttpClientFactoryOptions {
  /** Development, decided by the host (`CONNECTORS_DEV=1`): plain http to loopback is allowed. */
  development?: boolean;
  /** The DNS resolver behind the address guard (default the system's; tests inject one). */
  resolve?: typeof dnsLookup;
}

/**
 * axios with keep-alive agents; one per connector instance so sockets are reused across pages. Every
 * client passes the base URL policy when created and the address guard at each connection, so no
 * plugin can reach a metadata or link-local address (docs/adr/0013-http-policy-in-framework.md).
 */
export class AxiosHttpClientFactory implements HttpClientFactory {
  readonly development: boolean;
  private readonly lookup: LookupFunction;

  constructor(options: AxiosHttpClientFactoryOptions = {}) {
    this.development = options.development ?? false;
    this.lookup = guardedLookup({ development: this.development, resolve: options.resolve });
  }

  create(options: HttpClientOptions): AxiosInstance {
    parseBaseUrl(options.baseURL, { field: options.field ?? 'baseURL', development: this.development });
    return axios.create({
      baseURL: options.baseURL,
      // Node's lookup signature; axios types `family` more narrowly than node:dns does.
      lookup: this.lookup as unknown as AxiosRequestConfig['lookup'],
      timeout: options.timeoutMs ?? 30_000,
      headers: options.headers,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 4 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 4 }),
      // Vendor status codes are interpreted by the caller, not thrown by axios.
      validateStatus: () => true,
      transitional: { silentJSONParsing: false, forcedJSONParsing: true, clarifyTimeoutError: true },
      transformResponse: [parseResponse],
      maxRedirects: 0,
    });
  }
}

/**
 * axios' own JSON parsing (a body that is not JSON stays text; `responseType: 'json'` makes it an
 * error), through the engine's parse so that pages keep their text for the records (ADR 0008).
 */
function parseResponse(this: InternalAxiosRequestConfig, data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return data;
  if (this.responseType && this.responseType !== 'json') return data;
  try {
    return parseJsonBody(data);
  } catch (err) {
    if (this.responseType !== 'json') return data;
    throw AxiosError.from(err as Error, AxiosError.ERR_BAD_RESPONSE, this);
  }
}

/** The safe description of a failed request: method, URL without query secrets, status and body. */
export interface HttpFailure {
  method?: string;
  url?: string;
  status?: number;
  body?: unknown;
  code?: string;
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_BAD_RESPONSE',
  'EHOSTUNREACH',
]);

/**
 * Wraps an axios error into a VendorApiError that keeps only method, URL, status and body:
 * request headers (which hold the API key) never survive into logs, status or CLI output.
 */
export function wrapHttpError(err: unknown, context = 'request'): Error {
  if (axios.isCancel(err)) return new CancelledError(`${context} was cancelled`);
  if (err instanceof AxiosError) {
    const failure: HttpFailure = {
      method: err.config?.method?.toUpperCase(),
      url: safeUrl(err.config?.baseURL, err.config?.url),
      status: err.response?.status,
      body: truncateBody(err.response?.data),
      code: err.code,
    };
    const timedOut = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
    return new VendorApiError(
      `${context} failed: ${timedOut ? 'timed out' : err.message}${failure.url ? ` (${failure.method} ${failure.url})` : ''}`,
      {
        status: failure.status,
        retryable: timedOut || (err.code !== undefined && RETRYABLE_CODES.has(err.code)),
        details: { ...failure },
        hint: timedOut
          ? 'The vendor did not answer in time; check network reachability or raise the request timeout.'
          : undefined,
      },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** The request's URL as axios builds it (base URL and path joined, never resolved) without credentials or query. */
export function safeUrl(baseURL?: string, url?: string): string | undefined {
  if (!baseURL && !url) return undefined;
  try {
    const absolute = url !== undefined && /^[a-z][a-z\d+.-]*:\/\//i.test(url);
    const joined =
      absolute || !baseURL
        ? (url ?? '')
        : url
          ? `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`
          : baseURL;
    const u = new URL(joined);
    u.username = '';
    u.password = '';
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

function truncateBody(data: unknown): unknown {
  if (data === undefined) return undefined;
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return text.length > 500 ? `${text.slice(0, 500)}…` : data;
}
