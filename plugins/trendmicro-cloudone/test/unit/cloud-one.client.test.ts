import { expect } from 'chai';
import nock from 'nock';
import sinon from 'sinon';
import {
  AuthenticationError,
  AxiosHttpClientFactory,
  CancelledError,
  ConnectorError,
  createSilentLogger,
  PermissionError,
  RateLimitError,
  Secret,
  VendorApiError,
} from '@connectors/framework/engine';
import { FakeClock } from '@connectors/testkit';
import { CloudOneClient, MalformedResponseError, type CloudOneConfig } from '../../src';

const API = 'https://workload.us-1.cloudone.trendmicro.com';
const KEY =
  'tmcAbCdEfGhIjKlMnOpQrStUvWxYz01:secretsecretsecretsecretsecretsecretsecretsecretsecretsecretsecret';

function config(overrides: Partial<CloudOneConfig> = {}): CloudOneConfig {
  return {
    apiUrl: `${API}/api`,
    apiKey: new Secret(KEY),
    interval: 5,
    contentTypes: ['computers'],
    authScheme: 'apiKey',
    onPremises: false,
    pageSize: 100,
    expand: ['computerStatus', 'interfaces'],
    requestTimeoutSeconds: 5,
    maxRetries: 3,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 60_000,
    ...overrides,
  };
}

describe('CloudOneClient', () => {
  const sandbox = sinon.createSandbox();
  let clock: FakeClock;

  const client = (overrides: Partial<CloudOneConfig> = {}): CloudOneClient =>
    CloudOneClient.fromConfig(config(overrides), {
      httpClientFactory: new AxiosHttpClientFactory(),
      clock,
      logger: createSilentLogger(),
      random: () => 0.5,
    });
  const search = async (c: CloudOneClient, afterId = 0) => [
    ...(await c.searchComputers({ afterId, maxItems: 100, expand: ['computerStatus', 'interfaces'] })),
  ];
  const failureOf = async (p: Promise<unknown>): Promise<ConnectorError> => {
    try {
      await p;
    } catch (err) {
      return err as ConnectorError;
    }
    throw new Error('expected a failure');
  };

  beforeEach(() => {
    clock = new FakeClock({ autoAdvance: true });
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    sandbox.restore();
  });

  describe('#searchComputers()', () => {
    it('should POST the ID-paging filter with repeated expand parameters and the Cloud One headers', async () => {
      const scope = nock(API, {
        reqheaders: {
          authorization: `ApiKey ${KEY}`,
          'api-version': 'v1',
          'content-type': /application\/json/,
        },
        badheaders: ['api-secret-key'],
      })
        .post('/api/computers/search', {
          maxItems: 100,
          sortByObjectID: true,
          searchCriteria: [{ idTest: 'greater-than', idValue: 41 }],
        })
        .query((q) => JSON.stringify(q.expand) === JSON.stringify(['computerStatus', 'interfaces']))
        .reply(200, { computers: [{ ID: 42 }, { ID: 43 }] });
      expect(await search(client(), 41)).to.deep.equal([{ ID: 42 }, { ID: 43 }]);
      scope.done();
    });

    it('should send a legacy key as api-secret-key and no Authorization header', async () => {
      const scope = nock(API, {
        reqheaders: { 'api-secret-key': KEY, 'api-version': 'v1' },
        badheaders: ['authorization'],
      })
        .post('/api/computers/search')
        .query(true)
        .reply(200, { computers: [] });
      expect(await search(client({ authScheme: 'legacy' }))).to.deep.equal([]);
      scope.done();
    });

    it('should fail at once with the status, the vendor message and a hint on 401 and 403', async () => {
      nock(API).post('/api/computers/search').query(true).reply(401, { message: 'Invalid API Key' });
      const auth = await failureOf(search(client()));
      expect(auth).to.be.instanceOf(AuthenticationError);
      expect(auth.details).to.include({ status: 401, vendorMessage: 'Invalid API Key' });
      expect(auth.hint).to.match(/another region/);
      nock(API)
        .post('/api/computers/search')
        .query(true)
        .reply(403, { message: 'Not authorized to search computers' });
      const perm = await failureOf(search(client()));
      expect(perm).to.be.instanceOf(PermissionError);
      expect(perm.details).to.include({ status: 403, vendorMessage: 'Not authorized to search computers' });
      expect(clock.sleeps).to.deep.equal([]);
    });

    it('should retry 429 honoring Retry-After, and 5xx with jittered exponential backoff', async () => {
      const scope = nock(API)
        .post('/api/computers/search')
        .query(true)
        .reply(429, { message: 'Too many API requests' }, { 'Retry-After': '7' })
        .post('/api/computers/search')
        .query(true)
        .reply(429, { message: 'Too many API requests' })
        .post('/api/computers/search')
        .query(true)
        .reply(503, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', {
          'Content-Type': 'text/html',
        })
        .post('/api/computers/search')
        .query(true)
        .reply(200, { computers: [{ ID: 1 }] });
      expect(await search(client())).to.deep.equal([{ ID: 1 }]);
      // 7 s asked by the server; then full jitter (random 0.5) of 100·2^1 and 100·2^2 ms.
      expect(clock.sleeps).to.deep.equal([7000, 100, 200]);
      scope.done();
    });

    it('should give up after maxRetries with the last error, saying how many attempts were made', async () => {
      nock(API).post('/api/computers/search').query(true).times(4).reply(502, 'Bad Gateway');
      const err = await failureOf(search(client()));
      expect(err).to.be.instanceOf(VendorApiError);
      expect(err.details).to.include({ status: 502, vendorMessage: 'Bad Gateway' });
      expect(err.message).to.match(/gave up after 4 attempts/);
      expect(clock.sleeps).to.have.length(3);
    });

    it('should cap an honored Retry-After at retryMaxDelayMs', async () => {
      nock(API).post('/api/computers/search').query(true).reply(429, {}, { 'Retry-After': '600' });
      nock(API).post('/api/computers/search').query(true).reply(200, { computers: [] });
      await search(client({ retryMaxDelayMs: 30_000 }));
      expect(clock.sleeps).to.deep.equal([30_000]);
    });

    it('should retry malformed pages and then fail the run with a clear error, never skip them', async () => {
      nock(API).post('/api/computers/search').query(true).reply(200, '{"computers":[{"ID":1},]}');
      nock(API)
        .post('/api/computers/search')
        .query(true)
        .reply(200, { computers: [{ ID: 1 }] });
      expect(await search(client())).to.deep.equal([{ ID: 1 }]);

      nock(API).post('/api/computers/search').query(true).times(4).reply(200, '{"computers":[{"ID":1,"hostN');
      const err = await failureOf(search(client(), 0));
      expect(err).to.be.instanceOf(MalformedResponseError);
      expect(err.code).to.equal('VENDOR_MALFORMED_RESPONSE');
      expect(err.message).to.match(
        /searching computers after ID 0: the API returned malformed JSON .*gave up after 4 attempts/,
      );
    });

    it('should treat a page without a computers array or a computer without an integer ID as malformed', async () => {
      nock(API).post('/api/computers/search').query(true).reply(200, { items: [] });
      expect((await failureOf(search(client({ maxRetries: 0 })))).message).to.match(/no "computers" array/);
      nock(API)
        .post('/api/computers/search')
        .query(true)
        .reply(200, { computers: [{ ID: 1 }, { ID: '2' }] });
      expect((await failureOf(search(client({ maxRetries: 0 })))).message).to.match(
        /computer 2 of 2 has no valid integer ID/,
      );
    });

    it('should not retry a 400 and should name the URL on a 404', async () => {
      nock(API).post('/api/computers/search').query(true).reply(400, { message: 'Invalid expand value: x' });
      const bad = await failureOf(search(client()));
      expect(bad.details).to.include({ status: 400, vendorMessage: 'Invalid expand value: x' });
      expect(clock.sleeps).to.deep.equal([]);
      nock(API).post('/api/computers/search').query(true).reply(404, 'Not Found');
      const missing = await failureOf(search(client()));
      expect(missing.message).to.include(`${API}/api/computers/search`);
      expect(missing.hint).to.match(/ending in \/api/);
    });

    it('should abort the request in flight when the signal fires, without retrying', async () => {
      nock(API).post('/api/computers/search').query(true).delay(5_000).reply(200, { computers: [] });
      const controller = new AbortController();
      const pending = client().searchComputers({
        afterId: 0,
        maxItems: 1,
        expand: ['none'],
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 20);
      expect(await failureOf(pending)).to.be.instanceOf(CancelledError);
      expect(clock.sleeps).to.deep.equal([]);
    });

    it('should keep the key out of every error', async () => {
      nock(API).post('/api/computers/search').query(true).reply(401, { message: 'Invalid API Key' });
      const err = await failureOf(search(client()));
      expect(JSON.stringify(err)).to.not.include(KEY);
      expect(String(err.stack)).to.not.include(KEY);
    });
  });

  describe('#probe()', () => {
    it('should call the API without a key and report any HTTP status as reachable', async () => {
      nock(API, { badheaders: ['authorization', 'api-secret-key'] })
        .get('/api/computers')
        .query({ expand: 'none' })
        .reply(401, { message: 'Invalid API Key' }, { 'Content-Type': 'application/json' });
      expect(await client().probe()).to.deep.equal({
        status: 401,
        vendorMessage: 'Invalid API Key',
        contentType: 'application/json',
      });
    });
  });

  describe('errors by class', () => {
    it('should classify rate limits as RateLimitError with the asked delay', async () => {
      nock(API)
        .post('/api/computers/search')
        .query(true)
        .reply(429, { message: 'Too many API requests' }, { 'Retry-After': '2' });
      const err = await failureOf(search(client({ maxRetries: 0 })));
      expect(err).to.be.instanceOf(RateLimitError);
      expect((err as RateLimitError).retryAfterMs).to.equal(2000);
    });
  });
});
