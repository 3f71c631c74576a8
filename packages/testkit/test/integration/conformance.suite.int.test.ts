import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { ConnectorManifest } from '@connectors/framework/engine';
import { itemsManifest } from '../support/items.manifest';

const FLAWS = [
  'Sound',
  'Eager',
  'Greedy',
  'Deaf',
  'Unstable',
  'Impure',
  'Throwing',
  'Leaky',
  'Undeclared',
  'Misfiled',
  'Hintless',
  'Tampered',
];

interface MochaJsonTest {
  fullTitle: string;
  title: string;
  err: { message?: string };
}

function manifestFor(flaw: string): ConnectorManifest {
  // One entry file per plugin: the framework loader caches classes by entry file.
  return {
    ...itemsManifest(`flaw-${flaw.toLowerCase()}`),
    name: `Flaw ${flaw}`,
    entry: 'index.js',
    exportName: flaw,
  };
}

describe('describeConnectorConformance', () => {
  let work: string;
  /** Failed test titles by plugin id. */
  const failures = new Map<string, string[]>();
  const passes = new Map<string, number>();

  before(async function () {
    this.timeout(60_000);
    work = await mkdtemp(path.join(tmpdir(), 'testkit-flaws-'));
    const flawsDir = path.join(work, 'plugins');
    for (const flaw of FLAWS) {
      const dir = path.join(flawsDir, flaw.toLowerCase());
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'connector.json'), JSON.stringify(manifestFor(flaw), null, 2));
      const module = JSON.stringify(path.resolve(__dirname, '../support/flawed.connectors.js'));
      await writeFile(path.join(dir, 'index.js'), `module.exports = require(${module});\n`);
    }
    const report = path.join(work, 'report.json');
    const mocha = require.resolve('mocha/bin/mocha.js');
    const spec = path.resolve(__dirname, '../support/flaws.conformance.js');
    await promisify(execFile)(
      process.execPath,
      [
        mocha,
        '--no-config',
        '--exit',
        '--timeout',
        '20000',
        '--reporter',
        'json',
        '--reporter-option',
        `output=${report}`,
        spec,
      ],
      { env: { ...process.env, FLAWS_DIR: flawsDir } },
    ).catch(() => undefined); // mocha exits non-zero because flawed plugins fail; the report says which
    const result = JSON.parse(await readFile(report, 'utf8')) as {
      failures: MochaJsonTest[];
      passes: MochaJsonTest[];
    };
    for (const flaw of FLAWS) {
      const id = `flaw-${flaw.toLowerCase()}`;
      const mine = (t: MochaJsonTest): boolean => t.fullTitle.startsWith(`${id}: connector conformance`);
      failures.set(
        id,
        result.failures.filter(mine).map((t) => t.title),
      );
      passes.set(id, result.passes.filter(mine).length);
    }
  });

  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('should pass a sound plugin on every check', () => {
    expect(failures.get('flaw-sound')).to.deep.equal([]);
    expect(passes.get('flaw-sound')).to.be.greaterThan(20);
  });

  const ENVELOPE =
    'should wrap every record in a valid envelope with msg_class and msg_origin from the manifest';
  const IDS =
    'should give the same data the same record ids across runs, and different objects different ids';
  const PURE = 'should normalize purely: the same output twice, the input untouched';
  const WHOLE = 'should build from the collected objects the records of the whole parsed objects';
  const FAILING = 'should fail each failing config at one step with a hint, never throw';
  // Each flaw fails exactly the rules it breaks, and nothing else.
  const caught: Array<[string, string, string[]]> = [
    ['Eager', 'calls the API before subscription', ['should not touch the network before subscription']],
    [
      'Greedy',
      'ignores downstream demand',
      ['should fetch only one page while downstream demand is not ready'],
    ],
    [
      'Deaf',
      'does not pass the signal to HTTP',
      ['should cancel the request in flight and stop paging on unsubscribe'],
    ],
    ['Unstable', 'puts run-specific values into records', [IDS, PURE, WHOLE]],
    ['Impure', 'changes its input in normalize()', [PURE]],
    [
      'Throwing',
      'lets test() throw',
      ['should report an unreachable API as a failed step, never a throw', FAILING],
    ],
    ['Leaky', 'logs the API key', ['should keep secret values out of every log line']],
    [
      'Undeclared',
      'implements respond() without declaring it',
      [
        'should declare the capabilities the entry implements',
        'should answer with the framework "not supported" error',
      ],
    ],
    ['Misfiled', 'files the vendor object under another key', [ENVELOPE]],
    ['Hintless', 'fails without a hint', [FAILING]],
    ['Tampered', 'changes its page objects after parsing them', [WHOLE]],
  ];
  for (const [flaw, what, checks] of caught) {
    it(`should catch a plugin that ${what}`, () => {
      expect([...failures.get(`flaw-${flaw.toLowerCase()}`)!].sort()).to.deep.equal([...checks].sort());
    });
  }
});
