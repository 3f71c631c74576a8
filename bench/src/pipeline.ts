// The product's data path as the host wires it: the plugin's collect → normalize → envelope → queue
// (in-process or Redis) → IngestWorker → sink (SQLite lake or NDJSON), with the host's own
// `runCollection`. Used by the e2e and memory-scale workers.
import { closeSync, openSync, readSync } from 'node:fs';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  createSilentLogger,
  decodeEntry,
  SystemClock,
  type Queue,
  type Sink,
} from '@connectors/framework/engine';
import { ExcludeFilters, hostIngestReading, runCollection, type CollectionInput } from '@connectors/host';
import { IngestWorker } from '@connectors/ingest';
import { NdjsonSink } from '@connectors/ingest';
import { Lake, LakeSink, LakeThreadSink } from '@connectors/lake';
import { MemoryQueue } from '@connectors/queue-memory';
import { RedisStreamQueue } from '@connectors/queue-redis';
import type { CloudOneSetup, CloudOneSetupOptions } from './cloudone';
import { threadSelfCpuSeconds } from './proc';
import type {
  CollectThreadAck,
  CollectThreadData,
  CollectThreadDone,
  CollectThreadMessage,
} from './collect-thread';

export type QueueKind = 'memory' | 'redis';
export type SinkKind = 'lake' | 'ndjson';

export interface PipelineOptions {
  setup: CloudOneSetup;
  queue: QueueKind;
  sink: SinkKind;
  /** Data directory of the lake or the NDJSON file. */
  dir: string;
  redisUrl?: string;
  /** Backlog bound of the in-process queue in entries (MemoryQueue default 10,000). */
  queueMaxEntries?: number;
  /** Count what the sink holds at the end (a full scan of the lake or the file). */
  verify?: boolean;
  /** The lake on its own thread (`LakeThreadSink`) or on the host's thread (`LakeSink`, the host's default). */
  lakeThread?: boolean;
  /** Pages a collection may hold (the host's default 2: one page of look-ahead). */
  pagesInFlight?: number;
  /**
   * Experiment: collect on a worker thread (fetch → envelope, `collect-thread.ts`) with these plugin
   * settings instead of `setup` on this thread; the queue, ingest and sink stay here.
   */
  collectThread?: CloudOneSetupOptions;
}

export interface PipelineResult {
  pages: number;
  published: number;
  ingested: number;
  batches: number;
  /** When the queue was drained (Date.now()) and this process's CPU usage then: the end of the measured run. */
  drainedAt: number;
  cpuAtDrain: NodeJS.CpuUsage;
  /** This thread's event-loop utilization then (`performance.eventLoopUtilization()`). */
  eluAtDrain: EventLoopUtilization;
  /** This thread's own CPU seconds then (`threadSelfCpuSeconds()`). */
  threadCpuAtDrain: number;
  /** With `collectThread`: how long the collection thread's event loop was busy (ms) and its CPU (s). */
  collectThread?: Pick<CollectThreadDone, 'busyMs' | 'cpuSeconds'>;
  /** What the sink holds at the end (when verified). */
  stored?: number;
}

export interface RunningPipeline {
  /** Records committed by the sink and acknowledged so far. */
  ingested(): number;
  done: Promise<PipelineResult>;
}

/** Starts the collection and the ingest worker; `done` resolves once the queue is drained. */
/** The collection of a bench run: the Cloud One computers into `queue`, no filters, no cancellation. */
export function benchCollection(setup: CloudOneSetup, queue: Queue, pagesInFlight?: number): CollectionInput {
  return {
    connector: setup.connector,
    manifest: setup.manifest,
    instance: setup.instance,
    config: setup.config,
    contentTypes: setup.contentTypes ?? ['computers'],
    queue,
    filters: new ExcludeFilters([]),
    clock: new SystemClock(),
    logger: createSilentLogger(),
    signal: new AbortController().signal,
    runId: 'bench-run',
    ...(pagesInFlight ? { pagesInFlight } : {}),
  };
}

/** The lake sink as the host opens it: on the host's thread, or with `thread` on its own. */
export async function openLakeSink(dir: string, thread = false): Promise<Sink> {
  return thread ? LakeThreadSink.open(dir) : new LakeSink(dir);
}

export async function startPipeline(options: PipelineOptions): Promise<RunningPipeline> {
  const { setup } = options;
  const queue: Queue =
    options.queue === 'memory'
      ? new MemoryQueue(options.queueMaxEntries ? { maxEntries: options.queueMaxEntries } : {})
      : await RedisStreamQueue.connect({ url: options.redisUrl, stream: 'connectors:bench' });
  const ndjsonFile = path.join(options.dir, 'records.ndjson');
  const sink: Sink =
    options.sink === 'lake'
      ? await openLakeSink(options.dir, options.lakeThread)
      : new NdjsonSink(ndjsonFile);
  // Batches and read ahead as the host sets them.
  const worker = new IngestWorker({
    queue,
    sinks: [sink],
    consumer: 'bench-ingest',
    blockMs: 100,
    ...hostIngestReading({
      redis: options.queue === 'redis',
      lakeOnThisThread: options.sink === 'lake' && !options.lakeThread,
    }),
  });
  worker.start();
  const done = (async (): Promise<PipelineResult> => {
    try {
      const threaded = options.collectThread
        ? await collectOnThread(queue, { setup: options.collectThread, pagesInFlight: options.pagesInFlight })
        : undefined;
      const result = threaded ?? (await runCollection(benchCollection(setup, queue, options.pagesInFlight)));
      if (!result.complete) throw new Error(`the run was incomplete: ${JSON.stringify(result)}`);
      await worker.drainUntilEmpty({ pollMs: 5, timeoutMs: 3_600_000 });
      const drainedAt = Date.now();
      const cpuAtDrain = process.cpuUsage();
      const eluAtDrain = performance.eventLoopUtilization();
      const threadCpuAtDrain = threadSelfCpuSeconds();
      return {
        drainedAt,
        cpuAtDrain,
        eluAtDrain,
        threadCpuAtDrain,
        ...(threaded ? { collectThread: { busyMs: threaded.busyMs, cpuSeconds: threaded.cpuSeconds } } : {}),
        pages: result.pages,
        published: result.records,
        ingested: worker.figures.recordsWritten,
        batches: worker.figures.batches,
      };
    } finally {
      await worker.stop();
      await sink.close();
      await queue.close();
    }
  })();
  return {
    ingested: () => worker.figures.recordsWritten,
    done: done.then((r) => {
      if (!options.verify) return r;
      if (options.sink === 'lake') {
        const lake = Lake.open(options.dir, { readonly: true });
        try {
          return { ...r, stored: lake.count() };
        } finally {
          lake.close();
        }
      }
      return { ...r, stored: countLines(ndjsonFile) };
    }),
  };
}

/** Lines in the file, read 1 MiB at a time: reading it whole put the file's size on the host's peak RSS. */
function countLines(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let n = 0;
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      for (let i = 0; i < read; i++) if (chunk[i] === 10) n++;
    }
    return n;
  } finally {
    closeSync(fd);
  }
}

/** Runs `collect-thread.ts` and publishes what it sends to `queue`, acknowledging each batch once accepted. */
function collectOnThread(queue: Queue, data: CollectThreadData): Promise<CollectThreadDone> {
  const worker = new Worker(path.join(__dirname, 'collect-thread.js'), { workerData: data });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: CollectThreadMessage) => {
      if (m.t === 'publish') {
        queue.publish(m.entries.map(decodeEntry)).then(
          () => worker.postMessage({ seq: m.seq } satisfies CollectThreadAck),
          (err: Error) => worker.postMessage({ seq: m.seq, error: err.message } satisfies CollectThreadAck),
        );
      } else if (m.t === 'done') resolve(m);
      else reject(new Error(`collection thread: ${m.message}`));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`collection thread exited with ${code}`)));
  });
}
