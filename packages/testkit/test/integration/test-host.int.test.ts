import { expect } from 'chai';
import { TOKENS, type Clock } from '@connectors/framework/engine';
import {
  createTestHost,
  FakeClock,
  startFakeApi,
  UnreachableHttpClientFactory,
  type FakeApi,
  type LoadedPlugin,
} from '../../src';
import { Sound } from '../support/flawed.connectors';
import { itemsManifest } from '../support/items.manifest';

const KEY = 'host-test-key-0123456789';
const ITEMS = [
  { id: 'a', name: 'A' },
  { id: 'b', name: '' },
  { id: 'c', name: 'C' },
];

describe('createTestHost', () => {
  let api: FakeApi;
  const plugin: LoadedPlugin = { manifest: itemsManifest(), connectorClass: Sound };

  before(async () => {
    api = await startFakeApi();
    api.route('GET', '/items', (req) => {
      if (req.headers['x-api-key'] !== KEY) return { status: 401, body: { message: 'bad key' } };
      const page = Number(req.query.page);
      const limit = Number(req.query.limit);
      return {
        body: {
          items: ITEMS.slice((page - 1) * limit, page * limit),
          next: page * limit < ITEMS.length ? page + 1 : null,
        },
      };
    });
    api.route('GET', '/slow', () => ({ delayMs: 2000, body: {} }));
  });

  after(() => api.stop());

  describe('#instantiate', () => {
    it('should configure the connector in its own child container with the fake clock', () => {
      const host = createTestHost();
      const tc = host.instantiate(plugin, { baseUrl: api.baseUrl, apiKey: KEY });
      expect(host.clock).to.be.instanceOf(FakeClock);
      expect(host.container.resolve<Clock>(TOKENS.Clock)).to.equal(host.clock);
      expect(tc.config.pageSize).to.equal(100);
      expect(tc.instance).to.deep.include({ tenant: 'tenant-test', type: 'flaw-sound' });
      expect(String(tc.config.apiKey)).to.equal('[REDACTED]');
    });

    it('should throw the configuration error for a bad config', () => {
      expect(() => createTestHost().instantiate(plugin, { baseUrl: api.baseUrl })).to.throw(
        /apiKey: is required/,
      );
    });
  });

  describe('TestConnector', () => {
    it('should collect pages and build envelopes with the framework', async () => {
      const tc = createTestHost({ tenant: 'acme' }).instantiate(plugin, {
        baseUrl: api.baseUrl,
        apiKey: KEY,
        pageSize: 2,
      });
      const records = await tc.collectRecords();
      expect(records.map((r) => [r.page, r.normalized.key])).to.deep.equal([
        [1, 'a'],
        [1, 'b'],
        [2, 'c'],
      ]);
      expect(records[1].entry.record).to.not.have.property('name');
      expect(records[0].entry.record).to.deep.include({ msg_class: 'flawed_items', tenant_id: 'acme' });
    });

    it('should run test() and respond() the way the host does', async () => {
      const tc = createTestHost().instantiate(plugin, { baseUrl: api.baseUrl, apiKey: 'wrong-key-000' });
      const result = await tc.test();
      expect(result.ok).to.equal(false);
      expect(result.steps[0]).to.deep.include({ id: 'auth', status: 'failed', hint: 'Check apiKey.' });
      const err = await tc.respond('isolate', { hostname: 'h' }).catch((e: { code: string }) => e);
      expect(err).to.have.property('code', 'RESPOND_NOT_SUPPORTED');
    });
  });

  describe('http recording', () => {
    it('should record method, URL without query, status and outcome, and no headers', async () => {
      const host = createTestHost();
      await host.instantiate(plugin, { baseUrl: api.baseUrl, apiKey: KEY, pageSize: 5 }).collectPages();
      expect(host.http.requests).to.deep.equal([
        { seq: 1, method: 'GET', url: `${api.baseUrl}/items`, outcome: 'response', status: 200 },
      ]);
      expect(JSON.stringify(host.http.requests)).to.not.contain(KEY);
      expect(host.http.inFlight).to.equal(0);
    });

    it('should let a listener cancel a request before it is sent, and record it as cancelled', async () => {
      const host = createTestHost();
      const client = host.http.create({ baseURL: api.baseUrl });
      const controller = new AbortController();
      host.http.onRequest(() => controller.abort());
      const outcome = await client.get('/slow', { signal: controller.signal }).then(
        () => 'answered',
        () => 'rejected',
      );
      expect(outcome).to.equal('rejected');
      expect(host.http.requests[0].outcome).to.equal('cancelled');
      expect(api.requests.filter((r) => r.path === '/slow')).to.have.length(0);
    });

    it('should fail every request as unreachable with UnreachableHttpClientFactory', async () => {
      const host = createTestHost({ httpClientFactory: new UnreachableHttpClientFactory() });
      const err = (await host.http
        .create({ baseURL: 'https://vendor.example' })
        .get('/x')
        .catch((e: unknown) => e)) as { code?: string };
      expect(err.code).to.equal('ECONNREFUSED');
      expect(host.http.requests[0]).to.deep.include({ outcome: 'error', url: 'https://vendor.example/x' });
    });
  });

  describe('logs', () => {
    it('should capture what connectors log, through the framework redaction', () => {
      const host = createTestHost();
      host
        .instantiate(plugin, { baseUrl: api.baseUrl, apiKey: KEY })
        .logger.info({ apiKey: KEY }, 'configured');
      const [entry] = host.logs.entries();
      expect(entry).to.deep.include({
        msg: 'configured',
        apiKey: '[REDACTED]',
        tenant: 'tenant-test',
        plugin: 'flaw-sound',
      });
      expect(host.logs.text()).to.not.contain(KEY);
    });
  });
});
