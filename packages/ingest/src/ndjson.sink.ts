import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import {
  jsonOf,
  type QueueEntry,
  type Sink,
  type SinkFailure,
  type SinkWriteResult,
} from '@connectors/framework/engine';
import type { NdjsonSinkOptions } from './types';

/** Remembers the last `size` ids, oldest forgotten first. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly size: number) {}
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): void {
    if (this.size <= 0 || this.ids.has(id)) return;
    this.ids.add(id);
    if (this.ids.size > this.size) this.ids.delete(this.ids.values().next().value as string);
  }
}

/** Builds one NDJSON line per record; entries without a record (snapshot markers) need no line. */
export function recordLines(
  batch: readonly QueueEntry[],
  skip: (id: string) => boolean,
): { text: string; ids: string[]; failures: SinkFailure[]; lines: number } {
  const parts: string[] = [];
  const ids: string[] = [];
  const failures: SinkFailure[] = [];
  batch.forEach((entry, index) => {
    if (entry?.kind !== 'record') return;
    const id = entry.record?.id;
    if (typeof id !== 'string' || id.length === 0) {
      failures.push({ index, reason: 'record has no id', retryable: false });
      return;
    }
    if (skip(id)) return;
    parts.push(jsonOf(entry.record));
    ids.push(id);
  });
  return { text: parts.length ? parts.join('\n') + '\n' : '', ids, failures, lines: parts.length };
}

/**
 * Appends each record as one JSON line to a file. A batch is written with one call and fsynced
 * before `write` returns, so an acknowledged record is on disk. Replays: ids written recently by this
 * process are skipped; a replay after a restart, or older than the window, appends the line again
 * with the same `id` — readers of the file dedupe by `id` (the line is byte-identical).
 */
export class NdjsonSink implements Sink {
  readonly name = 'ndjson';
  private handle?: FileHandle;
  private readonly fsync: boolean;
  private readonly recent: RecentIds;

  constructor(
    readonly file: string,
    options: NdjsonSinkOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
    this.recent = new RecentIds(options.dedupeWindow ?? 100_000);
  }

  async write(batch: readonly QueueEntry[]): Promise<SinkWriteResult> {
    const { text, ids, failures } = recordLines(batch, (id) => this.recent.has(id));
    if (text) {
      if (!this.handle) {
        mkdirSync(path.dirname(this.file), { recursive: true });
        this.handle = await open(this.file, 'a');
      }
      await this.handle.appendFile(text);
      if (this.fsync) await this.handle.datasync();
      ids.forEach((id) => this.recent.add(id));
    }
    return { written: batch.length - failures.length, failures };
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
