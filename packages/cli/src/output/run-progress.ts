import { SingleBar, Presets } from 'cli-progress';
import type { RunProgress, RunSummary } from '@connectors/host';
import type { CliIO } from '../context';
import { formatDuration } from './table';

/**
 * Progress of `connectors run`: a bar on a terminal (records ingested out of records published, with
 * pages, items, rate and queue backlog), nothing while it runs otherwise; a summary line at the end.
 */
export class RunProgressView {
  private bar?: SingleBar;
  private last?: RunProgress;

  constructor(io: CliIO, itemLabel: string, enabled: boolean) {
    if (enabled && io.stdout.isTTY) {
      this.bar = new SingleBar(
        {
          format: `{phase} |{bar}| {value}/{total} ingested | pages {pages} | ${itemLabel} {records} | {rate}/s | backlog {backlog}`,
          stream: io.stdout as NodeJS.WritableStream,
          hideCursor: true,
          clearOnComplete: false,
          noTTYOutput: false,
          etaBuffer: 20,
        },
        Presets.shades_classic,
      );
      this.bar.start(0, 0, { phase: 'collecting', pages: 0, records: 0, rate: 0, backlog: '-' });
    }
  }

  update(p: RunProgress): void {
    this.last = p;
    if (!this.bar) return;
    const ingested =
      p.backlog === undefined ? (p.phase === 'done' ? p.records : 0) : Math.max(0, p.records - p.backlog);
    this.bar.setTotal(Math.max(p.records, 1));
    this.bar.update(Math.min(ingested, p.records), {
      phase: p.phase.padEnd(10),
      pages: p.pages,
      records: p.records,
      rate: p.rate,
      backlog: p.backlog ?? '-',
    });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  get lastBacklog(): number | undefined {
    return this.last?.backlog;
  }
}

export function summaryLine(run: RunSummary, itemLabel: string): string {
  const rate = run.durationMs > 0 ? Math.round((run.records * 1000) / run.durationMs) : run.records;
  const parts = [
    `run "${run.name}" (${run.tenant}): ${run.ok ? 'ok' : 'FAILED'}`,
    `${run.records} ${itemLabel} published in ${run.pages} page${run.pages === 1 ? '' : 's'}`,
    `${run.filtered} filtered, ${run.truncated} truncated${run.invalid ? `, ${run.invalid} invalid` : ''}`,
    `${formatDuration(run.durationMs)}, ${rate}/s`,
  ];
  if (run.ingested !== undefined)
    parts.push(
      `ingested ${run.ingested}${run.ingestedBy ? ` by the cluster's ingest workers (${run.ingestedBy.join(', ')})` : ''}`,
    );
  return parts.join(' | ');
}
