import {
  paginate,
  type CollectedPage,
  type Logger,
  type PageDemand,
  type PageResult,
} from '@connectors/framework';
import type { Observable } from 'rxjs';
import type { CloudOneClient } from '../client/cloud-one.client';
import { PagingError } from '../client/cloud-one.errors';
import type { ComputerDto } from '../internal-types';
import { COMPUTERS } from '../types';

export interface ComputersStreamOptions {
  client: CloudOneClient;
  pageSize: number;
  expand: readonly string[];
  demand: PageDemand;
  signal?: AbortSignal;
  logger: Logger;
}

/**
 * Keeps what is new in a page: IDs above the cursor, each once. Because pages are requested by
 * "ID greater than the last ID" with sortByObjectID, anything at or below the cursor was already
 * emitted, so deduplication needs no memory beyond the cursor and the page itself.
 */
export function acceptPage(
  cursor: number,
  raw: readonly ComputerDto[],
  pageSize: number,
): PageResult<ComputerDto, number> & { dropped: number } {
  const seen = new Set<number>();
  const kept: number[] = [];
  let next = cursor;
  let previous = -Infinity;
  let ordered = true;
  for (let i = 0; i < raw.length; i++) {
    // `parseComputersPage` checked that each computer has an integer ID.
    const id = raw[i].ID;
    if (id < previous) ordered = false;
    previous = id;
    if (id <= cursor || seen.has(id)) continue;
    seen.add(id);
    kept.push(i);
    if (id > next) next = id;
  }
  // Loop guard: a non-empty page with nothing new means the server ignores the ID criterion; asking
  // again would return the same page forever.
  if (raw.length > 0 && kept.length === 0) {
    throw new PagingError(
      'COLLECT_NO_PROGRESS',
      `the API returned ${raw.length} computers, none with an ID above ${cursor}; paging stopped to avoid a loop`,
      {
        afterId: cursor,
        returned: raw.length,
      },
    );
  }
  // A full page out of ID order could hide computers between its IDs; a short one holds them all.
  if (!ordered && raw.length >= pageSize) {
    throw new PagingError(
      'COLLECT_UNORDERED_PAGE',
      `the API returned a full page of computers after ID ${cursor} out of ID order despite sortByObjectID`,
      {
        afterId: cursor,
        returned: raw.length,
      },
    );
  }
  const items = kept.length === raw.length ? raw : kept.map((i) => raw[i]);
  return { items, next, dropped: raw.length - kept.length };
}

/**
 * The computer inventory as pages: `POST /computers/search` with ID greater than the last ID,
 * sorted by ID, until an empty page. Pull-style: the next page is requested only when downstream
 * demand says the previous one was taken; unsubscribing aborts the request in flight.
 */
export function computersStream(options: ComputersStreamOptions): Observable<CollectedPage<ComputerDto>> {
  const { client, pageSize, expand, logger } = options;
  let pages = 0;
  return paginate<ComputerDto, number>({
    contentType: COMPUTERS,
    initial: 0,
    demand: options.demand,
    signal: options.signal,
    fetchPage: async (cursor, signal) => {
      const raw = await client.searchComputers({ afterId: cursor, maxItems: pageSize, expand, signal });
      const page = acceptPage(cursor, raw, pageSize);
      pages++;
      if (page.dropped > 0) {
        logger.warn(
          { afterId: cursor, dropped: page.dropped, page: pages },
          'dropped repeated computer IDs from a page',
        );
      }
      logger.debug(
        { afterId: cursor, items: page.items.length, next: page.next, page: pages },
        'computers page',
      );
      return page;
    },
  });
}
