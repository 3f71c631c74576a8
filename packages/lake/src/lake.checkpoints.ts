import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** SQLite's own default: a checkpoint on commit once the WAL holds this many pages. */
const INLINE_CHECKPOINT_PAGES = 1000;

/** How long `stop` waits for the thread to close its connection (it may be in a checkpoint). */
const STOP_WAIT_MS = 10_000;

/** Slots of the Int32Array the writer and the thread share. */
export const WAL_PAGES = 0; // the WAL's length in pages at the thread's last checkpoint
export const CLOSED = 1; // 1 once the thread has closed its connection

/** What the checkpoint thread is started with. */
export interface CheckpointThreadData {
  file: string;
  intervalMs: number;
  shared: SharedArrayBuffer;
}

export interface BackgroundCheckpointOptions {
  file: string;
  intervalMs: number;
  /** WAL pages past which the writer checkpoints itself after a commit, so that the WAL starts over. */
  restartPages: number;
}

/**
 * Moves the lake's WAL checkpoints off the writer's thread. SQLite checkpoints on commit by default, in
 * the writer: it copies the WAL's pages into the database and waits for two fsyncs, in the middle of the
 * host's event loop, which then neither collects nor ingests. Here
 * the writer's connection never checkpoints (`wal_autocheckpoint = 0`) and a worker thread with its own
 * connection does it every `intervalMs`. If the thread dies, the writer checkpoints on commit again.
 */
export class BackgroundCheckpoints {
  private readonly worker: Worker;
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private readonly restartPages: number;
  private running = true;

  constructor(
    private readonly db: Database.Database,
    options: BackgroundCheckpointOptions,
  ) {
    this.restartPages = options.restartPages;
    const data: CheckpointThreadData = {
      file: options.file,
      intervalMs: options.intervalMs,
      shared: this.shared.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(path.join(__dirname, 'lake.checkpoint-thread.js'), {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
    });
    // Checkpoints are housekeeping: they must not keep a finished process alive.
    this.worker.unref();
    // Only once the thread exists (a failure to start it leaves SQLite's own checkpoints on).
    db.pragma('wal_autocheckpoint = 0');
    const fallBack = (): void => {
      if (!this.running) return;
      this.running = false;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`);
    };
    this.worker.on('error', fallBack);
    this.worker.on('exit', fallBack);
  }

  /** Whether the thread still does the checkpoints (false once stopped or if it died). */
  get active(): boolean {
    return this.running;
  }

  /**
   * Called by the writer after each commit. The WAL starts over only once a checkpoint has copied all of
   * it before the next write; a writer that never pauses (a backlog being drained) keeps the thread's
   * checkpoints from getting there, and the WAL would grow without end. Past `restartPages` the writer
   * checkpoints itself, between its transactions, as SQLite's own checkpoint on commit would.
   */
  afterCommit(): void {
    if (!this.running || Atomics.load(this.shared, WAL_PAGES) < this.restartPages) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      Atomics.store(this.shared, WAL_PAGES, 0);
    } catch {
      // The batch is committed either way; the next commit tries again.
    }
  }

  /**
   * Stops the thread and waits until it has closed its connection, so that the writer's close, the last
   * one, folds the rest of the WAL in and removes it before it returns: whoever opens the lake next (a
   * query right after a run) finds no checkpoint going on.
   */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.worker.postMessage('stop');
    // Blocks this thread only; the checkpoint thread answers from its own event loop.
    Atomics.wait(this.shared, CLOSED, 0, STOP_WAIT_MS);
  }

  /** @internal For tests: the thread, to make it fail. */
  get thread(): Worker {
    return this.worker;
  }
}
