import { concatMap, from, finalize, tap, type Subscription } from 'rxjs';
import {
  buildEnvelope,
  CancelledError,
  toConnectorError,
  type Clock,
  type CollectedPage,
  type Connector,
  type ConnectorInstanceInfo,
  type ConnectorManifest,
  type Logger,
  type Queue,
  type QueueEntry,
  type ResolvedConfig,
  type SnapshotMarker,
} from '@connectors/framework/engine';
import { PageGate, type PageBudget } from './page-demand';
import type { ExcludeFilters } from '../filters/log-filter';
import type { RunFigures } from '../types';

export interface CollectionInput {
  connector: Connector;
  manifest: ConnectorManifest;
  instance: ConnectorInstanceInfo;
  config: ResolvedConfig;
  contentTypes: string[];
  queue: Queue;
  filters: ExcludeFilters;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  runId: string;
  /** Called after each page is published. */
  onPage?(figures: RunFigures): void;
  /** Called before every publish; throws to stop the run (its lease is lost or overdue). */
  beforePublish?(): void;
  /** How long the end markers of a run that did not complete may wait for the queue (default 10 000 ms). */
  settleMs?: number;
  /**
   * Pages this run may hold at once (default 2: the next page is fetched while the previous one is
   * normalized and published; 1 fetches strictly one after the other).
   */
  pagesInFlight?: number;
  /**
   * Pages in flight across every run of the host (`HostOptions.pagesInFlight`): the run's first page
   * waits for a permit, a look-ahead page is fetched only when one is free. Without it the run is bound
   * by `pagesInFlight` alone.
   */
  pageBudget?: PageBudget;
}

export interface CollectionResult extends RunFigures {
  /** Whether every page of every content type was collected and every object normalized. */
  complete: boolean;
}

const INVALID_LOG_LIMIT = 5;

/**
 * The next turn of the event loop. A page is built (normalize → envelope) in one synchronous stretch;
 * started from inside the plugin's emission, it would run before the plugin asks for its look-ahead page,
 * so the next fetch would never overlap the build and the host would wait for the vendor on every page.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function emptyFigures(): RunFigures {
  return { pages: 0, records: 0, filtered: 0, truncated: 0, invalid: 0, assets: 0, byContentType: {} };
}

/**
 * One collection run: `collect` → per page: normalize → envelope → exclude filters → publish.
 * Pull-style: a page is held on the gate from the moment it is emitted until the queue accepted it,
 * and the plugin asks the gate before fetching the next one, so at most `pagesInFlight` pages (two by
 * default: one being published, the next one fetched meanwhile) are in memory and a full queue pauses
 * the vendor crawl instead of dropping data. With a `pageBudget` each of those pages also holds one of
 * the host's permits, taken before it is fetched. Content types that yield assets are
 * bracketed by snapshot markers; the end marker says whether the snapshot is complete.
 */
export async function runCollection(input: CollectionInput): Promise<CollectionResult> {
  const { manifest, instance, queue, clock, logger, signal } = input;
  const figures = emptyFigures();
  const gate = new PageGate(input.pagesInFlight ?? 2, input.pageBudget);
  const snapshots = new Map<string, string>();
  // Ids published on the previous page of each content type: a vendor's paging that shifts repeats an
  // object across a page boundary, and the snapshot's count must be of distinct records (the lake's).
  const previousIds = new Map<string, Set<string>>();
  let invalidLogged = 0;

  for (const ct of input.contentTypes) {
    figures.byContentType[ct] = { pages: 0, records: 0, filtered: 0 };
    const spec = manifest.contentTypes.find((c) => c.id === ct);
    if (spec?.yieldsAssets) snapshots.set(ct, `${input.runId}:${ct}`);
  }
  const marker = (ct: string, phase: 'start' | 'end', extra: Partial<SnapshotMarker> = {}): QueueEntry => ({
    kind: 'snapshot',
    marker: {
      snapshotId: snapshots.get(ct)!,
      phase,
      tenant_id: instance.tenant,
      connectorId: instance.id,
      contentType: ct,
      at: clock.now(),
      ...extra,
    },
  });

  input.beforePublish?.();
  if (snapshots.size)
    await queue.publish(
      [...snapshots.keys()].map((ct) => marker(ct, 'start')),
      { signal },
    );

  const processPage = async (page: CollectedPage): Promise<void> => {
    await nextTurn();
    const ct = page.contentType;
    const perType = (figures.byContentType[ct] ??= { pages: 0, records: 0, filtered: 0 });
    const now = clock.now();
    const snapshotId = snapshots.get(ct);
    const entries: QueueEntry[] = [];
    let truncated = 0;
    let assets = 0;
    let filtered = 0;
    const seenBefore = previousIds.get(ct);
    const pageIds = new Set<string>();
    for (const raw of page.items) {
      let entry: Extract<QueueEntry, { kind: 'record' }>;
      try {
        const normalized = input.connector.normalize(ct, raw);
        const out = buildEnvelope({ manifest, instance, contentType: ct, normalized, now, snapshotId });
        entry = out.entry;
        if (out.truncated) truncated++;
      } catch (err) {
        figures.invalid++;
        if (invalidLogged++ < INVALID_LOG_LIMIT) {
          logger.warn(
            { err: toConnectorError(err), contentType: ct, page: page.page },
            'an object could not be normalized',
          );
        }
        continue;
      }
      if (!input.filters.empty && input.filters.excludes(entry.record)) {
        filtered++;
        continue;
      }
      const id = entry.record.id;
      if (pageIds.has(id) || seenBefore?.has(id)) continue;
      pageIds.add(id);
      if (entry.asset) assets++;
      entries.push(entry);
    }
    if (snapshotId) previousIds.set(ct, pageIds);
    input.beforePublish?.();
    if (entries.length) await queue.publish(entries, { signal });
    figures.pages++;
    figures.records += entries.length;
    figures.filtered += filtered;
    figures.truncated += truncated;
    figures.assets += assets;
    perType.pages++;
    perType.records += entries.length;
    perType.filtered += filtered;
    input.onPage?.(figures);
  };

  let complete = false;
  try {
    // A plugin fetches its first page on subscription without asking, so the permit for it is taken
    // here: a run that started holds no page until the host's budget has room for one.
    await gate.ready(signal).catch((err) => {
      throw signal.aborted ? new CancelledError('the run was cancelled') : err;
    });
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new CancelledError('the run was cancelled'));
      let subscription: Subscription | undefined = undefined;
      const onAbort = (): void => {
        subscription?.unsubscribe();
        reject(new CancelledError('the run was cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const stream = input.connector.collect({
        config: input.config,
        instance,
        logger,
        signal,
        contentTypes: input.contentTypes,
        demand: gate,
      });
      subscription = stream
        .pipe(
          // Held at emission (not when concatMap gets to it), so a plugin asking for demand waits.
          tap(() => gate.hold()),
          concatMap((page) => from(processPage(page)).pipe(finalize(() => gate.release()))),
        )
        .subscribe({
          error: (err) => {
            signal.removeEventListener('abort', onAbort);
            reject(err);
          },
          complete: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        });
    });
    complete = figures.invalid === 0;
  } finally {
    // Permits taken for fetches that brought no page (end of data, a failure, a cancellation) go back
    // before the end markers, which may wait for a full queue.
    gate.close();
    if (snapshots.size) {
      const ends = [...snapshots.keys()].map((ct) =>
        marker(ct, 'end', { complete, count: figures.byContentType[ct]?.records ?? 0 }),
      );
      // The end marker of a failed run is best effort ("incomplete" only prevents removals), bounded so
      // that a cancelled run ends while the queue is unreachable or full.
      const settle = AbortSignal.timeout(input.settleMs ?? 10_000);
      await queue.publish(ends, { signal: complete ? signal : settle }).catch((err) => {
        if (complete) throw err;
        logger.warn({ err: toConnectorError(err) }, 'could not publish the end of an incomplete snapshot');
      });
    }
  }
  return { ...figures, complete };
}
