import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import { withRetry } from '../backoff';
import type { Logger } from '../logger';
import type { Clock } from '../types';
import { safeUrl, wrapHttpError } from './axios.factory';
import { errorForStatus, isRetryableHttpError, retryAfterOf, type StatusHints } from './status.errors';

export interface RequestJsonOptions {
  /** The injected clock: backoff sleeps on it and Retry-After dates are read against it. */
  clock: Clock;
  /** Attempts after the first for retryable failures (default 4). */
  retries?: number;
  /** What is being done, for messages (default `METHOD url`). */
  action?: string;
  /** Vendor-specific hints per status (see `errorForStatus`). */
  hints?: StatusHints;
  /** Warned on each retry with the status and wait; never with headers. */
  logger?: Logger;
}

/**
 * One JSON request: a 2xx answer's parsed body is returned; any other status throws the typed error
 * of `errorForStatus`, a network failure a VendorApiError. Rate limits, 408/5xx and network failures
 * are retried with jittered backoff, honouring Retry-After; `config.signal` cancels waits and requests.
 */
export async function requestJson<T>(
  client: AxiosInstance,
  config: AxiosRequestConfig,
  options: RequestJsonOptions,
): Promise<T> {
  const method = (config.method ?? 'GET').toUpperCase();
  const url = safeUrl(client.defaults.baseURL, config.url);
  const action = options.action ?? `${method} ${config.url ?? ''}`;
  const signal = config.signal as AbortSignal | undefined;
  return withRetry(
    async () => {
      const res = await client.request({ ...config, validateStatus: () => true }).catch((err: unknown) => {
        throw wrapHttpError(err, action);
      });
      if (res.status >= 200 && res.status < 300) return res.data as T;
      throw errorForStatus(res.status, res.headers as Record<string, unknown>, res.data, {
        action,
        method,
        url,
        now: options.clock.now(),
        hints: options.hints,
      });
    },
    {
      clock: options.clock,
      signal,
      retries: options.retries ?? 4,
      isRetryable: isRetryableHttpError,
      retryAfterMs: retryAfterOf,
      onRetry: ({ attempt, delayMs, error }) =>
        options.logger?.warn(
          { attempt, delayMs, status: (error as { status?: number }).status },
          `${action}: ${(error as Error).message}; retrying in ${delayMs} ms`,
        ),
    },
  );
}
