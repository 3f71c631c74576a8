import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { SystemClock } from '@connectors/framework/engine';
import { Lake, LAKE_FILE } from '@connectors/lake';
import { Daemon } from '../../src/daemon';
import { BusyError } from '../../src/errors';
import type { HostOptions, RunSummary } from '../../src/types';
import { waitFor } from '../helpers/fake-clock';
import { fakeControls } from '../helpers/fake.connector';
import { createFakeConnector, openTestHost, type TestHostContext } from '../helpers/test-host';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAEMON = { tickMs: 50, heartbeatTtlMs: 3_000, shutdownGraceMs: 1_000 };

/** Two hosts in one process sharing a real Redis, each with its roles (docs/durability.md, "Placement"). */
describe('placement and heartbeats on a shared Redis', function () {
  this.timeout(30_000);
  let contexts: TestHostContext[];
  let daemons: Daemon[];
  let redis: Partial<HostOptions>;

  beforeEach(() => {
    fakeControls.reset();
    contexts = [];
    daemons = [];
    redis = {
      redisUrl: REDIS_URL,
      redisPrefix: `placement-${randomUUID()}`,
      clock: new SystemClock(),
      firstRunPacing: { windowMs: 0 },
    };
  });
  afterEach(async () => {
    fakeControls.reset();
    await Promise.all(daemons.map((d) => d.stop(0)));
    const store = contexts[0]?.host.store as { destroy?(): Promise<void> } | undefined;
    await store?.destroy?.();
    for (const c of contexts.reverse()) await c.cleanup();
  });

  const open = async (
    overrides: Partial<HostOptions>,
    shared?: TestHostContext,
  ): Promise<TestHostContext> => {
    const t = await openTestHost({ ...redis, ...overrides }, shared);
    contexts.push(t);
    return t;
  };

  it('should run a sensor:s1 connector only on the host with that role, and say so when that host is gone', async () => {
    const dp = await open({ hostId: 'dp-host' });
    const sensor = await open({ hostId: 'sensor-host', roles: ['sensor:s1'] }, dp);
    await dp.host.facade.createSensor({ id: 's1' });
    const onSensor = await createFakeConnector(dp.host, {
      name: 'on sensor',
      runOn: 'sensor:s1',
      profile: null,
    });
    const onDp = await createFakeConnector(dp.host, { name: 'on dp' });
    const runs: RunSummary[] = [];
    for (const t of [dp, sensor]) daemons.push(await Daemon.start(t.host, DAEMON, (r) => runs.push(r)));
    await waitFor(() => runs.length >= 2, 10_000, 'both first pulls');
    expect(runs.map((r) => [r.connectorId, r.hostId, r.ok]).sort()).to.deep.equal(
      [
        [onDp.id, 'dp-host', true],
        [onSensor.id, 'sensor-host', true],
      ].sort(),
    );
    const hosts = await dp.host.facade.listHosts();
    expect(hosts.map((h) => [h.hostId, h.roles, h.alive, h.ingestWorkers])).to.deep.equal([
      ['dp-host', ['dp'], true, 1],
      ['sensor-host', ['sensor:s1'], true, 1],
    ]);
    expect((await dp.host.facade.status({ tenant: 'acme', name: 'on sensor' }))[0].noHost).to.equal(
      undefined,
    );

    // The sensor host is killed: its record stays, its heartbeat ages past the TTL.
    const killed = daemons.splice(1, 1)[0];
    (killed.heartbeat as unknown as { stopped: AbortController }).stopped.abort();
    await waitFor(
      async () => !(await dp.host.facade.listHosts()).find((h) => h.hostId === 'sensor-host')?.alive,
      10_000,
      'the sensor host to be dead',
    );
    const [status] = await dp.host.facade.status({ tenant: 'acme', name: 'on sensor' });
    expect(status.noHost).to.equal(
      'no host is running as sensor s1: start one with `connectors start --role sensor:s1`',
    );
    await killed.stop(0);
    // The dp host never took the sensor connector, however often it came due.
    expect(
      runs.filter((r) => r.connectorId === onSensor.id).every((r) => r.hostId === 'sensor-host'),
    ).to.equal(true);
  });

  it('should not ingest a manual run into a lake of its own: it fails with no ingest host, then waits for the cluster', async () => {
    // Real backends: the Redis queue, and each host's lake in its own data directory. The daemon's host
    // takes no dp connector (its role is another sensor): it only ingests.
    const daemonHost = await open({
      hostId: 'ingester',
      roles: ['sensor:elsewhere'],
      backends: undefined,
      sharedLake: false,
    });
    const cli = await open({ hostId: 'cli', backends: undefined, sharedLake: false });
    await createFakeConnector(cli.host);

    const err = await cli.host.run('acme', 'fake one').then(
      () => undefined,
      (e: BusyError) => e,
    );
    expect(err).to.be.instanceOf(BusyError);
    expect(err).to.include({ code: 'NO_INGEST_HOST' });
    expect(err!.hint).to.contain('connectors start');
    expect(fakeControls.collectsStarted).to.equal(0);

    daemons.push(await Daemon.start(daemonHost.host, DAEMON));
    const run = await cli.host.run('acme', 'fake one');
    expect(run).to.deep.include({ ok: true, records: 12, ingested: 12, ingestedBy: ['ingester'] });
    const lake = Lake.open(daemonHost.dataDir, { readonly: true });
    try {
      expect(lake.count({ tenant: 'acme' })).to.equal(12);
    } finally {
      lake.close();
    }
    expect(existsSync(path.join(cli.dataDir, LAKE_FILE))).to.equal(false);
  });
});
