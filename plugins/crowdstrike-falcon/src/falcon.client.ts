import {
  AuthenticationError,
  errorForStatus,
  isRetryableHttpError,
  retryAfterOf,
  VendorApiError,
  withRetry,
  wrapHttpError,
  type Clock,
  type ConnectorError,
  type HttpClientFactory,
  type StatusHints,
} from '@connectors/framework';
import type { FalconEnvelope, FalconHost, FalconToken } from './internal-types';
import type { FalconConfig } from './types';

type Http = ReturnType<HttpClientFactory['create']>;

/** A token is renewed this long before the vendor says it expires (docs/vendors/crowdstrike-falcon-api.md). */
const RENEW_BEFORE_MS = 60_000;
const DETAILS_MAX_IDS = 5000;

const HINTS: StatusHints = {
  401: 'Check clientId and clientSecret: create a new API client under Support and resources > API clients and keys.',
  403: 'Give the API client the scope Hosts: Read (and Hosts: Write for Respond) under Support and resources > API clients and keys.',
  404: "Check cloud or baseUrl: it must be the API address of the account's cloud, e.g. https://api.us-2.crowdstrike.com.",
};

interface Call {
  method: 'GET' | 'POST';
  url: string;
  params?: Record<string, unknown>;
  data?: unknown;
  signal?: AbortSignal;
}

/** The first vendor message of the envelope, as the framework's errors read it. */
function messageOf(body: unknown): { message?: string } | unknown {
  const errors = (body as FalconEnvelope<unknown> | undefined)?.errors;
  const message = Array.isArray(errors) ? errors.find((e) => e?.message)?.message : undefined;
  return message ? { message } : body;
}

/**
 * The one seam to the Falcon API: OAuth2 client credentials (a token renewed before it expires and
 * once on 401), retries of 429, 5xx, malformed answers and network faults with backoff (429 waits
 * until `X-RateLimit-RetryAfter`, an epoch second), and vendor errors as the framework's typed errors.
 */
export class FalconClient {
  private token?: { value: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly http: Http,
    private readonly config: FalconConfig,
    private readonly clock: Clock,
  ) {}

  /** A valid access token, requested when there is none or it is about to expire. */
  accessToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.token.expiresAt - RENEW_BEFORE_MS > this.clock.now())
      return Promise.resolve(this.token.value);
    this.pending ??= this.requestToken(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** One page of host ids; `offset` is the scroll pointer of the previous page. */
  scroll(limit: number, offset: string | null, signal?: AbortSignal): Promise<FalconEnvelope<string>> {
    const params = { limit, ...(offset ? { offset } : {}) };
    return this.call({ method: 'GET', url: '/devices/queries/devices-scroll/v1', params, signal });
  }

  /** Device ids of the hosts with this hostname (at most 2: enough to tell one from several). */
  async findHostname(hostname: string, signal?: AbortSignal): Promise<string[]> {
    const filter = `hostname:'${hostname.replace(/'/g, "\\'")}'`;
    const page = await this.call<FalconEnvelope<string>>({
      method: 'GET',
      url: '/devices/queries/devices-scroll/v1',
      params: { limit: 2, filter },
      signal,
    });
    return page.resources ?? [];
  }

  /** Host details by id, in batches of at most 5,000 (the POST form). */
  async details(ids: readonly string[], signal?: AbortSignal): Promise<FalconHost[]> {
    const hosts: FalconHost[] = [];
    for (let i = 0; i < ids.length; i += DETAILS_MAX_IDS) {
      const data = { ids: ids.slice(i, i + DETAILS_MAX_IDS) };
      const page = await this.call<FalconEnvelope<FalconHost>>(
        { method: 'POST', url: '/devices/entities/devices/v2', data, signal },
        [404],
      );
      hosts.push(...(page.resources ?? []));
    }
    return hosts;
  }

  /** `contain` or `lift_containment` for one device. */
  async act(action: 'contain' | 'lift_containment', deviceId: string, signal?: AbortSignal): Promise<void> {
    await this.call({
      method: 'POST',
      url: '/devices/entities/devices-actions/v2',
      params: { action_name: action },
      data: { ids: [deviceId] },
      signal,
    });
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const action = 'POST /oauth2/token';
    const answer = await withRetry(async () => {
      const res = await this.http
        .request({
          method: 'POST',
          url: '/oauth2/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          data: new URLSearchParams({
            client_id: this.config.clientId,
            client_secret: this.config.clientSecret.reveal(),
          }).toString(),
          signal,
        })
        .catch((err: unknown) => {
          throw wrapHttpError(err, action);
        });
      if (
        res.status >= 200 &&
        res.status < 300 &&
        typeof (res.data as FalconToken)?.access_token === 'string'
      )
        return res.data as FalconToken;
      // The token endpoint answers wrong credentials with 400, 401 or 403: all mean "fix the client".
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        const said = (messageOf(res.data) as { message?: string }).message;
        throw new AuthenticationError(
          `${action} failed: the client credentials were refused (HTTP ${res.status}${said ? `: ${said}` : ''})`,
          HINTS[401],
          { status: res.status, vendorMessage: said },
        );
      }
      throw this.statusError(
        res.status,
        res.headers as Record<string, unknown>,
        res.data,
        action,
        'POST',
        true,
      );
    }, this.retryOptions(signal));
    this.token = { value: answer.access_token, expiresAt: this.clock.now() + answer.expires_in * 1000 };
    return answer.access_token;
  }

  /** One authorized call; a 401 renews the token once; `accept` lists statuses that are answers. */
  private call<T>(c: Call, accept: number[] = []): Promise<T> {
    const action = `${c.method} ${c.url}`;
    return withRetry(async () => {
      for (let renewed = false; ; renewed = true) {
        const token = await this.accessToken(c.signal);
        const res = await this.http
          .request({ ...c, headers: { authorization: `Bearer ${token}` } })
          .catch((err: unknown) => {
            throw wrapHttpError(err, action);
          });
        if (res.status === 401 && !renewed) {
          this.token = undefined;
          continue;
        }
        if ((res.status >= 200 && res.status < 300) || accept.includes(res.status)) {
          if (!res.data || typeof res.data !== 'object')
            throw new VendorApiError(`${action}: the answer was not JSON`, {
              status: res.status,
              retryable: true,
              hint: 'The Falcon API sent a malformed answer; requests are retried.',
            });
          return res.data as T;
        }
        throw this.statusError(
          res.status,
          res.headers as Record<string, unknown>,
          res.data,
          action,
          c.method,
        );
      }
    }, this.retryOptions(c.signal));
  }

  private statusError(
    status: number,
    headers: Record<string, unknown>,
    body: unknown,
    action: string,
    method: string,
    token = false,
  ): ConnectorError {
    const now = this.clock.now();
    // X-RateLimit-RetryAfter is the epoch second to wait for; the framework reads Retry-After seconds.
    const at = Number(headers['x-ratelimit-retryafter']);
    const retryAfter =
      Number.isFinite(at) && at > 0 ? { 'retry-after': String(Math.max(0, at * 1000 - now) / 1000) } : {};
    return errorForStatus(status, retryAfter, messageOf(body), {
      action,
      method,
      url: `${this.config.baseUrl}${token ? '/oauth2/token' : action.slice(method.length + 1)}`,
      now,
      hints: HINTS,
    });
  }

  private retryOptions(signal?: AbortSignal) {
    return {
      clock: this.clock,
      signal,
      retries: 5,
      isRetryable: isRetryableHttpError,
      retryAfterMs: retryAfterOf,
    };
  }
}
