import { expect } from 'chai';
import https from 'node:https';
import { createServer } from 'node:net';
import {
  AxiosHttpClientFactory,
  type HttpClientFactory,
  type HttpClientOptions,
  type TestResult,
} from '@connectors/framework/engine';
import { localhostTls, startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import { connectTo } from './simulated-connector';

const STEP_IDS = ['connect', 'authenticate', 'permission', 'first-page', 'normalize'];

/** Trusts the simulator's self-signed certificate, as a device with a private CA installed would. */
class TrustingHttpClientFactory implements HttpClientFactory {
  readonly development = true;
  create(options: HttpClientOptions) {
    const client = new AxiosHttpClientFactory({ development: true }).create(options);
    client.defaults.httpsAgent = new https.Agent({ ca: localhostTls().ca, keepAlive: true });
    return client;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const statuses = (r: TestResult) => r.steps.map((s) => `${s.id}:${s.status}`);

describe('CloudOneConnector#test() against the simulator', () => {
  const started: SimulatorHandle[] = [];
  const simulator = async (options: Parameters<typeof startSimulator>[0] = {}): Promise<SimulatorHandle> => {
    const sim = await startSimulator({ computers: 25, ...options });
    started.push(sim);
    return sim;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  it('should pass every step in order and read only a few computers (nothing is ingested)', async () => {
    const sim = await simulator();
    const { connector } = await connectTo(sim);
    const result = await connector.test();
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.steps.map((s) => s.id)).to.deep.equal(STEP_IDS);
    expect(result.steps.every((s) => s.status === 'passed')).to.equal(true);
    expect(result.steps[0].detail).to.match(/answered .*HTTP 401 without a key/);
    expect(result.steps[3].detail).to.match(/^10 computer\(s\) read/);
    expect(result.steps[4].detail).to.match(/→ record [0-9a-f]{12}…, asset by ID/);
    expect(sim.requests.count()).to.equal(3);
    expect(sim.requests.log.map((e) => e.maxItems ?? null)).to.deep.equal([null, 1, 10]);
  });

  it('should say at the address step that a region it does not know does not resolve', async () => {
    const sim = await simulator();
    // A resolver that knows no name, as DNS answers for a region that does not exist.
    const resolve = ((
      hostname: string,
      _options: unknown,
      callback: (err: NodeJS.ErrnoException) => void,
    ) => {
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = 'ENOTFOUND';
      callback(err);
    }) as unknown as NonNullable<ConstructorParameters<typeof AxiosHttpClientFactory>[0]>['resolve'];
    const { connector } = await connectTo(
      sim,
      { apiUrl: 'https://workload.zz-9.cloudone.trendmicro.com/api', maxRetries: 0 },
      { httpClientFactory: new AxiosHttpClientFactory({ development: true, resolve }) },
    );
    const result = await connector.test();
    expect(statuses(result)[0]).to.equal('connect:failed');
    expect(result.steps[0].hint)
      .to.match(/workload\.zz-9\.cloudone\.trendmicro\.com does not resolve/)
      .and.match(/"zz-9" is not a region this plugin knows \(us-1,/);
  });

  it('should fail at authentication with status, vendor message and a fix for a bad key', async () => {
    const sim = await simulator();
    const { connector } = await connectTo(sim, {
      apiKey: 'tmcWRONGwrongWRONGwrongWRONGwron:' + 'x'.repeat(66),
    });
    const result = await connector.test();
    expect(result.ok).to.equal(false);
    expect(statuses(result)).to.deep.equal([
      'connect:passed',
      'authenticate:failed',
      'permission:skipped',
      'first-page:skipped',
      'normalize:skipped',
    ]);
    const step = result.steps[1];
    expect(step).to.include({ httpStatus: 401, vendorMessage: 'Invalid API Key' });
    expect(step.hint)
      .to.match(/check the API key/i)
      .and.match(/another region/);
    expect(result.summary).to.match(/failed at "Authentication"/);
    expect(JSON.stringify(result)).to.not.include('tmcWRONG');
  });

  it('should fail at permission with the vendor message for a read-limited key', async () => {
    const sim = await simulator({ readLimitedApiKey: 'auditor-without-computers' });
    const { connector } = await connectTo(sim, { apiKey: 'auditor-without-computers' });
    const result = await connector.test();
    expect(statuses(result)).to.deep.equal([
      'connect:passed',
      'authenticate:passed',
      'permission:failed',
      'first-page:skipped',
      'normalize:skipped',
    ]);
    expect(result.steps[2]).to.include({
      httpStatus: 403,
      vendorMessage: 'Not authorized to search computers',
    });
    expect(result.steps[2].hint).to.match(/role that can view computers/);
  });

  it('should fail at authentication when the key is sent with the wrong header scheme', async () => {
    const sim = await simulator();
    const { connector } = await connectTo(sim, { authScheme: 'legacy' });
    const result = await connector.test();
    expect(result.steps[1]).to.include({ status: 'failed', httpStatus: 401 });
    expect(result.steps[1].hint).to.match(/api-secret-key.*authScheme "apiKey"/);
  });

  it('should pass with a note when the account has no computers', async () => {
    const sim = await simulator({ computers: 0 });
    const { connector } = await connectTo(sim);
    const result = await connector.test();
    expect(result.ok).to.equal(true);
    expect(result.steps[3].detail).to.match(/no computers yet/);
    expect(result.steps[4].detail).to.match(/no computer to normalize/);
  });

  it('should fail at connect with a fix when nothing listens at the address', async () => {
    const port = await freePort();
    const { connector } = await connectTo({
      baseUrl: `http://127.0.0.1:${port}/api`,
      apiKey: 'k',
    } as SimulatorHandle);
    const result = await connector.test();
    expect(statuses(result)[0]).to.equal('connect:failed');
    expect(result.steps[0].detail).to.match(/cannot reach 127\.0\.0\.1/);
    expect(result.steps[0].hint).to.match(/Nothing accepts connections/);
  });

  it('should fail at connect when the URL answers but is not the API root', async () => {
    const sim = await simulator();
    const { connector } = await connectTo(sim, {
      apiUrl: sim.baseUrl.replace(/\/api$/, '/other/api'),
      onPremises: true,
    });
    const result = await connector.test();
    expect(result.steps[0]).to.include({ status: 'failed', httpStatus: 404 });
    expect(result.steps[0].hint).to.match(/must end in \/api/);
  });

  it('should fail at connect on an untrusted TLS certificate, and pass over TLS once it is trusted', async () => {
    const sim = await simulator({ tls: localhostTls() });
    expect(sim.baseUrl).to.match(/^https:/);
    const untrusted = await (await connectTo(sim)).connector.test();
    expect(statuses(untrusted)[0]).to.equal('connect:failed');
    expect(untrusted.steps[0].hint).to.match(/TLS certificate was not accepted/);
    const trusted = await (
      await connectTo(sim, {}, { httpClientFactory: new TrustingHttpClientFactory() })
    ).connector.test();
    expect(trusted.ok, JSON.stringify(trusted)).to.equal(true);
    expect(trusted.steps[0].detail).to.match(/TLS verified/);
  });

  it('should retry a transient fault within the test instead of failing it', async () => {
    const sim = await simulator();
    sim.faults.failNext(1, { statuses: [503] });
    const { connector } = await connectTo(sim);
    const result = await connector.test();
    expect(result.ok).to.equal(true);
    expect(sim.requests.countStatus(503)).to.equal(1);
  });
});
