// The checkpoint thread of `BackgroundCheckpoints`: its own connection to the lake file, folding the WAL
// into the database every few milliseconds, so that the writer's thread never waits on the copy and on
// the fsyncs a checkpoint makes.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointThreadData } from './lake.checkpoints';

const { file, intervalMs, walPages: shared } = workerData as CheckpointThreadData;
const walPages = new Int32Array(shared);
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

function checkpoint(): void {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  // The WAL's length: it starts over only after a checkpoint copied all of it before the next write,
  // which a writer that never pauses prevents. The writer reads this and then checkpoints itself.
  Atomics.store(walPages, 0, result.log);
}

const timer = setInterval(checkpoint, intervalMs);

parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  // The last connection to close folds the rest of the WAL in and removes it.
  db.close();
  parentPort!.close();
});
