import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  AxiosHttpClientFactory,
  checkBaseUrl,
  ConfigurationError,
  errorForStatus,
  isRetryableHttpError,
  PermissionError,
  perConfig,
  RateLimitError,
  requestJson,
  safeUrl,
  VendorApiError,
  type Clock,
} from '../../src/engine';

const failure = (fn: () => unknown): ConfigurationError => {
  try {
    fn();
  } catch (err) {
    return err as ConfigurationError;
  }
  throw new Error('accepted');
};

describe('safeUrl', () => {
  it('should join the base path and the request path as axios does, without credentials or query', () => {
    expect(safeUrl('http://u:p@host:8080/api', 'computers/search?x=1')).to.equal(
      'http://host:8080/api/computers/search',
    );
    expect(safeUrl('http://host/api/', '/computers')).to.equal('http://host/api/computers');
    expect(safeUrl('http://host/api', 'https://other/x')).to.equal('https://other/x');
    expect(safeUrl('http://host/api')).to.equal('http://host/api');
  });
});

describe('checkBaseUrl', () => {
  it('should add https to a bare host and drop the trailing slash', () => {
    expect(checkBaseUrl('API.example.com/v2/', { field: 'baseUrl' })).to.equal('https://api.example.com/v2');
  });

  it('should accept plain http to loopback only in development, naming the field', () => {
    expect(checkBaseUrl('http://127.0.0.1:8080/', { development: true })).to.equal('http://127.0.0.1:8080');
    const err = failure(() => checkBaseUrl('http://127.0.0.1:8080', { field: 'apiUrl' }));
    expect(err.field).to.equal('apiUrl');
    expect(err.message).to.match(/only in development/);
  });

  it('should refuse plain http to a remote host, credentials, and metadata addresses even in development', () => {
    expect(failure(() => checkBaseUrl('http://api.example.com', { development: true })).message).to.match(
      /must use https/,
    );
    expect(failure(() => checkBaseUrl('https://u:p@api.example.com')).message).to.match(
      /user name or password/,
    );
    for (const url of [
      'http://169.254.169.254/latest',
      'https://[fd00:ec2::254]/',
      'https://metadata.google.internal',
    ])
      expect(failure(() => checkBaseUrl(url, { development: true })).message, url).to.match(/metadata/);
  });
});

describe('AxiosHttpClientFactory', () => {
  describe('#create', () => {
    it('should refuse a base URL the policy refuses, naming the given field', () => {
      const prod = new AxiosHttpClientFactory();
      const err = failure(() => prod.create({ baseURL: 'http://localhost:9', field: 'baseUrl' }));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect(err.field).to.equal('baseUrl');
      expect(() =>
        new AxiosHttpClientFactory({ development: true }).create({ baseURL: 'http://localhost:9' }),
      ).to.not.throw();
    });

    it('should refuse at connection time a name that resolves to a metadata address', async () => {
      const factory = new AxiosHttpClientFactory({
        resolve: ((_h: string, _o: unknown, cb: (e: null, a: unknown[]) => void) =>
          cb(null, [{ address: '169.254.169.254', family: 4 }])) as never,
      });
      const client = factory.create({ baseURL: 'https://sneaky.example' });
      const err = await client.get('/x').then(
        () => undefined,
        (e: unknown) => e as { code?: string },
      );
      expect(err?.code).to.equal('ERR_FORBIDDEN_ADDRESS');
    });
  });
});

describe('errorForStatus', () => {
  const ctx = { action: 'GET /v1/events', method: 'GET', url: 'https://api.example.com/v1/events', now: 0 };

  it('should map 401, 403, 404, 429 and 5xx to typed errors with the vendor message', () => {
    const auth = errorForStatus(401, {}, '{"message":"bad key"}', { ...ctx, hints: { 401: 'New key.' } });
    expect(auth).to.be.instanceOf(AuthenticationError).and.include({ hint: 'New key.' });
    expect(auth.details).to.include({ status: 401, vendorMessage: 'bad key' });
    expect(errorForStatus(403, {}, '', ctx)).to.be.instanceOf(PermissionError);
    const missing = errorForStatus(404, {}, '', ctx) as VendorApiError;
    expect(missing.message).to.contain(ctx.url);
    expect(isRetryableHttpError(missing)).to.equal(false);
    const limited = errorForStatus(429, { 'Retry-After': '7' }, '', ctx) as RateLimitError;
    expect(limited).to.be.instanceOf(RateLimitError);
    expect(limited.retryAfterMs).to.equal(7000);
    for (const status of [500, 502, 503, 504, 520])
      expect(isRetryableHttpError(errorForStatus(status, {}, '<h1>Bad</h1>', ctx)), String(status)).to.equal(
        true,
      );
  });
});

describe('requestJson', () => {
  let server: http.Server;
  let base: string;
  let answers: Array<[number, Record<string, string>, string]>;
  const slept: number[] = [];
  const clock: Clock = { now: () => 0, sleep: async (ms) => void slept.push(ms) };

  before(async () => {
    server = http.createServer((_req, res) => {
      const [status, headers, body] = answers.shift() ?? [500, {}, ''];
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));
  beforeEach(() => (slept.length = 0));

  it('should retry a 429 after its Retry-After and a 503, then return the parsed body', async () => {
    answers = [
      [429, { 'retry-after': '3' }, '{}'],
      [503, {}, 'down'],
      [200, {}, '{"items":[1,2]}'],
    ];
    const client = new AxiosHttpClientFactory({ development: true }).create({ baseURL: base });
    const body = await requestJson<{ items: number[] }>(client, { url: '/items' }, { clock });
    expect(body.items).to.deep.equal([1, 2]);
    expect(slept[0]).to.equal(3000);
    expect(slept).to.have.length(2);
  });

  it('should throw the typed error of a status that is not retried, at once', async () => {
    answers = [[403, {}, '{"message":"no role"}']];
    const client = new AxiosHttpClientFactory({ development: true }).create({ baseURL: base });
    const err = await requestJson(client, { url: '/items' }, { clock }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(PermissionError);
    expect(slept).to.deep.equal([]);
  });
});

describe('perConfig', () => {
  it('should build one client per resolved config object and reuse it', () => {
    let built = 0;
    const clientFor = perConfig((config: { url: string }) => ({ url: config.url, n: ++built }));
    const a = { url: 'a' };
    expect(clientFor(a)).to.equal(clientFor(a));
    expect(clientFor({ url: 'a' })).to.not.equal(clientFor(a));
    expect(built).to.equal(2);
  });
});
