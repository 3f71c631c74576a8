import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createCloudOne, runCli, type CliEnv, type CliResult } from '../helpers/cli.runner';

const create = (name: string): string[] =>
  createCloudOne(
    name,
    'acme',
    'https://workload.us-1.cloudone.trendmicro.com/api',
    'tmc12345678901234567890:abcdefghijklmnopqrstuvwxyz012345',
  );

/** Problems of the data directory's files: named, with what is wrong and what to do. */
describe('connectors CLI data directory problems (end to end)', function () {
  this.timeout(60_000);
  let dataDir: string;
  const cli = (args: string[], extra: Partial<CliEnv> = {}): Promise<CliResult> =>
    runCli(args, { dataDir, ...extra });
  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-datadir-'));
    expect((await cli(['tenants', 'create', 'acme'])).code).to.equal(0);
    expect((await cli(create('first'))).code).to.equal(0);
  });
  afterEach(() => {
    chmodSync(dataDir, 0o755);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cases: Array<[string, string, Buffer, RegExp]> = [
    [
      'an overwritten registry',
      'registry.db',
      Buffer.alloc(8192, 7),
      /registry\.db is not a SQLite database/,
    ],
    ['an empty registry file', 'registry.db', Buffer.alloc(0), /registry\.db is empty \(0 bytes\)/],
    ['an overwritten lake', 'lake.sqlite', Buffer.alloc(65536, 7), /lake\.sqlite is not a SQLite database/],
  ];
  for (const [what, name, content, message] of cases) {
    it(`should name ${what}, what is wrong and how to fix it`, async () => {
      for (const f of readdirSync(dataDir).filter((f) => f.startsWith(`${name}-`)))
        rmSync(path.join(dataDir, f));
      writeFileSync(path.join(dataDir, name), content);
      const r = await cli(name === 'lake.sqlite' ? ['search', '--tenant', 'acme'] : ['list']);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.match(message);
      expect(r.stderr).to.contain(path.join(dataDir, name));
      expect(r.stderr).to.match(/^fix: Restore .* from a backup, or move it aside/m);
      expect(r.stderr).not.to.contain('INTERNAL');
    });
  }

  describe('when the data directory is read-only', () => {
    it('should answer read commands and refuse writes naming the directory and the fix', async () => {
      for (const f of readdirSync(dataDir)) chmodSync(path.join(dataDir, f), 0o444);
      chmodSync(dataDir, 0o555);
      const list = await cli(['list', '--json'], { unprivileged: true });
      expect(list.code, list.stderr).to.equal(0);
      expect(list.json<Array<{ name: string }>>().map((c) => c.name)).to.deep.equal(['first']);
      expect((await cli(['show', 'first', '--tenant', 'acme'], { unprivileged: true })).code).to.equal(0);

      const refused = await cli(create('second'), { unprivileged: true });
      expect(refused.code, refused.stderr).to.equal(1);
      expect(refused.stderr).to.contain(`${path.join(dataDir, 'registry.db')} cannot be written`);
      expect(refused.stderr).to.match(/^fix: Give this user write permission on /m);
    });
  });
});
