import { describeConnectorConformance, readFixture } from '@connectors/testkit';
import type { ExampleJsonApiEvent } from '../../src';
import { startExampleJsonApiFake } from '../support/example-json-api.fake-api';

describeConnectorConformance(__dirname, {
  secretFields: ['apiKey'],
  async setup() {
    const api = await startExampleJsonApiFake(
      readFixture<ExampleJsonApiEvent[]>(__dirname, 'events', 'sample'),
    );
    // A page size of 2 makes the five sample events three pages, so paging rules can be checked.
    const config = { baseUrl: api.baseUrl, apiKey: api.apiKey, pageSize: 2 };
    return {
      config,
      failingConfigs: [{ title: 'wrong API key', config: { ...config, apiKey: 'not-the-key' } }],
      requestCount: () => api.requests.length,
      teardown: () => api.stop(),
    };
  },
  invalidConfigs: [
    {
      title: 'plain http to a remote host',
      field: 'baseUrl',
      config: (valid) => ({ ...valid, baseUrl: 'http://api.example.com' }),
    },
    {
      title: 'not a URL',
      field: 'baseUrl',
      config: (valid) => ({ ...valid, baseUrl: 'https://api example.com' }),
    },
    { title: 'page size out of range', field: 'pageSize', config: (valid) => ({ ...valid, pageSize: 5000 }) },
  ],
});
