// e2e: the product end to end against this machine's ceilings and the script a user would write.
//
//   npm run bench -- e2e [--computers 50000] [--page-size 1000] [--expand all|default]
//                        [--variants fetch-parse,xadd,memory-lake,…] [--naive-default-computers 2000]
//                        [--profile] [--keep] [--lake-thread true] [--pages-in-flight 2]
//                        [--ceiling-each false]
//
// Every variant moves the same computers (the simulator's fleet, `expand=all`: ~3.9 KB objects) and runs
// in a fresh host process; the simulator runs in its own process (and redis-server in its own), fresh
// for each variant, so each process's CPU and peak RSS are its own:
//   fetch-parse     ceiling: POST /computers/search page after page (keep-alive node:http), JSON.parse, nothing else
//   xadd            ceiling: pipelined XADD (batches of --xadd-batch) of the real queue entries of one page, N times
//   memory-lake     plugin collect → normalize → envelope → MemoryQueue → IngestWorker → LakeSink (SQLite)
//   memory-lake-thread  the same with LakeThreadSink: SQLite on a worker thread (host option lakeThread);
//                   --lake-thread true runs every lake variant that way
//   memory-lake-collect-thread  experiment: memory-lake with the collection (fetch → envelope) on a
//                   worker thread and the queue, ingest and lake on the main one (bench/src/collect-thread.ts)
//   memory-ndjson   … → MemoryQueue → IngestWorker → NdjsonSink
//   redis-lake      … → RedisStreamQueue → IngestWorker → LakeSink
//   redis-ndjson    … → RedisStreamQueue → IngestWorker → NdjsonSink
//   redis-lake-split  redis-lake with the ingest worker in a second host process (collector | ingest),
//                   as a Redis deployment can run it; its CPU is the sum of both processes
//   naive-wal       the hand-written script: axios paging loop, one awaited XADD per record, XREAD, one
//                   INSERT per record (SQLite WAL + synchronous=NORMAL: the lake's durability)
//   naive-default   the same script with SQLite as better-sqlite3 opens it (rollback journal,
//                   synchronous=FULL: an fsync per INSERT); --naive-default-computers of them
// A pipeline variant's time runs from the first request to the last record committed by the sink and
// acknowledged (the queue drained). Each pipeline variant is bracketed by fetch-parse runs and compared
// with their mean (`of adjacent ceiling`); `--ceiling-each false`, or `--profile`, measures the ceiling
// once, at the start. Each also reports its busiest thread's event-loop busy time and CPU per record
// (`busiest thread µs/rec`, `its CPU µs/rec`), next to the half-ceiling budget (2,000,000 / ceiling µs)
// in the JSON's `targets`.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpuUsage } from 'node:process';
import axios from 'axios';
import Database from 'better-sqlite3';
import Redis from 'ioredis';
import { buildEnvelope, createSilentLogger } from '@connectors/framework/engine';
import { hostIngestReading, runCollection } from '@connectors/host';
import { IngestWorker } from '@connectors/ingest';
import { Lake } from '@connectors/lake';
import { RedisStreamQueue, startRedisServer, type RedisServerHandle } from '@connectors/queue-redis';
import { flag, int, list, nodeArgsOf, printTable } from '../args';
import { readStdin, runWorker, startSimulatorChild, workerMain } from '../children';
import { expandChoice, setUpCloudOne, type ExpandChoice } from '../cloudone';
import { benchCollection, openLakeSink, startPipeline, type QueueKind, type SinkKind } from '../pipeline';
import { cpuPer10k, procDelta, procStats, round, threadSelfCpuSeconds, type ProcStats } from '../proc';
import type { BenchArgs, Figures } from '../types';

const VARIANTS = [
  'fetch-parse',
  'xadd',
  'memory-lake',
  'memory-lake-thread',
  'memory-lake-collect-thread',
  'memory-ndjson',
  'redis-lake',
  'redis-ndjson',
  'redis-lake-split',
  'naive-wal',
  'naive-default',
] as const;
type Variant = (typeof VARIANTS)[number];

interface Job {
  variant: Variant;
  baseUrl: string;
  computers: number;
  pageSize: number;
  expand: ExpandChoice;
  redisUrl?: string;
  dir: string;
  xaddBatch: number;
  /** Split variants: this process only collects (publishes) or only ingests. */
  role?: 'collect' | 'ingest';
  /** The lake on its own thread (`--lake-thread true`, or `memory-lake-thread`); else on the host's thread. */
  lakeThread: boolean;
  /** Pages a collection may hold (`--pages-in-flight`; the host's default 2 when absent). */
  pagesInFlight?: number;
}

interface WorkerResult {
  records: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** Payload bytes moved (response bodies for fetch-parse, entry JSON for xadd). */
  bytes?: number;
  /** Wall clock of the measured section (epoch ms), to combine the two processes of a split variant. */
  startedAt?: number;
  endedAt?: number;
  detail?: Record<string, unknown>;
}

interface VariantFigures {
  variant: Variant;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  host: { cpuSeconds: number; cpuPer10k: number; peakRssMb: number };
  /** Split variants: the separate ingest process (host = the collector process). */
  ingestProcess?: { cpuSeconds: number; cpuPer10k: number; peakRssMb: number };
  simulator?: { cpuSeconds: number; cpuPer10k: number; peakRssMb: number };
  redis?: { cpuSeconds: number; cpuPer10k: number; peakRssMb: number };
  detail?: Record<string, unknown>;
  /**
   * Pipeline variants: the mean of the fetch-and-parse ceilings measured just before and just after
   * this variant (`--ceiling-each`, on by default), records/s.
   */
  adjacentCeiling?: number;
}

function isPipeline(v: Variant): boolean {
  return /^(memory|redis)-/.test(v);
}

function usesRedis(v: Variant): boolean {
  return v === 'xadd' || v.startsWith('redis-') || v.startsWith('naive-');
}

function otherProcess(delta: ProcStats | undefined, records: number) {
  return delta
    ? {
        cpuSeconds: delta.cpuSeconds,
        cpuPer10k: cpuPer10k(delta.cpuSeconds, records),
        peakRssMb: delta.peakRssMb,
      }
    : undefined;
}

async function runVariant(variant: Variant, args: BenchArgs): Promise<VariantFigures> {
  const computers =
    variant === 'naive-default'
      ? Math.min(int(args, 'computers', 50_000), int(args, 'naive-default-computers', 2_000))
      : int(args, 'computers', 50_000);
  const sim = await startSimulatorChild({
    computers,
    seed: args.seed,
    profile: flag(args, 'profile') ? `e2e-${variant}-simulator` : undefined,
  });
  let redis: RedisServerHandle | undefined;
  const dir = mkdtempSync(path.join(tmpdir(), `bench-e2e-${variant}-`));
  try {
    // AOF with fsync every second: the durable setting the queue README recommends.
    if (usesRedis(variant)) redis = await startRedisServer({ appendonly: true, appendfsync: 'everysec' });
    const simBefore = sim.stats();
    const redisBefore = redis?.pid ? procStats(redis.pid) : undefined;
    const job: Job = {
      variant,
      baseUrl: sim.baseUrl,
      computers,
      pageSize: int(args, 'page-size', 1000, 1),
      expand: expandChoice(args.expand),
      redisUrl: redis?.url,
      dir,
      xaddBatch: int(args, 'xadd-batch', 1000, 1),
      lakeThread: args['lake-thread'] === 'true' || variant === 'memory-lake-thread',
      ...(args['pages-in-flight'] ? { pagesInFlight: int(args, 'pages-in-flight', 2, 1) } : {}),
    };
    const nodeArgs = nodeArgsOf(args);
    const worker = (role?: 'collect' | 'ingest') =>
      runWorker<WorkerResult>({
        file: __filename,
        job: { ...job, role },
        stdin: sim.apiKey,
        profile: flag(args, 'profile') ? `e2e-${variant}${role ? `-${role}` : ''}` : undefined,
        nodeArgs,
      });
    let r: WorkerResult;
    let ingest: WorkerResult | undefined;
    if (variant.endsWith('-split')) {
      // Ingest in its own process, as a Redis deployment runs it: both cores work for the host.
      const ingesting = worker('ingest');
      const collected = await worker('collect');
      ingest = await ingesting;
      const seconds = round((ingest.endedAt! - collected.startedAt!) / 1000, 2);
      r = {
        ...collected,
        records: ingest.records,
        seconds,
        detail: { ...collected.detail, ...ingest.detail },
      };
    } else {
      r = await worker();
    }
    const simDelta = procDelta(simBefore, sim.stats());
    const redisDelta = redis?.pid ? procDelta(redisBefore, procStats(redis.pid)) : undefined;
    if (r.records !== computers && variant !== 'xadd')
      throw new Error(`${variant}: ${r.records} of ${computers} records arrived`);
    return {
      variant,
      records: r.records,
      seconds: r.seconds,
      recordsPerSecond: Math.round(r.records / r.seconds),
      host: {
        cpuSeconds: r.cpuSeconds,
        cpuPer10k: cpuPer10k(r.cpuSeconds, r.records),
        peakRssMb: r.peakRssMb,
      },
      ...(ingest
        ? {
            ingestProcess: {
              cpuSeconds: ingest.cpuSeconds,
              cpuPer10k: cpuPer10k(ingest.cpuSeconds, r.records),
              peakRssMb: ingest.peakRssMb,
            },
          }
        : {}),
      simulator: variant === 'xadd' ? undefined : otherProcess(simDelta, r.records),
      redis: otherProcess(redisDelta, r.records),
      detail: { ...(r.bytes ? { avgBytes: Math.round(r.bytes / r.records) } : {}), ...r.detail },
    };
  } finally {
    await sim.stop();
    await redis?.stop();
    if (!flag(args, 'keep')) rmSync(dir, { recursive: true, force: true });
  }
}

/** The busiest thread of a pipeline variant, µs per record of busy time or CPU (undefined elsewhere). */
function busiest(
  r: VariantFigures,
  of: 'busyUsPerRecord' | 'cpuUsPerRecord' = 'busyUsPerRecord',
): number | undefined {
  const perThread = r.detail?.[of] as Record<string, number> | undefined;
  return perThread ? Math.max(...Object.values(perThread)) : undefined;
}

export async function run(args: BenchArgs): Promise<Figures> {
  const variants = list(args, 'variants', [...VARIANTS]) as Variant[];
  for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}`);
  const results: VariantFigures[] = [];
  const say = (v: string, f: VariantFigures): void =>
    console.error(
      `e2e: ${v}: ${f.records} records in ${f.seconds} s = ${f.recordsPerSecond}/s, host CPU ${f.host.cpuPer10k} s/10k, ` +
        `${busiest(f) !== undefined ? `busiest thread ${busiest(f)} µs/record (CPU ${busiest(f, 'cpuUsPerRecord')}), ` : ''}peak RSS ${f.host.peakRssMb} MB`,
    );
  // This machine's speed drifts by ±15 % within a run (a shared VM): a ratio to a ceiling measured
  // minutes earlier carries that drift. With --ceiling-each (default, when fetch-parse is run) each
  // pipeline variant is bracketed by ceiling runs and also compared with their mean.
  // Not under --profile: the profiler slows every run, and the ceiling runs would only add profiles.
  const each = variants.includes('fetch-parse') && args['ceiling-each'] !== 'false' && !flag(args, 'profile');
  const ceilingSamples: number[] = [];
  let lastWasCeiling = false;
  // A pipeline variant always follows a ceiling run, so at most one waits for the ceiling after it.
  let waiting: { figures: VariantFigures; before: number } | undefined;
  const ceilingMeasured = (rate: number): void => {
    ceilingSamples.push(rate);
    if (waiting) waiting.figures.adjacentCeiling = Math.round((waiting.before + rate) / 2);
    waiting = undefined;
    lastWasCeiling = true;
  };
  const adjacentCeiling = async (): Promise<void> => {
    console.error('e2e: fetch-parse (adjacent ceiling)…');
    const c = await runVariant('fetch-parse', args);
    say('fetch-parse (adjacent ceiling)', c);
    ceilingMeasured(c.recordsPerSecond);
  };
  for (const v of variants) {
    if (each && isPipeline(v) && !lastWasCeiling) await adjacentCeiling();
    console.error(`e2e: ${v}…`);
    const f = await runVariant(v, args);
    results.push(f);
    say(v, f);
    if (v === 'fetch-parse') ceilingMeasured(f.recordsPerSecond);
    else {
      lastWasCeiling = false;
      if (each && isPipeline(v)) waiting = { figures: f, before: ceilingSamples[ceilingSamples.length - 1] };
    }
  }
  if (waiting) await adjacentCeiling();
  const by = (v: Variant) => results.find((r) => r.variant === v);
  const ceiling = by('fetch-parse')?.recordsPerSecond;
  const naive = by('naive-wal')?.recordsPerSecond;
  const naiveDefault = by('naive-default')?.recordsPerSecond;
  const table = results.map((r) => ({
    variant: r.variant,
    records: r.records,
    seconds: r.seconds,
    'records/s': r.recordsPerSecond,
    'of ceiling': ceiling ? `${Math.round((100 * r.recordsPerSecond) / ceiling)}%` : undefined,
    'of adjacent ceiling': r.adjacentCeiling
      ? `${Math.round((100 * r.recordsPerSecond) / r.adjacentCeiling)}%`
      : undefined,
    'x naive-wal': naive ? round(r.recordsPerSecond / naive, 1) : undefined,
    'x naive-default': naiveDefault ? round(r.recordsPerSecond / naiveDefault, 1) : undefined,
    'host CPU s/10k': r.host.cpuPer10k,
    'busiest thread µs/rec': busiest(r),
    'its CPU µs/rec': busiest(r, 'cpuUsPerRecord'),
    'host peak MB': r.host.peakRssMb,
    'ingest proc CPU s/10k': r.ingestProcess?.cpuPer10k,
    'ingest proc peak MB': r.ingestProcess?.peakRssMb,
    'sim CPU s/10k': r.simulator?.cpuPer10k,
    'sim peak MB': r.simulator?.peakRssMb,
    'redis CPU s/10k': r.redis?.cpuPer10k,
    'redis peak MB': r.redis?.peakRssMb,
  }));
  console.log();
  printTable(table);
  console.log();
  const targets: Record<string, unknown> = {};
  for (const r of results.filter((x) => isPipeline(x.variant))) {
    const hostCpu = r.host.cpuPer10k + (r.ingestProcess?.cpuPer10k ?? 0);
    targets[r.variant] = {
      ofCeiling: ceiling ? round(r.recordsPerSecond / ceiling, 2) : undefined,
      hostCpuPer10k: round(hostCpu, 2),
      halfCeilingMet: ceiling ? r.recordsPerSecond >= ceiling / 2 : undefined,
      adjacentCeiling: r.adjacentCeiling,
      ofAdjacentCeiling: r.adjacentCeiling ? round(r.recordsPerSecond / r.adjacentCeiling, 2) : undefined,
      halfAdjacentCeilingMet: r.adjacentCeiling ? r.recordsPerSecond >= r.adjacentCeiling / 2 : undefined,
      // Half the ceiling leaves 2e6 / ceiling µs of wall time per record; a thread busier than that per
      // record cannot get there however idle the rest of the machine is.
      halfCeilingBudgetUsPerRecord: ceiling ? round(2e6 / ceiling, 1) : undefined,
      busiestThreadUsPerRecord: busiest(r),
      busiestThreadCpuUsPerRecord: busiest(r, 'cpuUsPerRecord'),
      timesNaiveWal: naive ? round(r.recordsPerSecond / naive, 1) : undefined,
      timesNaiveDefault: naiveDefault ? round(r.recordsPerSecond / naiveDefault, 1) : undefined,
      fiveTimesNaiveWalMet: naive ? r.recordsPerSecond >= 5 * naive : undefined,
      fiveTimesNaiveDefaultMet: naiveDefault ? r.recordsPerSecond >= 5 * naiveDefault : undefined,
    };
  }
  return {
    computers: int(args, 'computers', 50_000),
    pageSize: int(args, 'page-size', 1000, 1),
    expand: expandChoice(args.expand),
    variants: results,
    ...(each ? { ceilingSamples } : {}),
    targets,
  };
}

// ---------------------------------------------------------------------------------------------------
// Worker side: one variant in a fresh process.

function peakRssMb(): number {
  return procStats()?.peakRssMb ?? 0;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const cpu0 = cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuUsage(cpu0);
  return { result, seconds: round(seconds, 2), cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2) };
}

const EXPAND_ALL = ['all'];
const EXPAND_DEFAULT = ['computerStatus', 'interfaces', 'allVirtualMachineSummaries'];

function searchPath(expand: ExpandChoice): string {
  const values = expand === 'all' ? EXPAND_ALL : EXPAND_DEFAULT;
  return `/computers/search?${values.map((v) => `expand=${v}`).join('&')}`;
}

function searchBody(afterId: number, pageSize: number): string {
  return JSON.stringify({
    maxItems: pageSize,
    sortByObjectID: true,
    searchCriteria: [{ idTest: 'greater-than', idValue: afterId }],
  });
}

/** The fetch-and-parse ceiling: the leanest client there is (node:http, keep-alive), JSON.parse, nothing else. */
async function fetchParse(job: Job, apiKey: string): Promise<WorkerResult> {
  const url = new URL(job.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: `${url.pathname}${searchPath(job.expand)}`,
          agent,
          headers: {
            Authorization: `ApiKey ${apiKey}`,
            'api-version': 'v1',
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(Buffer.concat(chunks).toString('utf8'))
              : reject(new Error(`HTTP ${res.statusCode}`)),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let records = 0;
  let bytes = 0;
  const t = await timed(async () => {
    let afterId = 0;
    for (let page = 0; page <= job.computers / job.pageSize + 1; page++) {
      const text = await post(searchBody(afterId, job.pageSize));
      bytes += text.length;
      const computers = (JSON.parse(text) as { computers: Array<{ ID: number }> }).computers;
      if (computers.length === 0) return;
      records += computers.length;
      afterId = computers[computers.length - 1].ID;
    }
    throw new Error('more pages than computers: paging did not end');
  });
  agent.destroy();
  return { records, seconds: t.seconds, cpuSeconds: t.cpuSeconds, peakRssMb: peakRssMb(), bytes };
}

/** The XADD ceiling: the queue's own payloads (entries of one real page), pipelined, N of them. */
async function xaddCeiling(job: Job, apiKey: string): Promise<WorkerResult> {
  const setup = await setUpCloudOne({ ...job, apiKey });
  const samples: string[][] = [];
  const done = new AbortController();
  // One page of real entries, built by the plugin and the framework exactly as the pipeline does.
  await new Promise<void>((resolve, reject) => {
    const sub = setup.connector
      .collect({
        config: setup.config,
        instance: setup.instance,
        logger: createSilentLogger(),
        signal: done.signal,
        contentTypes: ['computers'],
        demand: { ready: async () => undefined },
      })
      .subscribe({
        next: (page) => {
          for (const raw of page.items) {
            const { entry } = buildEnvelope({
              manifest: setup.manifest,
              instance: setup.instance,
              contentType: page.contentType,
              normalized: setup.connector.normalize(page.contentType, raw),
              now: Date.now(),
              snapshotId: 'bench',
            });
            // The queue's stream layout: record and asset as separate JSON fields, plus the snapshot id.
            samples.push([
              'r',
              JSON.stringify(entry.record),
              ...(entry.asset ? ['a', JSON.stringify(entry.asset)] : []),
              ...(entry.snapshotId ? ['s', entry.snapshotId] : []),
            ]);
          }
          sub.unsubscribe();
          done.abort();
          resolve();
        },
        error: reject,
        complete: resolve,
      });
  });
  const redis = new Redis(job.redisUrl!, { lazyConnect: true });
  await redis.connect();
  const key = '{bench}:xadd';
  let bytes = 0;
  const t = await timed(async () => {
    for (let i = 0; i < job.computers;) {
      const p = redis.pipeline();
      const end = Math.min(job.computers, i + job.xaddBatch);
      for (; i < end; i++) {
        const fields = samples[i % samples.length];
        for (let f = 1; f < fields.length; f += 2) bytes += fields[f].length;
        p.xadd(key, '*', ...fields);
      }
      const replies = await p.exec();
      const failed = replies?.find(([err]) => err);
      if (failed) throw failed[0];
    }
  });
  const length = await redis.xlen(key);
  await redis.quit();
  return {
    records: length,
    seconds: t.seconds,
    cpuSeconds: t.cpuSeconds,
    peakRssMb: peakRssMb(),
    bytes,
    detail: { batch: job.xaddBatch, distinctPayloads: samples.length },
  };
}

/** The product: plugin → normalize → envelope → queue → ingest worker → sink, as the host wires it. */
async function pipeline(job: Job, apiKey: string): Promise<WorkerResult> {
  const setup = await setUpCloudOne({ ...job, apiKey });
  const [queue, sink] = job.variant.split('-') as [QueueKind, SinkKind];
  const cpu0 = cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const threadCpu0 = threadSelfCpuSeconds();
  const t0 = Date.now();
  const running = await startPipeline({
    setup,
    queue,
    sink,
    dir: job.dir,
    redisUrl: job.redisUrl,
    verify: true,
    lakeThread: job.lakeThread,
    pagesInFlight: job.pagesInFlight,
    ...(job.variant === 'memory-lake-collect-thread' ? { collectThread: { ...job, apiKey } } : {}),
  });
  const r = await running.done;
  const cpu = { user: r.cpuAtDrain.user - cpu0.user, system: r.cpuAtDrain.system - cpu0.system };
  return {
    records: r.stored ?? 0,
    seconds: round((r.drainedAt - t0) / 1000, 2),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
    peakRssMb: peakRssMb(),
    detail: {
      pages: r.pages,
      published: r.published,
      batches: r.batches,
      ingested: r.ingested,
      // What bounds one run: records/s ≤ 1e6 / (the busiest thread's µs per record). Busy time counts
      // waiting for a core too; CPU time is what the thread would need with a core of its own.
      busyUsPerRecord: perThread(
        performance.eventLoopUtilization(r.eluAtDrain, elu0).active,
        r.collectThread?.busyMs,
        r.published,
      ),
      cpuUsPerRecord: perThread(
        (r.threadCpuAtDrain - threadCpu0) * 1000,
        r.collectThread && r.collectThread.cpuSeconds * 1000,
        r.published,
      ),
    },
  };
}

/** µs per record of the host thread and, in the experiment, the collection thread, from their ms. */
function perThread(hostMs: number, collectMs: number | undefined, records: number): Record<string, number> {
  const us = (ms: number): number => (records ? round((ms * 1000) / records, 1) : 0);
  return { hostThread: us(hostMs), ...(collectMs !== undefined ? { collectThread: us(collectMs) } : {}) };
}

/** Split variant, collector side: plugin → normalize → envelope → Redis queue, nothing else. */
async function collectOnly(job: Job, apiKey: string): Promise<WorkerResult> {
  const setup = await setUpCloudOne({ ...job, apiKey });
  const queue = await RedisStreamQueue.connect({ url: job.redisUrl, stream: 'connectors:bench' });
  const startedAt = Date.now();
  const t = await timed(() => runCollection(benchCollection(setup, queue)));
  const endedAt = Date.now();
  await queue.close();
  return {
    records: t.result.records,
    seconds: t.seconds,
    cpuSeconds: t.cpuSeconds,
    peakRssMb: peakRssMb(),
    startedAt,
    endedAt,
    detail: { pages: t.result.pages, published: t.result.records },
  };
}

/** Split variant, ingest side: Redis queue → IngestWorker → lake, until every record is in. */
async function ingestOnly(job: Job): Promise<WorkerResult> {
  const queue = await RedisStreamQueue.connect({ url: job.redisUrl, stream: 'connectors:bench' });
  const sink = await openLakeSink(job.dir, job.lakeThread);
  const worker = new IngestWorker({
    queue,
    sinks: [sink],
    consumer: 'bench-ingest',
    blockMs: 100,
    ...hostIngestReading({ redis: true, lakeOnThisThread: !job.lakeThread }),
  });
  const deadline = Date.now() + 3_600_000;
  let startedAt = 0;
  const cpu0 = cpuUsage();
  worker.start();
  // Records plus the two snapshot markers.
  while (worker.figures.recordsWritten < job.computers + 2) {
    if (Date.now() > deadline)
      throw new Error(`ingest: ${worker.figures.recordsWritten} entries after an hour`);
    if (!startedAt && worker.figures.batches > 0) startedAt = Date.now();
    await new Promise((r) => setTimeout(r, 5));
  }
  const endedAt = Date.now();
  const cpu = cpuUsage(cpu0);
  await worker.stop();
  await sink.close();
  await queue.close();
  const lake = Lake.open(job.dir, { readonly: true });
  const stored = lake.count();
  lake.close();
  return {
    records: stored,
    seconds: round((endedAt - startedAt) / 1000, 2),
    // Includes the idle wait for the first entry: negligible (a blocked XREADGROUP).
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
    peakRssMb: peakRssMb(),
    startedAt,
    endedAt,
    detail: { ingestBatches: worker.figures.batches },
  };
}

/**
 * The naive baseline: what a user writes by hand for the same job. One loop pages through the API
 * with axios and awaits one XADD per computer; a second loop (same process) XREADs and INSERTs one
 * row per record. No batching, no back-pressure, no envelope, no assets.
 */
async function naive(job: Job, apiKey: string): Promise<WorkerResult> {
  const db = new Database(path.join(job.dir, 'naive.sqlite'));
  if (job.variant === 'naive-wal') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.exec(
    'CREATE TABLE IF NOT EXISTS computers (id TEXT PRIMARY KEY, hostname TEXT, collected_at INTEGER, doc TEXT)',
  );
  const insert = db.prepare('INSERT OR REPLACE INTO computers VALUES (?, ?, ?, ?)');
  const producer = new Redis(job.redisUrl!);
  const consumer = new Redis(job.redisUrl!);
  const api = axios.create({
    baseURL: job.baseUrl,
    headers: { Authorization: `ApiKey ${apiKey}`, 'api-version': 'v1' },
  });
  const stream = 'computers';
  let produced = 0;
  let inserted = 0;
  let producerDone = false;
  const deadline = Date.now() + 3_600_000;
  const t = await timed(async () => {
    const produce = async (): Promise<void> => {
      let afterId = 0;
      for (let page = 0; page <= job.computers / job.pageSize + 1; page++) {
        const res = await api.post<{ computers: Array<Record<string, unknown> & { ID: number }> }>(
          '/computers/search',
          {
            maxItems: job.pageSize,
            sortByObjectID: true,
            searchCriteria: [{ idTest: 'greater-than', idValue: afterId }],
          },
          {
            params: new URLSearchParams(
              (job.expand === 'all' ? EXPAND_ALL : EXPAND_DEFAULT).map((v): [string, string] => [
                'expand',
                v,
              ]),
            ),
          },
        );
        const computers = res.data.computers;
        if (computers.length === 0) {
          producerDone = true;
          return;
        }
        for (const c of computers) {
          const record = { tenant: 'bench', hostname: c.hostName, collected_at: Date.now(), computer: c };
          await producer.xadd(stream, '*', 'data', JSON.stringify(record));
          produced++;
        }
        afterId = computers[computers.length - 1].ID;
      }
      throw new Error('more pages than computers: paging did not end');
    };
    const consume = async (): Promise<void> => {
      let lastId = '0-0';
      while (!(producerDone && inserted >= produced)) {
        if (Date.now() > deadline) throw new Error('naive baseline: gave up after an hour');
        const reply = (await consumer.xread('COUNT', 100, 'BLOCK', 100, 'STREAMS', stream, lastId)) as Array<
          [string, Array<[string, string[]]>]
        > | null;
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          const record = JSON.parse(fields[1]) as {
            hostname: string;
            collected_at: number;
            computer: { ID: number };
          };
          insert.run(String(record.computer.ID), record.hostname, record.collected_at, fields[1]);
          inserted++;
          lastId = id;
        }
      }
    };
    await Promise.all([produce(), consume()]);
  });
  const stored = db.prepare('SELECT count(*) FROM computers').pluck().get() as number;
  db.close();
  producer.disconnect();
  consumer.disconnect();
  return {
    records: stored,
    seconds: t.seconds,
    cpuSeconds: t.cpuSeconds,
    peakRssMb: peakRssMb(),
    detail: {
      sqlite:
        job.variant === 'naive-wal'
          ? 'WAL, synchronous=NORMAL'
          : 'defaults (DELETE journal, synchronous=FULL)',
    },
  };
}

async function worker(job: Job): Promise<WorkerResult> {
  const apiKey = await readStdin();
  if (job.role === 'collect') return collectOnly(job, apiKey);
  if (job.role === 'ingest') return ingestOnly(job);
  switch (job.variant) {
    case 'fetch-parse':
      return fetchParse(job, apiKey);
    case 'xadd':
      return xaddCeiling(job, apiKey);
    case 'naive-wal':
    case 'naive-default':
      return naive(job, apiKey);
    default:
      return pipeline(job, apiKey);
  }
}

workerMain(module, worker);
