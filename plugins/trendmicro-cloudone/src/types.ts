import type { Secret } from '@connectors/framework';

/** The one content type: the computer inventory. */
export const COMPUTERS = 'computers';

/** Header scheme of the API key: `Authorization: ApiKey <key>` (Cloud One keys) or `api-secret-key` (legacy keys). */
export type AuthScheme = 'apiKey' | 'legacy';

/**
 * Cloud One regions with a Workload Security endpoint `workload.<region>.cloudone.trendmicro.com`
 * (the Cloud One region table, plus `trend-us-1`, seen in Trend Micro's own integrations).
 */
export const CLOUD_ONE_REGIONS = [
  'us-1',
  'in-1',
  'gb-1',
  'au-1',
  'jp-1',
  'de-1',
  'ca-1',
  'sg-1',
  'trend-us-1',
] as const;

/** Hosts of accounts created before August 2021 (legacy keys, same `/api` surface). */
export const LEGACY_HOSTS = ['cloudone.trendmicro.com', 'app.deepsecurity.trendmicro.com'] as const;

/**
 * What normalization reads beyond the top-level scalars (which every response carries): agent
 * status, network interfaces and the cloud/virtual machine summaries. Smaller than `all`, which the
 * vendor advises against for bulk reads.
 */
export const DEFAULT_EXPAND = ['computerStatus', 'interfaces', 'allVirtualMachineSummaries'] as const;

/** User input, as stored by the host (before validation). Defaults in brackets. */
export interface CloudOneConfigOptions {
  /**
   * API URL: `https://workload.<region>.cloudone.trendmicro.com/api`, the legacy
   * `https://cloudone.trendmicro.com/api` or `https://app.deepsecurity.trendmicro.com/api`, or an
   * on-premises manager (`https://dsm.example.com:4119/api`, with `onPremises: true`). A trailing `/`
   * and a missing `/api` are fixed.
   */
  apiUrl: string;
  /** The API key (secret, write-only). */
  apiKey: string;
  /** Minutes between collections [5], 1 to 1440. */
  interval?: number;
  /** [`["computers"]`]. */
  contentTypes?: string[];
  /** [`auto`]: from the key's form (Cloud One `tmc…` key → `apiKey`, legacy key → `legacy`), else from the host. */
  authScheme?: 'auto' | AuthScheme;
  /** [false] Allow a host that is not a Trend Micro cloud endpoint: an on-premises Deep Security Manager. */
  onPremises?: boolean;
  /** Computers per request [1000], 1 to 5000. */
  pageSize?: number;
  /** `expand` values [DEFAULT_EXPAND]. */
  expand?: string[];
  /** Per-request timeout in seconds [60]. */
  requestTimeoutSeconds?: number;
  /** Retries of a failed request (429, 5xx, timeouts, malformed pages) [8]. */
  maxRetries?: number;
  /** First backoff delay, ms [500]; the delay doubles per retry, with full jitter. */
  retryBaseDelayMs?: number;
  /** Longest backoff delay (and longest honored Retry-After), ms [60000]. */
  retryMaxDelayMs?: number;
}

/** The resolved config `configure()` returns: validated, defaults applied, URL and scheme normalized. */
export interface CloudOneConfig extends Record<string, unknown> {
  /** Normalized: `https://host[:port]/api`, no trailing slash. */
  apiUrl: string;
  apiKey: Secret;
  interval: number;
  contentTypes: string[];
  /** Resolved from `auto`. */
  authScheme: AuthScheme;
  onPremises: boolean;
  pageSize: number;
  expand: string[];
  requestTimeoutSeconds: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

/** How the API URL was classified. */
export type EndpointKind = 'regional' | 'legacy' | 'on-premises' | 'development';

export interface EndpointInfo {
  kind: EndpointKind;
  /** The region of a regional endpoint. */
  region?: string;
  /** A regional host whose region is not among `CLOUD_ONE_REGIONS` (accepted; checked by resolving it). */
  unknownRegion?: boolean;
  host: string;
}
