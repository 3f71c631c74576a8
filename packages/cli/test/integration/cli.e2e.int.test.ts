import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startSimulator, generateCloudOneKey, type SimulatorHandle } from '@connectors/cloudone-simulator';
import type { SyslogRecord, TestResult } from '@connectors/framework/engine';
import type { ConnectorStatus, ConnectorView, RunSummary } from '@connectors/host';
import type { LakeAsset } from '@connectors/lake';
import { runCli, type CliResult } from '../helpers/cli.runner';

const COMPUTERS = 1_500;

describe('connectors CLI (embedded, end to end)', () => {
  let sim: SimulatorHandle;
  let dataDir: string;
  let apiKey: string;
  const outputs: CliResult[] = [];
  const cli = async (...args: string[]): Promise<CliResult> => {
    const r = await runCli(args, { dataDir });
    outputs.push(r);
    return r;
  };

  before(async () => {
    apiKey = generateCloudOneKey();
    sim = await startSimulator({ computers: COMPUTERS, apiKey, port: 0 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-e2e-'));
    expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
  });
  after(async () => {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should list the Trend Micro plugin in the catalog', async () => {
    const r = await cli('plugins', '--json');
    expect(r.code).to.equal(0);
    const tm = r.json<Array<Record<string, unknown>>>().find((p) => p.id === 'trendmicro-cloudone');
    expect(tm).to.deep.include({
      category: 'Endpoint Security',
      capabilities: ['collect'],
      recommendedRunOn: 'dp',
      contentTypes: ['computers'],
    });
  });

  it('should create → test → run → search → assets', async () => {
    const created = await cli(
      'create',
      '--plugin',
      'trendmicro-cloudone',
      '--name',
      'Cloud One',
      '--tenant',
      'acme',
      '--run-on',
      'dp',
      '--profile',
      'default',
      '--set',
      `apiUrl=${sim.baseUrl}`,
      '--set',
      `apiKey=${apiKey}`,
      '--set',
      'pageSize=500',
      '--json',
    );
    expect(created.code, created.stderr).to.equal(0);
    const view = created.json<ConnectorView>();
    expect(view).to.include({ name: 'Cloud One', tenant: 'acme', runOn: 'dp', intervalMinutes: 5 });
    expect(view.config.apiKey).to.equal('[REDACTED]');

    const tested = await cli('test', 'Cloud One', '--tenant', 'acme', '--json');
    expect(tested.code, tested.stderr).to.equal(0);
    const result = tested.json<TestResult>();
    expect(result.ok).to.equal(true);
    expect(result.steps.length).to.be.at.least(4);
    expect(result.steps.every((s) => s.status === 'passed')).to.equal(true);

    const ran = await cli('run', 'Cloud One', '--tenant', 'acme', '--json');
    expect(ran.code, ran.stderr).to.equal(0);
    const run = ran.json<RunSummary>();
    expect(run).to.include({
      ok: true,
      records: COMPUTERS,
      ingested: COMPUTERS,
      pages: 3,
      filtered: 0,
      trigger: 'manual',
    });

    const found = await cli(
      'search',
      '--tenant',
      'acme',
      '--where',
      'msg_class=trendmicro_cloudone_computers',
      '--limit',
      '5',
      '--json',
    );
    expect(found.code).to.equal(0);
    const records = found.json<SyslogRecord[]>();
    expect(records).to.have.length(5);
    expect(records[0]).to.include({ tenant_id: 'acme', msg_class: 'trendmicro_cloudone_computers' });
    expect(records[0].msg_origin).to.deep.include({
      source: 'trendmicro_cloudone',
      vendor: 'trendmicro',
      category: 'endpoint',
    });

    const hostname = (records[0].host as { hostname?: string } | undefined)?.hostname;
    if (hostname) {
      const one = await cli('search', '--tenant', 'acme', '--where', `host.hostname=${hostname}`, '--json');
      expect(one.json<SyslogRecord[]>().map((r) => (r.host as { hostname: string }).hostname)).to.include(
        hostname,
      );
    }

    const assets = await cli('assets', '--tenant', 'acme', '--limit', '5000', '--json');
    expect(assets.code).to.equal(0);
    const list = assets.json<LakeAsset[]>();
    expect(list).to.have.length(COMPUTERS);
    expect(new Set(list.map((a) => a.primaryKey.key))).to.deep.equal(new Set(['ID']));

    const status = await cli('status', 'Cloud One', '--tenant', 'acme', '--json');
    expect(status.json<ConnectorStatus>()).to.include({ state: 'ok', lastRunRecords: COMPUTERS });
  });

  it('should print tables and the summary line without --json', async () => {
    const listed = await cli('list', '--tenant', 'acme');
    expect(listed.stdout.split('\n')[0]).to.match(
      /^Name\s+Tenant\s+Category\s+Content Type\s+Interval\s+Run On\s+Status\s+Last Activity$/,
    );
    expect(listed.stdout).to.match(/Cloud One\s+acme\s+Endpoint Security\s+computers\s+5 min\s+dp\s+ok/);
    const ran = await cli('run', 'Cloud One', '--tenant', 'acme');
    expect(ran.code).to.equal(0);
    expect(ran.stdout).to.match(
      /run "Cloud One" \(acme\): ok \| 1500 computers published in 3 pages .*ingested 1500/,
    );
  });

  it('should not duplicate records when the same data is collected again', async () => {
    const count = async (): Promise<number> =>
      (
        await cli(
          'search',
          '--tenant',
          'acme',
          '--where',
          'msg_class=trendmicro_cloudone_computers',
          '--limit',
          '10000',
          '--json',
        )
      ).json<unknown[]>().length;
    const before = await count();
    expect((await cli('run', 'Cloud One', '--tenant', 'acme', '--json')).code).to.equal(0);
    expect(await count()).to.equal(before);
  });

  it('should fail a test with a bad key (exit 1), show the step and the fix, and clear the failure once fixed', async () => {
    expect(
      (await cli('edit', 'Cloud One', '--tenant', 'acme', '--set', 'apiKey=wrong-key-0000')).code,
    ).to.equal(0);
    const failed = await cli('test', 'Cloud One', '--tenant', 'acme');
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.match(/✗ Authentication/);
    expect(failed.stdout).to.match(/fix: /);
    expect(
      (await cli('status', 'Cloud One', '--tenant', 'acme', '--json')).json<ConnectorStatus>().state,
    ).to.equal('failed');
    const ran = await cli('run', 'Cloud One', '--tenant', 'acme', '--json');
    expect(ran.code).to.equal(1);
    expect(ran.json<RunSummary>()).to.include({ ok: false });

    expect((await cli('edit', 'Cloud One', '--tenant', 'acme', '--set', `apiKey=${apiKey}`)).code).to.equal(
      0,
    );
    const passed = await cli('test', 'Cloud One', '--tenant', 'acme', '--json');
    expect(passed.code).to.equal(0);
    const status = (await cli('status', 'Cloud One', '--tenant', 'acme', '--json')).json<ConnectorStatus>();
    expect(status.state).to.equal('ok');
    expect(status.clearedByTestAt).to.be.a('number');
  });

  it('should answer respond on a connector without Respond with the framework error and exit 2', async () => {
    const r = await cli('respond', 'Cloud One', '--tenant', 'acme', 'isolate', '--target', 'hostname=web-1');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('respond is not supported by Trend Micro Cloud One Workload Security');
  });

  it('should never print or store the API key in clear', async () => {
    for (const o of outputs) {
      expect(o.stdout).not.to.contain(apiKey);
      expect(o.stderr).not.to.contain(apiKey);
    }
    for (const f of readdirSync(dataDir)) {
      if (f.startsWith('registry'))
        expect(readFileSync(path.join(dataDir, f)).includes(apiKey)).to.equal(false);
    }
  });
});
