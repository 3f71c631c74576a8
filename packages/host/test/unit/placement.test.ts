import { expect } from 'chai';
import { Heartbeat, HostDirectory, HOST_RECORD_RETENTION_MS } from '../../src/cluster/host.directory';
import { parseRoles } from '../../src/cluster/placement';
import { Daemon } from '../../src/daemon';
import { HostInputError } from '../../src/errors';
import { Scheduler } from '../../src/scheduler/scheduler';
import type { ConnectorHost } from '../../src/host';
import type { HostRecord, RunSummary } from '../../src/types';
import { settle, waitFor } from '../helpers/fake-clock';
import { fakeControls } from '../helpers/fake.connector';
import { createFakeConnector, openTestHost, type TestHostContext } from '../helpers/test-host';

const record = (hostId: string, roles: string[]): Omit<HostRecord, 'lastSeenAt' | 'ttlMs'> => ({
  hostId,
  roles,
  version: '0.1.0',
  startedAt: 0,
  runsInProgress: 0,
  ingestWorkers: 1,
  sharedLake: false,
});

describe('parseRoles', () => {
  it('should default to dp, normalize and drop duplicates', () => {
    expect(parseRoles(undefined)).to.deep.equal(['dp']);
    expect(parseRoles([])).to.deep.equal(['dp']);
    expect(parseRoles([' dp', 'sensor:s1', 'dp', 'sensor:s1'])).to.deep.equal(['dp', 'sensor:s1']);
  });

  it('should refuse a role that is not a placement, naming the field and the fix', () => {
    let err: HostInputError | undefined;
    try {
      parseRoles(['sensor']);
    } catch (e) {
      err = e as HostInputError;
    }
    expect(err).to.be.instanceOf(HostInputError);
    expect(err).to.include({ code: 'ROLE_INVALID', field: 'role' });
    expect(err!.hint).to.contain('--role sensor:ID');
  });
});

describe('HostDirectory', () => {
  let t: TestHostContext;
  beforeEach(async () => {
    t = await openTestHost();
  });
  afterEach(() => t.cleanup());

  describe('#list', () => {
    it('should show a host alive until its heartbeat is older than its TTL', async () => {
      const directory = new HostDirectory(t.host.store, t.clock);
      await directory.beat({ ...record('h1', ['dp']), lastSeenAt: t.clock.now(), ttlMs: 15_000 });
      expect((await directory.list()).map((h) => [h.hostId, h.alive])).to.deep.equal([['h1', true]]);
      await t.clock.advance(15_000);
      expect((await directory.live()).map((h) => h.hostId)).to.deep.equal(['h1']);
      await t.clock.advance(1);
      expect(await directory.live()).to.deep.equal([]);
      expect((await directory.list())[0]).to.include({ hostId: 'h1', alive: false });
    });
  });

  describe('#prune', () => {
    it('should remove the records of hosts not seen for a day, and keep the others', async () => {
      const directory = new HostDirectory(t.host.store, t.clock);
      await directory.beat({ ...record('old', ['dp']), lastSeenAt: t.clock.now(), ttlMs: 15_000 });
      await t.clock.advance(HOST_RECORD_RETENTION_MS + 1, 3_600_000);
      await directory.beat({ ...record('new', ['dp']), lastSeenAt: t.clock.now(), ttlMs: 15_000 });
      await directory.prune();
      expect((await directory.list()).map((h) => h.hostId)).to.deep.equal(['new']);
    });
  });
});

describe('Heartbeat', () => {
  let t: TestHostContext;
  beforeEach(async () => {
    t = await openTestHost();
  });
  afterEach(() => t.cleanup());

  it('should beat every third of its TTL, so a running host stays alive, and a silent one dies', async () => {
    const directory = new HostDirectory(t.host.store, t.clock);
    let runs = 0;
    const heartbeat = new Heartbeat({
      directory,
      clock: t.clock,
      logger: t.host.logger,
      ttlMs: 9_000,
      describe: () => ({ ...record('h1', ['sensor:s1']), runsInProgress: runs }),
    });
    await heartbeat.start();
    runs = 2;
    await t.clock.advance(60_000);
    const [h] = await directory.live();
    expect(h).to.include({ hostId: 'h1', runsInProgress: 2, ttlMs: 9_000, alive: true });
    expect(t.clock.now() - h.lastSeenAt).to.be.below(3_001);
    // A host that stops beating without removing its record (killed) is dead one TTL later.
    await t.host.store.put('hosts', 'h2', {
      ...record('h2', ['dp']),
      lastSeenAt: t.clock.now(),
      ttlMs: 9_000,
    });
    await t.clock.advance(9_001);
    expect((await directory.live()).map((x) => x.hostId)).to.deep.equal(['h1']);
    await heartbeat.stop();
    expect((await directory.list()).map((x) => x.hostId)).to.deep.equal(['h2']);
  });
});

describe('placement', () => {
  let dp: TestHostContext;
  let sensor: TestHostContext;
  const schedulers: Scheduler[] = [];
  beforeEach(async () => {
    fakeControls.reset();
    dp = await openTestHost({ hostId: 'dp-host' });
    sensor = await openTestHost({ hostId: 'sensor-host', roles: ['sensor:s1'] }, dp);
    await dp.host.inventory.createSensor('s1');
  });
  afterEach(async () => {
    fakeControls.reset();
    await Promise.all(schedulers.splice(0).map((s) => s.stop(0)));
    await sensor.cleanup();
    await dp.cleanup();
  });

  const scheduler = (host: ConnectorHost, runs: RunSummary[]): Scheduler => {
    const s = new Scheduler(
      {
        store: host.store,
        clock: host.clock,
        registry: host.connectors,
        coordinator: host.coordinator,
        logger: host.logger,
        onRun: (r) => runs.push(r),
      },
      { tickMs: 1_000 },
    );
    schedulers.push(s);
    return s;
  };

  describe('Scheduler#tick', () => {
    it('should start a connector only on a host whose roles include its run on', async () => {
      const onSensor = await createFakeConnector(dp.host, {
        name: 'on sensor',
        runOn: 'sensor:s1',
        profile: null,
      });
      const onDp = await createFakeConnector(dp.host, { name: 'on dp' });
      await dp.clock.advance(60_000); // past both first pulls
      const dpRuns: RunSummary[] = [];
      const dpScheduler = scheduler(dp.host, dpRuns);
      await dpScheduler.tick();
      await waitFor(() => dpRuns.length === 1, 5_000, 'the dp pull');
      await settle(10);
      expect(dpRuns.map((r) => [r.name, r.hostId])).to.deep.equal([['on dp', 'dp-host']]);
      // The sensor connector is still due: the dp host left it alone, tick after tick.
      await dpScheduler.tick();
      await settle(10);
      expect(dpRuns).to.have.length(1);
      expect(fakeControls.collectsStarted).to.equal(1);

      const sensorRuns: RunSummary[] = [];
      await scheduler(sensor.host, sensorRuns).tick();
      await waitFor(() => sensorRuns.length === 1, 5_000, 'the sensor pull');
      expect(sensorRuns.map((r) => [r.connectorId, r.hostId, r.ok])).to.deep.equal([
        [onSensor.id, 'sensor-host', true],
      ]);
      expect(onDp.id).to.not.equal(onSensor.id);
    });
  });

  describe('RunCoordinator#tryRun', () => {
    it('should not take a scheduled pull placed elsewhere', async () => {
      const def = await createFakeConnector(dp.host, {
        name: 'on sensor',
        runOn: 'sensor:s1',
        profile: null,
      });
      expect(await dp.host.coordinator.tryRun(def, { trigger: 'schedule' })).to.equal(undefined);
      expect(fakeControls.collectsStarted).to.equal(0);
      expect(await sensor.host.coordinator.tryRun(def, { trigger: 'schedule' })).to.include({ ok: true });
    });
  });

  describe('ConnectorHost#run', () => {
    it('should refuse a manual run placed elsewhere, naming where to run it, and run it on its placement', async () => {
      await createFakeConnector(dp.host, { name: 'on sensor', runOn: 'sensor:s1', profile: null });
      const err = await dp.host.run('acme', 'on sensor').then(
        () => undefined,
        (e: HostInputError) => e,
      );
      expect(err).to.be.instanceOf(HostInputError);
      expect(err).to.include({ code: 'RUN_PLACED_ELSEWHERE', field: 'role' });
      expect(err!.message).to.contain('runs on sensor s1, and this process takes dp');
      expect(err!.hint).to.contain('--role sensor:s1');
      expect(fakeControls.collectsStarted).to.equal(0);
      expect(await sensor.host.run('acme', 'on sensor')).to.include({ ok: true, hostId: 'sensor-host' });
    });
  });

  describe('StatusTracker#get', () => {
    it('should say when no live host takes the placement, with the fix, until one beats', async () => {
      await createFakeConnector(dp.host, { name: 'on sensor', runOn: 'sensor:s1', profile: null });
      const status = async () => (await dp.host.facade.status({ tenant: 'acme', name: 'on sensor' }))[0];
      expect((await status()).noHost).to.equal(
        'no host is running as sensor s1: start one with `connectors start --role sensor:s1`',
      );
      const daemon = await Daemon.start(sensor.host, { heartbeatTtlMs: 30_000 });
      try {
        expect((await status()).noHost).to.equal(undefined);
        expect((await dp.host.facade.listHosts()).map((h) => [h.hostId, h.roles, h.alive])).to.deep.equal([
          ['sensor-host', ['sensor:s1'], true],
        ]);
      } finally {
        await daemon.stop(0);
      }
      // A stopped host removes its record: the connector has no host again.
      expect((await status()).noHost).to.contain('no host is running as sensor s1');
      expect(await dp.host.facade.listHosts()).to.deep.equal([]);
    });
  });
});
