import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startSimulator, generateCloudOneKey, type SimulatorHandle } from '@connectors/cloudone-simulator';
import type { SyslogRecord } from '@connectors/framework/engine';
import { createTestDatabase, type TestDatabase } from '@connectors/lake-pg/dist/test/support/pg.database';
import { runCli, type CliResult } from '../helpers/cli.runner';

const COMPUTERS = 250;

/** `connectors search` for threat hunting (total, cursor, export, columns), with each lake. */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`connectors search (${kind} lake)`, function () {
    this.timeout(60_000);
    let sim: SimulatorHandle;
    let dataDir: string;
    let db: TestDatabase | undefined;
    let env: Record<string, string> = {};
    const cli = (...args: string[]): Promise<CliResult> => runCli(args, { dataDir, env });

    before(async () => {
      const apiKey = generateCloudOneKey();
      sim = await startSimulator({ computers: COMPUTERS, apiKey, port: 0 });
      dataDir = mkdtempSync(path.join(tmpdir(), 'cli-search-'));
      if (kind === 'postgres') {
        db = await createTestDatabase();
        env = { LAKE_URL: db.url };
      }
      expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
      const created = await cli(
        'create',
        '--plugin',
        'trendmicro-cloudone',
        '--name',
        'c1',
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
        'pageSize=100',
      );
      expect(created.code, created.stderr).to.equal(0);
      const ran = await cli('run', 'c1', '--tenant', 'acme', '--json');
      expect(ran.code, ran.stderr).to.equal(0);
    });

    after(async () => {
      await sim?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await db?.drop();
    });

    it('should print a page with Host/IP/OS columns, the total and the next cursor, and follow it', async () => {
      const first = await cli('search', '--tenant', 'acme', '--limit', '100');
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout.split('\n')[0]).to.match(/^Time\s+Tenant\s+msg_class\s+Host\s+IP\s+OS/);
      expect(first.stdout).to.match(/100 of 250 records \(newest first/);
      const cursor = /next page: --cursor (\S+)/.exec(first.stdout)![1];
      const ids = new Set<string>();
      let next: string | undefined = cursor;
      let pages = 1;
      const firstPage = await cli('search', '--tenant', 'acme', '--limit', '100', '--json');
      firstPage.json<SyslogRecord[]>().forEach((r) => ids.add(r.id));
      while (next) {
        const page = await cli('search', '--tenant', 'acme', '--limit', '100', '--cursor', next, '--json');
        expect(page.code, page.stderr).to.equal(0);
        page.json<SyslogRecord[]>().forEach((r) => ids.add(r.id));
        expect(page.stderr).to.match(/250 records match/);
        next = /next page: --cursor (\S+)/.exec(page.stderr)?.[1];
        pages++;
      }
      expect(pages).to.equal(3);
      expect(ids.size).to.equal(COMPUTERS);
    });

    it('should show the columns --fields names', async () => {
      const r = await cli(
        'search',
        '--tenant',
        'acme',
        '--limit',
        '3',
        '--fields',
        'host.hostname,msg_origin.vendor',
      );
      expect(r.code, r.stderr).to.equal(0);
      const [header, , row] = r.stdout.split('\n');
      expect(header).to.match(/^Time\s+host\.hostname\s+msg_origin\.vendor$/);
      expect(row).to.match(/trendmicro$/);
    });

    it('should export every match as NDJSON to stdout and to a file with progress on stderr', async () => {
      const out = await cli('search', '--tenant', 'acme', '--export');
      expect(out.code, out.stderr).to.equal(0);
      const lines = out.stdout.trimEnd().split('\n');
      expect(lines).to.have.length(COMPUTERS);
      expect(new Set(lines.map((l) => (JSON.parse(l) as SyslogRecord).id)).size).to.equal(COMPUTERS);

      const file = path.join(dataDir, 'hunt.ndjson');
      const saved = await cli('search', '--where', 'msg_class=trendmicro_cloudone_computers', '--out', file);
      expect(saved.code, saved.stderr).to.equal(0);
      expect(saved.stdout).to.equal('');
      expect(saved.stderr).to.contain(`exported 250 of 250 records to ${file}`);
      expect(readFileSync(file, 'utf8').trimEnd().split('\n')).to.have.length(COMPUTERS);
    });

    it('should list the assets of that lake', async () => {
      const r = await cli('assets', '--tenant', 'acme', '--limit', '1000', '--json');
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json<unknown[]>()).to.have.length(COMPUTERS);
    });

    if (kind === 'postgres') {
      it('should say which lake is unreachable and what to check, never its password', async () => {
        const r = await runCli(['search', '--lake-url', 'postgres://hunter:hunter2pw@127.0.0.1:1/lake'], {
          dataDir,
        });
        expect(r.code).to.not.equal(0);
        expect(r.stderr)
          .to.contain('127.0.0.1:1, database "lake"')
          .and.match(/pg_isready/);
        expect(r.stdout + r.stderr).to.not.contain('hunter2pw');
      });
    }
  });
}
