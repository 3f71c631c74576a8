// The product's data path as the host wires it: the plugin's collect → normalize → envelope → queue
// (in-process or Redis) → IngestWorker → sink (SQLite lake or NDJSON), with the host's own
// `runCollection`. Used by the e2e and memory-scale workers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSilentLogger, SystemClock, type Queue, type Sink } from '@connectors/framework';
import { ExcludeFilters, runCollection, type CollectionInput } from '@connectors/host';
import { IngestWorker } from '@connectors/ingest';
import { NdjsonSink } from '@connectors/ingest';
import { Lake, LakeSink, LakeThreadSink } from '@connectors/lake';
import { MemoryQueue } from '@connectors/queue-memory';
import { RedisStreamQueue } from '@connectors/queue-redis';
import type { CloudOneSetup } from './cloudone';

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
}

export interface PipelineResult {
  pages: number;
  published: number;
  ingested: number;
  batches: number;
  /** When the queue was drained (Date.now()) and this process's CPU usage then: the end of the measured run. */
  drainedAt: number;
  cpuAtDrain: NodeJS.CpuUsage;
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
    contentTypes: ['computers'],
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
  const worker = new IngestWorker({ queue, sinks: [sink], consumer: 'bench-ingest', blockMs: 100 });
  worker.start();
  const done = (async (): Promise<PipelineResult> => {
    try {
      const result = await runCollection(benchCollection(setup, queue, options.pagesInFlight));
      if (!result.complete) throw new Error(`the run was incomplete: ${JSON.stringify(result)}`);
      await worker.drainUntilEmpty({ pollMs: 5, timeoutMs: 3_600_000 });
      const drainedAt = Date.now();
      const cpuAtDrain = process.cpuUsage();
      return {
        drainedAt,
        cpuAtDrain,
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

function countLines(file: string): number {
  let n = 0;
  const text = readFileSync(file);
  for (let i = 0; i < text.length; i++) if (text[i] === 10) n++;
  return n;
}
