// The simulator's pages as text, fetched once (keep-alive node:http, the plugin's search), for workers
// that time stages of the pipeline on the same real Cloud One objects.
import http from 'node:http';
import { buildEnvelope, type NormalizedRecord, type QueueEntry } from '@connectors/framework/engine';
import { int } from './args';
import { expandChoice, type CloudOneSetup, type ExpandChoice } from './cloudone';
import type { BenchArgs } from './types';

export interface PagesJob {
  baseUrl: string;
  records: number;
  pageSize: number;
  expand: ExpandChoice;
}

/** The page options of a scenario that works on the fetched pages (`--page-size`, `--expand`). */
export function pagesJobOf(args: BenchArgs, baseUrl: string, records: number): PagesJob {
  return { baseUrl, records, pageSize: int(args, 'page-size', 1000, 1), expand: expandChoice(args.expand) };
}

/** Every page of `POST /computers/search` (ID-greater-than paging), as the response texts. */
export function fetchPages(job: PagesJob, apiKey: string): Promise<string[]> {
  const url = new URL(job.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (afterId: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({
        maxItems: job.pageSize,
        sortByObjectID: true,
        searchCriteria: [{ idTest: 'greater-than', idValue: afterId }],
      });
      const expand =
        job.expand === 'all'
          ? 'expand=all'
          : 'expand=computerStatus&expand=interfaces&expand=allVirtualMachineSummaries';
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: `${url.pathname}/computers/search?${expand}`,
          agent,
          headers: {
            Authorization: `ApiKey ${apiKey}`,
            'api-version': 'v1',
            'Content-Type': 'application/json',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return (async () => {
    const pages: string[] = [];
    let afterId = 0;
    for (let i = 0; i <= job.records / job.pageSize + 1; i++) {
      const text = await post(afterId);
      const computers = (JSON.parse(text) as { computers: Array<{ ID: number }> }).computers;
      if (computers.length === 0) break;
      pages.push(text);
      afterId = computers[computers.length - 1].ID;
    }
    agent.destroy();
    return pages;
  })();
}

/** `items` in slices of `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A normalized computer's queue entry, as the pipeline builds it (in snapshot `snapshotId`). */
export function envelopeEntry(
  setup: CloudOneSetup,
  normalized: NormalizedRecord,
  now: number,
  snapshotId = 'bench',
): QueueEntry {
  return buildEnvelope({
    manifest: setup.manifest,
    instance: setup.instance,
    contentType: 'computers',
    normalized,
    now,
    snapshotId,
  }).entry;
}
