import { expect } from 'chai';
import type { TestStepResult } from '@connectors/framework/engine';
import { COLLECTIONS } from '../../src/registry/collections';
import { errorKind, InputError } from '../../src/facade/errors';
import type { HostFacade } from '../../src/facade/host.facade';
import type { RunProgress } from '../../src/types';
import { fakeControls } from '../helpers/fake.connector';
import { openTestHost, type TestHostContext } from '../helpers/test-host';

const SECRET = 'k-very-secret-4711';
const ACME = { tenant: 'acme' };
const ACME_INV = { tenant: 'acme', name: 'inv' };

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** A real embedded host: temp data dir, SQLite registry, in-process queue, the SQLite lake. */
describe('HostFacade (embedded host)', function () {
  this.timeout(30_000);
  let t: TestHostContext;
  let facade: HostFacade;

  before(async () => {
    fakeControls.reset();
    t = await openTestHost({ backends: undefined });
    facade = t.host.facade;
    for (const id of ['acme', 'globex']) await facade.createTenant({ id });
    for (const tenant of ['acme', 'globex']) {
      await facade.createConnector({
        plugin: 'fake-inventory',
        name: 'inv',
        tenant,
        runOn: 'dp',
        profile: 'default',
        config: { apiKey: SECRET, count: 12, pageSize: 5 },
      });
    }
  });

  after(async () => {
    await t?.cleanup();
  });

  describe('plugins', () => {
    it('should list the catalog and show a plugin with its configuration schema', async () => {
      const { plugins, refused } = await facade.listPlugins();
      expect(plugins.map((p) => p.id)).to.deep.equal(['fake-inventory']);
      expect(refused).to.deep.equal([]);
      const detail = await facade.showPlugin({ plugin: 'fake-inventory' });
      expect(detail.configSchema.required).to.deep.equal(['apiKey']);
      expect(detail.manifest.contentTypes.map((c) => c.id)).to.deep.equal(['hosts', 'events']);
      expect(errorKind(await rejection(facade.showPlugin({ plugin: 'nope' })))).to.equal('not-found');
    });
  });

  describe('tenants, sensors, profiles, filters', () => {
    it('should manage them, each change visible through the listing use case', async () => {
      expect((await facade.createTenant({ id: 'acme' })).created).to.equal(false);
      expect((await facade.createSensor({ id: 's1', name: 'Sensor one' })).id).to.equal('s1');
      expect((await facade.listSensors()).map((s) => s.id)).to.deep.equal(['s1']);
      await facade.createProfile({ name: 'night' });
      const added = await facade.addToProfile({ profile: 'night', tenant: 'acme', connector: 'inv' });
      expect(added.connectors).to.have.length(1);
      await facade.removeFromProfile({ profile: 'night', tenant: 'acme', connector: 'inv' });
      expect(await facade.deleteProfile({ name: 'night' })).to.deep.equal({ deleted: 'night' });
      const filter = await facade.createFilter({
        tenant: 'acme',
        name: 'no win',
        when: ['host.os.full contains Windows'],
      });
      expect(filter.conditions[0]).to.deep.include({ field: 'host.os.full', operator: 'contains' });
      expect((await facade.listFilters({ tenant: 'acme' })).map((f) => f.name)).to.deep.equal(['no win']);
      await facade.deleteFilter({ tenant: 'acme', name: 'no win' });
      await facade.deleteSensor({ id: 's1' });
      expect(await facade.listSensors()).to.deep.equal([]);
    });
  });

  describe('connectors', () => {
    it('should create, get, list, edit and delete a connector', async () => {
      const created = await facade.createConnector({
        plugin: 'fake-inventory',
        name: 'temp',
        tenant: 'acme',
        runOn: 'dp',
        config: { apiKey: SECRET },
      });
      expect(created).to.include({ name: 'temp', tenant: 'acme', runOn: 'dp' });
      expect((await facade.getConnector({ tenant: 'acme', name: 'temp' })).status.state).to.equal('inactive');
      expect((await facade.listConnectors({ tenant: 'acme' })).map((c) => c.name)).to.deep.equal([
        'inv',
        'temp',
      ]);
      const edited = await facade.editConnector({
        tenant: 'acme',
        name: 'temp',
        set: { interval: 9, count: 3 },
      });
      expect(edited.intervalMinutes).to.equal(9);
      expect(edited.config.count).to.equal(3);
      const unset = await facade.editConnector({ tenant: 'acme', name: 'temp', unset: ['count'] });
      expect(unset.config.count, 'back to its default').to.equal(10);
      expect(await facade.findConnector({ tenant: 'acme', name: 'temp' })).to.include({ id: created.id });
      expect(await facade.deleteConnector({ tenant: 'acme', name: 'temp' })).to.deep.equal({
        deleted: 'temp',
        tenant: 'acme',
        id: created.id,
      });
      expect(await facade.findConnector({ tenant: 'acme', name: 'temp' })).to.equal(undefined);
    });

    it('should refuse bad input naming every field, and change nothing', async () => {
      const before = await t.host.store.list(COLLECTIONS.connectors);
      const err = await rejection(
        facade.createConnector({
          plugin: 'fake-inventory',
          name: 7,
          tenant: '',
          runOn: 'dp',
          extra: 1,
        } as never),
      );
      expect(err).to.be.instanceOf(InputError);
      expect((err as InputError).fields.map((f) => f.path)).to.have.members([
        'name',
        'tenant',
        'extra',
        'config',
      ]);
      expect(await t.host.store.list(COLLECTIONS.connectors)).to.deep.equal(before);
    });
  });

  describe('test, run, runs, status, search, assets', () => {
    it('should test the connector and hand each step over', async () => {
      const steps: TestStepResult[] = [];
      const report = await facade.testConnector(ACME_INV, undefined, { onStep: (s) => steps.push(s) });
      expect(report.result.ok).to.equal(true);
      expect(report.pluginName).to.equal('Fake Inventory');
      expect(steps.map((s) => s.id)).to.deep.equal(['auth', 'data']);
    });

    it('should run now with progress, then show the run, the status and what landed in the lake', async () => {
      const progress: RunProgress[] = [];
      const run = await facade.runConnector(ACME_INV, undefined, { onProgress: (p) => progress.push(p) });
      expect(run).to.include({ ok: true, records: 12, ingested: 12 });
      expect(progress.at(-1)!.phase).to.equal('done');
      expect((await facade.listRuns({ ...ACME_INV, limit: 5 })).map((r) => r.runId)).to.deep.equal([
        run.runId,
      ]);
      const [status] = await facade.status(ACME_INV);
      expect(status.lastRunRecords).to.equal(12);

      expect(await facade.countRecords({ tenant: 'acme' })).to.deep.equal({ count: 12 });
      const found = await facade.search({
        tenant: 'acme',
        where: [{ path: 'host.hostname', value: 'host-3' }],
      });
      expect(found.records).to.have.length(1);
      expect(found).to.include({ total: 1 });
      expect(found.nextCursor).to.equal(undefined);
      const assets = await facade.listAssets({ tenant: 'acme', connector: 'inv' });
      expect(assets).to.have.length(12);
      const changes = await facade.assetChanges({ tenant: 'acme', assetId: assets[0].id });
      expect(changes.map((c) => c.change)).to.deep.equal(['added']);
    });
  });

  describe('respond', () => {
    it("should refuse a plugin that does not respond, as the framework's entry point does", async () => {
      const err = await rejection(
        facade.respond({ ...ACME_INV, action: 'isolate', target: { hostname: 'h' } }),
      );
      expect(err.code).to.equal('RESPOND_NOT_SUPPORTED');
    });
  });

  describe('scope', () => {
    const GLOBEX = { tenant: 'globex' };

    it("should make another tenant's objects absent, as if they did not exist", async () => {
      const foreign = await rejection(facade.getConnector({ tenant: 'globex', name: 'inv' }, ACME));
      const missing = await rejection(facade.getConnector({ tenant: 'nobody', name: 'inv' }, ACME));
      expect(errorKind(foreign)).to.equal('not-found');
      expect(foreign.message).to.equal('tenant: no tenant "globex"');
      expect(missing.message).to.equal('tenant: no tenant "nobody"');
      for (const call of [
        facade.testConnector({ tenant: 'globex', name: 'inv' }, ACME),
        facade.runConnector({ tenant: 'globex', name: 'inv' }, ACME),
        facade.editConnector({ tenant: 'globex', name: 'inv', set: { interval: 7 } }, ACME),
        facade.deleteConnector({ tenant: 'globex', name: 'inv' }, ACME),
        facade.listRuns({ tenant: 'globex', name: 'inv' }, ACME),
        facade.search({ tenant: 'globex' }, ACME),
        facade.addToProfile({ profile: 'default', tenant: 'globex', connector: 'inv' }, ACME),
      ]) {
        expect(errorKind(await rejection(call))).to.equal('not-found');
      }
      expect(
        (await facade.getConnector({ tenant: 'globex', name: 'inv' })).tenant,
        'left unchanged',
      ).to.equal('globex');
      expect((await facade.getConnector({ tenant: 'globex', name: 'inv' })).intervalMinutes).to.equal(5);
    });

    it("should list only the caller's tenant, connectors, statuses, profile members and records", async () => {
      expect((await facade.listTenants({}, GLOBEX)).map((x) => x.id)).to.deep.equal(['globex']);
      expect((await facade.listConnectors({}, GLOBEX)).map((c) => c.tenant)).to.deep.equal(['globex']);
      expect((await facade.status({}, GLOBEX)).map((s) => s.tenant)).to.deep.equal(['globex']);
      const [profile] = await facade.listProfiles({}, GLOBEX);
      expect(profile.connectorNames).to.deep.equal(['globex/inv']);
      expect((await facade.listProfiles())[0].connectorNames).to.deep.equal(['acme/inv', 'globex/inv']);
      expect(await facade.countRecords({}, GLOBEX), 'only acme was run').to.deep.equal({ count: 0 });
      expect(await facade.listAssets({}, GLOBEX)).to.deep.equal([]);
      expect(await facade.assetChanges({}, GLOBEX)).to.deep.equal([]);
    });

    it('should refuse host-wide changes to a scoped caller', async () => {
      for (const call of [
        facade.createTenant({ id: 'acme' }, ACME),
        facade.deleteTenant({ id: 'acme' }, ACME),
        facade.createSensor({ id: 's9' }, ACME),
        facade.createProfile({ name: 'p9' }, ACME),
        facade.deleteProfile({ name: 'default' }, ACME),
      ]) {
        expect((await rejection(call)).code).to.equal('SCOPE_FORBIDDEN');
      }
      expect(await facade.listSensors()).to.deep.equal([]);
    });
  });

  describe('secrets', () => {
    it('should never put a secret value in an output', async () => {
      const outputs = [
        await facade.getConnector(ACME_INV),
        await facade.listConnectors(),
        await facade.findConnector(ACME_INV),
        await facade.editConnector({ ...ACME_INV, set: { pageSize: 6 } }),
        await facade.testConnector(ACME_INV),
        await facade.status(),
        await facade.listRuns(ACME_INV),
        await facade.search({}),
        await facade.listAssets({}),
      ];
      const text = JSON.stringify(outputs);
      expect(text).to.not.contain(SECRET);
      expect((outputs[0] as { config: Record<string, unknown> }).config.apiKey).to.equal('[REDACTED]');
    });
  });
});
