import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generateCloudOneKey, startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import type { SyslogRecord } from '@connectors/framework/engine';
import type { LogFilter, RunSummary } from '@connectors/host';
import { runCli, type CliResult } from '../helpers/cli.runner';

describe('connectors filters (end to end)', () => {
  let sim: SimulatorHandle;
  let dataDir: string;
  let apiKey: string;
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { dataDir });

  before(async () => {
    apiKey = generateCloudOneKey();
    sim = await startSimulator({ computers: 600, apiKey, port: 0 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-filters-'));
    expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
  });
  after(async () => {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should create a tenant-scoped filter and refuse a bad condition', async () => {
    const created = await cli(
      'filters',
      'create',
      'no windows',
      '--tenant',
      'acme',
      '--when',
      'host.os.full contains windows',
      '--json',
    );
    expect(created.code, created.stderr).to.equal(0);
    expect(created.json<LogFilter>().conditions).to.deep.equal([
      { field: 'host.os.full', operator: 'contains', values: ['windows'] },
    ]);
    const bad = await cli(
      'filters',
      'create',
      'broken',
      '--tenant',
      'acme',
      '--when',
      'host.os.full resembles windows',
    );
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('unknown operator "resembles"');
    const list = await cli('filters', 'list', '--tenant', 'acme', '--json');
    expect(list.json<LogFilter[]>().map((f) => f.name)).to.deep.equal(['no windows']);
  });

  it('should drop what an attached exclude filter matches before the queue and count it in the run', async () => {
    const created = await cli(
      'create',
      '--plugin',
      'trendmicro-cloudone',
      '--name',
      'filtered',
      '--tenant',
      'acme',
      '--run-on',
      'dp',
      '--profile',
      'default',
      '--filter',
      'no windows',
      '--set',
      `apiUrl=${sim.baseUrl}`,
      '--set',
      `apiKey=${apiKey}`,
    );
    expect(created.code, created.stderr).to.equal(0);
    const run = (await cli('run', 'filtered', '--tenant', 'acme', '--json')).json<RunSummary>();
    expect(run.ok).to.equal(true);
    expect(run.filtered).to.be.greaterThan(0);
    expect(run.records + run.filtered).to.equal(600);
    const windows = await cli(
      'search',
      '--tenant',
      'acme',
      '--where',
      'host.os.full~windows',
      '--limit',
      '10000',
      '--json',
    );
    expect(windows.json<SyslogRecord[]>()).to.have.length(0);
    const all = await cli('search', '--tenant', 'acme', '--limit', '10000', '--json');
    expect(all.json<SyslogRecord[]>()).to.have.length(run.records);
  });

  it('should refuse to delete a filter that a connector uses', async () => {
    const r = await cli('filters', 'delete', 'no windows', '--tenant', 'acme');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('attached to filtered');
  });
});
