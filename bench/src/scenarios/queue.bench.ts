// queue: records of about 2 KB through Redis → ingest → lake, next to a pipelined-XADD-only ceiling for
// the same payload, in one run against one redis-server this scenario starts (AOF, everysec).
//
//   npm run bench -- queue [--records 100000] [--bytes 2048] [--batch 500] [--workers 2] [--assets false]
//                          [--appendfsync everysec] [--phases ceiling,queue,lake]
//
// Phases, each on a fresh stream:
//   ceiling  pipelined XADD of pre-serialized payloads, nothing else (what Redis + ioredis can take);
//   queue    a producer process publishes through RedisStreamQueue, ingest workers here acknowledge
//            into a sink that keeps nothing (the queue's own cost: bounds check, MULTI, XREADGROUP,
//            parse, XACK+XDEL);
//   lake     the same into the SQLite lake (the full path).
// The producer runs in a child process, as a collector would, so producing and ingesting use both cores.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import type { QueueEntry, Sink, SinkWriteResult, SyslogRecord } from '@connectors/framework/engine';
import { IngestWorker } from '@connectors/ingest';
import { LakeSink } from '@connectors/lake';
import {
  encodeEntry,
  RedisStreamQueue,
  startRedisServer,
  type RedisServerHandle,
} from '@connectors/queue-redis';
import { PeakRss } from '../measure';
import type { BenchArgs, Figures } from '../types';

interface ProducerJob {
  url: string;
  stream: string;
  records: number;
  bytes: number;
  batch: number;
  assets: boolean;
  runId: string;
  maxEntries: number;
}

type ProducerMessage =
  | { type: 'ready' }
  | { type: 'done'; seconds: number; cpuSeconds: number; backpressureWaits: number; publishRetries: number };

function int(value: string | undefined, fallback: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${value}`);
  return n;
}

const pads = new Map<number, string>();

/** Filler that brings a record to about `bytes` (measured once per size: generating must stay cheap). */
function padding(record: SyslogRecord, bytes: number): string {
  let pad = pads.get(bytes);
  if (pad === undefined) {
    pad = 'd'.repeat(Math.max(0, bytes - Buffer.byteLength(JSON.stringify(record))));
    pads.set(bytes, pad);
  }
  return pad;
}

/** A Cloud One computer record of about `bytes` serialized, with a content-hash id like the real ones. */
export function benchId(runId: string, i: number): string {
  return createHash('sha256').update(`${runId}:${i}`).digest('hex').slice(0, 32);
}

export function benchEntry(
  i: number,
  bytes: number,
  runId: string,
  assets: boolean,
  id = benchId(runId, i),
): QueueEntry {
  const connector = { id: 'bench-connector', name: 'Bench', type: 'trendmicro-cloudone' };
  const record: SyslogRecord = {
    id,
    timestamp: Date.now(),
    tenant_id: 'bench-tenant',
    connector,
    msg_class: 'trendmicro_cloudone_computer',
    msg_origin: {
      source: 'trendmicro_cloudone',
      vendor: 'Trend Micro',
      category: 'Endpoint Security',
      processor: { name: 'trendmicro_cloudone', type: 'log_collector' },
    },
    host: {
      hostname: `ip-10-0-${(i >> 8) & 255}-${i & 255}.ec2.internal`,
      ip: [`10.0.${(i >> 8) & 255}.${i & 255}`],
      mac: ['02:42:ac:11:00:02'],
      os: { name: 'Amazon Linux 2 (64 bit)', platform: 'linux' },
    },
    trendmicro_cloudone: {
      ID: i,
      hostName: `ip-10-0-${(i >> 8) & 255}-${i & 255}.ec2.internal`,
      platform: 'Amazon Linux 2 (64 bit) (4.14.336-257.562.amzn2.x86_64)',
      agentVersion: '20.0.1-21510',
      policyID: 9,
      computerStatus: { agentStatus: 'active', agentStatusMessages: ['Managed (Online)'] },
      antiMalware: {
        state: 'on',
        moduleStatus: { agentStatus: 'active', agentStatusMessage: 'On, Real Time' },
      },
      description: '',
    },
  };
  (record.trendmicro_cloudone as { description: string }).description = padding(record, bytes);
  if (!assets) return { kind: 'record', record };
  return {
    kind: 'record',
    record,
    asset: {
      id: createHash('sha256').update(`asset:${i}`).digest('hex').slice(0, 32),
      tenant_id: 'bench-tenant',
      connector,
      source: 'trendmicro_cloudone',
      contentType: 'computers',
      primaryKey: { key: 'ID', value: String(i) },
      identity: { ID: String(i) },
      hostname: `ip-10-0-${(i >> 8) & 255}-${i & 255}.ec2.internal`,
      observedAt: record.timestamp,
    },
  };
}

/** A sink that keeps nothing: the queue's own cost. */
class NullSink implements Sink {
  readonly name = 'null';
  async write(batch: readonly QueueEntry[]): Promise<SinkWriteResult> {
    return { written: batch.length, failures: [] };
  }
  async close(): Promise<void> {}
}

async function ceiling(
  url: string,
  records: number,
  bytes: number,
  batch: number,
  assets: boolean,
): Promise<Figures> {
  const redis = new Redis(url);
  // The same stream fields the queue writes (record, and asset when present), serialized up front.
  const payloads = Array.from(
    { length: batch },
    (_, k) => encodeEntry(benchEntry(k, bytes, 'ceiling', assets)).fields,
  );
  const key = '{bench:ceiling}:records';
  const redisCpu0 = await redisCpu(url);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let sent = 0; sent < records; sent += batch) {
    const pipeline = redis.pipeline();
    for (let k = 0; k < Math.min(batch, records - sent); k++) pipeline.xadd(key, '*', ...payloads[k]);
    await pipeline.exec();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const redisCpuSeconds = (await redisCpu(url)) - redisCpu0;
  const length = await redis.xlen(key);
  await redis.del(key);
  redis.disconnect();
  if (length !== records) throw new Error(`ceiling stored ${length} of ${records}`);
  const clientCpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    recordsPerSecond: Math.round(records / seconds),
    seconds: round(seconds),
    clientCpuSeconds: round(clientCpuSeconds),
    redisCpuSeconds: round(redisCpuSeconds),
    cpuMicrosPerRecord: Math.round(((clientCpuSeconds + redisCpuSeconds) / records) * 1e6),
  };
}

async function redisCpu(url: string): Promise<number> {
  const redis = new Redis(url);
  const info = (await redis.info('cpu')) as string;
  redis.disconnect();
  const read = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return read('used_cpu_user') + read('used_cpu_sys');
}

async function pipelinePhase(
  server: RedisServerHandle,
  phase: 'queue' | 'lake',
  job: Omit<ProducerJob, 'stream' | 'runId' | 'url'>,
  workers: number,
): Promise<Figures> {
  const stream = `bench:${phase}`;
  const runId = `${phase}-${Date.now()}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-lake-'));
  const queue = await RedisStreamQueue.connect({
    url: server.url,
    stream,
    maxEntries: job.maxEntries,
    claimIdleMs: 60_000,
  });
  const lakeSink = phase === 'lake' ? new LakeSink(dataDir) : undefined;
  const sink: Sink = lakeSink ?? new NullSink();
  const ingest = Array.from(
    { length: workers },
    (_, w) =>
      new IngestWorker({ queue, sinks: [sink], consumer: `bench-${w}`, batchSize: job.batch, blockMs: 200 }),
  );
  const child = fork(__filename, [], {
    env: { ...process.env, QUEUE_BENCH_PRODUCER: JSON.stringify({ ...job, url: server.url, stream, runId }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ProducerMessage[] = [];
  const next = (type: ProducerMessage['type']): Promise<ProducerMessage> =>
    new Promise((resolve, reject) => {
      const found = messages.find((m) => m.type === type);
      if (found) return resolve(found);
      const onMessage = (m: ProducerMessage): void => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`producer exited with ${code} before "${type}"`)));
    });
  child.on('message', (m: ProducerMessage) => messages.push(m));
  await next('ready');

  ingest.forEach((w) => w.start());
  const rss = new PeakRss();
  const cpu0 = process.cpuUsage();
  const redisCpu0 = await redisCpu(server.url);
  const t0 = process.hrtime.bigint();
  child.send('go');
  const produced = (await next('done')) as Extract<ProducerMessage, { type: 'done' }>;
  await ingest[0].drainUntilEmpty({ pollMs: 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const redisCpuSeconds = (await redisCpu(server.url)) - redisCpu0;
  const peakRssMb = Math.round(rss.stop() / 1048576);
  await Promise.all(ingest.map((w) => w.stop()));
  const written = ingest.reduce((n, w) => n + w.figures.recordsWritten, 0);
  const inLake = lakeSink?.lake.count();
  await queue.destroy();
  await queue.close();
  await sink.close();
  rmSync(dataDir, { recursive: true, force: true });
  child.kill();
  if (written < job.records) throw new Error(`${phase}: ingested ${written} of ${job.records}`);
  if (inLake !== undefined && inLake !== job.records)
    throw new Error(`${phase}: the lake holds ${inLake} of ${job.records}`);
  return {
    recordsPerSecond: Math.round(job.records / seconds),
    seconds: round(seconds),
    producerSeconds: round(produced.seconds),
    producerCpuSeconds: round(produced.cpuSeconds),
    ingestCpuSeconds: round((cpu.user + cpu.system) / 1e6),
    redisCpuSeconds: round(redisCpuSeconds),
    ingestPeakRssMb: peakRssMb,
    backpressureWaits: produced.backpressureWaits,
    publishRetries: produced.publishRetries,
    cpuMicrosPerRecord: Math.round(
      ((produced.cpuSeconds + (cpu.user + cpu.system) / 1e6 + redisCpuSeconds) / job.records) * 1e6,
    ),
    recordsIngested: written,
    ...(inLake !== undefined ? { recordsInLake: inLake } : {}),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export async function run(args: BenchArgs): Promise<Figures> {
  const records = int(args.records, 100_000);
  const bytes = int(args.bytes, 2_048);
  const batch = int(args.batch, 500);
  const workers = int(args.workers, 2);
  const assets = args.assets === 'true';
  const phases = (args.phases ?? 'ceiling,queue,lake').split(',');
  const server = await startRedisServer({ appendonly: true, appendfsync: args.appendfsync ?? 'everysec' });
  try {
    const job = { records, bytes, batch, assets, maxEntries: int(args['max-entries'], 100_000) };
    const figures: Figures = {
      setup: {
        records,
        payloadBytes: Buffer.byteLength(JSON.stringify(benchEntry(0, bytes, 'x', assets))),
        batch,
        workers,
        assets,
      },
      redis: {
        appendonly: 'yes',
        appendfsync: args.appendfsync ?? 'everysec',
        version: (await serverVersion(server.url)) ?? 'unknown',
      },
    };
    if (phases.includes('ceiling'))
      figures.ceiling = await ceiling(server.url, records, bytes, batch, assets);
    if (phases.includes('queue')) figures.queue = await pipelinePhase(server, 'queue', job, workers);
    if (phases.includes('lake')) figures.lake = await pipelinePhase(server, 'lake', job, workers);
    const top = (figures.ceiling as { recordsPerSecond?: number } | undefined)?.recordsPerSecond;
    if (top) {
      for (const phase of ['queue', 'lake']) {
        const f = figures[phase] as { recordsPerSecond: number } | undefined;
        if (f) figures[`${phase}VsCeiling`] = round(f.recordsPerSecond / top);
      }
    }
    return figures;
  } finally {
    await server.stop();
  }
}

async function serverVersion(url: string): Promise<string | undefined> {
  const redis = new Redis(url);
  const info = (await redis.info('server')) as string;
  redis.disconnect();
  return /redis_version:([^\r\n]+)/.exec(info)?.[1];
}

/** The producer child: publishes the records in batches as fast as the queue takes them. */
async function producer(job: ProducerJob): Promise<void> {
  const queue = await RedisStreamQueue.connect({
    url: job.url,
    stream: job.stream,
    maxEntries: job.maxEntries,
  });
  // Content-hash ids are the collector's work, not the queue's: made before the clock starts.
  const ids = Array.from({ length: job.records }, (_, i) => benchId(job.runId, i));
  process.send!({ type: 'ready' } satisfies ProducerMessage);
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < job.records; i += job.batch) {
    const n = Math.min(job.batch, job.records - i);
    await queue.publish(
      Array.from({ length: n }, (_, k) => benchEntry(i + k, job.bytes, job.runId, job.assets, ids[i + k])),
    );
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const { backpressureWaits, publishRetries } = queue.figures;
  await queue.close();
  process.send!({
    type: 'done',
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    backpressureWaits,
    publishRetries,
  } satisfies ProducerMessage);
}

if (process.env.QUEUE_BENCH_PRODUCER) {
  producer(JSON.parse(process.env.QUEUE_BENCH_PRODUCER) as ProducerJob).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
