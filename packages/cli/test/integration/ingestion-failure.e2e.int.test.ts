import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startSimulator, generateCloudOneKey, type SimulatorHandle } from '@connectors/cloudone-simulator';
import type { ConnectorStatus, RunSummary } from '@connectors/host';
import { createCloudOne, runCli, type CliResult } from '../helpers/cli.runner';

/** A run whose records cannot be ingested is a failed run, in `status` and in `runs`. */
describe('connectors CLI run with a corrupt lake (end to end)', function () {
  this.timeout(90_000);
  let sim: SimulatorHandle;
  let dataDir: string;
  const apiKey = generateCloudOneKey();
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { dataDir });

  before(async () => {
    sim = await startSimulator({ computers: 20, apiKey, port: 0 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-corrupt-'));
    expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
    const created = await cli(...createCloudOne('c1', 'acme', sim.baseUrl, apiKey, '--profile', 'default'));
    expect(created.code, created.stderr).to.equal(0);
  });
  after(async () => {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should fail the run with exit 1 and show the failure in status and runs after a good run', async () => {
    expect((await cli('run', 'c1', '--tenant', 'acme')).code).to.equal(0);
    writeFileSync(path.join(dataDir, 'lake.sqlite'), Buffer.alloc(64 * 1024, 7));

    const run = await cli('run', 'c1', '--tenant', 'acme');
    expect(run.code, run.stdout + run.stderr).to.equal(1);

    const status = (await cli('status', 'c1', '--tenant', 'acme', '--json')).json<ConnectorStatus>();
    expect(status.state).to.equal('failed');
    expect(status.lastError?.summary).to.contain(
      `${path.join(dataDir, 'lake.sqlite')} is not a SQLite database`,
    );
    const runs = (await cli('runs', 'c1', '--tenant', 'acme', '--json')).json<RunSummary[]>();
    expect(runs.map((r) => r.ok)).to.deep.equal([false, true]);
  });
});
