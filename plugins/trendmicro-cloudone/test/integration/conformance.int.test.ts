import { generateCloudOneKey, startSimulator } from '@connectors/cloudone-simulator';
import { describeConnectorConformance } from '@connectors/testkit';

describeConnectorConformance(__dirname, {
  secretFields: ['apiKey'],
  async setup() {
    const readLimitedApiKey = generateCloudOneKey();
    const sim = await startSimulator({ computers: 7, port: 0, readLimitedApiKey });
    // Three computers per search page: seven computers make three pages, so paging rules can be checked.
    const config = { apiUrl: sim.baseUrl, apiKey: sim.apiKey, pageSize: 3 };
    return {
      config,
      failingConfigs: [
        { title: 'a key the service does not know', config: { ...config, apiKey: generateCloudOneKey() } },
        { title: 'a key whose role cannot view computers', config: { ...config, apiKey: readLimitedApiKey } },
      ],
      requestCount: () => sim.requests.total,
      async teardown() {
        await sim.stop();
      },
    };
  },
  invalidConfigs: [
    {
      title: 'a host that is not a Cloud One endpoint',
      field: 'apiUrl',
      config: (valid) => ({ ...valid, apiUrl: 'https://api.example.com/api' }),
    },
    {
      title: 'the cloud metadata address',
      field: 'apiUrl',
      config: (valid) => ({ ...valid, apiUrl: 'http://169.254.169.254/api' }),
    },
    {
      title: 'page size above the search maximum',
      field: 'pageSize',
      config: (valid) => ({ ...valid, pageSize: 50_000 }),
    },
    {
      title: 'an unknown expand value',
      field: 'expand.0',
      config: (valid) => ({ ...valid, expand: ['everything'] }),
    },
  ],
});
