import type { QueueEntry, Sink, SinkWriteResult } from '@connectors/framework/engine';
import { recordLines } from './ndjson.sink';
import type { StdoutSinkOptions } from './types';

/**
 * Prints each record as one JSON line (to stdout by default), waiting for the stream to drain so a
 * slow terminal or pipe pushes back instead of buffering without bound. No dedupe: a redelivered
 * record prints again.
 */
export class StdoutSink implements Sink {
  readonly name = 'stdout';
  private readonly stream: NodeJS.WritableStream;

  constructor(options: StdoutSinkOptions = {}) {
    this.stream = options.stream ?? process.stdout;
  }

  async write(batch: readonly QueueEntry[]): Promise<SinkWriteResult> {
    const { text, failures } = recordLines(batch, () => false);
    if (text) {
      await new Promise<void>((resolve, reject) => {
        const ok = this.stream.write(text, (err?: Error | null) => (err ? reject(err) : undefined));
        if (ok) resolve();
        else this.stream.once('drain', () => resolve());
      });
    }
    return { written: batch.length - failures.length, failures };
  }

  async close(): Promise<void> {
    // The stream belongs to the caller (process.stdout must stay open).
  }
}
