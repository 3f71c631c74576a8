// Experiment (bench only, not a host feature): the collection of one run — fetch, parse, normalize,
// envelope, encode — on a worker thread, the queue, ingest and the lake on the main thread. It measures
// what moving the collection off the host's thread would buy on this machine. Entries cross in the
// queues' own layout (`encodeEntry` here, `decodeEntry` there).
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { encodeEntry, type Queue, type QueueEntry } from '@connectors/framework/engine';
import { runCollection } from '@connectors/host';
import { setUpCloudOne, type CloudOneSetupOptions } from './cloudone';
import { benchCollection } from './pipeline';
import { threadSelfCpuSeconds } from './proc';

/** What the main thread sends the collection thread. */
export interface CollectThreadData {
  setup: CloudOneSetupOptions;
  pagesInFlight?: number;
}

/** The collection thread's last message when the run ended. */
export interface CollectThreadDone {
  t: 'done';
  pages: number;
  records: number;
  complete: boolean;
  /** Time this thread's event loop was busy during the collection, ms. */
  busyMs: number;
  /** CPU this thread spent on the collection, s. */
  cpuSeconds: number;
}

/** Collection thread → main thread. */
export type CollectThreadMessage =
  { t: 'publish'; seq: number; entries: string[][] } | CollectThreadDone | { t: 'failed'; message: string };

/** Main thread → collection thread: the publish `seq` was accepted by the queue (or failed). */
export interface CollectThreadAck {
  seq: number;
  error?: string;
}

async function main(): Promise<void> {
  const port = parentPort!;
  const data = workerData as CollectThreadData;
  const waiting = new Map<number, { resolve(): void; reject(err: Error): void }>();
  let seq = 0;
  port.on('message', (ack: CollectThreadAck) => {
    const w = waiting.get(ack.seq);
    waiting.delete(ack.seq);
    if (ack.error) w?.reject(new Error(ack.error));
    else w?.resolve();
  });
  // Only `publish` is called by runCollection; the rest of the Queue contract belongs to the main thread.
  const queue = {
    publish(entries: QueueEntry[]): Promise<void> {
      const s = ++seq;
      const encoded = entries.map((e) => encodeEntry(e).fields);
      return new Promise<void>((resolve, reject) => {
        waiting.set(s, { resolve, reject });
        port.postMessage({ t: 'publish', seq: s, entries: encoded } satisfies CollectThreadMessage);
      });
    },
  } as unknown as Queue;
  try {
    const setup = await setUpCloudOne(data.setup);
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = threadSelfCpuSeconds();
    const r = await runCollection(benchCollection(setup, queue, data.pagesInFlight));
    port.postMessage({
      t: 'done',
      pages: r.pages,
      records: r.records,
      complete: r.complete,
      busyMs: performance.eventLoopUtilization(elu0).active,
      cpuSeconds: threadSelfCpuSeconds() - cpu0,
    } satisfies CollectThreadMessage);
  } catch (err) {
    port.postMessage({
      t: 'failed',
      message: String((err as Error)?.stack ?? err),
    } satisfies CollectThreadMessage);
  } finally {
    port.close();
  }
}

// main() reports every failure to the parent as a `failed` message; it never rejects.
if (parentPort) void main();
