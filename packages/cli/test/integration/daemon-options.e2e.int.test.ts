import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runCli, startDaemon, waitForOutput } from '../helpers/cli.runner';

const STARTED = /(\d+) concurrent runs, (\d+) pages in flight/;

describe('connectors start: concurrency and page budget (end to end)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'cli-daemon-opts-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function started(args: string[]): Promise<{ runs: number; pages: number; code: number }> {
    const d = startDaemon(args, { dataDir });
    const match = await waitForOutput(d, STARTED);
    d.child.kill('SIGTERM');
    return { runs: Number(match[1]), pages: Number(match[2]), code: await d.exited };
  }

  it('should start with 4 concurrent runs and 8 pages in flight by default', async () => {
    expect(await started([])).to.deep.equal({ runs: 4, pages: 8, code: 0 });
  });

  it('should take --max-concurrent-runs and --pages-in-flight', async () => {
    const r = await started(['--max-concurrent-runs', '16', '--pages-in-flight', '3']);
    expect(r).to.deep.equal({ runs: 16, pages: 3, code: 0 });
  });

  for (const [flag, value] of [
    ['max-concurrent-runs', '0'],
    ['max-concurrent-runs', 'many'],
    ['pages-in-flight', '0'],
    ['pages-in-flight', '2.5'],
  ] as const) {
    it(`should refuse --${flag} ${value} with exit 2, naming the flag and the fix`, async () => {
      const r = await runCli(['start', '--no-metrics', `--${flag}`, value], { dataDir });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.contain(flag);
      expect(r.stderr).to.match(/^fix: .+/m);
    });
  }
});
