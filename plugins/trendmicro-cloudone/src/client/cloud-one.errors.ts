import {
  AuthenticationError,
  ConnectorError,
  PermissionError,
  RateLimitError,
  VendorApiError,
  parseRetryAfter,
} from '@connectors/framework';
import type { AuthScheme } from '../types';
import { FORBIDDEN_ADDRESS_CODE } from './guarded.lookup';

/** A 2xx answer whose body is not the documented shape (bad JSON, cut off, missing IDs). */
export class MalformedResponseError extends ConnectorError {
  readonly retryable = true;
  constructor(message: string, details: Record<string, unknown>) {
    super('VENDOR_MALFORMED_RESPONSE', message, {
      hint: 'The API answered with data that could not be read; it was retried. If it persists, check for a proxy rewriting responses, or contact Trend Micro support.',
      details,
    });
  }
}

/** The paging invariants broke: the server ignores the ID criterion or the ID order. */
export class PagingError extends ConnectorError {
  constructor(code: string, message: string, details: Record<string, unknown>) {
    super(code, message, {
      hint: 'The API did not page by ID as documented; no computers were skipped silently. Retry later or contact Trend Micro support.',
      details,
    });
  }
}

const RETRYABLE_STATUSES = new Set([408, 500, 502, 503, 504]);

/** The vendor's message: `{"message": …}` when JSON, else the first words of the body (tags stripped). */
export function vendorMessageOf(body: string): string | undefined {
  const trimmed = body.trim();
  if (!trimmed) return undefined;
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (parsed && typeof parsed === 'object') {
      const m = (parsed as Record<string, unknown>).message ?? (parsed as Record<string, unknown>).error;
      if (typeof m === 'string' && m.trim()) return m.trim().slice(0, 300);
    }
  } catch {
    // not JSON: a proxy or load balancer page
  }
  const plain = trimmed
    .replace(/<title>.*?<\/title>/is, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain ? plain.slice(0, 200) : undefined;
}

export interface ErrorContext {
  /** What was being done, e.g. `searching computers after ID 5000`. */
  action: string;
  method: string;
  url: string;
  scheme: AuthScheme;
  now: number;
}

/** Maps a non-2xx answer to the framework's typed errors, with the status and vendor message in `details`. */
export function errorForStatus(
  status: number,
  headers: Record<string, unknown>,
  body: string,
  ctx: ErrorContext,
): Error {
  const vendorMessage = vendorMessageOf(body);
  const details = { status, vendorMessage, method: ctx.method, url: ctx.url };
  const said = vendorMessage ? `: ${vendorMessage}` : '';
  const retryAfterMs = parseRetryAfter(headers['retry-after'], ctx.now);
  switch (status) {
    case 401:
      return new AuthenticationError(
        `${ctx.action} failed: the API rejected the key (HTTP 401${said})`,
        'Check the API key: it may be mistyped, deleted or expired, and a key for another region (or another account) also gets 401. ' +
          (ctx.scheme === 'apiKey'
            ? 'The key is sent as "Authorization: ApiKey"; a legacy Workload Security key needs authScheme "legacy" (api-secret-key) and the legacy URL.'
            : 'The key is sent as "api-secret-key"; a Cloud One key (tmc…) needs authScheme "apiKey" and the regional URL workload.<region>.cloudone.trendmicro.com.'),
        details,
      );
    case 403:
      return new PermissionError(
        `${ctx.action} failed: the key may not read computers (HTTP 403${said})`,
        'Give the API key a role that can view computers (Auditor or Full Access), or create a new key with such a role.',
        details,
      );
    case 429:
      return new RateLimitError(`${ctx.action} was rate limited (HTTP 429${said})`, retryAfterMs, details);
    case 404:
      return new VendorApiError(`${ctx.action} failed: ${ctx.url} was not found (HTTP 404${said})`, {
        status,
        vendorMessage,
        details: { method: ctx.method, url: ctx.url },
        hint: 'Check apiUrl: it must be the API root ending in /api (e.g. https://workload.us-1.cloudone.trendmicro.com/api).',
      });
    default:
      return new VendorApiError(`${ctx.action} failed with HTTP ${status}${said}`, {
        status,
        vendorMessage,
        retryable: RETRYABLE_STATUSES.has(status),
        details: {
          method: ctx.method,
          url: ctx.url,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        },
        hint: RETRYABLE_STATUSES.has(status)
          ? 'The service had a transient problem; requests are retried with backoff. If it persists, check the Trend Micro status page.'
          : status === 400
            ? 'The API refused the request as invalid; check the expand values and that nothing between us and the API rewrites requests.'
            : undefined,
      });
  }
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** Whether a failed request may succeed when repeated. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof RateLimitError || err instanceof MalformedResponseError) return true;
  if (err instanceof VendorApiError) {
    if (err.retryable) return true;
    // A network failure without an HTTP answer (reset, cut body) is transient unless TLS refused us.
    const code = typeof err.details?.code === 'string' ? err.details.code : '';
    return err.status === undefined && code !== FORBIDDEN_ADDRESS_CODE && !TLS_CODES.test(code);
  }
  return false;
}

/** The wait a failed request asked for (Retry-After on 429 or 5xx), ms. */
export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof RateLimitError) return err.retryAfterMs;
  if (err instanceof VendorApiError && typeof err.details?.retryAfterMs === 'number')
    return err.details.retryAfterMs;
  return undefined;
}
