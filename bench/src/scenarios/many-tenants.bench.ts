// many-tenants: hundreds of Cloud One connectors, one per tenant, scheduled by one host.
//
//   npm run bench -- many-tenants [--connectors 500] [--tenants 500] [--computers 200] [--rounds 2]
//                                 [--interval-seconds 60] [--concurrency 4] [--tick-ms 1000]
//                                 [--mode live|herd] [--redis] [--expand all|default] [--profile]
//                                 [--first-run-window-ms 60000]  (0: every first pull due at once)
//                                 [--pages-in-flight N]  (the host-wide page budget; default the host's, 8)
//                                 [--node-args=--max-old-space-size=96]  (the daemon's heap cap)
//
// The host worker runs the real ConnectorHost and Daemon (registry, scheduler with leases, pipeline,
// in-process or Redis queue, ingest worker, lake) on a fresh data directory. Every connector has its
// own API key (the simulator accepts them all; each gets its own rate budget, as separate accounts do)
// and reads the same fleet of --computers from the simulator, which runs in its own process.
//   live  connectors are created while the daemon runs, as a provisioning script would (default);
//   herd  all are created first, then the daemon starts: every first pull is due at the same moment.
// Figures per round (a connector's n-th run): scheduler delay = actual start − scheduled time (p50, p95,
// max), run time; and the time to drain: from the first connector created (live) or the daemon start
// (herd) until every connector finished its first run and the queue is empty.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpuUsage } from 'node:process';
import { generateCloudOneKey } from '@connectors/cloudone-simulator';
import { ConnectorHost, Daemon, type RunSummary } from '@connectors/host';
import { Lake } from '@connectors/lake';
import { startRedisServer, type RedisServerHandle } from '@connectors/queue-redis';
import { flag, int, nodeArgsOf, printTable } from '../args';
import { readStdin, ROOT, runWorker, startSimulatorChild, workerMain } from '../children';
import { expandChoice, type ExpandChoice } from '../cloudone';
import { percentile } from '../measure';
import { cpuPer10k, procDelta, procStats, round } from '../proc';
import type { BenchArgs, Figures } from '../types';

interface Job {
  baseUrl: string;
  connectors: number;
  tenants: number;
  computers: number;
  rounds: number;
  intervalSeconds: number;
  concurrency: number;
  tickMs: number;
  mode: 'live' | 'herd';
  expand: ExpandChoice;
  redisUrl?: string;
  dir: string;
  /** The host's first-pull pacing window; undefined: the host's default. */
  firstRunWindowMs?: number;
  /** Pages in flight across every run of the host (HostOptions.pagesInFlight); undefined: the host's default. */
  pagesInFlight?: number;
}

interface RoundFigures {
  round: number;
  runs: number;
  failed: number;
  /** Why runs failed: error code → count (with one summary each). */
  errors: Record<string, { count: number; summary: string }>;
  delayMs: { p50: number; p95: number; max: number };
  withinTwoSeconds: number;
  runMs: { p50: number; p95: number; max: number };
}

interface WorkerResult {
  createSeconds: number;
  drainSeconds: number;
  totalSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  records: number;
  stored: number;
  rounds: RoundFigures[];
  /** The host's page budget, sampled every 50 ms: permits, most in use, most runs waiting for one. */
  pageBudget: { permits: number; peakInUse: number; peakWaiting: number };
}

function stats(values: number[]): { p50: number; p95: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] ?? 0 };
}

export async function run(args: BenchArgs): Promise<Figures> {
  const connectors = int(args, 'connectors', 500, 1);
  const job: Omit<Job, 'baseUrl' | 'dir'> = {
    connectors,
    tenants: Math.min(connectors, int(args, 'tenants', connectors, 1)),
    computers: int(args, 'computers', 200, 1),
    rounds: int(args, 'rounds', 2, 1),
    intervalSeconds: int(args, 'interval-seconds', 60, 1),
    concurrency: int(args, 'concurrency', 4, 1),
    tickMs: int(args, 'tick-ms', 1000, 10),
    mode: args.mode === 'herd' ? 'herd' : 'live',
    expand: expandChoice(args.expand),
    firstRunWindowMs:
      args['first-run-window-ms'] !== undefined ? int(args, 'first-run-window-ms', 60_000, 0) : undefined,
    pagesInFlight: args['pages-in-flight'] !== undefined ? int(args, 'pages-in-flight', 8, 1) : undefined,
  };
  const keys = Array.from({ length: connectors }, () => generateCloudOneKey());
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-many-tenants-'));
  const keysFile = path.join(dir, 'keys');
  writeFileSync(keysFile, `${keys.join('\n')}\n`, { mode: 0o600 });
  const profile = flag(args, 'profile');
  const sim = await startSimulatorChild({
    computers: job.computers,
    seed: args.seed,
    extraArgs: ['--api-keys-file', keysFile],
    profile: profile ? 'many-tenants-simulator' : undefined,
  });
  let redis: RedisServerHandle | undefined;
  try {
    if (flag(args, 'redis')) redis = await startRedisServer({ appendonly: true, appendfsync: 'everysec' });
    const simBefore = sim.stats();
    const redisBefore = redis?.pid ? procStats(redis.pid) : undefined;
    console.error(
      `many-tenants: ${connectors} connectors × ${job.computers} computers, ${job.tenants} tenants, ` +
        `${job.rounds} rounds every ${job.intervalSeconds} s, ${job.concurrency} concurrent runs, ` +
        `${job.pagesInFlight ?? 'default'} pages in flight, ${job.mode}…`,
    );
    const r = await runWorker<WorkerResult>({
      file: __filename,
      job: { ...job, baseUrl: sim.baseUrl, redisUrl: redis?.url, dir: path.join(dir, 'data') },
      stdin: keys.join('\n'),
      profile: profile ? 'many-tenants' : undefined,
      nodeArgs: nodeArgsOf(args),
    });
    const simStats = procDelta(simBefore, sim.stats());
    const redisStats = redis?.pid ? procDelta(redisBefore, procStats(redis.pid)) : undefined;
    console.log();
    printTable(
      r.rounds.map((x) => ({
        round: x.round,
        runs: x.runs,
        failed: x.failed,
        'delay p50 ms': x.delayMs.p50,
        'delay p95 ms': x.delayMs.p95,
        'delay max ms': x.delayMs.max,
        'within 2 s': `${x.withinTwoSeconds}/${x.runs}`,
        'run p50 ms': x.runMs.p50,
        'run max ms': x.runMs.max,
      })),
    );
    for (const x of r.rounds)
      for (const [code, e] of Object.entries(x.errors))
        console.log(`round ${x.round}: ${e.count} runs failed with ${code}: ${e.summary}`);
    const everyWithin2s = r.rounds.every((x) => x.withinTwoSeconds === x.runs);
    console.log(
      `\ncreated ${connectors} connectors in ${r.createSeconds} s; first round drained in ${r.drainSeconds} s; ` +
        `${r.records} records published, ${r.stored} distinct in the lake; host peak RSS ${r.peakRssMb} MB, ` +
        `CPU ${r.cpuSeconds} s; every run within 2 s of its schedule: ${everyWithin2s ? 'yes' : 'no'}; ` +
        `page budget ${r.pageBudget.permits}: at most ${r.pageBudget.peakInUse} in use, ` +
        `${r.pageBudget.peakWaiting} runs waiting (sampled every 50 ms)`,
    );
    return {
      ...job,
      pagesInFlight: job.pagesInFlight ?? 'default',
      redis: !!redis,
      createSeconds: r.createSeconds,
      drainSeconds: r.drainSeconds,
      totalSeconds: r.totalSeconds,
      records: r.records,
      stored: r.stored,
      rounds: r.rounds,
      pageBudget: r.pageBudget,
      host: {
        cpuSeconds: r.cpuSeconds,
        cpuPer10k: cpuPer10k(r.cpuSeconds, r.records),
        peakRssMb: r.peakRssMb,
      },
      simulator: simStats && {
        cpuSeconds: simStats.cpuSeconds,
        cpuPer10k: cpuPer10k(simStats.cpuSeconds, r.records),
        peakRssMb: simStats.peakRssMb,
      },
      redisServer: redisStats && {
        cpuSeconds: redisStats.cpuSeconds,
        cpuPer10k: cpuPer10k(redisStats.cpuSeconds, r.records),
        peakRssMb: redisStats.peakRssMb,
      },
      target: { everyRunWithin2s: everyWithin2s },
    };
  } finally {
    await sim.stop();
    await redis?.stop();
    if (!flag(args, 'keep')) rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Worker: the host process.

async function worker(job: Job): Promise<WorkerResult> {
  const keys = (await readStdin()).split('\n');
  const cpu0 = cpuUsage();
  const host = await ConnectorHost.open({
    dataDir: job.dir,
    workspaceRoot: ROOT,
    secretKey: randomBytes(32).toString('base64'),
    // One interval "minute" = the requested interval: every connector runs every --interval-seconds.
    minuteMs: job.intervalSeconds * 1000,
    ...(job.redisUrl ? { redisUrl: job.redisUrl, redisPrefix: 'bench' } : {}),
    ...(job.firstRunWindowMs !== undefined ? { firstRunPacing: { windowMs: job.firstRunWindowMs } } : {}),
    ...(job.pagesInFlight !== undefined ? { pagesInFlight: job.pagesInFlight } : {}),
  });
  const runs: RunSummary[] = [];
  const perConnector = new Map<string, number>();
  const roundOf = new Map<RunSummary, number>();
  let daemon: Daemon | undefined;
  const startDaemon = async (): Promise<void> => {
    daemon = await Daemon.start(
      host,
      {
        maxConcurrentRuns: job.concurrency,
        tickMs: job.tickMs,
        ingestWorkers: 1,
        statusRefreshMs: 3_600_000,
      },
      (summary) => {
        const n = (perConnector.get(summary.connectorId) ?? 0) + 1;
        perConnector.set(summary.connectorId, n);
        roundOf.set(summary, n);
        runs.push(summary);
      },
    );
  };
  const tenants = new Set<string>();
  const create = async (): Promise<void> => {
    for (let i = 0; i < job.connectors; i++) {
      const tenant = `tenant-${String(i % job.tenants).padStart(4, '0')}`;
      if (!tenants.has(tenant)) {
        await host.inventory.createTenant(tenant);
        tenants.add(tenant);
      }
      await host.connectors.create({
        plugin: 'trendmicro-cloudone',
        name: `cloudone-${i}`,
        tenant,
        runOn: 'dp',
        profile: 'default',
        config: {
          apiUrl: job.baseUrl,
          apiKey: keys[i],
          interval: 1,
          pageSize: 1000,
          ...(job.expand === 'all' ? { expand: ['all'] } : {}),
        },
      });
    }
  };

  const t0 = Date.now();
  let createSeconds: number;
  let drainStart: number;
  if (job.mode === 'herd') {
    await create();
    createSeconds = (Date.now() - t0) / 1000;
    drainStart = Date.now();
    await startDaemon();
  } else {
    await startDaemon();
    drainStart = Date.now();
    await create();
    createSeconds = (Date.now() - t0) / 1000;
  }
  const queue = await host.queue();
  const deadline = Date.now() + (job.rounds + 2) * job.intervalSeconds * 1000 + 600_000;
  const roundDone = (n: number): boolean =>
    perConnector.size === job.connectors && [...perConnector.values()].every((c) => c >= n);
  let drainSeconds = 0;
  const pageBudget = { permits: host.pageBudget.size, peakInUse: 0, peakWaiting: 0 };
  for (;;) {
    pageBudget.peakInUse = Math.max(pageBudget.peakInUse, host.pageBudget.inUse);
    pageBudget.peakWaiting = Math.max(pageBudget.peakWaiting, host.pageBudget.waiting);
    if (Date.now() > deadline)
      throw new Error(`gave up: ${runs.length} runs after ${(Date.now() - t0) / 1000} s`);
    if (!drainSeconds && roundDone(1) && (await queue.stats()).length === 0)
      drainSeconds = (Date.now() - drainStart) / 1000;
    if (drainSeconds && roundDone(job.rounds) && (await queue.stats()).length === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const totalSeconds = (Date.now() - t0) / 1000;
  await daemon!.stop(30_000);
  const cpu = cpuUsage(cpu0);
  await host.close();
  const lake = Lake.open(job.dir, { readonly: true });
  const stored = lake.count();
  lake.close();

  const rounds: RoundFigures[] = [];
  for (let n = 1; n <= job.rounds; n++) {
    const these = runs.filter((r) => roundOf.get(r) === n);
    const delays = these.map((r) => r.startedAt - (r.scheduledFor ?? r.startedAt));
    const errors: RoundFigures['errors'] = {};
    for (const r of these) {
      if (r.ok || !r.error) continue;
      const e = (errors[r.error.code] ??= { count: 0, summary: r.error.summary });
      e.count++;
    }
    rounds.push({
      round: n,
      runs: these.length,
      failed: these.filter((r) => !r.ok).length,
      errors,
      delayMs: stats(delays),
      withinTwoSeconds: delays.filter((d) => d <= 2_000).length,
      runMs: stats(these.map((r) => r.durationMs)),
    });
  }
  return {
    createSeconds: round(createSeconds, 1),
    drainSeconds: round(drainSeconds, 1),
    totalSeconds: round(totalSeconds, 1),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
    peakRssMb: procStats()?.peakRssMb ?? 0,
    records: runs.reduce((sum, r) => sum + r.records, 0),
    stored,
    rounds,
    pageBudget,
  };
}

workerMain(module, worker);
