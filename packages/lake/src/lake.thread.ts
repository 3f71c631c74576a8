// The lake thread of `LakeThreadSink`: opens the lake and commits the batches it is sent, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeEntry } from '@connectors/framework/engine';
import { Lake } from './lake';
import type { ThreadReply, ThreadRequest } from './lake.thread-sink';
import type { LakeThreadSinkOptions } from './types';

const { dataDir, options } = workerData as { dataDir: string; options: LakeThreadSinkOptions };
let lake: Lake | undefined;

function handle(request: ThreadRequest): ThreadReply {
  if (request.op === 'close') {
    lake?.close();
    lake = undefined;
    return { seq: request.seq, ok: true };
  }
  lake ??= Lake.open(dataDir, options);
  if (request.op === 'open') return { seq: request.seq, ok: true };
  return {
    seq: request.seq,
    ok: true,
    result: lake.writer.write(
      request.entries.map((fields) => decodeEntry(fields)),
      request.now,
    ),
  };
}

parentPort!.on('message', (request: ThreadRequest) => {
  let reply: ThreadReply;
  try {
    reply = handle(request);
  } catch (err) {
    const e = err as Error & { code?: unknown; hint?: unknown };
    reply = {
      seq: request.seq,
      ok: false,
      message: e.message,
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
    };
  }
  parentPort!.postMessage(reply);
});
