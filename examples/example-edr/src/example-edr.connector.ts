import { EMPTY, type Observable } from 'rxjs';
import {
  ConnectorError,
  Connector,
  inject,
  injectable,
  normalizeOneStep,
  paginate,
  TOKENS,
  UnknownActionError,
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
import { checkBaseUrl } from './base-url';
import { ExampleEdrClient, vendorError, type Answer } from './example-edr.client';
import { mapHost } from './host.mapper';
import type { EdrHost, EdrHostsPage } from './internal-types';
import { RESPONSE_ACTIONS } from './response.actions';
import type { ExampleEdrConfig } from './types';

const HOSTS = 'hosts';

@injectable()
export class ExampleEdrConnector extends Connector<ExampleEdrConfig, EdrHost> {
  private readonly clients = new WeakMap<ExampleEdrConfig, ExampleEdrClient>();

  constructor(
    @inject(TOKENS.HttpClientFactory) private readonly http: HttpClientFactory,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {
    super();
  }

  protected override normalizeConfig(config: ResolvedConfig): ExampleEdrConfig {
    return { ...config, baseUrl: checkBaseUrl(config.baseUrl) } as ExampleEdrConfig;
  }

  /** One request, read step by step: where it stops tells the user which setting to fix. */
  protected testSteps(): TestStep<ExampleEdrConfig>[] {
    let answer: Answer<unknown> | undefined;
    let first: EdrHost | undefined;
    return [
      {
        id: 'connect',
        title: 'Reach the API address over TLS',
        run: async (ctx) => {
          try {
            answer = await this.client(ctx.config).probe(ctx.signal);
          } catch (err) {
            throw new ConnectorError('CONNECT_FAILED', (err as Error).message, {
              cause: err,
              hint: 'Check baseUrl and that this device can reach it (DNS, proxy, firewall, certificate).',
            });
          }
          return `HTTP ${answer.status} from ${ctx.config.baseUrl}`;
        },
      },
      {
        id: 'auth',
        title: 'Authenticate with the API key',
        run: async () => {
          if (answer!.status >= 300)
            throw vendorError(answer!.status, answer!.body, undefined, 'GET /api/v1/hosts');
          return 'API key accepted';
        },
      },
      {
        id: 'data',
        title: 'Read the first page of hosts',
        run: async () => {
          const page = answer!.body as Partial<EdrHostsPage>;
          if (!Array.isArray(page?.data)) {
            throw new ConnectorError(
              'UNEXPECTED_RESPONSE',
              'the hosts endpoint did not return a "data" list',
              {
                hint: 'Check that baseUrl points at the EDR API root (not the console).',
              },
            );
          }
          first = page.data[0];
          return first ? `first host: ${first.hostname ?? first.id}` : 'no hosts yet';
        },
      },
      normalizeOneStep(this, {
        contentType: HOSTS,
        sample: () => first,
        describe: (host) => `host ${host.hostname ?? host.id}`,
        none: 'no host to normalize yet',
      }),
    ];
  }

  collect(ctx: CollectContext<ExampleEdrConfig>): Observable<CollectedPage<EdrHost>> {
    if (!ctx.contentTypes.includes(HOSTS)) return EMPTY;
    const client = this.client(ctx.config);
    return paginate({
      contentType: HOSTS,
      initial: '',
      demand: ctx.demand,
      signal: ctx.signal,
      fetchPage: async (cursor, signal) => {
        const page = await client.listHosts(cursor, signal);
        return { items: page.data, next: page.meta.next_cursor };
      },
    });
  }

  normalize(_contentType: string, raw: EdrHost): NormalizedRecord {
    return mapHost(raw);
  }

  /** The framework's runRespond has checked the action and its target fields before this runs. */
  override respond(request: RespondRequest, ctx: RunContext<ExampleEdrConfig>): Promise<RespondResult> {
    const action = RESPONSE_ACTIONS[request.action];
    if (!action)
      return Promise.reject(
        new UnknownActionError(this.manifest.name, request.action, Object.keys(RESPONSE_ACTIONS)),
      );
    return action(this.client(ctx.config), request.target, ctx.signal);
  }

  private client(config: ExampleEdrConfig): ExampleEdrClient {
    let client = this.clients.get(config);
    if (!client) {
      client = ExampleEdrClient.fromConfig(config, { http: this.http, clock: this.clock });
      this.clients.set(config, client);
    }
    return client;
  }
}
