import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startSimulator, generateCloudOneKey, type SimulatorHandle } from '@connectors/cloudone-simulator';
import type { LakeAsset } from '@connectors/lake';
import { createCloudOne, runCli, type CliResult } from '../helpers/cli.runner';

/** Two Cloud One accounts number their computers from 1: one tenant's assets must not merge them. */
describe('connectors CLI asset identity across two accounts (end to end)', function () {
  this.timeout(120_000);
  const accounts: Array<{ name: string; computers: number; sim?: SimulatorHandle; apiKey: string }> = [
    { name: 'Account A', computers: 50, apiKey: generateCloudOneKey() },
    { name: 'Account B', computers: 60, apiKey: generateCloudOneKey() },
  ];
  let dataDir: string;
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { dataDir });

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-assets-'));
    for (const a of accounts)
      a.sim = await startSimulator({ computers: a.computers, apiKey: a.apiKey, port: 0 });
    expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
    for (const a of accounts) {
      const created = await cli(
        ...createCloudOne(a.name, 'acme', a.sim!.baseUrl, a.apiKey, '--profile', 'default'),
      );
      expect(created.code, created.stderr).to.equal(0);
    }
  });
  after(async () => {
    for (const a of accounts) await a.sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should keep one asset per computer and account, and no owner switching between runs', async () => {
    const owners = async (): Promise<Map<string, string>> => {
      const r = await cli('assets', '--tenant', 'acme', '--limit', '1000', '--json');
      expect(r.code, r.stderr).to.equal(0);
      return new Map(r.json<LakeAsset[]>().map((a) => [a.id, a.record.connector.name]));
    };
    for (const a of accounts) expect((await cli('run', a.name, '--tenant', 'acme')).code).to.equal(0);
    const first = await owners();
    expect(first.size).to.equal(110);
    expect([...first.values()].filter((n) => n === 'Account A')).to.have.length(50);

    expect((await cli('run', 'Account A', '--tenant', 'acme')).code).to.equal(0);
    expect(await owners()).to.deep.equal(first);
  });
});
