import { expect } from 'chai';
import {
  createTestHost,
  loadPlugin,
  readFixture,
  type FakeClock,
  type LoadedPlugin,
} from '@connectors/testkit';
import type { ExampleJsonApiEvent } from '../../src';
import { startExampleJsonApiFake, type ExampleJsonApiFake } from '../support/example-json-api.fake-api';

describe('ExampleJsonApiConnector over HTTP', () => {
  let plugin: LoadedPlugin;
  let api: ExampleJsonApiFake;

  before(async () => {
    plugin = await loadPlugin(__dirname);
    api = await startExampleJsonApiFake(readFixture<ExampleJsonApiEvent[]>(__dirname, 'events', 'sample'));
  });

  after(() => api.stop());

  describe('#collect', () => {
    it('should collect every event, one page per request', async () => {
      const tc = createTestHost().instantiate(plugin, {
        baseUrl: api.baseUrl,
        apiKey: api.apiKey,
        pageSize: 2,
      });
      const records = await tc.collectRecords();
      expect(records.map((r) => r.entry.record.example_json_api)).to.have.length(5);
      expect(records.map((r) => r.page)).to.deep.equal([1, 1, 2, 2, 3]);
    });

    it('should wait as long as Retry-After asks when rate limited, then continue', async () => {
      let limited = false;
      api.route('GET', '/v1/events', () => {
        if (limited) return { body: { events: [{ id: 'evt-after-429' }], nextPage: null } };
        limited = true;
        return { status: 429, headers: { 'retry-after': '7' }, body: { message: 'slow down' } };
      });
      const host = createTestHost();
      const tc = host.instantiate(plugin, { baseUrl: api.baseUrl, apiKey: api.apiKey });
      const pages = await tc.collectPages();
      expect(pages.flatMap((p) => p.items)).to.deep.equal([{ id: 'evt-after-429' }]);
      expect((host.clock as FakeClock).sleeps).to.deep.equal([7000]);
    });
  });
});
