import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { getHeapStatistics } from 'node:v8';
import { spawn } from 'node:child_process';
import { BIN, cliEnv, startDaemon, waitForOutput, type CliEnv } from '../helpers/cli.runner';

const MB = 2 ** 20;

/** Starts the daemon through bin/connectors.js, reads the heap limit it reports, stops it with SIGTERM. */
async function daemonHeapLimitMb(env: CliEnv): Promise<{ heapMb: number; code: number }> {
  const d = startDaemon([], env);
  const match = await waitForOutput(d, /V8 heap limit (\d+) MB/);
  // The signal goes to the launcher, which passes it on; the daemon's exit code comes back.
  d.child.kill('SIGTERM');
  return { heapMb: Number(match[1]), code: await d.exited };
}

describe('connectors start: V8 heap cap (end to end)', () => {
  let dataDir: string;
  // What node gives this machine without a cap (several GB); a cap of 96 MB old space is far below.
  const uncappedMb = getHeapStatistics().heap_size_limit / MB;
  beforeEach(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'cli-heap-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should run the daemon with the default cap and pass SIGTERM on for a clean exit', async () => {
    const { heapMb, code } = await daemonHeapLimitMb({ dataDir });
    // heap_size_limit is the old space plus the young generation: 96 MB and 3 × the 8 MB semi-space make
    // 120 MB on node 20 (144 with node's own young generation under the same cap).
    expect(heapMb).to.be.within(96, 130);
    expect(heapMb).to.be.below(uncappedMb / 2);
    expect(code).to.equal(0);
  });

  it('should take the cap from CONNECTORS_MAX_HEAP_MB', async () => {
    const { heapMb } = await daemonHeapLimitMb({ dataDir, env: { CONNECTORS_MAX_HEAP_MB: '300' } });
    expect(heapMb).to.be.within(300, 400);
  });

  it('should respect a heap size in NODE_OPTIONS, and run without a cap when told', async () => {
    const given = await daemonHeapLimitMb({ dataDir, env: { NODE_OPTIONS: '--max-old-space-size=250' } });
    expect(given.heapMb).to.be.within(250, 350);
    const none = await daemonHeapLimitMb({ dataDir, env: { CONNECTORS_MAX_HEAP_MB: '0' } });
    expect(none.heapMb).to.be.above(uncappedMb / 2);
  });

  it('should shut down cleanly on a Ctrl-C that reaches the launcher and the daemon both', async () => {
    // A terminal sends SIGINT to the whole foreground process group; the launcher passes it on too.
    const child = spawn(process.execPath, [BIN, 'start', '--no-metrics'], {
      env: cliEnv({ dataDir }),
      cwd: dataDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (code, signal) => resolve([code, signal])),
    );
    const end = Date.now() + 20_000;
    while (!out.includes('V8 heap limit')) {
      if (Date.now() > end) throw new Error(`the daemon did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).to.deep.equal([0, null]);
  });

  it('should end the daemon when the launcher is killed outright, as one process would end', async () => {
    const d = startDaemon([], { dataDir });
    const match = await waitForOutput(d, /connectors daemon \S+:(\d+) started/);
    const daemonPid = Number(match[1]);
    expect(daemonPid).to.not.equal(d.child.pid);
    d.child.kill('SIGKILL');
    await d.exited;
    const alive = (): boolean => {
      try {
        process.kill(daemonPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const until = Date.now() + 10_000;
    while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(alive(), 'the daemon outlived its launcher').to.equal(false);
  });
});
