import { EMPTY, type Observable } from 'rxjs';
import { checkBaseUrl, Connector, inject, injectable, normalizeOneStep } from '@connectors/framework';
import { paginate, perConfig, requestJson, TOKENS, type Clock } from '@connectors/framework';
import type { CollectContext, CollectedPage, HttpClientFactory } from '@connectors/framework';
import type { NormalizedRecord, ResolvedConfig, TestStep } from '@connectors/framework';
import type { EventsPage, ExampleJsonApiEvent, ExampleJsonApiConfig } from './types';

@injectable()
export class ExampleJsonApiConnector extends Connector<ExampleJsonApiConfig, ExampleJsonApiEvent> {
  constructor(
    @inject(TOKENS.HttpClientFactory) private readonly http: HttpClientFactory,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {
    super();
  }

  /** The framework's URL policy: https (http only to loopback in development), no trailing slash. */
  protected override normalizeConfig(config: ResolvedConfig): ExampleJsonApiConfig {
    const baseUrl = checkBaseUrl(config.baseUrl, { field: 'baseUrl', development: this.http.development });
    return { ...config, baseUrl } as ExampleJsonApiConfig;
  }

  protected testSteps(): TestStep<ExampleJsonApiConfig>[] {
    let first: ExampleJsonApiEvent | undefined;
    const fetch: TestStep<ExampleJsonApiConfig> = {
      id: 'fetch',
      title: 'Reach the API, authenticate and read the first page',
      run: async (ctx) => {
        const { events } = await this.fetchPage(ctx.config, 1, ctx.signal);
        first = events[0];
        return `${events.length} event(s) on the first page`;
      },
    };
    return [fetch, normalizeOneStep(this, { contentType: 'events', sample: () => first })];
  }

  collect(ctx: CollectContext<ExampleJsonApiConfig>): Observable<CollectedPage<ExampleJsonApiEvent>> {
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

  normalize(_contentType: string, raw: ExampleJsonApiEvent): NormalizedRecord {
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

  /** One page: typed errors per status; 429, 5xx and network faults retried, honouring Retry-After. */
  private fetchPage(config: ExampleJsonApiConfig, page: number, signal: AbortSignal): Promise<EventsPage> {
    const request = { url: '/v1/events', params: { page, limit: config.pageSize }, signal };
    const hints = { 401: `Check apiKey: create a new token in the ${this.manifest.vendor} console.` };
    return requestJson<EventsPage>(this.client(config), request, { clock: this.clock, hints });
  }

  /** One client per resolved config, reused by every page and test step. */
  private readonly client = perConfig((config: ExampleJsonApiConfig) =>
    this.http.create({
      baseURL: config.baseUrl,
      field: 'baseUrl',
      headers: { authorization: `Bearer ${config.apiKey.reveal()}` },
    }),
  );
}
