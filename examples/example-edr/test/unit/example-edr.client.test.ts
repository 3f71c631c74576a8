import { expect } from 'chai';
import nock from 'nock';
import { AxiosHttpClientFactory, Secret, type ConnectorError } from '@connectors/framework/engine';
import { FakeClock } from '@connectors/testkit';
import { ExampleEdrClient } from '../../src/example-edr.client';

const BASE = 'https://edr.example.test';
const KEY = 'unit-key-0123456789';

describe(ExampleEdrClient.name, () => {
  let clock: FakeClock;
  let client: ExampleEdrClient;

  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());

  beforeEach(() => {
    clock = new FakeClock({ autoAdvance: true });
    const config = { baseUrl: BASE, apiKey: new Secret(KEY), pageSize: 2 };
    client = ExampleEdrClient.fromConfig(config, {
      http: new AxiosHttpClientFactory({ development: true }),
      clock,
    });
  });

  afterEach(() => nock.cleanAll());

  describe('#listHosts', () => {
    it('should send the key header and page size, and pass the cursor on', async () => {
      const scope = nock(BASE, { reqheaders: { 'x-api-key': KEY } })
        .get('/api/v1/hosts')
        .query({ limit: '2', cursor: 'o2' })
        .reply(200, { data: [{ id: 'h-3' }], meta: { next_cursor: null } });
      expect((await client.listHosts('o2')).data).to.deep.equal([{ id: 'h-3' }]);
      scope.done();
    });

    it('should retry a 503 with backoff and return the page', async () => {
      nock(BASE).get('/api/v1/hosts').query(true).reply(503, { message: 'maintenance' });
      nock(BASE)
        .get('/api/v1/hosts')
        .query(true)
        .reply(200, { data: [], meta: { next_cursor: null } });
      expect((await client.listHosts('')).data).to.deep.equal([]);
      expect(clock.sleeps).to.have.length(1);
    });

    it('should wait as long as Retry-After asks on 429', async () => {
      nock(BASE)
        .get('/api/v1/hosts')
        .query(true)
        .reply(429, { message: 'slow down' }, { 'retry-after': '3' });
      nock(BASE)
        .get('/api/v1/hosts')
        .query(true)
        .reply(200, { data: [], meta: { next_cursor: null } });
      await client.listHosts('');
      expect(clock.sleeps).to.deep.equal([3000]);
    });

    it('should turn 401 into AUTHENTICATION_FAILED with a hint, without the key', async () => {
      nock(BASE).get('/api/v1/hosts').query(true).reply(401, { message: 'Invalid API key' });
      const err = (await client.listHosts('').catch((e: unknown) => e)) as ConnectorError;
      expect(err.code).to.equal('AUTHENTICATION_FAILED');
      expect(err.hint).to.contain('apiKey');
      expect(err.details).to.deep.include({ status: 401, vendorMessage: 'Invalid API key' });
      expect(JSON.stringify(err)).to.not.contain(KEY);
      expect(clock.sleeps).to.deep.equal([]);
    });
  });

  describe('#isolate', () => {
    it('should accept 409 as "already isolated" instead of failing', async () => {
      nock(BASE).post('/api/v1/hosts/h-1/isolation').reply(409, { message: 'host is already isolated' });
      expect((await client.isolate('h-1')).status).to.equal(409);
    });
  });

  describe('#blockIp', () => {
    it('should post the IP to the block list', async () => {
      const scope = nock(BASE).post('/api/v1/blocklist', { type: 'ip', value: '203.0.113.7' }).reply(201, {});
      expect((await client.blockIp('203.0.113.7')).status).to.equal(201);
      scope.done();
    });
  });
});
