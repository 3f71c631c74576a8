// falcon: the CrowdStrike Falcon plugin end to end, next to its own fetch-and-parse ceiling and the script
// a user would write, for the same hosts.
//
//   npm run bench -- falcon [--hosts 50000] [--page-size 1000] [--naive-hosts 2000]
//                           [--variants fetch-parse,memory-lake,naive] [--profile true]
//
// The simulator (`falcon-simulator`, rate limit off) runs in its own process; every variant runs in a
// fresh worker process. `fetch-parse` is the ceiling: a token, then the scroll's pages of ids and one
// POST of details per page, each body `JSON.parse`d, nothing else. `memory-lake` is the product's
// default path: the plugin wired as the host wires it, the in-process queue, the ingest worker and the
// lake. `naive` is the script a user would write: the same requests, then one INSERT per host into
// SQLite with its default settings. The pipeline variant is bracketed by ceiling runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AxiosHttpClientFactory } from '@connectors/framework/engine';
import { int, list, printTable } from '../args';
import { firstJsonLine, readStdin, ROOT, runWorker, waitExit, workerMain } from '../children';
import { setUpPlugin, type CloudOneSetup } from '../cloudone';
import { startPipeline } from '../pipeline';
import type { BenchArgs, Figures } from '../types';

const SIMULATOR_BIN = path.join(ROOT, 'packages', 'falcon-simulator', 'bin', 'falcon-simulator.js');
const PLUGIN_DIR = path.join(ROOT, 'plugins', 'crowdstrike-falcon');
const VARIANTS = ['fetch-parse', 'memory-lake', 'naive'] as const;
type Variant = (typeof VARIANTS)[number];

interface Job {
  variant: Variant;
  baseUrl: string;
  clientId: string;
  hosts: number;
  pageSize: number;
}

interface WorkerResult {
  records: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

interface VariantFigures extends WorkerResult {
  variant: string;
  perSecond: number;
}

export async function run(args: BenchArgs): Promise<Figures> {
  const hosts = int(args, 'hosts', 50_000, 1);
  const naiveHosts = int(args, 'naive-hosts', 2_000, 1);
  const pageSize = int(args, 'page-size', 1_000, 1);
  const variants = list(args, 'variants', [...VARIANTS]) as Variant[];
  for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}`);
  const results: VariantFigures[] = [];
  const runOne = async (variant: Variant, label = variant as string): Promise<VariantFigures> => {
    const n = variant === 'naive' ? naiveHosts : hosts;
    const sim = spawn(
      process.execPath,
      [SIMULATOR_BIN, '--hosts', String(n), '--port', '0', '--rate-limit', '0', '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const info = await firstJsonLine<{ baseUrl: string; clientId: string; clientSecret: string }>(
        sim,
        'the Falcon simulator',
      );
      process.stderr.write(`falcon: ${label}…\n`);
      const r = await runWorker<WorkerResult>({
        file: __filename,
        job: { variant, baseUrl: info.baseUrl, clientId: info.clientId, hosts: n, pageSize } satisfies Job,
        stdin: info.clientSecret,
        ...(args.profile && variant === 'memory-lake' ? { profile: 'falcon-memory-lake' } : {}),
      });
      if (r.records !== n) throw new Error(`${label}: ${r.records} of ${n} hosts`);
      const figures = { variant: label, ...r, perSecond: Math.round(r.records / r.seconds) };
      process.stderr.write(
        `falcon: ${label}: ${r.records} records in ${r.seconds} s = ${figures.perSecond}/s, host CPU ${(
          (r.cpuSeconds / r.records) *
          10_000
        ).toFixed(2)} s/10k, peak RSS ${r.peakRssMb} MB\n`,
      );
      return figures;
    } finally {
      sim.kill('SIGTERM');
      await waitExit(sim);
    }
  };
  const ceilings: number[] = [];
  for (const v of variants) {
    if (v === 'memory-lake' && variants.includes('fetch-parse')) {
      ceilings.push((await runOne('fetch-parse', 'fetch-parse (adjacent ceiling)')).perSecond);
      results.push(await runOne(v));
      ceilings.push((await runOne('fetch-parse', 'fetch-parse (adjacent ceiling)')).perSecond);
    } else {
      const r = await runOne(v);
      results.push(r);
      if (v === 'fetch-parse') ceilings.push(r.perSecond);
    }
  }
  printTable(results.map((r) => ({ ...r })));
  const ceiling = ceilings.length ? ceilings.reduce((a, b) => a + b, 0) / ceilings.length : undefined;
  const lake = results.find((r) => r.variant === 'memory-lake');
  const naive = results.find((r) => r.variant === 'naive');
  const targets = {
    ...(ceiling && lake
      ? { ofCeiling: +(lake.perSecond / ceiling).toFixed(2), halfCeilingMet: lake.perSecond >= ceiling / 2 }
      : {}),
    ...(naive && lake
      ? {
          timesNaive: +(lake.perSecond / naive.perSecond).toFixed(1),
          fiveTimesNaiveMet: lake.perSecond >= 5 * naive.perSecond,
        }
      : {}),
  };
  process.stderr.write(`falcon: targets ${JSON.stringify(targets)}\n`);
  return { hosts, naiveHosts, pageSize, variants: results, ceiling, targets };
}

/** The requests every variant makes, as the vendor's own clients make them (docs/vendors/). */
async function crawl(
  job: Job,
  secret: string,
  onPage: (hosts: Array<Record<string, unknown>>) => void | Promise<void>,
) {
  const http = new AxiosHttpClientFactory({ development: true }).create({ baseURL: job.baseUrl });
  const token = await http.post<string>(
    '/oauth2/token',
    new URLSearchParams({ client_id: job.clientId, client_secret: secret }).toString(),
    { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, responseType: 'text' },
  );
  const auth = {
    Authorization: `Bearer ${(JSON.parse(token.data) as { access_token: string }).access_token}`,
  };
  let offset = '';
  for (let pages = 0; pages <= job.hosts; pages++) {
    const ids = await http.get<string>('/devices/queries/devices-scroll/v1', {
      params: { limit: job.pageSize, ...(offset ? { offset } : {}) },
      headers: auth,
      responseType: 'text',
    });
    const page = JSON.parse(ids.data) as { resources: string[]; meta: { pagination: { offset?: string } } };
    if (!page.resources.length) return;
    const details = await http.post<string>(
      '/devices/entities/devices/v2',
      { ids: page.resources },
      { headers: auth, responseType: 'text' },
    );
    await onPage((JSON.parse(details.data) as { resources: Array<Record<string, unknown>> }).resources);
    offset = page.meta.pagination.offset ?? '';
    if (!offset) return;
  }
  throw new Error('more pages than hosts: the scroll does not end');
}

async function worker(job: Job): Promise<WorkerResult> {
  const secret = await readStdin();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-falcon-'));
  try {
    // Timed from the first request to the last record stored (the lake: committed and acknowledged);
    // loading the plugin and opening the lake come before, verifying after.
    const setup = job.variant === 'memory-lake' ? await setUpFalcon(job, secret) : undefined;
    const started = Date.now();
    const cpu = process.cpuUsage();
    let records = 0;
    let ended = 0;
    let cpuAtEnd: NodeJS.CpuUsage | undefined;
    if (job.variant === 'fetch-parse') {
      await crawl(job, secret, (hosts) => void (records += hosts.length));
    } else if (job.variant === 'naive') {
      const db = new Database(path.join(dir, 'naive.db'));
      db.exec('CREATE TABLE hosts (device_id TEXT PRIMARY KEY, hostname TEXT, raw TEXT)');
      const insert = db.prepare('INSERT OR REPLACE INTO hosts VALUES (?, ?, ?)');
      await crawl(job, secret, (hosts) => {
        for (const h of hosts) insert.run(String(h.device_id), String(h.hostname ?? ''), JSON.stringify(h));
        records += hosts.length;
      });
      db.close();
    } else {
      const running = await startPipeline({
        setup: setup!,
        queue: 'memory',
        sink: 'lake',
        dir,
        verify: true,
      });
      const result = await running.done;
      records = result.stored ?? 0;
      ended = result.drainedAt;
      cpuAtEnd = result.cpuAtDrain;
    }
    const used = process.cpuUsage(cpu);
    const atEnd = cpuAtEnd ? { user: cpuAtEnd.user - cpu.user, system: cpuAtEnd.system - cpu.system } : used;
    return {
      records,
      seconds: +(((ended || Date.now()) - started) / 1000).toFixed(2),
      cpuSeconds: +((atEnd.user + atEnd.system) / 1e6).toFixed(2),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Falcon plugin wired as the host wires it (`runWorker` sets CONNECTORS_DEV for the simulator). */
function setUpFalcon(job: Job, secret: string): Promise<CloudOneSetup> {
  return setUpPlugin(
    PLUGIN_DIR,
    'bench',
    { baseUrl: job.baseUrl, clientId: job.clientId, clientSecret: secret, pageSize: job.pageSize },
    ['hosts'],
  );
}

workerMain(module, worker);
