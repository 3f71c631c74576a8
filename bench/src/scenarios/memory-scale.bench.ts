// memory-scale: one collection of a large fleet into the lake, watching the host's memory as the count
// grows. A stream that held the inventory would grow with it; this one must stay flat. The target is
// stated at 1,000,000 computers (`--computers 1000000`, about 11 minutes here); checkpoints default to
// 10%, 30% and 100% of the count.
//
//   npm run bench -- memory-scale [--computers 300000] [--checkpoints 30000,90000,300000]
//                                 [--queue memory|redis] [--sink lake|ndjson] [--page-size 1000]
//                                 [--expand all|default] [--queue-max-entries 10000]
//                                 [--node-args=--max-old-space-size=…] [--profile] [--lake-thread true]
//                                 [--pages-in-flight 1]
//
// Three processes: the simulator (its fleet is generated on demand, never held), the host worker
// (collect → queue → ingest → lake, measured) and, with --queue redis, redis-server. At each checkpoint
// (records committed to the lake) the worker reports its peak RSS so far (VmHWM), its RSS then and
// its V8 heap; the curve of peaks is what "flat" means.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpuUsage, memoryUsage } from 'node:process';
import { startRedisServer, type RedisServerHandle } from '@connectors/queue-redis';
import { flag, int, list, nodeArgsOf, printTable } from '../args';
import { readStdin, runWorker, startSimulatorChild, workerMain } from '../children';
import { expandChoice, setUpCloudOne, type ExpandChoice } from '../cloudone';
import { startPipeline, type QueueKind, type SinkKind } from '../pipeline';
import { cpuPer10k, procDelta, procStats, round } from '../proc';
import type { BenchArgs, Figures } from '../types';

interface Job {
  baseUrl: string;
  computers: number;
  checkpoints: number[];
  pageSize: number;
  expand: ExpandChoice;
  queue: QueueKind;
  sink: SinkKind;
  redisUrl?: string;
  dir: string;
  queueMaxEntries?: number;
  /** The lake on its own thread (`--lake-thread true`); else on the host's thread (the host's default). */
  lakeThread: boolean;
  /** `--pages-in-flight 1`: no look-ahead page (the host's default is 2). */
  pagesInFlight?: number;
}

interface Checkpoint {
  records: number;
  seconds: number;
  peakRssMb: number;
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
}

interface WorkerResult {
  records: number;
  stored: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  checkpoints: Checkpoint[];
  /** RSS over time: [records ingested, RSS MB], about 50 points. */
  series: Array<[number, number]>;
}

export async function run(args: BenchArgs): Promise<Figures> {
  // 300,000 by default (about four minutes); the 1,000,000 of the target: --computers 1000000.
  const computers = int(args, 'computers', 300_000, 1);
  const checkpoints = list(
    args,
    'checkpoints',
    [0.1, 0.3, 1].map((f) => String(Math.round(f * computers))),
  )
    .map((c) => Number(c.replace(/_/g, '')))
    .filter((c) => c > 0 && c <= computers)
    .sort((a, b) => a - b);
  if (checkpoints[checkpoints.length - 1] !== computers) checkpoints.push(computers);
  const queue = (args.queue ?? 'memory') as QueueKind;
  const sink = (args.sink ?? 'lake') as SinkKind;
  if (!['memory', 'redis'].includes(queue) || !['lake', 'ndjson'].includes(sink))
    throw new Error('--queue is memory or redis, --sink lake or ndjson');
  const profile = flag(args, 'profile');
  const sim = await startSimulatorChild({
    computers,
    seed: args.seed,
    profile: profile ? 'memory-scale-simulator' : undefined,
  });
  let redis: RedisServerHandle | undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-memory-scale-'));
  try {
    if (queue === 'redis') redis = await startRedisServer({ appendonly: true, appendfsync: 'everysec' });
    const simBefore = sim.stats();
    const redisBefore = redis?.pid ? procStats(redis.pid) : undefined;
    const job: Job = {
      baseUrl: sim.baseUrl,
      computers,
      checkpoints,
      pageSize: int(args, 'page-size', 1000, 1),
      expand: expandChoice(args.expand),
      queue,
      sink,
      redisUrl: redis?.url,
      dir,
      queueMaxEntries: args['queue-max-entries'] ? int(args, 'queue-max-entries', 10_000, 1) : undefined,
      lakeThread: args['lake-thread'] === 'true',
      pagesInFlight: args['pages-in-flight'] ? int(args, 'pages-in-flight', 2, 1) : undefined,
    };
    console.error(`memory-scale: ${computers} computers, ${queue} queue → ${sink}…`);
    const r = await runWorker<WorkerResult>({
      file: __filename,
      job,
      stdin: sim.apiKey,
      profile: profile ? 'memory-scale' : undefined,
      nodeArgs: nodeArgsOf(args),
    });
    const simStats = procDelta(simBefore, sim.stats());
    const redisStats = redis?.pid ? procDelta(redisBefore, procStats(redis.pid)) : undefined;
    if (r.stored !== computers) throw new Error(`the lake holds ${r.stored} of ${computers} records`);
    console.log();
    printTable(
      r.checkpoints.map((c) => ({
        records: c.records,
        seconds: c.seconds,
        'host peak RSS MB': c.peakRssMb,
        'host RSS MB': c.rssMb,
        'heap used MB': c.heapUsedMb,
        'external MB': c.externalMb,
      })),
    );
    const first = r.checkpoints[0];
    const last = r.checkpoints[r.checkpoints.length - 1];
    const figures = {
      computers,
      queue,
      sink,
      pageSize: job.pageSize,
      expand: job.expand,
      nodeArgs: args['node-args'] ?? '',
      queueMaxEntries: job.queueMaxEntries ?? 'default',
      lakeThread: job.lakeThread,
      pagesInFlight: job.pagesInFlight ?? 'default',
      seconds: r.seconds,
      recordsPerSecond: Math.round(r.records / r.seconds),
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
      redis: redisStats && {
        cpuSeconds: redisStats.cpuSeconds,
        cpuPer10k: cpuPer10k(redisStats.cpuSeconds, r.records),
        peakRssMb: redisStats.peakRssMb,
      },
      checkpoints: r.checkpoints,
      peakGrowthMb: last.peakRssMb - first.peakRssMb,
      target: { peakRssAtMostMb: 200, met: r.peakRssMb <= 200, flat: last.peakRssMb - first.peakRssMb <= 20 },
      series: r.series,
    };
    console.log(
      `\nhost peak RSS ${r.peakRssMb} MB at ${computers} (${first.peakRssMb} MB at ${first.records}); ` +
        `${figures.recordsPerSecond} records/s; host CPU ${figures.host.cpuPer10k} s/10k`,
    );
    return figures;
  } finally {
    await sim.stop();
    await redis?.stop();
    if (!flag(args, 'keep')) rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Worker

async function worker(job: Job): Promise<WorkerResult> {
  const apiKey = await readStdin();
  const setup = await setUpCloudOne({ ...job, apiKey });
  const checkpoints: Checkpoint[] = [];
  const series: Array<[number, number]> = [];
  const seriesStep = Math.max(1, Math.floor(job.computers / 50));
  const cpu0 = cpuUsage();
  const t0 = Date.now();
  const running = await startPipeline({ setup, ...job, verify: true });
  let next = 0;
  let lastProgress = 0;
  const progressStep = Math.max(10_000, Math.floor(job.computers / 10));
  const sample = (): void => {
    const ingested = running.ingested();
    const self = procStats();
    if (!self) return;
    if (series.length === 0 || ingested - series[series.length - 1][0] >= seriesStep)
      series.push([ingested, self.rssMb]);
    if (ingested >= lastProgress + progressStep) {
      lastProgress = ingested - (ingested % progressStep);
      console.error(`memory-scale: ${ingested} records in, RSS ${self.rssMb} MB (peak ${self.peakRssMb} MB)`);
    }
    while (next < job.checkpoints.length && ingested >= job.checkpoints[next]) {
      const mem = memoryUsage();
      checkpoints.push({
        records: job.checkpoints[next],
        seconds: round((Date.now() - t0) / 1000, 1),
        peakRssMb: self.peakRssMb,
        rssMb: self.rssMb,
        heapUsedMb: Math.round(mem.heapUsed / 1048576),
        externalMb: Math.round((mem.external + mem.arrayBuffers) / 1048576),
      });
      next++;
    }
  };
  const timer = setInterval(sample, 100);
  let result;
  try {
    result = await running.done;
  } finally {
    clearInterval(timer);
  }
  sample();
  // The measured run ends when the queue was drained (before the lake was counted).
  const seconds = (result.drainedAt - t0) / 1000;
  const cpu = { user: result.cpuAtDrain.user - cpu0.user, system: result.cpuAtDrain.system - cpu0.system };
  return {
    records: result.ingested,
    stored: result.stored ?? 0,
    seconds: round(seconds, 1),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
    peakRssMb: procStats()?.peakRssMb ?? 0,
    checkpoints,
    series,
  };
}

workerMain(module, worker);
