// envelope: where the framework's record envelope spends its time, on real normalized Cloud One
// computers. Compares the framework's `canonicalize` (copy-on-write prune of blanks in the order
// received + stringify, the input of the record id; ADR 0005) with a deep-copy prune and with what each
// part costs alone, to size the possible savings.
//
//   npm run bench -- envelope [--records 10000] [--repeat 5]
//
// In-process (a micro benchmark): the simulator's generator builds the objects (no HTTP), the plugin
// normalizes them once, then each variant runs over all records, best of --repeat after a warm-up.
// Then the vendor object alone (the computer as the record carries it under `trendmicro_cloudone`):
// prune + stringify of the parsed object, against a prototype that splits the page's text into
// computers and prunes each computer's text (src/text-prune.ts); `equalVendorTexts` counts the
// computers for which both give the same text. Last, what the product does (ADR 0006): the framework's
// `adoptPageTexts` over the page (`equalCutTexts` counts the texts equal to the framework's), and
// `buildEnvelope` from the marked page's computers, against the first row's `buildEnvelope` from
// computers parsed one by one.
import { createHash } from 'node:crypto';
import {
  adoptPageTexts,
  buildEnvelope,
  canonicalize,
  PRUNED_JSON,
  pruneShared,
} from '@connectors/framework/engine';
// Internal to the framework (not exported): measured here on purpose, it is the envelope's hot spot.
import { startSimulator } from '@connectors/cloudone-simulator';
import { int, printTable } from '../args';
import { setUpCloudOne } from '../cloudone';
import { round } from '../proc';
import { pruneJsonText, splitArrayItems } from '../text-prune';
import type { BenchArgs, Figures } from '../types';

/** A deep-copy prune (the canonical form before ADR 0005, without its key sort): every object copied. */
function pruneUnsorted(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const p = pruneUnsorted(item);
      if (p !== undefined) out.push(p);
    }
    return out.length ? out : undefined;
  }
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = pruneUnsorted(v);
    if (p !== undefined) {
      out[k] = p;
      any = true;
    }
  }
  return any ? out : undefined;
}

export async function run(args: BenchArgs): Promise<Figures> {
  const records = int(args, 'records', 10_000, 1);
  const repeat = int(args, 'repeat', 5, 1);
  const sim = await startSimulator({ computers: records, rateLimitPerMinute: 0 });
  let raws: unknown[];
  try {
    // Through JSON, as a client would see them (no shared structure with the generator).
    raws = [...sim.fleet.ids()].map((id) => JSON.parse(JSON.stringify(sim.fleet.computer(id, ['all']))));
  } finally {
    await sim.stop();
  }
  // The loopback simulator URL is accepted in development mode only (the workers set it the same way).
  process.env.CONNECTORS_DEV ??= '1';
  const setup = await setUpCloudOne({
    baseUrl: sim.baseUrl,
    apiKey: sim.apiKey,
    pageSize: 1000,
    expand: 'all',
  });
  const normalized = raws.map((raw) => setup.connector.normalize('computers', raw));
  const fields = normalized.map((n) => n.fields);
  const now = Date.now();

  const rows: Array<{ part: string; 'µs/record': number }> = [];
  const time = (part: string, pass: () => void): void => {
    pass();
    let best = Infinity;
    for (let i = 0; i < repeat; i++) {
      (global as { gc?: () => void }).gc?.();
      const t0 = process.hrtime.bigint();
      pass();
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000);
    }
    rows.push({ part, 'µs/record': round(best / fields.length, 1) });
  };
  const envelopeAll = (list: typeof normalized): void => {
    for (const n of list)
      buildEnvelope({
        manifest: setup.manifest,
        instance: setup.instance,
        contentType: 'computers',
        normalized: n,
        now,
        snapshotId: 's',
      });
  };
  time('buildEnvelope (whole)', () => envelopeAll(normalized));
  time('canonicalize (copy-on-write prune + stringify)', () => {
    for (const f of fields) canonicalize(f);
  });
  time('deep-copy prune + stringify', () => {
    for (const f of fields) JSON.stringify(pruneUnsorted(f));
  });
  time('JSON.stringify alone', () => {
    for (const f of fields) JSON.stringify(f);
  });
  const texts = fields.map((f) => JSON.stringify(f));
  time('sha256 of the record text', () => {
    for (const t of texts) createHash('sha256').update(t).digest('hex');
  });
  // The page as the API serves it (compact JSON, as the simulator writes it).
  const page = JSON.stringify({ computers: raws });
  time('vendor object: prune + stringify (framework)', () => {
    for (const raw of raws) canonicalize(raw);
  });
  time('vendor text: split the page + prune the text (prototype)', () => {
    for (const item of splitArrayItems(page)) pruneJsonText(item);
  });
  const parsedPage = (JSON.parse(page) as { computers: object[] }).computers;
  time('vendor text: the blanks cut out of the page (framework adoptPageTexts, round 7)', () => {
    adoptPageTexts(page, 'computers', parsedPage);
  });
  time('vendor object: prune alone (framework)', () => {
    for (const raw of raws) pruneShared(raw);
  });
  const marked = adoptPageTexts(page, 'computers', parsedPage);
  let equalCutTexts = 0;
  parsedPage.forEach((item, k) => {
    const cut = (item as { [PRUNED_JSON]?: string })[PRUNED_JSON];
    if (cut !== undefined && cut === canonicalize(raws[k])?.json) equalCutTexts++;
  });
  const normalizedFromPage = parsedPage.map((raw) => setup.connector.normalize('computers', raw));
  time('buildEnvelope (whole) from the marked page (round 7)', () => envelopeAll(normalizedFromPage));
  const items = splitArrayItems(page);
  let equalVendorTexts = 0;
  raws.forEach((raw, k) => {
    if (pruneJsonText(items[k]) === canonicalize(raw)?.json) equalVendorTexts++;
  });
  console.log();
  printTable(rows);
  console.log(`\nvendor texts equal to the framework's: ${equalVendorTexts} of ${raws.length}`);
  console.log(`page texts marked: ${marked}, equal to the framework's: ${equalCutTexts} of ${raws.length}`);
  return { records: fields.length, repeat, parts: rows, equalVendorTexts, marked, equalCutTexts };
}
