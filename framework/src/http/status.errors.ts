import { parseRetryAfter } from '../backoff';
import {
  AuthenticationError,
  ConnectorError,
  PermissionError,
  RateLimitError,
  VendorApiError,
} from '../errors';
import { FORBIDDEN_ADDRESS_CODE } from './guarded.lookup';

/** Hints per status, replacing the generic ones: what the user should change at this vendor. */
export type StatusHints = Partial<Record<400 | 401 | 403 | 404 | 'retryable', string>>;

export interface StatusContext {
  /** What was being done, e.g. `GET /v1/events`; every message starts with it. */
  action: string;
  method?: string;
  /** The URL without query (see `safeUrl`), named in a 404. */
  url?: string;
  /** Now in epoch ms, for a Retry-After given as a date (the injected clock's). */
  now?: number;
  hints?: StatusHints;
}

const RETRYABLE_STATUSES = new Set([408, 500, 502, 503, 504]);

const GENERIC_HINTS: Required<StatusHints> = {
  400: 'The API refused the request as invalid; check the settings that go into it.',
  401: 'Check the API key: it may be mistyped, revoked or expired.',
  403: 'Give the API key a role that may read this data, or create a key with such a role.',
  404: 'Check the base URL: it must be the API root the vendor documents.',
  retryable: 'The vendor had a transient problem; requests are retried with backoff.',
};

/** The vendor's message: `message` or `error` of a JSON body, else the first words of the text (tags stripped). */
export function vendorMessageOf(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (!trimmed) return undefined;
    try {
      parsed = JSON.parse(trimmed) as unknown;
    } catch {
      const plain = trimmed
        .replace(/<title>.*?<\/title>/is, '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      return plain ? plain.slice(0, 200) : undefined;
    }
  }
  if (parsed && typeof parsed === 'object') {
    const m = (parsed as Record<string, unknown>).message ?? (parsed as Record<string, unknown>).error;
    if (typeof m === 'string' && m.trim()) return m.trim().slice(0, 300);
  }
  return undefined;
}

/**
 * A non-2xx answer as the framework's typed error: 401 AuthenticationError, 403 PermissionError,
 * 429 RateLimitError (Retry-After parsed), 408 and 5xx a retryable VendorApiError, anything else a
 * VendorApiError that is not retried. Status and vendor message go in `details`, never headers.
 */
export function errorForStatus(
  status: number,
  headers: Record<string, unknown>,
  body: unknown,
  ctx: StatusContext,
): ConnectorError {
  const vendorMessage = vendorMessageOf(body);
  const where = { method: ctx.method, url: ctx.url };
  const details = { status, vendorMessage, ...where };
  const said = vendorMessage ? `: ${vendorMessage}` : '';
  const hint = { ...GENERIC_HINTS, ...ctx.hints };
  const retryAfterMs = parseRetryAfter(headerOf(headers, 'retry-after'), ctx.now);
  switch (status) {
    case 401:
      return new AuthenticationError(
        `${ctx.action} failed: the API rejected the key (HTTP 401${said})`,
        hint[401],
        details,
      );
    case 403:
      return new PermissionError(
        `${ctx.action} failed: the key lacks permission (HTTP 403${said})`,
        hint[403],
        details,
      );
    case 429:
      return new RateLimitError(`${ctx.action} was rate limited (HTTP 429${said})`, retryAfterMs, details);
    case 404:
      return new VendorApiError(
        `${ctx.action} failed: ${ctx.url ?? 'the resource'} was not found (HTTP 404${said})`,
        {
          status,
          vendorMessage,
          details: where,
          hint: hint[404],
        },
      );
    default: {
      const retryable = RETRYABLE_STATUSES.has(status) || status >= 500;
      return new VendorApiError(`${ctx.action} failed with HTTP ${status}${said}`, {
        status,
        vendorMessage,
        retryable,
        details: { ...where, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
        hint: retryable ? hint.retryable : status === 400 ? hint[400] : undefined,
      });
    }
  }
}

function headerOf(headers: Record<string, unknown>, name: string): unknown {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/**
 * Whether a failed request may succeed when repeated: rate limits, retryable statuses, and network
 * failures without an answer, except a refused address or a refused TLS certificate.
 */
export function isRetryableHttpError(err: unknown): boolean {
  if (err instanceof RateLimitError) return true;
  if (err instanceof VendorApiError) {
    if (err.retryable) return true;
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
