import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import Redis from 'ioredis';
import type { SyslogRecord } from '@connectors/framework/engine';
import { runCli } from '../helpers/cli.runner';

describe('connectors demo (end to end)', () => {
  let dataDir: string;
  before(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'cli-demo-'))));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should simulate, create, test, collect and show the lake, and be re-runnable without duplicates', async () => {
    // The demo sets development mode itself; the key file is created on first use (embedded defaults).
    const env = { dataDir, env: { CONNECTORS_DEV: '', CONNECTORS_SECRET_KEY: '' } };
    const first = await runCli(['demo', '--computers', '400'], env);
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    expect(first.stdout).to.contain(
      '[1/6] Starting the Cloud One Workload Security simulator with 400 computers',
    );
    expect(first.stdout).to.match(/run "trendmicro-demo" \(demo\): ok \| 400 computers published/);
    expect(first.stdout).to.contain('Syslog index: 400 records of this connector');
    expect(first.stdout).to.contain('Assets: 400 present, 0 removed');
    expect(first.stdout).to.contain('"msg_class": "trendmicro_cloudone_computers"');
    expect(first.stdout).to.contain('npx connectors search --tenant demo');

    const second = await runCli(['demo', '--computers', '400'], env);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('connector trendmicro-demo: reused');
    expect(second.stdout).to.contain('Syslog index: 400 records of this connector');
    const all = await runCli(['search', '--tenant', 'demo', '--limit', '10000', '--json'], { dataDir });
    expect(all.json<SyslogRecord[]>()).to.have.length(400);

    // A smaller fleet next time: the complete snapshot marks the computers that are gone as removed.
    const third = await runCli(['demo', '--computers', '300'], env);
    expect(third.code, third.stderr).to.equal(0);
    expect(third.stdout).to.contain('Assets: 300 present, 100 removed');
  });

  it('should run both vendors with --vendor all, each with its records and assets in the one lake', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-demo-all-'));
    try {
      const env = { dataDir: dir, env: { CONNECTORS_DEV: '', CONNECTORS_SECRET_KEY: '' } };
      const r = await runCli(['demo', '--vendor', 'all', '--computers', '200'], env);
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(r.stdout).to.contain('[1/6] Starting the CrowdStrike Falcon simulator with 200 hosts');
      expect(r.stdout).to.match(/run "falcon-demo" \(demo\): ok \| 200 hosts published/);
      expect(r.stdout).to.contain('records of this connector (msg_class crowdstrike_falcon_hosts)');
      expect(r.stdout).to.contain('records of this connector (msg_class trendmicro_cloudone_computers)');
      const falcon = await runCli(
        [
          'search',
          '--tenant',
          'demo',
          '--where',
          'msg_class=crowdstrike_falcon_hosts',
          '--limit',
          '1000',
          '--json',
        ],
        { dataDir: dir },
      );
      expect(falcon.json<SyslogRecord[]>()).to.have.length(200);
      const assets = await runCli(['assets', '--tenant', 'demo', '--limit', '1000', '--json'], {
        dataDir: dir,
      });
      const sources = assets.json<Array<{ source: string }>>().map((a) => a.source);
      expect(new Set(sources)).to.deep.equal(new Set(['trendmicro_cloudone', 'crowdstrike_falcon']));
      expect(sources).to.have.length(400);
      const table = await runCli(['assets', '--tenant', 'demo', '--limit', '1000'], { dataDir: dir });
      expect(table.stdout)
        .to.match(/^Hostname +Tenant +Source +Key/m)
        .and.to.contain('crowdstrike_falcon');

      const bad = await runCli(['demo', '--vendor', 'nobody'], env);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.match(/vendor: "nobody" is not a demo vendor/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should write the same lake with CONNECTORS_LAKE_THREAD=1 (the lake on its own thread)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-demo-thread-'));
    try {
      const env = {
        dataDir: dir,
        env: { CONNECTORS_DEV: '', CONNECTORS_SECRET_KEY: '', CONNECTORS_LAKE_THREAD: '1' },
      };
      const r = await runCli(['demo', '--computers', '300'], env);
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(r.stdout).to.contain('Syslog index: 300 records of this connector');
      expect(r.stdout).to.contain('Assets: 300 present, 0 removed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should refuse a CONNECTORS_LAKE_THREAD that is not 1, 0, true or false, naming it and the fix', async () => {
    const r = await runCli(['demo', '--computers', '10'], {
      dataDir,
      env: { CONNECTORS_LAKE_THREAD: 'yes' },
    });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('CONNECTORS_LAKE_THREAD');
    expect(r.stderr).to.match(/^fix: .+/m);
  });

  describe('when REDIS_URL is set and CONNECTORS_SECRET_KEY is not', () => {
    const prefix = `demo-${randomUUID()}`;
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    let redisDataDir: string;
    before(() => (redisDataDir = mkdtempSync(path.join(tmpdir(), 'cli-demo-redis-'))));
    after(async () => {
      rmSync(redisDataDir, { recursive: true, force: true });
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`*${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });

    it('should run through the Redis queue with the data directory key file, and say so', async () => {
      const env = {
        dataDir: redisDataDir,
        redisUrl,
        redisPrefix: prefix,
        env: { CONNECTORS_SECRET_KEY: '' },
      };
      const result = await runCli(['demo', '--computers', '200'], env);
      expect(result.code, result.stderr + result.stdout).to.equal(0);
      expect(result.stdout).to.contain('(redis registry, Redis queue)');
      expect(result.stdout).to.contain('CONNECTORS_SECRET_KEY is not set: this demo encrypts secrets with');
      expect(result.stdout).to.contain('Syslog index: 200 records of this connector');
      expect(result.stdout + result.stderr).not.to.match(/tmc[A-Za-z0-9]{28}:/);
    });
  });
});
