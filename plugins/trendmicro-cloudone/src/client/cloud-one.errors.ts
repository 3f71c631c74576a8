import { ConnectorError, isRetryableHttpError, type StatusHints } from '@connectors/framework';
import type { AuthScheme } from '../types';

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

/** The Cloud One wording of the generic status hints: the key scheme, roles and the API root. */
export function cloudOneHints(scheme: AuthScheme): StatusHints {
  return {
    401:
      'Check the API key: it may be mistyped, deleted or expired, and a key for another region (or another account) also gets 401. ' +
      (scheme === 'apiKey'
        ? 'The key is sent as "Authorization: ApiKey"; a legacy Workload Security key needs authScheme "legacy" (api-secret-key) and the legacy URL.'
        : 'The key is sent as "api-secret-key"; a Cloud One key (tmc…) needs authScheme "apiKey" and the regional URL workload.<region>.cloudone.trendmicro.com.'),
    403: 'Give the API key a role that can view computers (Auditor or Full Access), or create a new key with such a role.',
    404: 'Check apiUrl: it must be the API root ending in /api (e.g. https://workload.us-1.cloudone.trendmicro.com/api).',
    400: 'The API refused the request as invalid; check the expand values and that nothing between us and the API rewrites requests.',
    retryable:
      'The service had a transient problem; requests are retried with backoff. If it persists, check the Trend Micro status page.',
  };
}

/** Whether a failed request may succeed when repeated: the framework's rule, plus a malformed page. */
export function isRetryable(err: unknown): boolean {
  return err instanceof MalformedResponseError || isRetryableHttpError(err);
}
