import { expect } from 'chai';
import {
  AxiosHttpClientFactory,
  type HttpClientFactory,
  type HttpClientOptions,
} from '@connectors/framework/engine';
import { startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import { CLOUD_ONE_REGIONS } from '../../src';
import { collect, connectTo } from './simulated-connector';

/**
 * Stands in for DNS: every client the connector creates talks to the simulator, whatever host its
 * configured URL names, keeping the path. Records the base URL the connector asked for.
 */
class SimulatorRoutingFactory implements HttpClientFactory {
  readonly development = true;
  readonly requested: string[] = [];
  constructor(private readonly sim: SimulatorHandle) {}
  create(options: HttpClientOptions) {
    this.requested.push(options.baseURL);
    const target = new URL(this.sim.baseUrl);
    const path = new URL(options.baseURL).pathname;
    return new AxiosHttpClientFactory({ development: true }).create({
      ...options,
      baseURL: `${target.origin}${path}`,
    });
  }
}

describe('CloudOneConnector API URL forms (collecting through each)', () => {
  let sim: SimulatorHandle;

  before(async () => {
    sim = await startSimulator({ computers: 7 });
  });
  beforeEach(() => {
    sim.requests.reset();
  });
  after(() => sim.stop());

  const forms: Array<[string, Record<string, unknown>, string]> = [
    ...CLOUD_ONE_REGIONS.map((r): [string, Record<string, unknown>, string] => [
      `workload.${r}.cloudone.trendmicro.com/api/ (no scheme, trailing slash)`,
      { apiUrl: `workload.${r}.cloudone.trendmicro.com/api/` },
      `https://workload.${r}.cloudone.trendmicro.com/api`,
    ]),
    [
      'the regional form without /api',
      { apiUrl: 'https://workload.us-1.cloudone.trendmicro.com' },
      'https://workload.us-1.cloudone.trendmicro.com/api',
    ],
    [
      'the legacy Cloud One form',
      { apiUrl: 'https://cloudone.trendmicro.com/api' },
      'https://cloudone.trendmicro.com/api',
    ],
    [
      'the legacy Deep Security form with a slash',
      { apiUrl: 'https://app.deepsecurity.trendmicro.com/api/' },
      'https://app.deepsecurity.trendmicro.com/api',
    ],
    [
      'an on-premises manager',
      { apiUrl: 'https://dsm.corp.example:4119', onPremises: true },
      'https://dsm.corp.example:4119/api',
    ],
  ];

  for (const [title, config, normalized] of forms) {
    it(`should reach /api/computers/search from ${title}`, async () => {
      const factory = new SimulatorRoutingFactory(sim);
      const { connector } = await connectTo(sim, config, { httpClientFactory: factory });
      expect(connector.config.apiUrl).to.equal(normalized);
      const run = await collect(connector);
      expect(run.error).to.equal(undefined);
      expect(run.ids).to.have.length(7);
      expect(factory.requested).to.deep.equal([normalized]);
      expect(sim.requests.byRoute()).to.deep.include({ search: 2, other: 0 });
    });
  }

  it('should reach the simulator directly through a loopback URL without /api or with a trailing slash', async () => {
    const origin = new URL(sim.baseUrl).origin;
    for (const apiUrl of [
      origin,
      `${origin}/`,
      `${sim.baseUrl}/`,
      origin.replace('127.0.0.1', 'localhost'),
    ]) {
      sim.requests.reset();
      const { connector } = await connectTo(sim, { apiUrl });
      const run = await collect(connector);
      expect(run.ids, apiUrl).to.have.length(7);
      expect(sim.requests.count('search'), apiUrl).to.equal(2);
    }
  });
});
