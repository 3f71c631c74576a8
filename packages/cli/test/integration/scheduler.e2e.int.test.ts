import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generateCloudOneKey, startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import { RedisHostStore, type ConnectorStatus, type HostView, type RunSummary } from '@connectors/host';
import { runCli, SECRET_KEY, startDaemon, waitForOutput, type CliEnv } from '../helpers/cli.runner';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Two `connectors start` processes share one Redis. An interval "minute" is shortened to one second
 * (CONNECTORS_MINUTE_MS) so several scheduled pulls happen in a few seconds.
 */
describe('connectors start: two hosts sharing a Redis (end to end)', function () {
  // Each step is a CLI process or a daemon; on a loaded machine a test takes well over 20 s.
  this.timeout(60_000);
  let sim: SimulatorHandle;
  let slowSim: SimulatorHandle;
  let dataDir: string;
  let env: CliEnv;
  const prefix = `e2e-${randomUUID()}`;
  const daemons: Array<ReturnType<typeof startDaemon>> = [];

  before(async () => {
    const apiKey = generateCloudOneKey();
    sim = await startSimulator({ computers: 300, apiKey, port: 0 });
    slowSim = await startSimulator({ computers: 600, apiKey, port: 0, latencyMs: 150 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-sched-'));
    env = { dataDir, redisUrl: REDIS_URL, redisPrefix: prefix, env: { CONNECTORS_MINUTE_MS: '1000' } };
    expect((await runCli(['tenants', 'create', 'acme'], env)).code).to.equal(0);
    const common = [
      '--plugin',
      'trendmicro-cloudone',
      '--tenant',
      'acme',
      '--run-on',
      'dp',
      '--profile',
      'default',
      '--set',
      `apiKey=${apiKey}`,
    ];
    const a = await runCli(
      [
        'create',
        ...common,
        '--name',
        'every-minute',
        '--set',
        `apiUrl=${sim.baseUrl}`,
        '--set',
        'interval=1',
      ],
      env,
    );
    expect(a.code, a.stderr).to.equal(0);
  });

  after(async () => {
    for (const d of daemons) d.child.kill('SIGKILL');
    await Promise.all(daemons.map((d) => d.exited));
    await Promise.all([sim.stop(), slowSim.stop()]);
    const store = await RedisHostStore.connect({ url: REDIS_URL, prefix });
    await store.destroy();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should refuse Redis mode without CONNECTORS_SECRET_KEY', async () => {
    const r = await runCli(['list'], { ...env, env: { ...env.env, CONNECTORS_SECRET_KEY: '' } });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('CONNECTORS_SECRET_KEY is not set');
    expect(SECRET_KEY).to.have.length(44);
  });

  it('should run each scheduled collection exactly once across both hosts', async () => {
    const flags = ['--tick-ms', '100', '--lease-ttl-ms', '3000', '--shutdown-grace-ms', '2000'];
    daemons.push(
      startDaemon(['--host-id', 'host-a', ...flags], env),
      startDaemon(['--host-id', 'host-b', ...flags], env),
    );
    const runs = await until(
      'five scheduled runs',
      async () => {
        const r = (await runCli(['runs', 'every-minute', '--tenant', 'acme', '--json'], env)).json<
          RunSummary[]
        >();
        return r.length >= 5 ? r : undefined;
      },
      30_000,
    );
    // Both hosts heartbeat into the shared Redis.
    const hosts = (await runCli(['hosts', '--json'], env)).json<HostView[]>();
    expect(hosts.map((h) => [h.hostId, h.roles, h.alive])).to.deep.equal([
      ['host-a', ['dp'], true],
      ['host-b', ['dp'], true],
    ]);
    expect((await runCli(['hosts'], env)).stdout).to.match(/^host-a +dp +\S+ .* yes$/m);
    const stopped = daemons.splice(0, 2);
    for (const d of stopped) d.child.kill('SIGTERM');
    expect(await Promise.all(stopped.map((d) => d.exited))).to.deep.equal([0, 0]);

    const all = (
      await runCli(['runs', 'every-minute', '--tenant', 'acme', '--limit', '100', '--json'], env)
    ).json<RunSummary[]>();
    expect(all.length).to.be.at.least(runs.length);
    const scheduled = all.filter((r) => r.trigger === 'schedule');
    expect(
      scheduled.every((r) => r.ok && r.records === 300),
      JSON.stringify(scheduled.map((r) => r.error)),
    ).to.equal(true);
    // Exactly once: no due time was run twice, no two runs overlapped, fencing tokens only grew.
    expect(new Set(scheduled.map((r) => r.scheduledFor)).size).to.equal(scheduled.length);
    const byStart = [...scheduled].sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < byStart.length; i++) {
      expect(byStart[i].startedAt).to.be.at.least(byStart[i - 1].finishedAt);
      expect(byStart[i].fence).to.be.greaterThan(byStart[i - 1].fence);
    }
    expect(new Set(scheduled.map((r) => r.hostId)).size).to.be.at.least(1);

    // The daemons' ingest workers took the records from the Redis stream into the lake, once per id.
    const lake = await runCli(['search', '--tenant', 'acme', '--limit', '10000', '--json'], env);
    expect(lake.json<unknown[]>()).to.have.length(300);
    // A manual run in Redis mode never ingests into a lake of its own: with no live host ingesting it
    // fails before collecting, naming the fix.
    const refused = await runCli(['run', 'every-minute', '--tenant', 'acme'], env);
    expect(refused.code, refused.stderr).to.equal(1);
    expect(refused.stderr).to.contain('no live host runs ingest workers on this Redis');
    expect(refused.stderr).to.match(/^fix: Start a host that ingests \(`connectors start`/m);
    // With a live ingesting host (one that takes no dp connector) it waits for that host's ingestion.
    const ingester = startDaemon(['--host-id', 'ingester', '--role', 'sensor:none', '--tick-ms', '100'], env);
    daemons.push(ingester);
    await waitForOutput(ingester, /connectors daemon ingester started as sensor:none/);
    const manual = await runCli(['run', 'every-minute', '--tenant', 'acme', '--json'], env);
    expect(manual.code, manual.stderr).to.equal(0);
    expect(manual.json<RunSummary>()).to.deep.include({
      ok: true,
      records: 300,
      ingested: 300,
      ingestedBy: ['ingester'],
      trigger: 'manual',
    });
    daemons.splice(daemons.indexOf(ingester), 1);
    ingester.child.kill('SIGTERM');
    expect(await ingester.exited).to.equal(0);
  });

  it('should run a collection cut short by a crash again as soon as its lease expires', async () => {
    const created = await runCli(
      [
        'create',
        '--plugin',
        'trendmicro-cloudone',
        '--tenant',
        'acme',
        '--run-on',
        'dp',
        '--name',
        'slow',
        '--set',
        `apiUrl=${slowSim.baseUrl}`,
        '--set',
        `apiKey=${slowSim.apiKey}`,
        '--set',
        'pageSize=50',
        '--set',
        'interval=60',
      ],
      env,
    );
    expect(created.code, created.stderr).to.equal(0);
    const flags = ['--tick-ms', '100', '--lease-ttl-ms', '1500'];
    const a = startDaemon(['--host-id', 'doomed', ...flags], env);
    daemons.push(a);
    // Only now does it become active (profile), so the doomed host takes the first pull.
    expect(
      (await runCli(['profiles', 'add', 'default', '--connector', 'slow', '--tenant', 'acme'], env)).code,
    ).to.equal(0);
    const running = await until('the doomed host to be running it', async () => {
      const s = (await runCli(['status', 'slow', '--tenant', 'acme', '--json'], env)).json<ConnectorStatus>();
      return s.state === 'running' && s.reason?.includes('doomed') ? s : undefined;
    });
    expect(running.state).to.equal('running');
    a.child.kill('SIGKILL');
    await a.exited;
    const b = startDaemon(['--host-id', 'survivor', ...flags], env);
    daemons.push(b);
    const runs = await until('the survivor to finish the run', async () => {
      const r = (await runCli(['runs', 'slow', '--tenant', 'acme', '--json'], env)).json<RunSummary[]>();
      return r.some((x) => x.hostId === 'survivor') ? r : undefined;
    });
    const run = runs.find((r) => r.hostId === 'survivor')!;
    expect(run).to.include({ ok: true, records: 600, hostId: 'survivor', trigger: 'schedule' });
    // The killed run is in the history too, as interrupted.
    expect(runs.find((r) => r.hostId === 'doomed')).to.include({ ok: false, interrupted: true });
    // The same due time as the crashed run, long before the next interval (60 one-second minutes).
    expect(run.startedAt - run.scheduledFor!).to.be.below(60_000);
    const status = (
      await runCli(['status', 'slow', '--tenant', 'acme', '--json'], env)
    ).json<ConnectorStatus>();
    expect(status.state).to.equal('ok');
  });
});
