import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
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

  it('should exit 1 naming the port when the metrics port is taken, having started nothing', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const r = await runCli(['start', '--metrics-port', String(port)], { dataDir });
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.contain(`cannot listen for metrics on 127.0.0.1:${port}: the port is in use`);
      expect(r.stderr).to.match(/^fix: Stop what listens on port \d+, or start with another --metrics-port/m);
      expect(r.stderr).not.to.contain('database connection is not open');
    } finally {
      taken.close();
    }
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
