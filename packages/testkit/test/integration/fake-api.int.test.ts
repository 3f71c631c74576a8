import { expect } from 'chai';
import axios from 'axios';
import { startFakeApi, type FakeApi } from '../../src';

describe('startFakeApi', () => {
  let api: FakeApi;
  const http = axios.create({ validateStatus: () => true });

  beforeEach(async () => {
    api = await startFakeApi({
      routes: [
        {
          method: 'GET',
          path: '/v1/hosts/:id',
          handler: (req) => ({ body: { id: req.params.id, query: req.query } }),
        },
      ],
    });
  });

  afterEach(() => api.stop());

  it('should listen on 127.0.0.1 with an ephemeral port', () => {
    expect(api.baseUrl).to.equal(`http://127.0.0.1:${api.port}`);
    expect(api.port).to.be.greaterThan(0);
  });

  it('should route by method and path, with path parameters and repeated query parameters', async () => {
    const res = await http.get(`${api.baseUrl}/v1/hosts/h%201?expand=a&expand=b&limit=5`);
    expect(res.status).to.equal(200);
    expect(res.data).to.deep.equal({ id: 'h 1', query: { expand: ['a', 'b'], limit: '5' } });
  });

  it('should record every request with its parsed JSON body', async () => {
    api.route('POST', '/v1/items', (req) => ({ status: 201, body: req.body }));
    const res = await http.post(`${api.baseUrl}/v1/items`, { name: 'x' });
    expect(res.status).to.equal(201);
    expect(api.requests.map((r) => [r.method, r.path, r.body])).to.deep.equal([
      ['POST', '/v1/items', { name: 'x' }],
    ]);
    api.reset();
    expect(api.requests).to.have.length(0);
  });

  it('should answer 404 with a message for an unknown route and 500 when a handler throws', async () => {
    api.route('GET', '/boom', () => {
      throw new Error('handler failed');
    });
    expect((await http.get(`${api.baseUrl}/nope`)).data).to.deep.equal({ message: 'no route for GET /nope' });
    const res = await http.get(`${api.baseUrl}/boom`);
    expect([res.status, res.data]).to.deep.equal([500, { message: 'handler failed' }]);
  });

  it('should let a later route override an earlier one, and send headers and text bodies', async () => {
    api.route('GET', '/v1/hosts/:id', () => ({
      status: 429,
      headers: { 'retry-after': '2' },
      body: 'slow down',
    }));
    const res = await http.get(`${api.baseUrl}/v1/hosts/1`);
    expect([res.status, res.headers['retry-after'], res.data]).to.deep.equal([429, '2', 'slow down']);
  });
});
