// The checkpoint thread of `BackgroundCheckpoints`: its own connection to the lake file, folding the WAL
// into the database every few milliseconds, so that the writer's thread never waits on the copy and on
// the fsyncs a checkpoint makes.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CLOSED, WAL_PAGES, type CheckpointThreadData } from './lake.checkpoints';

const { file, intervalMs, shared: buffer } = workerData as CheckpointThreadData;
const shared = new Int32Array(buffer);
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

function checkpoint(): void {
  // The row also says whether it was blocked and how many pages it copied; only the length is needed.
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>;
  // The WAL's length: it starts over only after a checkpoint copied all of it before the next write,
  // which a writer that never pauses prevents. The writer reads this and then checkpoints itself.
  Atomics.store(shared, WAL_PAGES, result.log);
}

const timer = setInterval(checkpoint, intervalMs);

parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  // Closed before the writer (which waits for this), so that the writer's connection is the last one:
  // it folds the rest of the WAL in and removes it before its close() returns, as without this thread.
  db.close();
  Atomics.store(shared, CLOSED, 1);
  Atomics.notify(shared, CLOSED);
  parentPort!.close();
});
