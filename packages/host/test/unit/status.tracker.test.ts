import { expect } from 'chai';
import { Daemon } from '../../src/daemon';
import type { ConnectorStatus, RunSummary } from '../../src/types';
import { settle, waitFor } from '../helpers/fake-clock';
import { fakeControls } from '../helpers/fake.connector';
import { createFakeConnector, openTestHost, type TestHostContext } from '../helpers/test-host';

describe('StatusTracker', () => {
  let t: TestHostContext;
  let daemon: Daemon | undefined;
  beforeEach(async () => {
    fakeControls.reset();
    t = await openTestHost();
  });
  afterEach(async () => {
    fakeControls.reset();
    await daemon?.stop(0);
    daemon = undefined;
    await t.cleanup();
  });

  const status = async (): Promise<ConnectorStatus> => (await t.host.statusOf('acme', 'fake one'))[0];

  describe('#get', () => {
    it('should go from pending to ok with the figures of the last run', async () => {
      await createFakeConnector(t.host);
      expect((await status()).state).to.equal('pending');
      const run = await t.host.run('acme', 'fake one');
      const s = await status();
      expect(s).to.include({
        state: 'ok',
        lastRunRecords: 12,
        lastSuccessAt: run.finishedAt,
        lastActivityAt: run.finishedAt,
      });
      expect(s.nextRunAt).to.equal(run.startedAt + 5 * 60_000);
      expect(s.backlog).to.equal(0);
      expect(s.lastRun).to.include({ records: 12, pages: 3, ok: true });
    });

    it('should show a run in progress as running on its host', async () => {
      await createFakeConnector(t.host);
      let open!: () => void;
      fakeControls.pageGate = new Promise((r) => (open = r));
      const run = t.host.run('acme', 'fake one');
      await waitFor(() => fakeControls.collectsStarted === 1);
      const s = await status();
      expect(s.state).to.equal('running');
      expect(s.reason).to.contain(t.host.hostId);
      open();
      await run;
    });
  });

  describe('#afterRun', () => {
    it('should turn failed with the summary and the fix when a run fails, and keep the last success', async () => {
      await createFakeConnector(t.host);
      const ok = await t.host.run('acme', 'fake one');
      fakeControls.failCollect = true;
      const failed = await t.host.run('acme', 'fake one');
      expect(failed.ok).to.equal(false);
      const s = await status();
      expect(s.state).to.equal('failed');
      expect(s.lastError).to.include({
        code: 'AUTHENTICATION_FAILED',
        source: 'run',
        hint: 'Check the API key.',
      });
      expect(s.lastError!.summary).to.contain('refused');
      expect(s.lastSuccessAt).to.equal(ok.finishedAt);
    });
  });

  describe('#afterTest', () => {
    it('should clear a failed status on a passed test, then revert to failed within a minute while the fault persists', async () => {
      await createFakeConnector(t.host);
      const runs: RunSummary[] = [];
      daemon = await Daemon.start(t.host, { tickMs: 1_000 }, (r) => runs.push(r));
      fakeControls.failCollect = true;
      await waitFor(() => runs.length === 1, 5_000, 'the first pull');
      expect((await status()).state).to.equal('failed');

      const testAt = t.clock.now();
      const outcome = await t.host.test('acme', 'fake one');
      expect(outcome.result.ok).to.equal(true);
      const cleared = await status();
      expect(cleared).to.include({ state: 'ok', clearedByTestAt: testAt });
      expect(cleared.lastError).to.equal(undefined);
      expect(cleared.nextRunAt! - testAt).to.be.at.most(60_000);

      await t.clock.advance(60_000);
      await waitFor(() => runs.length === 2, 5_000, 'the verification run');
      const reverted = await status();
      expect(reverted.state).to.equal('failed');
      expect(runs[1].startedAt - testAt).to.be.at.most(60_000);
    });

    it('should keep a cleared status once the fault is gone', async () => {
      await createFakeConnector(t.host);
      const runs: RunSummary[] = [];
      daemon = await Daemon.start(t.host, { tickMs: 1_000 }, (r) => runs.push(r));
      fakeControls.failCollect = true;
      await waitFor(() => runs.length === 1);
      fakeControls.failCollect = false;
      await t.host.test('acme', 'fake one');
      await t.clock.advance(60_000);
      await waitFor(() => runs.length === 2);
      expect((await status()).state).to.equal('ok');
    });

    it('should mark the connector failed with the failing step when a test fails', async () => {
      await createFakeConnector(t.host);
      fakeControls.failTest = true;
      const outcome = await t.host.test('acme', 'fake one');
      expect(outcome.result.ok).to.equal(false);
      expect(outcome.result.steps.map((s) => s.status)).to.deep.equal(['failed', 'skipped']);
      const s = await status();
      expect(s.state).to.equal('failed');
      expect(s.lastError).to.include({ source: 'test', code: 'TEST_FAILED' });
      expect(s.lastError!.detail).to.contain('HTTP 401');
    });

    it('should refuse a second concurrent test of the same connector', async () => {
      await createFakeConnector(t.host);
      let open!: () => void;
      fakeControls.testGate = new Promise((r) => (open = r));
      const first = t.host.test('acme', 'fake one');
      await settle(20);
      let err: unknown;
      await t.host.test('acme', 'fake one').catch((e) => (err = e));
      expect(err).to.have.property('code', 'TEST_IN_PROGRESS');
      expect((err as Error).message).to.contain('a test is already running');
      open();
      expect((await first).result.ok).to.equal(true);
      fakeControls.testGate = undefined;
      expect((await t.host.test('acme', 'fake one')).result.ok).to.equal(true);
    });
  });

  describe('#refreshAll', () => {
    it('should refresh stored statuses every five minutes in the daemon', async () => {
      const def = await createFakeConnector(t.host);
      daemon = await Daemon.start(t.host, { tickMs: 1_000 });
      await waitFor(async () => (await t.host.store.get<ConnectorStatus>('status', def.id))?.state === 'ok');
      const first = (await t.host.store.get<ConnectorStatus>('status', def.id))!.refreshedAt;
      await t.clock.advance(5 * 60_000, 30_000);
      await waitFor(
        async () =>
          (await t.host.store.get<ConnectorStatus>('status', def.id))!.refreshedAt >= first + 5 * 60_000,
      );
    });
  });
});
