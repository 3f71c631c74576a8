import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import Redis from 'ioredis';
import { generateCloudOneKey, startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import type { ConnectorStatus } from '@connectors/host';
import { createCloudOne, runCli, type CliResult } from '../helpers/cli.runner';

/** `status` in Redis mode reads the shared queue's backlog, whichever host asks. */
describe('connectors status backlog in Redis mode (end to end)', function () {
  this.timeout(60_000);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisPrefix = `cli-backlog-${randomUUID()}`;
  let sim: SimulatorHandle;
  let dataDir: string;
  const key = generateCloudOneKey();
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { dataDir, redisUrl, redisPrefix });

  before(async () => {
    sim = await startSimulator({ computers: 30, apiKey: key, port: 0 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-backlog-'));
  });
  after(async () => {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`*${redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('should show the entries a run published and no host has ingested yet', async () => {
    expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
    expect(
      (await cli(...createCloudOne('c1', 'acme', sim.baseUrl, key, '--profile', 'default'))).code,
    ).to.equal(0);
    const before = await cli('status', 'c1', '--tenant', 'acme', '--json');
    expect(before.json<ConnectorStatus>().backlog).to.equal(0);
    const run = await cli('run', 'c1', '--tenant', 'acme', '--no-wait');
    expect(run.code, run.stderr).to.equal(0);
    const after = await cli('status', 'c1', '--tenant', 'acme', '--json');
    // 30 records and the snapshot's start and end markers wait for an ingest worker.
    expect(after.json<ConnectorStatus>().backlog).to.equal(32);
  });
});
