import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  generateCloudOneKey,
  generateLegacyKey,
  startSimulator,
  type SimulatorHandle,
} from '@connectors/cloudone-simulator';
import type { ConnectorView } from '@connectors/host';
import { createCloudOne, runCli, type CliResult } from '../helpers/cli.runner';

/** `authScheme: auto` is stored as `auto` and resolved at every run from the key then configured. */
describe('connectors CLI authScheme auto (end to end)', function () {
  this.timeout(90_000);
  let sim: SimulatorHandle;
  let dataDir: string;
  const cloudOneKey = generateCloudOneKey();
  const legacyKey = generateLegacyKey();
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { dataDir });

  before(async () => {
    sim = await startSimulator({ computers: 5, apiKey: cloudOneKey, legacyApiKey: legacyKey, port: 0 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-auth-'));
    expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
  });
  after(async () => {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should keep auto when the key changes from a Cloud One key to a legacy key, and pass the test', async () => {
    const created = await cli(...createCloudOne('c1', 'acme', sim.baseUrl, cloudOneKey), '--json');
    expect(created.code, created.stderr).to.equal(0);
    expect(created.json<ConnectorView>().config.authScheme).to.equal('auto');
    expect((await cli('test', 'c1', '--tenant', 'acme')).code).to.equal(0);

    const edited = await cli('edit', 'c1', '--tenant', 'acme', '--set', `apiKey=${legacyKey}`, '--json');
    expect(edited.code, edited.stderr).to.equal(0);
    expect(edited.json<ConnectorView>().config.authScheme).to.equal('auto');
    const tested = await cli('test', 'c1', '--tenant', 'acme');
    expect(tested.code, tested.stdout + tested.stderr).to.equal(0);
    expect(tested.stdout).to.contain('api-secret-key');
  });
});
