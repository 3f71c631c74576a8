import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startSimulator, generateCloudOneKey, type SimulatorHandle } from '@connectors/cloudone-simulator';
import type { StatusView } from '@connectors/host';
import { LakeSink } from '@connectors/lake';
import { createCloudOne, runCli, type CliResult } from '../helpers/cli.runner';

/** A snapshot the lake has not closed shows in `status`: a line each with a name, a count in the table. */
describe('connectors CLI status with open snapshots (end to end)', function () {
  this.timeout(90_000);
  let sim: SimulatorHandle;
  let dataDir: string;
  const apiKey = generateCloudOneKey();
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { dataDir });

  before(async () => {
    sim = await startSimulator({ computers: 20, apiKey, port: 0 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-snapshots-'));
    expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
    const created = await cli(...createCloudOne('c1', 'acme', sim.baseUrl, apiKey, '--profile', 'default'));
    expect(created.code, created.stderr).to.equal(0);
  });
  after(async () => {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should show none after a whole run, then each snapshot a dead run left open', async () => {
    expect((await cli('run', 'c1', '--tenant', 'acme')).code).to.equal(0);
    const clean = (await cli('status', 'c1', '--tenant', 'acme', '--json')).json<StatusView>();
    expect(clean.openSnapshots).to.equal(undefined);
    expect((await cli('status', 'c1', '--tenant', 'acme')).stdout).not.to.contain('Open Snapshot');

    // A run that died after its start marker (its host crashed): nothing closes it but the expiry.
    const sink = new LakeSink(dataDir, { checkpoints: 'inline' });
    const at = Date.now();
    const marker = {
      snapshotId: 'died-1',
      phase: 'start' as const,
      tenant_id: 'acme',
      connectorId: clean.connectorId,
      contentType: 'computers',
      at,
    };
    await sink.write([{ kind: 'snapshot', marker }]);
    await sink.close();

    const json = (await cli('status', 'c1', '--tenant', 'acme', '--json')).json<StatusView>();
    expect(json.openSnapshots).to.deep.include({ count: 1 });
    expect(json.openSnapshots!.snapshots[0]).to.include({
      snapshotId: 'died-1',
      reason: 'waiting for the end marker',
    });
    const one = await cli('status', 'c1', '--tenant', 'acme');
    expect(one.code, one.stderr).to.equal(0);
    expect(one.stdout).to.match(
      /Open Snapshot +died-1 \(computers\) waiting for the end marker, opened \d{4}-/,
    );
    const table = await cli('status', '--tenant', 'acme');
    const [header, , row] = table.stdout.split('\n');
    const column = header.indexOf('Open Snaps');
    expect(column).to.be.above(0);
    expect(row.slice(column, column + 10).trim()).to.equal('1');
  });
});
