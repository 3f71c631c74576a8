// cloudone-collect: collects N computers from the Cloud One simulator with the real plugin, through
// the framework wiring the host uses, into a no-op sink; reports computers/second and peak RSS.
//
//   npm run bench -- cloudone-collect --computers 200000 [--compare 50000] [--page-size 1000] [--mode envelope|raw]
//
// Three processes, so each figure is the plugin's own: the simulator runs in a child (its memory and
// CPU are not counted), and each collection runs in a fresh worker child (a run of N never inherits
// the heap of a previous run). RSS is compared between --compare and --computers: a stream that
// holds the inventory would grow with N; this one must not.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Observable } from 'rxjs';
import {
  buildEnvelope,
  createConnectorContainer,
  createHostContainer,
  createSilentLogger,
  instantiateConnector,
  readPlugin,
  type CollectedPage,
  type ConnectorInstanceInfo,
} from '@connectors/framework/engine';
import { IMMEDIATE_DEMAND } from '@connectors/testkit';
import { measure } from '../measure';
import type { BenchArgs, Figures } from '../types';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SIMULATOR_BIN = path.join(ROOT, 'packages', 'cloudone-simulator', 'bin', 'cloudone-simulator.js');
const PLUGIN_DIR = path.join(ROOT, 'plugins', 'trendmicro-cloudone');

interface WorkerFigures {
  computers: number;
  pages: number;
  seconds: number;
  cpuSeconds: number;
  perSecond: number;
  peakRssMb: number;
  baselineRssMb: number;
  heapUsedAfterMb: number;
  mode: string;
}

function int(value: string | undefined, fallback: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got ${value}`);
  return n;
}

/** Reads the first stdout line of a child as JSON. */
function firstJsonLine<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${what} printed ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

async function startSimulatorChild(
  computers: number,
  seed: string,
): Promise<{ child: ChildProcess; baseUrl: string; apiKey: string }> {
  const child = spawn(
    process.execPath,
    [
      SIMULATOR_BIN,
      '--computers',
      String(computers),
      '--port',
      '0',
      '--seed',
      seed,
      '--rate-limit',
      '0',
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const info = await firstJsonLine<{ baseUrl: string; apiKey: string }>(child, 'the simulator');
  return { child, ...info };
}

async function collectInWorker(
  baseUrl: string,
  apiKey: string,
  pageSize: number,
  mode: string,
): Promise<WorkerFigures> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', __filename, '--worker', baseUrl, String(pageSize), mode],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, CONNECTORS_DEV: '1' },
    },
  );
  // The key goes through stdin, not argv (argv is visible to every user on the machine).
  child.stdin!.end(apiKey);
  return firstJsonLine<WorkerFigures>(child, 'the collector');
}

async function runSize(computers: number, args: BenchArgs): Promise<WorkerFigures> {
  const sim = await startSimulatorChild(computers, args.seed ?? '1');
  try {
    const figures = await collectInWorker(
      sim.baseUrl,
      sim.apiKey,
      int(args['page-size'], 1000),
      args.mode ?? 'envelope',
    );
    if (figures.computers !== computers)
      throw new Error(`collected ${figures.computers} of ${computers} computers`);
    return figures;
  } finally {
    sim.child.kill('SIGTERM');
  }
}

export async function run(args: BenchArgs): Promise<Figures> {
  const computers = int(args.computers, 200_000);
  const compare = int(args.compare, 50_000);
  const sizes = compare > 0 && compare !== computers ? [compare, computers] : [computers];
  const runs: Record<string, WorkerFigures> = {};
  for (const n of sizes) {
    const f = await runSize(n, args);
    runs[n] = f;
    console.log(
      `${n} computers: ${f.perSecond} computers/s (${f.seconds} s, ${f.pages} pages, CPU ${f.cpuSeconds} s), ` +
        `peak RSS ${f.peakRssMb} MB (baseline ${f.baselineRssMb} MB, growth ${f.peakRssMb - f.baselineRssMb} MB)`,
    );
  }
  const small = runs[sizes[0]];
  const large = runs[sizes[sizes.length - 1]];
  return {
    computers,
    mode: large.mode,
    pageSize: int(args['page-size'], 1000),
    computersPerSecond: large.perSecond,
    peakRssMb: large.peakRssMb,
    runs,
    ...(sizes.length > 1
      ? {
          rssGrowthMb: {
            [sizes[0]]: small.peakRssMb - small.baselineRssMb,
            [sizes[1]]: large.peakRssMb - large.baselineRssMb,
          },
          peakRssRatio: Math.round((large.peakRssMb / small.peakRssMb) * 100) / 100,
          computersRatio: sizes[1] / sizes[0],
        }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// Worker: one collection in a fresh process.

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.trim();
}

async function worker(baseUrl: string, pageSize: number, mode: string): Promise<void> {
  const apiKey = await readStdin();
  const descriptor = readPlugin(PLUGIN_DIR);
  if (!descriptor) throw new Error(`no plugin at ${PLUGIN_DIR}`);
  const cls = await descriptor.load();
  const manifest = descriptor.manifest;
  const instance: ConnectorInstanceInfo = { id: 'bench', name: 'bench', tenant: 'bench', type: manifest.id };
  const host = createHostContainer({ logger: createSilentLogger() });
  const connector = instantiateConnector(
    cls,
    createConnectorContainer(host, { manifest, instance }),
    manifest,
  );
  const config = connector.configure({ apiUrl: baseUrl, apiKey, pageSize });
  (global as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();

  let computers = 0;
  let pages = 0;
  let lastId = 0;
  const m = await measure(
    () =>
      new Promise<void>((resolve, reject) => {
        const pages$ = connector.collect({
          config,
          instance,
          logger: createSilentLogger(),
          signal: new AbortController().signal,
          contentTypes: ['computers'],
          demand: IMMEDIATE_DEMAND,
        }) as Observable<CollectedPage<{ ID: number }>>;
        pages$.subscribe({
          next: (page) => {
            pages++;
            for (const raw of page.items) {
              if (raw.ID <= lastId) throw new Error(`ID ${raw.ID} after ${lastId}: not exactly once`);
              lastId = raw.ID;
              computers++;
              if (mode === 'raw') continue;
              // The no-op sink: the record is built as the pipeline would publish it, then dropped.
              const normalized = connector.normalize(page.contentType, raw);
              buildEnvelope({
                manifest,
                instance,
                contentType: page.contentType,
                normalized,
                now: Date.now(),
              });
            }
          },
          error: reject,
          complete: resolve,
        });
      }),
  );
  const figures: WorkerFigures = {
    computers,
    pages,
    seconds: Math.round(m.seconds * 100) / 100,
    cpuSeconds: Math.round(m.cpuSeconds * 100) / 100,
    perSecond: Math.round(computers / m.seconds),
    peakRssMb: m.peakRssMb,
    baselineRssMb: Math.round(baseline / 1048576),
    heapUsedAfterMb: Math.round(process.memoryUsage().heapUsed / 1048576),
    mode,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (require.main === module && process.argv[2] === '--worker') {
  worker(process.argv[3], Number(process.argv[4]), process.argv[5]).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
