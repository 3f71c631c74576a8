import { expect } from 'chai';
import { ConfigurationErrors, Secret } from '@connectors/framework';
import { createFixtureReader, createTestHost, loadPlugin, type LoadedPlugin } from '@connectors/testkit';
import { ExampleJsonApiConnector, type ExampleJsonApiEvent } from '../../src';

const fixtures = createFixtureReader(__dirname);

describe(ExampleJsonApiConnector.name, () => {
  let plugin: LoadedPlugin;
  const config = { baseUrl: 'https://api.example.com/', apiKey: 'token-123456' };

  before(async () => {
    plugin = await loadPlugin(__dirname);
  });

  describe('#configure', () => {
    it('should drop the trailing slash, apply the default page size and wrap the key as a secret', () => {
      const tc = createTestHost().instantiate(plugin, config);
      expect(tc.config.baseUrl).to.equal('https://api.example.com');
      expect(tc.config.pageSize).to.equal(100);
      expect(tc.config.apiKey).to.be.instanceOf(Secret);
    });

    it('should refuse plain http to a remote host, naming baseUrl', () => {
      const connector = createTestHost().create(plugin);
      expect(() => connector.configure({ ...config, baseUrl: 'http://api.example.com' }))
        .to.throw(/baseUrl: must use https/)
        .with.property('hint')
        .that.contains('https://');
    });

    it('should refuse a missing key through the schema', () => {
      const connector = createTestHost().create(plugin);
      try {
        connector.configure({ baseUrl: config.baseUrl });
        expect.fail('configure() accepted a config without apiKey');
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigurationErrors);
        expect((err as ConfigurationErrors).errors.map((e) => e.field)).to.deep.equal(['apiKey']);
      }
    });
  });

  describe('#normalize', () => {
    const [full, withBlanks] = fixtures.read<ExampleJsonApiEvent[]>('events', 'sample');

    it('should map event, host and user fields and keep the vendor object under its source key', () => {
      const { key, fields } = createTestHost().create(plugin).normalize('events', full);
      expect(key).to.equal('evt-0001');
      expect(fields.event).to.deep.equal({
        id: 'evt-0001',
        type: 'login_failed',
        severity: 'medium',
        created: '2024-05-01T10:00:00Z',
      });
      expect(fields.host).to.deep.equal({ name: 'web-1', ip: ['10.0.0.5'] });
      expect(fields.example_json_api).to.deep.equal(full);
    });

    it('should leave blank vendor values out of the enveloped record', () => {
      const tc = createTestHost().instantiate(plugin, config);
      const entry = tc.envelope('events', withBlanks);
      expect(entry.record).to.not.have.property('user');
      expect(entry.record.example_json_api).to.not.have.property('user');
      expect(entry.record.host).to.deep.equal({ name: 'db-1', ip: ['10.0.0.9'] });
    });
  });
});
