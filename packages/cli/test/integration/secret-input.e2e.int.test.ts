import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generateCloudOneKey, startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import { runCli, type CliResult } from '../helpers/cli.runner';

/** `--set-secret KEY=SOURCE`: secrets from standard input, a file or a variable, never from argv. */
describe('connectors CLI --set-secret (end to end)', function () {
  this.timeout(90_000);
  let sim: SimulatorHandle;
  let dataDir: string;
  const key = generateCloudOneKey();
  const cli = (
    args: string[],
    extra: { input?: string; env?: Record<string, string> } = {},
  ): Promise<CliResult> => runCli(args, { dataDir, ...extra });
  const create = (name: string, ...secret: string[]): string[] => [
    'create',
    '--plugin',
    'trendmicro-cloudone',
    '--name',
    name,
    '--tenant',
    'acme',
    '--run-on',
    'dp',
    '--set',
    `apiUrl=${sim.baseUrl}`,
    ...secret,
  ];

  before(async () => {
    sim = await startSimulator({ computers: 3, apiKey: key, port: 0 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'cli-secret-input-'));
    expect((await cli(['tenants', 'create', 'acme'])).code).to.equal(0);
  });
  after(async () => {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should take the API key from standard input and pass the live test with it', async () => {
    const created = await cli(create('from-stdin', '--set-secret', 'apiKey=-'), { input: `${key}\n` });
    expect(created.code, created.stderr).to.equal(0);
    const tested = await cli(['test', 'from-stdin', '--tenant', 'acme']);
    expect(tested.code, tested.stdout + tested.stderr).to.equal(0);
  });

  it('should take the API key from a file or a variable, on create and on edit', async () => {
    const file = path.join(dataDir, 'api-key.txt');
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    expect((await cli(create('from-file', '--set-secret', `apiKey=file:${file}`))).code).to.equal(0);
    expect((await cli(['test', 'from-file', '--tenant', 'acme'])).code).to.equal(0);

    const created = await cli(create('from-env', '--set-secret', 'apiKey=env:TM_KEY'), {
      env: { TM_KEY: 'tmc-wrong-key-1234567890' },
    });
    expect(created.code, created.stderr).to.equal(0);
    expect((await cli(['test', 'from-env', '--tenant', 'acme'])).code).to.equal(1);
    const edited = await cli(['edit', 'from-env', '--tenant', 'acme', '--set-secret', 'apiKey=env:TM_KEY'], {
      env: { TM_KEY: key },
    });
    expect(edited.code, edited.stderr).to.equal(0);
    expect(edited.stdout).to.contain('Updated "from-env": apiKey.');
    expect((await cli(['test', 'from-env', '--tenant', 'acme'])).code).to.equal(0);
  });

  it('should refuse a bad source with exit 2 naming set-secret, without echoing any value', async () => {
    const cases: Array<[string[], RegExp, Record<string, string>?]> = [
      [['--set-secret', 'apiUrl=env:X'], /"apiUrl" is not a secret setting/, { X: 'https://x' }],
      [['--set-secret', 'apiKey=env:NOT_SET'], /NOT_SET is not set/],
      [['--set-secret', 'apiKey=file:/nonexistent/key'], /cannot read \/nonexistent\/key \(ENOENT\)/],
      [['--set-secret', `apiKey=${key}`], /the source must be -, file:PATH or env:NAME/],
      [['--set-secret', 'apiKey=env:EMPTY'], /the value read is empty/, { EMPTY: '' }],
    ];
    for (const [args, message, env] of cases) {
      const r = await cli(create('refused', ...args), { env });
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr).to.match(message).and.to.contain('set-secret');
      expect(r.stderr + r.stdout).to.not.contain(key);
    }
    expect((await cli(['show', 'refused', '--tenant', 'acme'])).code).to.equal(2);
  });
});
