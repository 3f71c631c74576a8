import { expect } from 'chai';
import { SystemClock } from '@connectors/framework/engine';
import { startRedisServer, type RedisServerHandle } from '@connectors/queue-redis';
import { fakeControls } from '../helpers/fake.connector';
import { createFakeConnector, openTestHost, type TestHostContext } from '../helpers/test-host';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('RunCoordinator with a Redis store that restarts', function () {
  this.timeout(40_000);
  let server: RedisServerHandle;
  let t: TestHostContext;

  beforeEach(async () => {
    fakeControls.reset();
    server = await startRedisServer({ appendonly: true });
  });

  afterEach(async () => {
    fakeControls.reset();
    await t?.cleanup();
    await server.stop();
  });

  async function open(leaseTtlMs: number, redisDeadlineMs?: number): Promise<void> {
    t = await openTestHost({
      redisUrl: server.url,
      clock: new SystemClock(),
      ...(redisDeadlineMs !== undefined ? { redisDeadlineMs } : {}),
    });
    t.host.coordinator.leaseTtlMs = leaseTtlMs;
    await createFakeConnector(t.host);
  }

  /** Starts a run held on its first page; resolves with the run once the page is let through. */
  async function heldRun(): Promise<{ release(): void; run: ReturnType<TestHostContext['host']['run']> }> {
    let release!: () => void;
    fakeControls.pageGate = new Promise((r) => (release = r));
    const run = t.host.run('acme', 'fake one');
    run.catch(() => undefined);
    await until(() => fakeControls.collectsStarted === 1);
    return { release, run };
  }

  describe('#tryRun()', () => {
    it('should keep a run going through a Redis restart shorter than the lease', async () => {
      await open(10_000);
      const { release, run } = await heldRun();
      await sleep(2_000);
      await server.kill('SIGTERM');
      await sleep(3_000); // a renewal falls due while Redis is down
      await server.restart();
      await sleep(3_000); // renewals resume on the restarted server
      release();
      const summary = await run;
      expect(summary.error).to.equal(undefined);
      expect(summary).to.include({ ok: true, records: 12 });
      const [status] = await t.host.statusOf('acme', 'fake one');
      expect(status.state).to.equal('ok');
    });

    it('should fail a run with a message naming Redis when Redis stays down, and record it once Redis is back', async () => {
      await open(3_000, 1_500);
      const { run } = await heldRun();
      await server.kill('SIGTERM');
      const started = Date.now();
      const summary = await run;
      expect(Date.now() - started).to.be.below(10_000);
      expect(summary.ok).to.equal(false);
      expect(summary.error).to.include({ code: 'STORE_UNREACHABLE' });
      expect(summary.error!.summary).to.match(/^Redis was unreachable/);
      await server.restart();
      await sleep(3_500); // the lease of the run expires
      const history = await t.host.runHistory('acme', 'fake one');
      expect(history).to.have.length(1);
      expect(history[0]).to.include({ runId: summary.runId, ok: false });
      const [status] = await t.host.statusOf('acme', 'fake one');
      expect(status.state).to.equal('failed');
    });
  });
});
