import { EMPTY, type Observable } from 'rxjs';
import {
  AuthenticationError,
  ConfigurationError,
  Connector,
  inject,
  injectable,
  paginate,
  parseRetryAfter,
  RateLimitError,
  TOKENS,
  VendorApiError,
  withRetry,
  wrapHttpError,
  type Clock,
  type CollectContext,
  type CollectedPage,
  type HttpClientFactory,
  type NormalizedRecord,
  type ResolvedConfig,
  type TestStep,
} from '@connectors/framework';
// TODO(merge): replaced by the framework's stock normalize step (issue 17 item 3).
import { buildEnvelope } from '@connectors/framework/engine';
import type { ExampleEvent, ExampleJsonApiConfig } from './types';

interface EventsPage {
  events: ExampleEvent[];
  nextPage: number | null;
}

type Client = ReturnType<HttpClientFactory['create']>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

@injectable()
export class ExampleJsonApiConnector extends Connector<ExampleJsonApiConfig, ExampleEvent> {
  private readonly clients = new WeakMap<ExampleJsonApiConfig, Client>();

  constructor(
    @inject(TOKENS.HttpClientFactory) private readonly http: HttpClientFactory,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {
    super();
  }

  /** https only (http just for loopback, where tests run their fake API); no trailing slash. */
  protected override normalizeConfig(config: ResolvedConfig): ExampleJsonApiConfig {
    let url: URL;
    try {
      url = new URL(String(config.baseUrl));
    } catch {
      throw new ConfigurationError('baseUrl', 'is not a URL', 'Use the form https://api.example.com.');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      throw new ConfigurationError(
        'baseUrl',
        'must use https',
        'Use https:// (http only for 127.0.0.1 or localhost).',
      );
    }
    return { ...config, baseUrl: url.href.replace(/\/+$/, '') } as ExampleJsonApiConfig;
  }

  protected testSteps(): TestStep<ExampleJsonApiConfig>[] {
    let first: ExampleEvent[] = [];
    return [
      {
        id: 'fetch',
        title: 'Reach the API, authenticate and read the first page',
        run: async (ctx) => {
          first = (await this.fetchPage(ctx.config, 1, ctx.signal)).events;
          return `${first.length} event(s) on the first page`;
        },
      },
      {
        id: 'normalize',
        title: 'Normalize one event into a record',
        run: async (ctx) => {
          if (!first.length) return 'no events yet, nothing to normalize';
          const normalized = this.normalize('events', first[0]);
          const { manifest } = this;
          const { entry } = buildEnvelope({
            manifest,
            instance: ctx.instance,
            contentType: 'events',
            normalized,
            now: this.clock.now(),
          });
          return `record ${entry.record.id}`;
        },
      },
    ];
  }

  collect(ctx: CollectContext<ExampleJsonApiConfig>): Observable<CollectedPage<ExampleEvent>> {
    if (!ctx.contentTypes.includes('events')) return EMPTY;
    return paginate({
      contentType: 'events',
      initial: 1,
      demand: ctx.demand,
      signal: ctx.signal,
      fetchPage: async (page, signal) => {
        const body = await this.fetchPage(ctx.config, page, signal);
        return { items: body.events, next: body.nextPage };
      },
    });
  }

  normalize(_contentType: string, raw: ExampleEvent): NormalizedRecord {
    return {
      key: raw.id,
      fields: {
        event: { id: raw.id, type: raw.type, severity: raw.severity, created: raw.time },
        host: { name: raw.host, ip: raw.ip ? [raw.ip] : undefined },
        user: { name: raw.user },
        message: raw.message,
        example_json_api: raw,
      },
    };
  }

  /** One page; 429, 5xx and network faults are retried with backoff, honouring Retry-After. */
  private fetchPage(config: ExampleJsonApiConfig, page: number, signal: AbortSignal): Promise<EventsPage> {
    const client = this.clientFor(config);
    const attempt = async (): Promise<EventsPage> => {
      const res = await client
        .get('/v1/events', { params: { page, limit: config.pageSize }, signal })
        .catch((err) => {
          throw wrapHttpError(err, 'GET /v1/events');
        });
      if (res.status === 200) return res.data as EventsPage;
      const details = { status: res.status, vendorMessage: res.data?.message };
      if (res.status === 401 || res.status === 403) {
        const hint = `Check apiKey: create a new token in the ${this.manifest.vendor} console.`;
        throw new AuthenticationError(`the API refused the key (HTTP ${res.status})`, hint, details);
      }
      if (res.status === 429)
        throw new RateLimitError('rate limited', parseRetryAfter(res.headers['retry-after']), details);
      throw new VendorApiError(`GET /v1/events answered HTTP ${res.status}`, {
        ...details,
        retryable: res.status >= 500,
      });
    };
    return withRetry(attempt, {
      clock: this.clock,
      signal,
      retries: 4,
      isRetryable: (err) => err instanceof RateLimitError || (err instanceof VendorApiError && err.retryable),
      retryAfterMs: (err) => (err instanceof RateLimitError ? err.retryAfterMs : undefined),
    });
  }

  private clientFor(config: ExampleJsonApiConfig): Client {
    let client = this.clients.get(config);
    if (!client) {
      const headers = { authorization: `Bearer ${config.apiKey.reveal()}` };
      client = this.http.create({ baseURL: config.baseUrl, timeoutMs: 30_000, headers });
      this.clients.set(config, client);
    }
    return client;
  }
}
