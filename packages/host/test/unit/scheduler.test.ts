import { expect } from 'chai';
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
      // One run at a time and a tick far away: only finished runs can move the queue of due pulls.
      const runs = start(t.host, [], { maxConcurrentRuns: 1, tickMs: 10 * MINUTE });
      await waitFor(() => runs.length === 3, 5_000, 'three pulls within one tick');
      expect(runs.map((r) => r.trigger)).to.deep.equal(['schedule', 'schedule', 'schedule']);
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
