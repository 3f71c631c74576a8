import type { QueueEntry, Sink, SinkWriteResult } from '@connectors/framework/engine';
import { Lake } from './lake';
import type { LakeOptions } from './types';

/**
 * The lake as an ingestion sink. `write` commits the batch in one SQLite transaction before it
 * returns, so the worker may acknowledge the entries afterwards; replays are idempotent (records by
 * id, assets by identity, snapshot counts by distinct record id).
 */
export class LakeSink implements Sink {
  readonly name = 'lake';
  private readonly ownsLake: boolean;
  readonly lake: Lake;

  /** Pass a data directory to open (and later close) a lake, or an open `Lake` to share it. */
  constructor(lakeOrDataDir: Lake | string, options: LakeOptions = {}) {
    this.ownsLake = typeof lakeOrDataDir === 'string';
    this.lake = typeof lakeOrDataDir === 'string' ? Lake.open(lakeOrDataDir, options) : lakeOrDataDir;
  }

  async write(batch: readonly QueueEntry[]): Promise<SinkWriteResult> {
    return this.lake.writer.write(batch);
  }

  async close(): Promise<void> {
    if (this.ownsLake) this.lake.close();
  }
}
