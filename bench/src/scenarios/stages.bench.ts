// stages: the host's CPU cost per record of each stage of the pipeline, measured one stage at a time on
// the same real Cloud One objects, to see where the end-to-end time goes and to compare builds.
//
//   npm run bench -- stages [--records 20000] [--page-size 1000] [--expand all|default] [--repeat 3]
//
// The simulator (own process) serves --records computers once; the worker keeps the page texts and
// then times, in its own fresh process, each stage over all records (after a warm-up pass), best of
// --repeat: parse (JSON.parse of the pages), page texts (framework adoptPageTexts: each computer's record
// text cut from the page; the engine's parse of a page does both, ADR 0008), normalize (plugin, on the whole computers), envelope (framework buildEnvelope),
// memory-queue (MemoryQueue publish + read + ack, in batches of a page), lake (LakeSink.write in
// batches of 500 into a fresh lake), ndjson (NdjsonSink.write, fsync per batch). Times include the
// garbage collection each stage causes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adoptPageTexts, type QueueEntry } from '@connectors/framework/engine';
import { NdjsonSink } from '@connectors/ingest';
import { LakeSink } from '@connectors/lake';
import { MemoryQueue } from '@connectors/queue-memory';
import { int, printTable } from '../args';
import { readStdin, runWorker, startSimulatorChild, workerMain } from '../children';
import { setUpCloudOne } from '../cloudone';
import { chunks, envelopeEntry, fetchPages, pagesJobOf, type PagesJob } from '../pages';
import { round } from '../proc';
import type { BenchArgs, Figures } from '../types';

interface Job extends PagesJob {
  repeat: number;
}

interface StageFigures {
  stage: string;
  microsPerRecord: number;
}

export async function run(args: BenchArgs): Promise<Figures> {
  const records = int(args, 'records', 20_000, 1);
  const sim = await startSimulatorChild({ computers: records, seed: args.seed });
  try {
    const job: Job = {
      ...pagesJobOf(args, sim.baseUrl, records),
      repeat: int(args, 'repeat', 3, 1),
    };
    const r = await runWorker<{ stages: StageFigures[]; avgRawBytes: number; avgEntryBytes: number }>({
      file: __filename,
      job,
      stdin: sim.apiKey,
    });
    // The embedded path as the product runs it: page items instead of the whole-page parse and the page
    // texts (shown for comparison), and the lake, not the NDJSON alternative.
    const offPath = (stage: string): boolean => /^(ndjson|parse|page texts)/.test(stage);
    const total = r.stages.filter((x) => !offPath(x.stage)).reduce((s, x) => s + x.microsPerRecord, 0);
    console.log();
    printTable(
      r.stages.map((s) => ({
        stage: s.stage,
        'µs/record': s.microsPerRecord,
        'share of the lake path': offPath(s.stage)
          ? '-'
          : `${Math.round((100 * s.microsPerRecord) / total)}%`,
      })),
    );
    console.log(
      `\npage items → normalize → envelope → memory queue → lake: ${round(total, 1)} µs/record ` +
        `(one thread could do at most ${Math.round(1e6 / total)} records/s); ` +
        `raw object ${r.avgRawBytes} B, queue entry ${r.avgEntryBytes} B`,
    );
    return { ...job, baseUrl: undefined, ...r, sumMicrosPerRecord: round(total, 1) };
  } finally {
    await sim.stop();
  }
}

// ---------------------------------------------------------------------------------------------------

/** Best time of `repeat` timed passes (after one warm-up pass), in µs per record. */
async function time(records: number, repeat: number, pass: () => Promise<void> | void): Promise<number> {
  await pass();
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    (global as { gc?: () => void }).gc?.();
    const t0 = process.hrtime.bigint();
    await pass();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000);
  }
  return round(best / records, 1);
}

async function worker(job: Job) {
  const apiKey = await readStdin();
  const setup = await setUpCloudOne({ ...job, apiKey });
  const pages = await fetchPages(job, apiKey);
  const parse = (): Array<Array<{ ID: number }>> =>
    pages.map((p) => (JSON.parse(p) as { computers: Array<{ ID: number }> }).computers);
  const parsed = parse();
  // As the engine's parse of a page does: each computer marked with its record text, cut from the page.
  const adoptAll = () => parsed.forEach((computers, i) => adoptPageTexts(pages[i], 'computers', computers));
  adoptAll();
  const raws = parsed.flat();
  const n = raws.length;
  const stages: StageFigures[] = [];
  const stage = async (name: string, pass: () => Promise<void> | void): Promise<void> => {
    stages.push({ stage: name, microsPerRecord: await time(n, job.repeat, pass) });
  };
  const normalizeAll = () => raws.map((raw) => setup.connector.normalize('computers', raw));
  const normalized = normalizeAll();
  const now = Date.now();
  const envelopeAll = (): QueueEntry[] => normalized.map((nr) => envelopeEntry(setup, nr, now));
  const entries = envelopeAll();

  await stage('parse (JSON.parse of the pages)', () => void parse());
  await stage('page texts (framework adoptPageTexts)', () => void adoptAll());
  await stage('normalize (plugin)', () => void normalizeAll());
  await stage('envelope (framework buildEnvelope)', () => void envelopeAll());
  await stage('memory queue (publish + read + ack)', async () => {
    const queue = new MemoryQueue({});
    for (const batch of chunks(entries, job.pageSize)) {
      await queue.publish(batch);
      const got = await queue.read({ consumer: 'c', count: batch.length, blockMs: 0 });
      await queue.ack(got.map((d) => d.deliveryId));
    }
    await queue.close();
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-stages-'));
  try {
    let pass = 0;
    await stage('lake (LakeSink.write, batches of 500)', async () => {
      // A fresh lake each pass: every record is an insert, as in a first collection.
      const sink = new LakeSink(path.join(dir, `lake-${pass++}`));
      for (const batch of chunks(entries, 500)) await sink.write(batch);
      await sink.close();
    });
    await stage('ndjson (NdjsonSink.write, batches of 500)', async () => {
      const sink = new NdjsonSink(path.join(dir, `records-${pass++}.ndjson`));
      for (const batch of chunks(entries, 500)) await sink.write(batch);
      await sink.close();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rawBytes = pages.reduce((s, p) => s + p.length, 0);
  const entryBytes = entries.slice(0, 1000).reduce((s, e) => s + JSON.stringify(e).length, 0);
  return {
    stages,
    avgRawBytes: Math.round(rawBytes / n),
    avgEntryBytes: Math.round(entryBytes / Math.min(1000, entries.length)),
  };
}

workerMain(module, worker);
