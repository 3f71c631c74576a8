import { describeConnectorConformance, readFixture } from '@connectors/testkit';
import type { EdrHost } from '../../src/internal-types';
import { startExampleEdrFake } from '../support/example-edr.fake-api';

describeConnectorConformance(__dirname, {
  secretFields: ['apiKey'],
  async setup() {
    const api = await startExampleEdrFake(readFixture<EdrHost[]>(__dirname, 'hosts', 'fleet'));
    // Two hosts per page: the five fixture hosts make three pages, so paging rules can be checked.
    const config = { baseUrl: api.baseUrl, apiKey: api.apiKey, pageSize: 2 };
    return {
      config,
      failingConfigs: [
        { title: 'wrong API key', config: { ...config, apiKey: 'not-the-key' } },
        { title: 'nothing listens at the address', config: { ...config, baseUrl: 'http://127.0.0.1:1' } },
      ],
      requestCount: () => api.requests.length,
      teardown: () => api.stop(),
    };
  },
  invalidConfigs: [
    {
      title: 'plain http to a remote host',
      field: 'baseUrl',
      config: (valid) => ({ ...valid, baseUrl: 'http://edr.example.com' }),
    },
    {
      title: 'credentials in the URL',
      field: 'baseUrl',
      config: (valid) => ({ ...valid, baseUrl: 'https://u:p@edr.example.com' }),
    },
    { title: 'page size out of range', field: 'pageSize', config: (valid) => ({ ...valid, pageSize: 0 }) },
  ],
  respondTargets: {
    'isolate-host': { hostname: 'web-1' },
    'unisolate-host': { hostname: 'web-1' },
    'block-ip': { ip: '203.0.113.7' },
    'unblock-ip': { ip: '203.0.113.7' },
  },
});
