import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { expect } from 'chai';
import sinon from 'sinon';
import type { RunSummary, ScheduleState } from '../../src/types';
import { settle, waitFor } from '../helpers/fake-clock';
import { fakeControls } from '../helpers/fake.connector';
import { createFakeConnector, openTestHost, type TestHostContext } from '../helpers/test-host';

const MINUTE = 60_000;

/** `hostname:pid` of a process of this machine that has exited. */
function deadLocalOwner(): string {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return `${hostname()}:${child.pid}`;
}

describe('RunCoordinator', () => {
  const sandbox = sinon.createSandbox();
  let t: TestHostContext;

  beforeEach(async () => {
    fakeControls.reset();
    t = await openTestHost();
  });

  afterEach(async () => {
    fakeControls.reset();
    sandbox.restore();
    await t.cleanup();
  });

  /** A manual run held before its first page; `release` lets it go on. */
  async function heldRun(): Promise<{ release(): void; run: Promise<RunSummary> }> {
    let release!: () => void;
    fakeControls.pageGate = new Promise((r) => (release = r));
    const run = t.host.run('acme', 'fake one');
    run.catch(() => undefined);
    await waitFor(() => fakeControls.collectsStarted === 1);
    return { release, run };
  }

  describe('#tryRun()', () => {
    it('should keep running through renewals that fail while the store is unreachable for less than the TTL', async () => {
      await createFakeConnector(t.host);
      t.host.coordinator.leaseTtlMs = 10_000;
      const extend = sandbox.stub(t.host.store, 'extendLease');
      extend.onCall(0).rejects(new Error('connect ECONNREFUSED'));
      extend.onCall(1).rejects(new Error('connect ECONNREFUSED'));
      extend.callThrough();
      const { release, run } = await heldRun();
      for (let i = 0; i < 8; i++) await t.clock.advance(1_000, 1_000);
      release();
      const summary = await run;
      expect(extend.callCount).to.be.at.least(3);
      expect(summary.error).to.equal(undefined);
      expect(summary).to.include({ ok: true, records: 12 });
    });

    it('should stop a run whose renewal hangs past the TTL before it publishes another page, and retry it within a minute', async () => {
      const def = await createFakeConnector(t.host);
      const { release, run } = await heldRun();
      sandbox.stub(t.host.store, 'extendLease').returns(new Promise<boolean>(() => undefined));
      for (let i = 0; i < 10; i++) await t.clock.advance(1_000, 1_000);
      release();
      const summary = await run;
      expect(summary.ok).to.equal(false);
      expect(summary.error).to.include({ code: 'STORE_UNREACHABLE' });
      expect(summary.records).to.equal(0);
      expect(t.sink.entries.filter((e) => e.kind === 'record')).to.have.length(0);
      const schedule = await t.host.store.get<ScheduleState>('schedule', def.id);
      expect(schedule!.nextRunAt! - summary.finishedAt).to.be.at.most(MINUTE);
    });

    it('should show the run of a killed process of this machine as interrupted, take its lease over at once and record the run', async () => {
      const def = await createFakeConnector(t.host);
      const owner = deadLocalOwner();
      const stale = await t.host.store.acquireLease(`run:${def.id}`, owner, 10 * MINUTE);
      await t.host.store.put('active-runs', def.id, {
        runId: 'killed-run',
        connectorId: def.id,
        tenant: def.tenant,
        name: def.name,
        trigger: 'manual',
        fence: stale!.token,
        hostId: owner,
        startedAt: t.clock.now(),
      });
      const [killed] = await t.host.statusOf('acme', 'fake one');
      expect(killed.state).to.equal('failed');
      expect(killed.lastError).to.include({ code: 'RUN_INTERRUPTED' });
      const summary = await t.host.run('acme', 'fake one');
      expect(summary.ok).to.equal(true);
      const history = await t.host.runHistory('acme', 'fake one');
      expect(history.map((r) => r.runId)).to.deep.equal([summary.runId, 'killed-run']);
      expect(history[1]).to.include({ ok: false, interrupted: true });
      expect(history[1].error).to.include({ code: 'RUN_INTERRUPTED' });
    });

    it('should show a run whose process died as interrupted in status and history once its lease expired', async () => {
      await createFakeConnector(t.host);
      const { run } = await heldRun();
      // The process "dies": its lease is no longer renewed and nothing records an outcome.
      sandbox
        .stub(t.host.coordinator as unknown as { withDeadline(): Promise<never> }, 'withDeadline')
        .returns(new Promise<never>(() => undefined));
      sandbox.stub(t.host.store, 'extendLease').resolves(false);
      void run;
      const [running] = await t.host.statusOf('acme', 'fake one');
      expect(running.state).to.equal('running');
      await t.clock.advance(11_000);
      await settle();
      const [status] = await t.host.statusOf('acme', 'fake one');
      expect(status.state).to.equal('failed');
      expect(status.lastError).to.include({ code: 'RUN_INTERRUPTED' });
      const history = await t.host.runHistory('acme', 'fake one');
      expect(history[0]).to.include({ interrupted: true });
    });
  });

  describe('Host#test()', () => {
    it('should keep the test lock alive with a short TTL, and take over the lock of a killed test', async () => {
      const def = await createFakeConnector(t.host);
      await t.host.store.acquireLease(`test:${def.id}`, deadLocalOwner(), 130_000);
      let open!: () => void;
      fakeControls.testGate = new Promise((r) => (open = r));
      const testing = t.host.test('acme', 'fake one');
      await waitFor(async () => (await t.host.store.getLease(`test:${def.id}`))?.owner === t.host.hostId);
      await t.clock.advance(30_000);
      const lock = await t.host.store.getLease(`test:${def.id}`);
      expect(lock!.ttlMs).to.be.at.most(10_000);
      open();
      expect((await testing).result.ok).to.equal(true);
    });
  });
});
