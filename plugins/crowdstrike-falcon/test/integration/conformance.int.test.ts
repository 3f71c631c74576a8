import { startFalconSimulator } from '@connectors/falcon-simulator';
import { describeConnectorConformance } from '@connectors/testkit';

describeConnectorConformance(__dirname, {
  secretFields: ['clientSecret'],
  async setup() {
    const sim = await startFalconSimulator({
      hosts: 7,
      containmentDelayMs: 0,
      clients: [{ clientId: 'reader', clientSecret: 'reader-secret', scopes: [] }],
    });
    sim.faults.addHosts(1, { hostname: 'conformance-host' });
    // Three ids per scroll page: eight hosts make three pages, so paging rules can be checked.
    const config = {
      baseUrl: sim.baseUrl,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      pageSize: 3,
    };
    return {
      config,
      failingConfigs: [
        { title: 'a wrong client secret', config: { ...config, clientSecret: 'not-the-secret' } },
        {
          title: 'a client without the scope Hosts: Read',
          config: { ...config, clientId: 'reader', clientSecret: 'reader-secret' },
        },
        { title: 'nothing listens at the address', config: { ...config, baseUrl: 'http://127.0.0.1:1' } },
      ],
      requestCount: () => sim.requests.length,
      teardown: () => sim.stop(),
    };
  },
  invalidConfigs: [
    { title: 'an unknown cloud', field: 'cloud', config: (valid) => ({ ...valid, cloud: 'mars-1' }) },
    {
      title: 'plain http to a remote host',
      field: 'baseUrl',
      config: (valid) => ({ ...valid, baseUrl: 'http://api.crowdstrike.com' }),
    },
    {
      title: 'the cloud metadata address',
      field: 'baseUrl',
      config: (valid) => ({ ...valid, baseUrl: 'http://169.254.169.254' }),
    },
    {
      title: 'a page size above the API maximum',
      field: 'pageSize',
      config: (valid) => ({ ...valid, pageSize: 5001 }),
    },
  ],
  respondTargets: {
    contain_host: { host: 'conformance-host' },
    lift_containment: { host: 'conformance-host' },
  },
});
