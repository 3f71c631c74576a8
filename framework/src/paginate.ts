import { Observable } from 'rxjs';
import { CancelledError } from './errors';
import type { CollectedPage, PageDemand } from './types';

export interface PageResult<TItem, TCursor> {
  items: readonly TItem[];
  /** The cursor of the next page, or null when this was the last page. */
  next: TCursor | null;
}

export interface PaginateOptions<TItem, TCursor> {
  contentType: string;
  /**
   * The first page's cursor. Null or absent means "the first page": `fetchPage` is called once with
   * `null` (a cursor API's first request carries no cursor). Only a `next` of null ends the stream.
   */
  initial?: TCursor | null;
  demand: PageDemand;
  signal?: AbortSignal;
  /** Fetches one page; must honour the signal (cancel in-flight HTTP). The first call gets `initial`. */
  fetchPage(cursor: TCursor, signal: AbortSignal): Promise<PageResult<TItem, TCursor>>;
}

/**
 * A lazy, pull-style, cancellable page stream. Nothing is fetched before subscription; the next page
 * is requested only when `demand.ready()` says the previous one was taken; unsubscribing aborts the
 * request in flight. Empty pages end the stream and are not emitted.
 */
export function paginate<TItem, TCursor>(
  options: PaginateOptions<TItem, TCursor>,
): Observable<CollectedPage<TItem>> {
  return new Observable<CollectedPage<TItem>>((subscriber) => {
    const controller = new AbortController();
    const onOuterAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (options.signal?.aborted) controller.abort(options.signal.reason);

    (async () => {
      // The first page is always fetched, whatever its cursor; later pages only while `next` names one.
      let cursor = (options.initial ?? null) as TCursor;
      for (let page = 1; ; page++) {
        if (page > 1) {
          if (cursor === null || cursor === undefined) break;
          await options.demand.ready(controller.signal);
        }
        if (controller.signal.aborted) throw new CancelledError();
        const result: PageResult<TItem, TCursor> = await options.fetchPage(cursor, controller.signal);
        if (controller.signal.aborted) throw new CancelledError();
        if (result.items.length === 0) break;
        subscriber.next({ contentType: options.contentType, items: result.items, page });
        cursor = result.next as TCursor;
      }
    })().then(
      () => subscriber.complete(),
      (err) => {
        // After unsubscribe the subscriber is closed; reporting the cancellation would be noise.
        if (!subscriber.closed) subscriber.error(err);
      },
    );

    return () => {
      options.signal?.removeEventListener('abort', onOuterAbort);
      controller.abort(new CancelledError('unsubscribed'));
    };
  });
}
