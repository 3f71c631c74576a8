import { EMPTY, type Observable } from 'rxjs';
import {
  checkBaseUrl,
  Connector,
  ConnectorError,
  inject,
  injectable,
  normalizeOneStep,
  paginate,
  perConfig,
  TOKENS,
  UnknownActionError,
  VendorApiError,
  type Clock,
  type CollectContext,
  type CollectedPage,
  type HttpClientFactory,
  type NormalizedRecord,
  type ResolvedConfig,
  type RespondRequest,
  type RespondResult,
  type RunContext,
  type TestStep,
} from '@connectors/framework';
import { FalconClient } from './falcon.client';
import { mapHost } from './host.mapper';
import type { FalconHost } from './internal-types';
import { RESPONSE_ACTIONS } from './response.actions';
import { FALCON_CLOUDS, type FalconConfig } from './types';

const HOSTS = 'hosts';
/** Restarts of an expired scroll in one run without a new host before the run fails. */
const MAX_BARREN_RESTARTS = 3;

@injectable()
export class FalconConnector extends Connector<FalconConfig, FalconHost> {
  private readonly client = perConfig((config: FalconConfig) => {
    const field = config.baseUrl === FALCON_CLOUDS[config.cloud] ? 'cloud' : 'baseUrl';
    return new FalconClient(this.http.create({ baseURL: config.baseUrl, field }), config, this.clock);
  });

  constructor(
    @inject(TOKENS.HttpClientFactory) private readonly http: HttpClientFactory,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {
    super();
  }

  protected override normalizeConfig(config: ResolvedConfig): FalconConfig {
    const cloud = (config.cloud ?? 'us-1') as FalconConfig['cloud'];
    const baseUrl =
      config.baseUrl === undefined
        ? FALCON_CLOUDS[cloud]
        : checkBaseUrl(config.baseUrl, { field: 'baseUrl', development: this.http.development });
    return { ...config, cloud, baseUrl } as FalconConfig;
  }

  /** Token, then one scroll page and its details: where it stops tells the user which setting to fix. */
  protected testSteps(): TestStep<FalconConfig>[] {
    let tokenError: unknown;
    let firstId: string | undefined;
    let first: FalconHost | undefined;
    return [
      {
        id: 'connect',
        title: 'Reach the Falcon API address',
        run: async (ctx) => {
          tokenError = await this.client(ctx.config)
            .accessToken(ctx.signal)
            .then(
              () => undefined,
              (err: unknown) => err,
            );
          if (tokenError instanceof VendorApiError && tokenError.status === undefined) {
            throw new ConnectorError('CONNECT_FAILED', tokenError.message, {
              cause: tokenError,
              hint: 'Check cloud (or baseUrl) and that this device can reach it (DNS, proxy, firewall, TLS).',
            });
          }
          return `reached ${ctx.config.baseUrl}`;
        },
      },
      {
        id: 'token',
        title: 'Obtain an OAuth2 token with the client ID and secret',
        run: async () => {
          if (tokenError) throw tokenError;
          return 'token issued';
        },
      },
      {
        id: 'permission',
        title: 'Read hosts (scope Hosts: Read)',
        run: async (ctx) => {
          const page = await this.client(ctx.config).scroll(1, null, ctx.signal);
          firstId = page.resources?.[0];
          return `${page.meta?.pagination?.total ?? 'some'} hosts visible`;
        },
      },
      {
        id: 'data',
        title: 'Read the details of the first host',
        run: async (ctx) => {
          if (!firstId) return 'no hosts yet';
          [first] = await this.client(ctx.config).details([firstId], ctx.signal);
          return first
            ? `first host: ${first.hostname ?? first.device_id}`
            : 'the first host was removed meanwhile';
        },
      },
      normalizeOneStep(this, {
        contentType: HOSTS,
        sample: () => first,
        describe: (host) => `host ${host.hostname ?? host.device_id}`,
        none: 'no host to normalize yet',
      }),
    ];
  }

  /**
   * Scroll pages of ids, each followed by one details request. The scroll pointer expires after two
   * minutes idle (a slow consumer): the crawl restarts from the top and skips the ids this run already
   * yielded, so a run is one snapshot without duplicates.
   */
  collect(ctx: CollectContext<FalconConfig>): Observable<CollectedPage<FalconHost>> {
    if (!ctx.contentTypes.includes(HOSTS)) return EMPTY;
    const client = this.client(ctx.config);
    const limit = ctx.config.pageSize;
    const seen = new Set<string>();
    return paginate<FalconHost, string>({
      contentType: HOSTS,
      demand: ctx.demand,
      signal: ctx.signal,
      fetchPage: async (cursor, signal) => {
        let offset: string | null = cursor;
        for (let barren = 0; ;) {
          let page;
          try {
            page = await client.scroll(limit, offset, signal);
          } catch (err) {
            if (!offset || !isExpiredPointer(err) || ++barren > MAX_BARREN_RESTARTS) throw err;
            ctx.logger.warn(
              { yielded: seen.size },
              'the scroll pointer expired; restarting the crawl without duplicates',
            );
            offset = null;
            continue;
          }
          const ids = page.resources ?? [];
          if (ids.length === 0) return { items: [], next: null };
          const next = ids.length < limit ? null : (page.meta?.pagination?.offset ?? null);
          const fresh = ids.filter((id) => !seen.has(id));
          if (fresh.length === 0) {
            if (!next) return { items: [], next: null };
            offset = next;
            continue;
          }
          for (const id of fresh) seen.add(id);
          return { items: await client.details(fresh, signal), next };
        }
      },
    });
  }

  normalize(_contentType: string, raw: FalconHost): NormalizedRecord {
    return mapHost(raw);
  }

  /** The framework's runRespond has checked the action and its target fields before this runs. */
  override respond(request: RespondRequest, ctx: RunContext<FalconConfig>): Promise<RespondResult> {
    const action = RESPONSE_ACTIONS[request.action];
    if (!action)
      return Promise.reject(
        new UnknownActionError(this.manifest.name, request.action, Object.keys(RESPONSE_ACTIONS)),
      );
    return action(this.client(ctx.config), request.target, { clock: this.clock, signal: ctx.signal });
  }
}

/** The vendor answers a scroll pointer that expired (or is unknown) with a client error. */
function isExpiredPointer(err: unknown): boolean {
  return err instanceof VendorApiError && (err.status === 400 || err.status === 404);
}
