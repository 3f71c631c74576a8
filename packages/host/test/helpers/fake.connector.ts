import { Observable } from 'rxjs';
import {
  AuthenticationError,
  Connector,
  injectable,
  inject,
  paginate,
  TOKENS,
  type CollectContext,
  type CollectedPage,
  type ConnectorManifest,
  type HttpClientFactory,
  type NormalizedRecord,
  type ResolvedConfig,
  type RunContext,
  type Secret,
  type TestStep,
} from '@connectors/framework/engine';

export interface FakeConfig extends ResolvedConfig {
  apiKey: Secret;
  count: number;
  pageSize: number;
  interval: number;
  contentTypes?: string[];
  failCollect?: boolean;
  invalidEvery?: number;
  /** Makes an HTTP client and sends one request per page to this URL (rate budget tests). */
  url?: string;
}

export interface FakeHost {
  id: number;
  hostName: string;
  platform: string;
  ip: string[];
}

/** Test controls shared by every instance in this process (one mocha process runs one test at a time). */
export const fakeControls = {
  /** When set, each page waits for it before it is fetched. */
  pageGate: undefined as Promise<void> | undefined,
  pagesFetched: 0,
  collectsStarted: 0,
  /** Fails collection with an auth error when set (a fault that "persists"). */
  failCollect: false,
  /** Fails the test's auth step when set. */
  failTest: false,
  testGate: undefined as Promise<void> | undefined,
  /** Objects each page repeats from the end of the previous one (a vendor's paging that shifts). */
  pageOverlap: 0,
  /** Called with each object normalized. */
  onNormalize: undefined as ((raw: FakeHost) => void) | undefined,
  reset(): void {
    this.pageGate = undefined;
    this.pagesFetched = 0;
    this.collectsStarted = 0;
    this.failCollect = false;
    this.failTest = false;
    this.testGate = undefined;
    this.onNormalize = undefined;
    this.pageOverlap = 0;
  },
};

export const FAKE_MANIFEST: ConnectorManifest = {
  id: 'fake-inventory',
  name: 'Fake Inventory',
  vendor: 'Fake',
  version: '1.0.0',
  category: 'Asset',
  entry: '(set by the fixture)',
  exportName: 'FakeConnector',
  frameworkApi: '1',
  capabilities: { collect: true, respond: false, nativeAlertsMapped: false },
  runsOn: { devices: ['dp', 'sensor'], recommended: 'dp' },
  interval: { configurable: true, defaultMinutes: 5, minMinutes: 1, maxMinutes: 60 },
  contentTypes: [
    {
      id: 'hosts',
      title: 'Hosts',
      index: 'syslog',
      msgClass: 'fake_hosts',
      yieldsAssets: true,
      assetIdentityKeys: ['id', 'hostName'],
    },
    { id: 'events', title: 'Events', index: 'syslog', msgClass: 'fake_events', yieldsAssets: false },
  ],
  origin: { source: 'fake_inventory', vendor: 'fake', category: 'asset' },
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['apiKey'],
    properties: {
      apiKey: { type: 'string', minLength: 1, secret: true, description: 'The API key.' },
      count: { type: 'integer', minimum: 0, default: 10 },
      pageSize: { type: 'integer', minimum: 1, default: 5 },
      interval: { type: 'integer', default: 5 },
      contentTypes: { type: 'array', items: { type: 'string' }, default: ['hosts'] },
      failCollect: { type: 'boolean' },
      invalidEvery: { type: 'integer', minimum: 1 },
      url: { type: 'string' },
    },
  },
};

export function fakeHost(i: number): FakeHost {
  return {
    id: i,
    hostName: `host-${i}`,
    platform: i % 2 ? 'Microsoft Windows Server 2019' : 'Ubuntu Linux 22.04',
    ip: [`10.0.${Math.floor(i / 250)}.${i % 250}`],
  };
}

@injectable()
export class FakeConnector extends Connector<FakeConfig, FakeHost> {
  constructor(@inject(TOKENS.HttpClientFactory) private readonly http: HttpClientFactory) {
    super();
  }

  protected override testSteps(): TestStep<FakeConfig>[] {
    return [
      {
        id: 'auth',
        title: 'authentication',
        run: async (ctx: RunContext<FakeConfig>) => {
          if (fakeControls.testGate) await fakeControls.testGate;
          if (fakeControls.failTest || ctx.config.apiKey.reveal() === 'bad') {
            throw new AuthenticationError('the API key was refused (HTTP 401)', 'Check the API key.', {
              status: 401,
              vendorMessage: 'Invalid API Key',
            });
          }
          return 'key accepted';
        },
      },
      { id: 'data', title: 'first page of data', run: async () => 'one page readable' },
    ];
  }

  collect(ctx: CollectContext<FakeConfig>): Observable<CollectedPage<FakeHost>> {
    fakeControls.collectsStarted++;
    const { count, pageSize } = ctx.config;
    const client = ctx.config.url ? this.http.create({ baseURL: ctx.config.url }) : undefined;
    return paginate<FakeHost, number>({
      contentType: ctx.contentTypes[0],
      initial: 0,
      demand: ctx.demand,
      signal: ctx.signal,
      fetchPage: async (from, signal) => {
        if (fakeControls.pageGate) await fakeControls.pageGate;
        if (signal.aborted) throw new Error('aborted');
        if (fakeControls.failCollect || ctx.config.failCollect) {
          throw new AuthenticationError('the API key was refused (HTTP 401)', 'Check the API key.');
        }
        if (client) await client.get('/page', { signal });
        fakeControls.pagesFetched++;
        const items: FakeHost[] = [];
        for (let i = from; i < Math.min(count, from + pageSize); i++) items.push(fakeHost(i));
        const step = pageSize - fakeControls.pageOverlap;
        const next = from + pageSize < count ? from + step : null;
        return { items, next };
      },
    });
  }

  normalize(contentType: string, raw: FakeHost): NormalizedRecord {
    fakeControls.onNormalize?.(raw);
    const every = (this as unknown as { invalidEvery?: number }).invalidEvery;
    if (every && raw.id % every === 0) throw new Error(`object ${raw.id} is malformed`);
    return {
      key: String(raw.id),
      fields: {
        host: { hostname: raw.hostName, ip: raw.ip, os: { full: raw.platform } },
        fake_inventory: raw,
      },
      ...(contentType === 'hosts'
        ? {
            asset: {
              identity: { id: String(raw.id), hostName: raw.hostName },
              hostname: raw.hostName,
              ip: raw.ip,
            },
          }
        : {}),
    };
  }

  protected override normalizeConfig(config: ResolvedConfig): FakeConfig {
    const c = config as FakeConfig;
    (this as unknown as { invalidEvery?: number }).invalidEvery = c.invalidEvery;
    return c;
  }
}
