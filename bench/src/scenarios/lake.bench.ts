// lake: the lake's write cost per record taken apart. The same real entries (a first collection: every
// record and asset new) are written into a fresh lake per pass, with one part of the write switched off
// or one setting changed at a time, to see where the lake's share of the host thread goes.
//
//   npm run bench -- lake [--records 50000] [--batch 500] [--rounds 3] [--variants as-is,no-asset,…]
//
// Variants (entries held as the in-process queue holds them, so record and asset JSON are not redone):
//   as-is               LakeWriter as shipped
//   no-asset            entries without their asset: no asset row, identity index entry or change row
//   no-snapshot         entries without a snapshot id: no per-snapshot distinct record bookkeeping
//   no-record-indexes   the records table without its ts, tenant/ts and class/ts indexes
//   sync-off            synchronous = OFF: the bound on what the checkpoints' fsyncs cost (not an option:
//                       a power loss could then corrupt the lake)
//   page-N              a page size of N bytes (1024–65536) instead of 32 KiB
//   recollect           the steady state: the same computers collected again a minute later, into a lake
//                       that holds the first collection (written untimed): every record and asset updated
// Per variant: wall µs per record, the worker's user and system CPU µs per record, and the bytes the
// worker wrote per record (`wchar` of /proc/self/io: WAL frames, checkpoints, the database file), the
// median of --rounds passes (variants alternate within a round, so machine drift hits all alike).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { holdEntry, type QueueEntry } from '@connectors/framework/engine';
import { Lake, type LakeOptions } from '@connectors/lake';
import { int, list, printTable } from '../args';
import { readStdin, runWorker, startSimulatorChild, workerMain } from '../children';
import { setUpCloudOne } from '../cloudone';
import { chunks, envelopeEntry, fetchPages, pagesJobOf, type PagesJob } from '../pages';
import { percentile } from '../measure';
import { bytesWrittenSelf, round } from '../proc';
import type { BenchArgs, Figures } from '../types';

const VARIANTS = ['as-is', 'no-asset', 'no-snapshot', 'no-record-indexes', 'sync-off', 'recollect'];

interface Job extends PagesJob {
  batch: number;
  rounds: number;
  variants: string[];
}

interface Pass {
  wallUs: number;
  userUs: number;
  systemUs: number;
  writtenKb: number;
}

interface VariantFigures extends Pass {
  variant: string;
  passes: Pass[];
}

export async function run(args: BenchArgs): Promise<Figures> {
  const variants = list(args, 'variants', VARIANTS);
  for (const v of variants) lakeOptionsOf(v);
  const records = int(args, 'records', 50_000, 1);
  const sim = await startSimulatorChild({ computers: records, seed: args.seed });
  try {
    const job: Job = {
      ...pagesJobOf(args, sim.baseUrl, records),
      batch: int(args, 'batch', 500, 1),
      rounds: int(args, 'rounds', 3, 1),
      variants,
    };
    const r = await runWorker<{ variants: VariantFigures[] }>({ file: __filename, job, stdin: sim.apiKey });
    const base = r.variants.find((v) => v.variant === 'as-is');
    console.log();
    printTable(
      r.variants.map((v) => ({
        variant: v.variant,
        'wall µs/record': v.wallUs,
        'user µs/record': v.userUs,
        'system µs/record': v.systemUs,
        'KB written/record': v.writtenKb,
        'wall vs as-is':
          base && v !== base ? `${round((100 * (v.wallUs - base.wallUs)) / base.wallUs)}%` : '-',
        'all passes, wall µs': v.passes.map((p) => p.wallUs).join(' · '),
      })),
    );
    return { ...job, baseUrl: undefined, ...r };
  } finally {
    await sim.stop();
  }
}

/** The Lake options a variant opens with; throws for an unknown variant (before any work starts). */
function lakeOptionsOf(variant: string): LakeOptions {
  const page = /^page-(\d+)$/.exec(variant);
  if (page) {
    const size = Number(page[1]);
    // SQLite takes powers of two from 512 to 65536 and silently keeps its default for anything else.
    if (size < 1024 || size > 65536 || (size & (size - 1)) !== 0) {
      throw new Error(`--variants ${variant}: a page size is a power of two from 1024 to 65536`);
    }
    return { pageSize: size };
  }
  if (!VARIANTS.includes(variant)) {
    throw new Error(`--variants: unknown variant ${variant} (known: ${VARIANTS.join(', ')}, page-N)`);
  }
  return {};
}

function entriesOf(variant: string, entries: readonly QueueEntry[]): readonly QueueEntry[] {
  if (variant !== 'no-asset' && variant !== 'no-snapshot') return entries;
  return entries.map((e) => {
    if (e.kind !== 'record') return e;
    const copy = { ...e };
    if (variant === 'no-asset') delete copy.asset;
    else delete copy.snapshotId;
    return copy;
  });
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

function writeAll(lake: Lake, variant: string, entries: readonly QueueEntry[], batch: number): void {
  for (const slice of chunks(entries, batch)) {
    const r = lake.writer.write(slice);
    if (r.failures.length > 0) throw new Error(`${variant}: ${r.failures[0].reason}`);
  }
}

function timeOnePass(
  dir: string,
  variant: string,
  entries: readonly QueueEntry[],
  batch: number,
  before?: readonly QueueEntry[],
): Pass {
  const lake = Lake.open(dir, lakeOptionsOf(variant));
  try {
    if (before) writeAll(lake, variant, before, batch);
    if (variant === 'no-record-indexes') {
      lake.db.exec('DROP INDEX records_ts; DROP INDEX records_tenant_ts; DROP INDEX records_class_ts;');
    }
    if (variant === 'sync-off') lake.db.pragma('synchronous = OFF');
    (global as { gc?: () => void }).gc?.();
    const written0 = bytesWrittenSelf();
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    writeAll(lake, variant, entries, batch);
    const wall = Number(process.hrtime.bigint() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const n = entries.length;
    return {
      wallUs: round(wall / n, 1),
      userUs: round(cpu.user / n, 1),
      systemUs: round(cpu.system / n, 1),
      writtenKb: round((bytesWrittenSelf() - written0) / 1024 / n, 1),
    };
  } finally {
    lake.close();
  }
}

async function worker(job: Job) {
  const apiKey = await readStdin();
  const setup = await setUpCloudOne({ ...job, apiKey });
  const pages = await fetchPages(job, apiKey);
  const collect = (now: number, snapshotId: string): QueueEntry[] =>
    pages.flatMap((page) =>
      (JSON.parse(page) as { computers: unknown[] }).computers.map((raw) =>
        holdEntry(envelopeEntry(setup, setup.connector.normalize('computers', raw), now, snapshotId)),
      ),
    );
  const now = Date.now();
  const entries = collect(now, 'bench');
  // The next run a minute later: the same record ids (same content), a later timestamp, its own snapshot.
  const again = job.variants.includes('recollect') ? collect(now + 60_000, 'bench-next') : undefined;
  const idOf = (e: QueueEntry | undefined): string | undefined =>
    e?.kind === 'record' ? e.record.id : undefined;
  if (again && idOf(again[0]) !== idOf(entries[0])) throw new Error('recollect: the record ids changed');
  const root = mkdtempSync(path.join(tmpdir(), 'bench-lake-'));
  const passes = new Map<string, Pass[]>(job.variants.map((v) => [v, []]));
  const inputs = new Map(job.variants.map((v) => [v, entriesOf(v, entries)]));
  try {
    for (let r = 0; r < job.rounds; r++) {
      for (const variant of job.variants) {
        const dir = path.join(root, `${variant}-${r}`);
        const pass =
          variant === 'recollect'
            ? timeOnePass(dir, variant, again!, job.batch, entries)
            : timeOnePass(dir, variant, inputs.get(variant)!, job.batch);
        passes.get(variant)!.push(pass);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return {
    variants: job.variants.map((variant): VariantFigures => {
      const p = passes.get(variant)!;
      return {
        variant,
        wallUs: median(p.map((x) => x.wallUs)),
        userUs: median(p.map((x) => x.userUs)),
        systemUs: median(p.map((x) => x.systemUs)),
        writtenKb: median(p.map((x) => x.writtenKb)),
        passes: p,
      };
    }),
  };
}

workerMain(module, worker);
