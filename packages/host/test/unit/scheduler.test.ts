import { expect } from 'chai';
import sinon from 'sinon';
import type { ConnectorRegistry } from '../../src/registry/connector.registry';
import { Scheduler } from '../../src/scheduler/scheduler';
import type { ConnectorHost } from '../../src/host';
import type { RunSummary, ScheduleState } from '../../src/types';
import { settle, waitFor } from '../helpers/fake-clock';
import { fakeControls } from '../helpers/fake.connector';
import { createFakeConnector, openTestHost, type TestHostContext } from '../helpers/test-host';

const MINUTE = 60_000;

function schedulerFor(host: ConnectorHost, runs: RunSummary[], options = {}): Scheduler {
  return new Scheduler(
    {
      store: host.store,
      clock: host.clock,
      registry: host.connectors,
      coordinator: host.coordinator,
      logger: host.logger,
      onRun: (r) => runs.push(r),
    },
    { tickMs: 1_000, ...options },
  );
}

async function quiet(): Promise<void> {
  await settle(10);
  await new Promise((r) => setTimeout(r, 20));
}

describe('Scheduler', () => {
  let t: TestHostContext;
  let schedulers: Scheduler[];
  beforeEach(async () => {
    fakeControls.reset();
    t = await openTestHost();
    schedulers = [];
  });
  afterEach(async () => {
    fakeControls.reset();
    await Promise.all(schedulers.map((s) => s.stop(0)));
    await t.cleanup();
  });

  const start = (host = t.host, runs: RunSummary[] = [], options = {}): RunSummary[] => {
    const s = schedulerFor(host, runs, options);
    schedulers.push(s);
    s.start();
    return runs;
  };

  describe('#start', () => {
    it('should pull at once when a connector becomes active, then every interval', async () => {
      const def = await createFakeConnector(t.host);
      const runs = start();
      await waitFor(() => runs.length === 1, 5_000, 'the first pull');
      expect(runs[0]).to.include({ ok: true, records: 12, trigger: 'schedule', scheduledFor: def.createdAt });
      await t.clock.advance(4 * MINUTE + 50_000);
      await quiet();
      expect(runs).to.have.length(1);
      await t.clock.advance(10_000);
      await waitFor(() => runs.length === 2, 5_000, 'the second pull');
      expect(runs[1].startedAt - runs[0].startedAt).to.be.within(5 * MINUTE, 5 * MINUTE + 1_000);
    });

    it('should start the next due run when one finishes, without waiting for the next tick', async () => {
      await createFakeConnector(t.host, { name: 'first' });
      await createFakeConnector(t.host, { name: 'second' });
      await createFakeConnector(t.host, { name: 'third' });
      await t.clock.advance(MINUTE); // past the first pulls of the three (spread over a minute)
      // One run at a time and a tick far away: only finished runs can move the queue of due pulls.
      const runs = start(t.host, [], { maxConcurrentRuns: 1, tickMs: 10 * MINUTE });
      await waitFor(() => runs.length === 3, 5_000, 'three pulls within one tick');
      expect(runs.map((r) => r.trigger)).to.deep.equal(['schedule', 'schedule', 'schedule']);
    });

    it('should wake at the next due time when it comes before the next tick', async () => {
      const t2 = await openTestHost(
        { firstRunPacing: { windowMs: 1_000 } },
        { dataDir: t.dataDir, pluginDirs: t.pluginDirs, clock: t.clock, queue: t.queue, sink: t.sink },
      );
      try {
        await createFakeConnector(t2.host, { name: 'now' });
        await createFakeConnector(t2.host, { name: 'later' }); // due 500 ms later (same burst)
        const runs = start(t2.host, [], { tickMs: 10 * MINUTE });
        await waitFor(() => runs.length === 1, 5_000, 'the first pull');
        await t.clock.advance(500, 100);
        await waitFor(() => runs.length === 2, 5_000, 'the second pull, ten minutes before the next tick');
        expect(runs[1]).to.include({ name: 'later', startedAt: runs[1].scheduledFor });
        expect(runs[1].scheduledFor! - runs[0].scheduledFor!).to.equal(500);
      } finally {
        await Promise.all(schedulers.splice(0).map((s) => s.stop(0)));
        await t2.cleanup();
      }
    });

    it('should not pull for a data processor connector outside every profile', async () => {
      await createFakeConnector(t.host, { profile: null });
      const runs = start();
      await t.clock.advance(11 * MINUTE, 30_000);
      await quiet();
      expect(runs).to.have.length(0);
      await t.host.connectors.addToProfile('default', 'acme', 'fake one');
      await t.clock.advance(1_000);
      await waitFor(() => runs.length === 1, 5_000, 'the first pull after joining a profile');
    });

    it('should run missed intervals once, not once per missed interval', async () => {
      const def = await createFakeConnector(t.host);
      const first = start();
      await waitFor(() => first.length === 1);
      await schedulers.pop()!.stop();
      await t.clock.advance(31 * MINUTE, 60_000); // six intervals pass with no host running
      const runs = start();
      await t.clock.advance(1_000);
      await waitFor(() => runs.length === 1, 5_000, 'the catch-up run');
      await t.clock.advance(3 * MINUTE, 10_000);
      await quiet();
      expect(runs).to.have.length(1);
      const schedule = (await t.host.store.get<ScheduleState>('schedule', def.id))!;
      expect(schedule.nextRunAt).to.equal(runs[0].startedAt + 5 * MINUTE);
    });

    it('should run each due pull once when two hosts share the store', async () => {
      await createFakeConnector(t.host);
      const other = await openTestHost(
        { hostId: 'host-b' },
        { dataDir: t.dataDir, pluginDirs: t.pluginDirs, clock: t.clock, queue: t.queue, sink: t.sink },
      );
      try {
        const runs: RunSummary[] = [];
        start(t.host, runs);
        start(other.host, runs);
        await waitFor(() => runs.length === 1);
        for (let i = 2; i <= 4; i++) {
          await t.clock.advance(5 * MINUTE, 10_000);
          await waitFor(() => runs.length === i, 5_000, `run ${i}`);
        }
        await quiet();
        expect(runs).to.have.length(4);
        expect(new Set(runs.map((r) => r.scheduledFor)).size).to.equal(4);
        const fences = runs.map((r) => r.fence);
        expect(fences).to.deep.equal([...fences].sort((a, b) => a - b));
        expect(fakeControls.collectsStarted).to.equal(4);
      } finally {
        await Promise.all(schedulers.splice(0).map((s) => s.stop(0)));
        await other.cleanup();
      }
    });

    it('should never run a connector twice at once', async () => {
      await createFakeConnector(t.host);
      let open!: () => void;
      fakeControls.pageGate = new Promise((r) => (open = r));
      const other = await openTestHost(
        { hostId: 'host-b' },
        { dataDir: t.dataDir, pluginDirs: t.pluginDirs, clock: t.clock, queue: t.queue, sink: t.sink },
      );
      try {
        const runs: RunSummary[] = [];
        start(t.host, runs);
        start(other.host, runs);
        await waitFor(() => fakeControls.collectsStarted === 1);
        // The run is held past its interval; nobody starts a second one meanwhile.
        await t.clock.advance(7 * MINUTE, 5_000);
        await quiet();
        expect(fakeControls.collectsStarted).to.equal(1);
        open();
        await waitFor(() => runs.length >= 1);
        await quiet();
        // The overdue pull then happens once, right after.
        await t.clock.advance(2_000);
        await waitFor(() => runs.length === 2, 5_000, 'the overdue pull');
        expect(fakeControls.collectsStarted).to.equal(2);
      } finally {
        open?.();
        await Promise.all(schedulers.splice(0).map((s) => s.stop(0)));
        await other.cleanup();
      }
    });

    it('should run a crashed run again as soon as its lease expires, not at the next interval', async () => {
      const def = await createFakeConnector(t.host);
      // A host took the run and died: its lease stays until the TTL passes.
      await t.host.store.acquireLease(`run:${def.id}`, 'crashed-host', 30_000);
      const runs = start();
      await t.clock.advance(20_000);
      await quiet();
      expect(runs).to.have.length(0);
      await t.clock.advance(12_000);
      await waitFor(() => runs.length === 1, 5_000, 'the rerun');
      expect(runs[0].startedAt - def.createdAt).to.be.below(MINUTE);
      expect(runs[0].scheduledFor).to.equal(def.createdAt);
    });
  });

  describe('#tick', () => {
    const ids = async (): Promise<string[]> => (await t.host.connectors.list()).map((d) => d.id);

    it('should read the definitions of the due connectors together, not one after another', async () => {
      for (const name of ['a', 'b', 'c', 'd', 'e']) await createFakeConnector(t.host, { name });
      await t.clock.advance(MINUTE); // past the spread first pulls
      let open!: () => void;
      fakeControls.pageGate = new Promise((r) => (open = r)); // runs stay open: only the launches count
      let inFlight = 0;
      let mostInFlight = 0;
      const registry = Object.create(t.host.connectors) as ConnectorRegistry;
      registry.getById = async (id: string) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await settle(2);
        inFlight--;
        return t.host.connectors.getById(id);
      };
      const profileReads = sinon.spy(t.host.connectors, 'listProfiles');
      const scheduler = new Scheduler(
        {
          store: t.host.store,
          clock: t.host.clock,
          registry,
          coordinator: t.host.coordinator,
          logger: t.host.logger,
        },
        { maxConcurrentRuns: 10 },
      );
      schedulers.push(scheduler);
      try {
        await scheduler.tick();
        expect(mostInFlight).to.equal(5);
        expect(profileReads.callCount).to.equal(1);
        expect(scheduler.activeRuns).to.equal(5);
        await waitFor(() => fakeControls.collectsStarted === 5, 5_000, 'five collections');
      } finally {
        open();
        profileReads.restore();
      }
    });

    it('should keep to maxConcurrentRuns, in due order, giving no room to deleted or inactive connectors', async () => {
      // Due before the others: a schedule left by a deleted connector, and an inactive connector's.
      await t.host.store.put('schedule', 'deleted', { connectorId: 'deleted', lastFence: 0, nextRunAt: 0 });
      const inactive = await createFakeConnector(t.host, { name: 'inactive', profile: null });
      await t.host.store.put('schedule', inactive.id, {
        connectorId: inactive.id,
        lastFence: 0,
        nextRunAt: 1,
      });
      const due = [];
      for (const name of ['a', 'b', 'c']) due.push(await createFakeConnector(t.host, { name }));
      await t.clock.advance(MINUTE); // past the spread first pulls
      let open!: () => void;
      fakeControls.pageGate = new Promise((r) => (open = r));
      const scheduler = schedulerFor(t.host, [], { maxConcurrentRuns: 2 });
      schedulers.push(scheduler);
      try {
        await scheduler.tick();
        expect(scheduler.activeRuns).to.equal(2);
        await waitFor(() => fakeControls.collectsStarted === 2, 5_000, 'two collections');
        const all = await ids();
        const leases = await Promise.all(all.map((id) => t.host.store.getLease(`run:${id}`)));
        const running = all.filter((_, i) => leases[i] !== undefined);
        // The burst's first pulls: a at once, c at 15 s, b at 30 s; the two due first run.
        expect(running.sort()).to.deep.equal([due[0].id, due[2].id].sort());
        // A second tick with no room launches nothing more.
        await scheduler.tick();
        await quiet();
        expect(fakeControls.collectsStarted).to.equal(2);
      } finally {
        open();
      }
    });

    it('should run connectors created together at their spread due times, not all at once', async () => {
      const t2 = await openTestHost(
        { firstRunPacing: { windowMs: 20_000 } },
        { dataDir: t.dataDir, pluginDirs: t.pluginDirs, clock: t.clock, queue: t.queue, sink: t.sink },
      );
      try {
        const start0 = t.clock.now();
        for (const name of ['a', 'b', 'c']) await createFakeConnector(t2.host, { name });
        // Due at 0, 10 s and 5 s: the burst spread over the 20 s window.
        const runs = start(t2.host, [], { maxConcurrentRuns: 10 });
        await waitFor(() => runs.length === 1, 5_000, 'the first pull');
        await t.clock.advance(4_000);
        await quiet();
        expect(runs).to.have.length(1);
        await t.clock.advance(1_000);
        await waitFor(() => runs.length === 2, 5_000, 'the second pull');
        await t.clock.advance(4_000);
        await quiet();
        expect(runs).to.have.length(2);
        await t.clock.advance(1_000);
        await waitFor(() => runs.length === 3, 5_000, 'the third pull');
        expect(runs.map((r) => [r.name, r.scheduledFor! - start0])).to.deep.equal([
          ['a', 0],
          ['c', 5_000],
          ['b', 10_000],
        ]);
        expect(runs.map((r) => r.startedAt - r.scheduledFor!)).to.deep.equal([0, 0, 0]);
      } finally {
        await Promise.all(schedulers.splice(0).map((s) => s.stop(0)));
        await t2.cleanup();
      }
    });
  });

  describe('#stop', () => {
    it('should release an unfinished run at shutdown so another host runs it at once', async () => {
      const def = await createFakeConnector(t.host);
      let open!: () => void;
      fakeControls.pageGate = new Promise((r) => (open = r));
      const runs = start();
      await waitFor(() => fakeControls.collectsStarted === 1);
      const stopping = schedulers.pop()!.stop(20);
      await new Promise((r) => setTimeout(r, 40));
      open();
      await stopping;
      expect(await t.host.store.getLease(`run:${def.id}`)).to.equal(undefined);
      expect((await t.host.store.get<ScheduleState>('schedule', def.id))!.nextRunAt).to.equal(def.createdAt);
      expect((await t.host.statusOf('acme', 'fake one'))[0].state).to.equal('pending');
      expect(runs[0]).to.include({ ok: false });
      fakeControls.pageGate = undefined;
      const next = start();
      await waitFor(() => next.length === 1);
      expect(next[0]).to.include({ ok: true, scheduledFor: def.createdAt });
    });

    it('should let a run finish within the grace period and record it', async () => {
      await createFakeConnector(t.host);
      let open!: () => void;
      fakeControls.pageGate = new Promise((r) => (open = r));
      const runs = start();
      await waitFor(() => fakeControls.collectsStarted === 1);
      const stopping = schedulers.pop()!.stop(5_000);
      setTimeout(open, 20);
      await stopping;
      expect(runs).to.have.length(1);
      expect(runs[0].ok).to.equal(true);
      expect((await t.host.statusOf('acme', 'fake one'))[0].state).to.equal('ok');
    });
  });
});
