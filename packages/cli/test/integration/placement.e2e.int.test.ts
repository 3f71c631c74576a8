import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generateCloudOneKey, startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import type { ConnectorStatus, RunSummary } from '@connectors/host';
import { runCli, type CliResult } from '../helpers/cli.runner';

/** `--role` on `run`, the status of a connector no host takes, and `hosts` (embedded data directory). */
describe('connectors placement: run --role, status, hosts (end to end)', () => {
  let sim: SimulatorHandle;
  let dataDir: string;
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { dataDir });

  before(async () => {
    const apiKey = generateCloudOneKey();
    sim = await startSimulator({ computers: 50, apiKey, port: 0 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-placement-'));
    for (const args of [
      ['tenants', 'create', 'acme'],
      ['sensors', 'create', 's1'],
      [
        'create',
        '--plugin',
        'trendmicro-cloudone',
        '--name',
        'on sensor',
        '--tenant',
        'acme',
        '--run-on',
        'sensor:s1',
        '--set',
        `apiUrl=${sim.baseUrl}`,
        '--set',
        `apiKey=${apiKey}`,
      ],
    ]) {
      const r = await cli(...args);
      expect(r.code, r.stderr).to.equal(0);
    }
  });
  after(async () => {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should say in status that no host runs as the sensor, with the fix', async () => {
    const json = (await cli('status', 'on sensor', '--tenant', 'acme', '--json')).json<ConnectorStatus>();
    expect(json.noHost).to.equal(
      'no host is running as sensor s1: start one with `connectors start --role sensor:s1`',
    );
    const table = await cli('status');
    expect(table.stdout).to.contain('no host is running as sensor s1');
  });

  it('should refuse a manual run outside its placement (exit 2) and run it with that role', async () => {
    const refused = await cli('run', 'on sensor', '--tenant', 'acme');
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('runs on sensor s1, and this process takes dp');
    expect(refused.stderr).to.contain(
      'fix: Run it where it belongs: `connectors run "on sensor" --tenant acme --role sensor:s1`',
    );
    const bad = await cli('run', 'on sensor', '--tenant', 'acme', '--role', 'sensor');
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('role: "sensor" is not a role');
    const ran = await cli('run', 'on sensor', '--tenant', 'acme', '--role', 'sensor:s1', '--json');
    expect(ran.code, ran.stderr).to.equal(0);
    expect(ran.json<RunSummary>()).to.include({ ok: true, records: 50, ingested: 50 });
  });

  it('should list no hosts while no daemon runs', async () => {
    expect((await cli('hosts', '--json')).json<unknown[]>()).to.deep.equal([]);
    expect((await cli('hosts')).stdout).to.contain('No hosts: start one with `connectors start --role dp`.');
  });
});
