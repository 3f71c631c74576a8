import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  ConnectorError,
  encodeEntry,
  type QueueEntry,
  type Sink,
  type SinkFailure,
  type SinkWriteResult,
} from '@connectors/framework/engine';
import { PoisonEntryError, validateEntry } from './lake.writer';
import type { LakeThreadSinkOptions } from './types';

export type ThreadRequest =
  | { op: 'open'; seq: number }
  /** Entries in the queues' own layout (`encodeEntry`): the record's text and header, never parsed. */
  | { op: 'write'; seq: number; entries: string[][]; now: number }
  | { op: 'close'; seq: number };

export type ThreadReply =
  | { seq: number; ok: true; result?: SinkWriteResult }
  | { seq: number; ok: false; message: string; code?: string; hint?: string };

interface Waiter {
  resolve(reply: ThreadReply): void;
  reject(err: Error): void;
}

/**
 * The lake sink with SQLite on its own thread. Same contract as `LakeSink` — `write` resolves once the
 * batch is committed, replays are idempotent — but the SQLite work (a quarter of the embedded host's
 * CPU in the profile) runs on a worker thread, so on a machine with a second core the collector's
 * thread keeps normalizing while the previous batch is written. Records cross as their text plus
 * header (no parsed objects). If the thread dies, waiting writes fail (the ingest worker retries them)
 * and the next write starts a new thread.
 */
export class LakeThreadSink implements Sink {
  readonly name = 'lake';
  private worker?: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, Waiter>();
  private closed = false;

  private constructor(
    readonly dataDir: string,
    private readonly options: LakeThreadSinkOptions,
  ) {}

  /**
   * Starts the thread and opens (creating or migrating) the lake there, so a data directory that cannot
   * be opened fails here, with the lake's own error, rather than at the first batch.
   */
  static async open(dataDir: string, options: LakeThreadSinkOptions = {}): Promise<LakeThreadSink> {
    const sink = new LakeThreadSink(dataDir, options);
    try {
      await sink.call({ op: 'open', seq: ++sink.seq });
    } catch (err) {
      sink.closed = true;
      await sink.worker?.terminate();
      throw err;
    }
    return sink;
  }

  async write(batch: readonly QueueEntry[]): Promise<SinkWriteResult> {
    if (this.closed) {
      throw new ConnectorError('LAKE_CLOSED', 'the lake sink is closed', {
        hint: 'The host is shutting down; the batch stays in the queue for the next start.',
      });
    }
    const failures: SinkFailure[] = [];
    const entries: string[][] = [];
    const sent: number[] = [];
    batch.forEach((entry, index) => {
      try {
        validateEntry(entry);
      } catch (err) {
        if (!(err instanceof PoisonEntryError)) throw err;
        failures.push({ index, reason: err.message, retryable: false });
        return;
      }
      sent.push(index);
      entries.push(encodeEntry(entry).fields);
    });
    if (entries.length === 0) return { written: 0, failures };
    const reply = await this.call({ op: 'write', seq: ++this.seq, entries, now: Date.now() });
    const result = reply.ok ? reply.result : undefined;
    if (!result) return { written: 0, failures };
    for (const f of result.failures) failures.push({ ...f, index: sent[f.index] });
    failures.sort((a, b) => a.index - b.index);
    return { written: result.written, failures };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.call({ op: 'close', seq: ++this.seq });
    } finally {
      await worker.terminate();
    }
  }

  private call(request: ThreadRequest): Promise<ThreadReply> {
    const worker = this.thread();
    // Referenced only while a call waits: an idle lake thread must not keep the process alive, a
    // busy one must (a pending promise alone would not).
    if (this.waiting.size === 0) worker.ref();
    return new Promise<ThreadReply>((resolve, reject) => {
      const settle = (): void => {
        if (this.waiting.size === 0) worker.unref();
      };
      this.waiting.set(request.seq, {
        resolve: (reply) => {
          settle();
          if (reply.ok) return resolve(reply);
          // SQLite codes (transient ones included) and the lake's own codes survive the crossing.
          reject(new ConnectorError(reply.code ?? 'LAKE_WRITE_FAILED', reply.message, { hint: reply.hint }));
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      });
      worker.postMessage(request);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(__dirname, 'lake.thread.js'), {
      workerData: { dataDir: this.dataDir, options: this.options },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 48 },
    });
    worker.on('message', (reply: ThreadReply) => {
      const waiter = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      waiter?.resolve(reply);
    });
    const fail = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      const waiters = [...this.waiting.values()];
      this.waiting.clear();
      for (const w of waiters) w.reject(err);
    };
    worker.on('error', (err) =>
      fail(
        new ConnectorError('LAKE_THREAD_FAILED', `the lake thread failed: ${err.message}`, { cause: err }),
      ),
    );
    worker.on('exit', (code) =>
      fail(new ConnectorError('LAKE_THREAD_EXITED', `the lake thread exited (code ${code})`)),
    );
    this.worker = worker;
    return worker;
  }
}
