import { ConnectorError } from '@connectors/framework/engine';

/** A search position: the time and id of the last record of a page (records sort by both, newest first). */
export interface CursorPosition {
  ts: number;
  id: string;
}

/** Opaque to callers (base64url of `ts:id`), so the sort key can change without changing the API. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.ts}:${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const ts = Number(text.slice(0, colon));
  const id = text.slice(colon + 1);
  if (colon < 1 || !Number.isSafeInteger(ts) || !id || encodeCursor({ ts, id }) !== cursor) {
    throw new ConnectorError('LAKE_QUERY_INVALID', `cursor "${cursor}" is not one this lake gave out`, {
      hint: 'Pass the nextCursor of the previous page unchanged, or leave cursor out for the first page.',
    });
  }
  return { ts, id };
}

/** Default records per page of an export. */
export const EXPORT_PAGE_SIZE = 1_000;
