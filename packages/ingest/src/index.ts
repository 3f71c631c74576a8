export { IngestWorker } from './ingest.worker';
export { NdjsonSink, recordLines } from './ndjson.sink';
export { StdoutSink } from './stdout.sink';
export type {
  DrainOptions,
  IngestFigures,
  IngestWorkerOptions,
  NdjsonSinkOptions,
  StdoutSinkOptions,
} from './types';
