import { expect } from 'chai';
import { PluginLoadError, validateManifest, MANIFEST_SCHEMA, type ConnectorManifest } from '../../src/engine';
import { validManifest } from '../helpers/manifest.fixture';

type Mutation = (m: Record<string, unknown>) => void;

function refusal(mutate: Mutation): PluginLoadError {
  const m = JSON.parse(JSON.stringify(validManifest())) as Record<string, unknown>;
  mutate(m);
  try {
    validateManifest(m, '/ws/plugins/acme/connector.json');
  } catch (err) {
    expect(err).to.be.instanceOf(PluginLoadError);
    return err as PluginLoadError;
  }
  throw new Error('expected the manifest to be refused');
}

describe('validateManifest', () => {
  it('should accept a complete manifest and return it typed', () => {
    const m = validateManifest(validManifest(), 'connector.json');
    expect(m.id).to.equal('acme-edr');
    expect(m.contentTypes[0].msgClass).to.equal('acme_edr_hosts');
  });

  it('should export its JSON Schema with every required field', () => {
    expect(MANIFEST_SCHEMA.required).to.include.members([
      'id',
      'category',
      'entry',
      'frameworkApi',
      'configSchema',
    ]);
  });

  const cases: Array<[string, Mutation, string, string?]> = [
    ['a missing id', (m) => delete m.id, 'id', 'MANIFEST_FIELD_MISSING'],
    ['a missing entry', (m) => delete m.entry, 'entry', 'MANIFEST_FIELD_MISSING'],
    [
      'a missing origin.vendor',
      (m) => delete (m.origin as Record<string, unknown>).vendor,
      'origin.vendor',
      'MANIFEST_FIELD_MISSING',
    ],
    ['a wrong-typed name', (m) => (m.name = 42), 'name', 'MANIFEST_FIELD_TYPE'],
    [
      'a wrong-typed capabilities.respond',
      (m) => ((m.capabilities as Record<string, unknown>).respond = 'yes'),
      'capabilities.respond',
      'MANIFEST_FIELD_TYPE',
    ],
    ['an unknown category', (m) => (m.category = 'Toasters'), 'category', 'MANIFEST_UNKNOWN_CATEGORY'],
    [
      'an unknown run-on device',
      (m) => ((m.runsOn as Record<string, unknown>).devices = ['mainframe']),
      'runsOn.devices[0]',
    ],
    [
      'a recommended device it cannot run on',
      (m) => (m.runsOn = { devices: ['sensor'], recommended: 'dp' }),
      'runsOn.recommended',
    ],
    ['an id that is not kebab-case', (m) => (m.id = 'Acme EDR'), 'id'],
    [
      'a default interval out of its bounds',
      (m) => ((m.interval as Record<string, unknown>).defaultMinutes = 5000),
      'interval.defaultMinutes',
    ],
    [
      'minimum interval above the maximum',
      (m) => (m.interval = { configurable: true, defaultMinutes: 5, minMinutes: 10, maxMinutes: 2 }),
      'interval.minMinutes',
    ],
    [
      'a content type without msgClass',
      (m) => delete (m.contentTypes as Record<string, unknown>[])[0].msgClass,
      'contentTypes[0].msgClass',
    ],
    [
      'an asset content type without identity keys',
      (m) => delete (m.contentTypes as Record<string, unknown>[])[0].assetIdentityKeys,
      'contentTypes[0].assetIdentityKeys',
    ],
    [
      'duplicate content type ids',
      (m) => (m.contentTypes as unknown[]).push((m.contentTypes as unknown[])[0]),
      'contentTypes[1].id',
    ],
    [
      'respond declared without response actions',
      (m) => ((m.capabilities as Record<string, unknown>).respond = true),
      'responseActions',
    ],
    [
      'a config schema that is not valid JSON Schema',
      (m) => (m.configSchema = { type: 'object', properties: { a: { type: 'strnig' } } }),
      'configSchema',
    ],
    ['an unknown top-level field', (m) => (m.entrypoint = 'x.js'), 'entrypoint', 'MANIFEST_FIELD_UNKNOWN'],
    [
      'a global identity key that is not an identity key',
      (m) => ((m.contentTypes as Record<string, unknown>[])[0].globalIdentityKeys = ['serial']),
      'contentTypes[0].globalIdentityKeys[0]',
      'MANIFEST_FIELD_INVALID',
    ],
    [
      'a prototype key anywhere in it',
      (m) =>
        (m.configSchema = JSON.parse(
          '{"type":"object","properties":{"__proto__":{"type":"string"}}}',
        ) as Record<string, unknown>),
      'configSchema.properties.__proto__',
      'MANIFEST_FIELD_INVALID',
    ],
    [
      'a framework API it was not built for',
      (m) => (m.frameworkApi = '2'),
      'frameworkApi',
      'PLUGIN_API_MISMATCH',
    ],
  ];

  for (const [what, mutate, field, code] of cases) {
    it(`should refuse ${what}, naming the file and "${field}"`, () => {
      const err = refusal(mutate);
      expect(err.field).to.equal(field);
      expect(err.message).to.contain('/ws/plugins/acme/connector.json').and.contain(field);
      if (code) expect(err.code).to.equal(code);
    });
  }

  it('should hint at the known categories for an unknown one', () => {
    const err = refusal((m) => (m.category = 'Toasters'));
    expect(err.hint).to.contain('Endpoint Security').and.contain('Firewall');
  });

  it('should refuse "secret": true on a setting that is not a string, naming it', () => {
    const err = refusal((m) => {
      const schema = m.configSchema as { properties: Record<string, unknown> };
      schema.properties.retries = { type: 'integer', secret: true };
    });
    expect(err.field).to.equal('configSchema.properties.retries.secret');
    expect(err.message).to.match(/only allowed on a string setting/);
  });

  it('should refuse a manifest that is not an object', () => {
    expect(() => validateManifest([] as unknown as ConnectorManifest, 'connector.json')).to.throw(
      PluginLoadError,
      /JSON object/,
    );
  });
});
