import { expect } from 'chai';
import Database from 'better-sqlite3';
import path from 'node:path';
import type { HostInputError } from '../../src/errors';
import { createFakeConnector, openTestHost, type TestHostContext } from '../helpers/test-host';

async function inputError(p: Promise<unknown>): Promise<HostInputError> {
  try {
    await p;
  } catch (err) {
    return err as HostInputError;
  }
  throw new Error('expected the call to fail');
}

describe('ConnectorRegistry', () => {
  let t: TestHostContext;
  beforeEach(async () => {
    t = await openTestHost();
    await t.host.inventory.createTenant('acme');
  });
  afterEach(async () => t.cleanup());

  const base = {
    plugin: 'fake-inventory',
    name: 'hosts',
    tenant: 'acme',
    runOn: 'dp',
    profile: 'default',
    config: { apiKey: 'k-123456' },
  };
  const snapshot = async () => ({
    connectors: await t.host.connectors.list(),
    names: await t.host.store.list('connector-names'),
    schedule: await t.host.store.list('schedule'),
    profiles: await t.host.connectors.listProfiles(),
  });

  describe('#create', () => {
    it('should store the connector with its secret encrypted and schedule its first pull at once', async () => {
      const def = await t.host.connectors.create(base);
      expect(def).to.include({ name: 'hosts', tenant: 'acme', plugin: 'fake-inventory', category: 'Asset' });
      expect(def.functions).to.deep.equal(['collect']);
      const raw = new Database(path.join(t.dataDir, 'registry.db'), { readonly: true });
      const dump = JSON.stringify(raw.prepare('SELECT * FROM docs').all());
      raw.close();
      expect(dump).not.to.contain('k-123456');
      expect(dump).to.contain('$enc').and.contain('v1:');
      expect(await t.host.store.get('schedule', def.id)).to.include({ nextRunAt: t.clock.now() });
      const view = await t.host.connectors.view(def);
      expect(view.config.apiKey).to.equal('[REDACTED]');
      expect(view).to.include({ runOn: 'dp', intervalMinutes: 5 });
      expect(view.profiles).to.deep.equal(['default']);
      expect(view.contentTypes).to.deep.equal(['hosts']);
      expect(t.host.connectors.plainConfig(def).apiKey).to.equal('k-123456');
    });

    it('should leave a data processor connector out of profiles when asked, inactive and unscheduled', async () => {
      const { profile: _p, ...noProfile } = base;
      const def = await t.host.connectors.create(noProfile);
      expect(await t.host.connectors.isActive(def)).to.equal(false);
      expect(await t.host.store.get('schedule', def.id)).not.to.have.property('nextRunAt');
      const [status] = await t.host.statusOf('acme', 'hosts');
      expect(status.state).to.equal('inactive');
      expect(status.reason).to.contain('not in a data analyzer profile');
      const refused = await inputError(t.host.run('acme', 'hosts'));
      expect(refused).to.include({ code: 'CONNECTOR_INACTIVE', field: 'profile' });
      expect(refused.hint).to.contain('connectors profiles add default');
      await t.host.connectors.addToProfile('default', 'acme', 'hosts');
      expect(await t.host.store.get('schedule', def.id)).to.include({ nextRunAt: t.clock.now() });
    });

    const bad: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['a multibyte name', { name: 'hôtes-東京' }, 'name', /multibyte/],
      ['an empty name', { name: '  ' }, 'name', /is required/],
      ['an unknown tenant', { tenant: 'nobody' }, 'tenant', /no tenant "nobody"/],
      ['an unknown plugin', { plugin: 'nope' }, 'plugin', /no plugin "nope"/],
      ['an unknown sensor', { runOn: 'sensor:s-9' }, 'run-on', /no sensor "s-9"/],
      ['a bad device', { runOn: 'laptop' }, 'run-on', /is not a device/],
      ['an unknown profile', { profile: 'gold' }, 'profile', /no data analyzer profile "gold"/],
      ['an unknown filter', { filters: ['noise'] }, 'filter', /no log filter "noise"/],
      [
        'an interval out of bounds',
        { config: { apiKey: 'k-123456', interval: 61 } },
        'interval',
        /out of bounds/,
      ],
      [
        'an unknown content type',
        { config: { apiKey: 'k-123456', contentTypes: ['alerts'] } },
        'contentTypes',
        /"alerts" is not collected/,
      ],
    ];
    for (const [what, change, field, message] of bad) {
      it(`should refuse ${what}, naming the field "${field}" and the fix, and change nothing`, async () => {
        const before = await snapshot();
        const err = await inputError(t.host.connectors.create({ ...base, ...change } as typeof base));
        expect(err.message).to.match(message);
        expect(err.field).to.equal(field);
        expect(err.hint, 'hint').to.be.a('string').and.not.empty;
        expect(await snapshot()).to.deep.equal(before);
      });
    }

    it('should refuse a missing API key through the plugin schema, naming the field', async () => {
      const err = await inputError(t.host.connectors.create({ ...base, config: {} }));
      expect(err).to.have.property('code', 'CONFIG_INVALID');
      expect(err.message).to.contain('apiKey: is required');
      expect(await t.host.connectors.list()).to.have.length(0);
    });

    it('should refuse a duplicate name in the same tenant, ignoring case, but allow it in another tenant', async () => {
      await t.host.connectors.create(base);
      const err = await inputError(t.host.connectors.create({ ...base, name: 'HOSTS' }));
      expect(err).to.include({ code: 'NAME_TAKEN', field: 'name' });
      await t.host.inventory.createTenant('globex');
      await t.host.connectors.create({ ...base, tenant: 'globex' });
      expect((await t.host.connectors.list()).map((c) => c.tenant)).to.deep.equal(['acme', 'globex']);
    });

    it('should let only one of two concurrent creates of a name win', async () => {
      const results = await Promise.allSettled([
        t.host.connectors.create(base),
        t.host.connectors.create(base),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      expect(await t.host.connectors.list()).to.have.length(1);
    });

    it('should accept a registered sensor and refuse a profile for it', async () => {
      await t.host.inventory.createSensor('s-1');
      const err = await inputError(t.host.connectors.create({ ...base, runOn: 'sensor:s-1' }));
      expect(err.field).to.equal('profile');
      const { profile: _p, ...noProfile } = base;
      const def = await t.host.connectors.create({ ...noProfile, runOn: 'sensor:s-1' });
      expect(await t.host.connectors.isActive(def)).to.equal(true);
    });
  });

  describe('#edit', () => {
    it('should change the config, keep secrets that were not set, and re-encrypt', async () => {
      const def = await t.host.connectors.create(base);
      const edited = await t.host.connectors.edit('acme', 'hosts', { interval: 15, count: 3 });
      expect(t.host.connectors.plainConfig(edited)).to.include({
        apiKey: 'k-123456',
        interval: 15,
        count: 3,
      });
      expect(t.host.connectors.settings(edited).intervalMinutes).to.equal(15);
      expect(edited.id).to.equal(def.id);
    });

    it('should refuse general settings and out-of-bounds values and keep the old config', async () => {
      await t.host.connectors.create(base);
      expect(
        (await inputError(t.host.connectors.edit('acme', 'hosts', { runOn: 'sensor:x' }))).code,
      ).to.equal('GENERAL_SETTING_FIXED');
      expect((await inputError(t.host.connectors.edit('acme', 'hosts', { interval: 0 }))).field).to.equal(
        'interval',
      );
      const def = await t.host.connectors.get('acme', 'hosts');
      expect(t.host.connectors.settings(def).intervalMinutes).to.equal(5);
    });
  });

  describe('#delete', () => {
    it('should remove the connector, its name, schedule and profile membership', async () => {
      const def = await createFakeConnector(t.host, { name: 'gone' });
      await t.host.connectors.delete('acme', 'gone');
      expect(await t.host.connectors.find('acme', 'gone')).to.equal(undefined);
      expect(await t.host.store.get('schedule', def.id)).to.equal(undefined);
      expect((await t.host.connectors.listProfiles())[0].connectors).to.deep.equal([]);
      expect((await inputError(t.host.connectors.delete('acme', 'gone'))).code).to.equal('UNKNOWN_CONNECTOR');
    });
  });
});

describe('InventoryRegistry', () => {
  let t: TestHostContext;
  beforeEach(async () => (t = await openTestHost()));
  afterEach(async () => t.cleanup());

  describe('#createFilter', () => {
    it('should store tenant-scoped filters and refuse deleting one in use', async () => {
      await t.host.inventory.createTenant('acme');
      await t.host.inventory.createFilter('acme', 'no linux', ['host.os.full contains linux']);
      expect((await t.host.inventory.listFilters('acme'))[0].conditions).to.deep.equal([
        { field: 'host.os.full', operator: 'contains', values: ['linux'] },
      ]);
      await createFakeConnector(t.host, { filters: ['no linux'] });
      expect((await inputError(t.host.inventory.deleteFilter('acme', 'no linux'))).code).to.equal(
        'FILTER_IN_USE',
      );
      expect(
        (await inputError(t.host.inventory.createFilter('acme', 'no linux', ['a exists']))).code,
      ).to.equal('FILTER_EXISTS');
      expect((await inputError(t.host.inventory.createFilter('nobody', 'x', ['a exists']))).code).to.equal(
        'UNKNOWN_TENANT',
      );
    });
  });

  describe('#createTenant', () => {
    it('should be idempotent and validate the id', async () => {
      expect((await t.host.inventory.createTenant('acme')).created).to.equal(true);
      expect((await t.host.inventory.createTenant('acme')).created).to.equal(false);
      expect((await inputError(t.host.inventory.createTenant('a/b'))).field).to.equal('tenant');
    });
  });
});
