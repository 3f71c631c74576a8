import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { BIN, cliEnv, runCli, type CliResult } from '../helpers/cli.runner';

/** The listing without the time it was read at. */
const registryState = (json: string): string => json.replace(/"refreshedAt": \d+,?/g, '');

/** Every bad input named by the issue: exit 2, a message naming the field and the fix, nothing changed. */
describe('connectors CLI bad input (end to end)', () => {
  let dataDir: string;
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { dataDir });
  const base = [
    '--plugin',
    'trendmicro-cloudone',
    '--tenant',
    'acme',
    '--run-on',
    'dp',
    '--profile',
    'default',
  ];
  const good = [
    '--set',
    'apiUrl=https://workload.us-1.cloudone.trendmicro.com/api',
    '--set',
    'apiKey=tmc12345678901234567890:abcdefghijklmnopqrstuvwxyz012345',
  ];
  let baseline: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-bad-'));
    expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
    expect((await cli('create', ...base, '--name', 'taken', ...good)).code).to.equal(0);
    baseline = registryState((await cli('list', '--json')).stdout);
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const cases: Array<[string, string[], string, RegExp]> = [
    ['a multibyte name', ['create', ...base, '--name', 'ホスト', ...good], 'name', /multibyte/],
    [
      'a duplicate name',
      ['create', ...base, '--name', 'Taken', ...good],
      'name',
      /already has a connector named "Taken"/,
    ],
    [
      'a bad URL',
      ['create', ...base, '--name', 'x', '--set', 'apiUrl=ftp://nowhere', '--set', 'apiKey=k-1234567890'],
      'apiUrl',
      /apiUrl/,
    ],
    [
      'a missing key',
      ['create', ...base, '--name', 'x', '--set', 'apiUrl=https://workload.us-1.cloudone.trendmicro.com/api'],
      'apiKey',
      /apiKey: is required/,
    ],
    [
      'an unknown tenant',
      ['create', ...base.slice(0, 2), '--tenant', 'nobody', '--run-on', 'dp', '--name', 'x', ...good],
      'tenant',
      /no tenant "nobody"/,
    ],
    [
      'an unknown device',
      [
        'create',
        '--plugin',
        'trendmicro-cloudone',
        '--tenant',
        'acme',
        '--run-on',
        'sensor:s-404',
        '--name',
        'x',
        ...good,
      ],
      'run-on',
      /no sensor "s-404"/,
    ],
    [
      'an unknown profile',
      ['create', ...base.slice(0, 6), '--profile', 'gold', '--name', 'x', ...good],
      'profile',
      /no data analyzer profile "gold"/,
    ],
    [
      'an unknown plugin',
      ['create', '--plugin', 'nope', '--tenant', 'acme', '--run-on', 'dp', '--name', 'x', ...good],
      'plugin',
      /no plugin "nope"/,
    ],
    [
      'an unknown filter',
      ['create', ...base, '--name', 'x', '--filter', 'noise', ...good],
      'filter',
      /no log filter "noise"/,
    ],
    [
      'an interval out of bounds',
      ['create', ...base, '--name', 'x', ...good, '--set', 'interval=2000'],
      'interval',
      /interval/,
    ],
    [
      'an interval out of bounds on edit',
      ['edit', 'taken', '--tenant', 'acme', '--set', 'interval=0'],
      'interval',
      /interval/,
    ],
    [
      'a prototype key standing in for the API key',
      ['create', ...base, '--name', 'x', '--set', good[1], '--set', '__proto__.apiKey=k-1234567890'],
      'set',
      /"__proto__\.apiKey" names "__proto__"/,
    ],
    [
      'a prototype key turning the address guard off',
      ['create', ...base, '--name', 'x', ...good, '--set', 'constructor.prototype.onPremises=true'],
      'set',
      /names "constructor"/,
    ],
    [
      'a bare prototype key on create',
      ['create', ...base, '--name', 'x', ...good, '--set', '__proto__=1'],
      'set',
      /names "__proto__"/,
    ],
    [
      'a prototype key inside a JSON value on edit',
      ['edit', 'taken', '--tenant', 'acme', '--set', 'proxy={"__proto__":{"onPremises":true}}'],
      'proxy',
      /proxy: "__proto__" names a key that is not allowed/,
    ],
    [
      'a prototype key on --unset',
      ['edit', 'taken', '--tenant', 'acme', '--unset', '__proto__'],
      'config',
      /"__proto__" names a key that is not allowed/,
    ],
    ['a prototype path in --where', ['search', '--where', '__proto__.x=1'], 'where', /names "__proto__"/],
    ['an unknown tenant on a read command', ['status', '--tenant', 'nobody'], 'tenant', /no tenant "nobody"/],
    [
      'an unknown setting on --unset',
      ['edit', 'taken', '--tenant', 'acme', '--unset', 'bogus'],
      'unset',
      /"bogus" is not a setting of trendmicro-cloudone/,
    ],
    [
      'a line break in a name',
      ['create', ...base, '--name', 'x\ny', ...good],
      'name',
      /control characters such as line breaks/,
    ],
    ['a --since of zero', ['search', '--since', '0'], 'since', /"0" is not a duration longer than zero/],
    ['an unknown log level', ['--log-level', 'loud', 'list'], '--log-level', /"loud" is not a log level/],
    // Refused by the façade's input schema (INPUT_INVALID), not by the CLI's own option parsing.
    ['a limit of 0 on assets', ['assets', '--limit', '0'], 'limit', /limit: must be >= 1/],
  ];

  for (const [what, args, field, message] of cases) {
    it(`should refuse ${what} with exit 2, naming "${field}" and the fix`, async () => {
      const r = await cli(...args);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(message);
      expect(r.stderr).to.contain(field);
      expect(r.stderr).to.match(/^fix: .+/m);
      expect(r.stdout).to.equal('');
    });
  }

  it('should print the error as the one JSON document with --json', async () => {
    const r = await cli('create', ...base, '--name', 'ホスト', ...good, '--json');
    expect(r.code).to.equal(2);
    expect(r.json<{ error: Record<string, string> }>().error).to.include({
      code: 'NAME_MULTIBYTE',
      field: 'name',
    });
  });

  it("should print the façade's INPUT_INVALID with every bad field under --json", async () => {
    const r = await cli('assets', '--limit', '0', '--json');
    expect(r.code).to.equal(2);
    expect(r.json<{ error: Record<string, unknown> }>().error).to.deep.include({
      code: 'INPUT_INVALID',
      field: 'limit',
      fields: [{ path: 'limit', message: 'must be >= 1', hint: 'Pass a whole number from 1 to 10000.' }],
    });
  });

  it('should answer a usage error (a missing required option) with exit 2', async () => {
    const r = await cli('create', '--plugin', 'trendmicro-cloudone');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/required option/);
  });

  it('should list every bad field of a CONFIG_INVALID under --json', async () => {
    const r = await cli(
      'create',
      ...base,
      '--name',
      'x',
      '--set',
      'apiUrl=https://workload.us-1.cloudone.trendmicro.com/api',
      '--json',
    );
    expect(r.code).to.equal(2);
    const { error } = r.json<{ error: { code: string; fields: Array<{ path: string; hint?: string }> } }>();
    expect(error.code).to.equal('CONFIG_INVALID');
    expect(error.fields.map((f) => f.path)).to.deep.equal(['apiKey']);
    expect(error.fields[0].hint).to.match(/apiKey/);
  });

  it('should stop quietly with exit 0 when its reader closes the pipe early', async () => {
    const child = spawn(process.execPath, [BIN, 'plugins'], {
      env: cliEnv({ dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).to.not.match(/EPIPE/);
    expect(code).to.equal(0);
  });

  it('should refuse a --data-dir that names a file with exit 2, creating nothing', async () => {
    const file = path.join(dataDir, 'registry-copy.txt');
    writeFileSync(file, 'not a directory');
    const r = await runCli(['--data-dir', file, 'tenants', 'list'], { dataDir });
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/--data-dir: .*is a file, not a directory/);
    expect(r.stderr).to.match(/^fix: /m);
  });

  it('should refuse extra positional arguments with exit 2', async () => {
    const r = await cli('list', '--tenant', 'acme', 'extra');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/too many arguments/);
  });

  it('should print parser errors as the JSON error document with --json', async () => {
    for (const args of [
      ['list', '--json', '--bogus'],
      ['create', '--plugin', 'trendmicro-cloudone', '--json'],
    ]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.json<{ error: Record<string, string> }>().error.code, args.join(' ')).to.equal('USAGE');
    }
  });

  it('should not switch JSON on for a --json that is the value of another option', async () => {
    const r = await cli('search', '--where', '--json');
    expect(r.stdout).to.not.match(/^\{/);
  });

  it('should have changed nothing', async () => {
    expect(registryState((await cli('list', '--json')).stdout)).to.equal(baseline);
  });
});
