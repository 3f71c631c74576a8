import { expect } from 'chai';
import { createTestHost, loadPlugin } from '@connectors/testkit';
import type { FalconConfig } from '../../src/types';

describe('FalconConnector', () => {
  describe('#configure', () => {
    const configure = async (input: Record<string, unknown>): Promise<FalconConfig> =>
      createTestHost({ development: false }).instantiate<FalconConfig>(await loadPlugin(__dirname), {
        clientId: 'id',
        clientSecret: 'secret',
        ...input,
      }).config;

    it('should take the base URL of the cloud, us-1 by default', async () => {
      expect((await configure({})).baseUrl).to.equal('https://api.crowdstrike.com');
      expect((await configure({ cloud: 'eu-1' })).baseUrl).to.equal('https://api.eu-1.crowdstrike.com');
      expect((await configure({ cloud: 'us-gov-1' })).baseUrl).to.equal(
        'https://api.laggar.gcw.crowdstrike.com',
      );
    });

    it('should prefer baseUrl over the cloud, adding https:// and dropping a trailing slash', async () => {
      const config = await configure({ cloud: 'eu-1', baseUrl: 'api.us-2.crowdstrike.com/' });
      expect(config.baseUrl).to.equal('https://api.us-2.crowdstrike.com');
    });

    it('should default the page size to 1,000 ids', async () => {
      expect((await configure({})).pageSize).to.equal(1000);
    });
  });
});
