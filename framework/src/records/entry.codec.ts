import type { QueueEntry, RecordHeader } from '../types';
import { headerJson, isLazyRecord, lazyRecord, recordHeader } from './lazy-record';
import { keptJsonOf, rememberJson } from './raw-json';

/**
 * The queue entry layout shared by the queues (Redis stream fields; the in-process queue's slots). A
 * record entry keeps the record and its asset as separate JSON fields, so the consumer can hand the
 * exact record text to a sink that stores JSON (see `jsonOf`) instead of serializing it again: `r`
 * record, `h` the record's header (id, timestamp, tenant, class, connector: what sinks index by), `a`
 * asset, `s` snapshot id. With `h` the record is parsed only if a consumer reads past the header (see
 * `lazyRecord`). A snapshot marker is `m`. Entries without `h` (written before it existed) and `e` (a
 * whole entry as JSON, for entries written by other tools) are parsed at once.
 */
export interface EncodedEntry {
  fields: string[];
  /** Payload bytes (field values), what the byte bound and counter measure. */
  bytes: number;
}

export function encodeEntry(entry: QueueEntry): EncodedEntry {
  let fields: string[];
  if (entry.kind === 'record') {
    fields = ['r', keptJsonOf(entry.record), 'h', headerJson(entry.record)];
    if (entry.asset) fields.push('a', keptJsonOf(entry.asset));
    if (entry.snapshotId) fields.push('s', entry.snapshotId);
  } else if (entry.kind === 'snapshot') {
    fields = ['m', JSON.stringify(entry.marker)];
  } else {
    fields = ['e', JSON.stringify(entry)];
  }
  let bytes = 0;
  for (let i = 1; i < fields.length; i += 2) bytes += Buffer.byteLength(fields[i]);
  return { fields, bytes };
}

/**
 * An entry's payload bytes as `encodeEntry` would count them, without building the fields (the header,
 * derived from the record, is left out): what the in-process queue, which holds entries as published,
 * bounds its backlog by.
 */
export function entryBytes(entry: QueueEntry): number {
  if (entry.kind === 'record') {
    let bytes = Buffer.byteLength(keptJsonOf(entry.record));
    if (entry.asset) bytes += Buffer.byteLength(keptJsonOf(entry.asset));
    if (entry.snapshotId) bytes += Buffer.byteLength(entry.snapshotId);
    return bytes;
  }
  return Buffer.byteLength(JSON.stringify(entry.kind === 'snapshot' ? entry.marker : entry));
}

/**
 * The entry as an in-process queue holds it: the record reduced to its JSON text and header (a
 * `lazyRecord`, parsed only if a consumer reads past the header) and the asset with its JSON kept. The
 * producer's record shares the vendor's parsed objects: held as published, the backlog would keep them
 * alive past the young generation (docs/adr/0006-record-text-from-page-text.md).
 */
export function holdEntry(entry: QueueEntry): QueueEntry {
  if (entry.kind !== 'record') return entry;
  const r = entry.record;
  const held: QueueEntry = {
    kind: 'record',
    // The envelope already builds page-text records in this form.
    record: isLazyRecord(r) ? r : lazyRecord(keptJsonOf(r), recordHeader(r)),
  };
  if (entry.asset) {
    keptJsonOf(entry.asset);
    held.asset = entry.asset;
  }
  if (entry.snapshotId) held.snapshotId = entry.snapshotId;
  return held;
}

/** Rebuilds the entry; throws when the fields are not an entry (the caller dead-letters it). */
export function decodeEntry(fields: string[]): QueueEntry {
  let record: string | undefined;
  let header: string | undefined;
  let asset: string | undefined;
  let snapshotId: string | undefined;
  let marker: string | undefined;
  let whole: string | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1];
    switch (fields[i]) {
      case 'r':
        record = value;
        break;
      case 'h':
        header = value;
        break;
      case 'a':
        asset = value;
        break;
      case 's':
        snapshotId = value;
        break;
      case 'm':
        marker = value;
        break;
      case 'e':
        whole = value;
        break;
    }
  }
  if (record !== undefined) {
    const entry: QueueEntry = { kind: 'record', record: readRecord(record, header) };
    if (asset !== undefined) {
      entry.asset = JSON.parse(asset) as NonNullable<typeof entry.asset>;
      rememberJson(entry.asset, asset);
    }
    if (snapshotId !== undefined) entry.snapshotId = snapshotId;
    return entry;
  }
  if (marker !== undefined)
    return {
      kind: 'snapshot',
      marker: JSON.parse(marker) as Extract<QueueEntry, { kind: 'snapshot' }>['marker'],
    };
  if (whole !== undefined) return JSON.parse(whole) as QueueEntry;
  throw new Error('no entry fields');
}

type QueuedRecord = Extract<QueueEntry, { kind: 'record' }>['record'];

function readRecord(text: string, header: string | undefined): QueuedRecord {
  if (header !== undefined) {
    const h = JSON.parse(header) as RecordHeader;
    // The text is only parsed on demand; what can be checked without parsing is checked here, so a
    // malformed entry is still refused at read time (and dead-lettered) rather than by a sink.
    if (!h || typeof h !== 'object' || typeof h.id !== 'string') throw new Error('record header has no id');
    if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) {
      throw new Error('record is not a JSON object');
    }
    return lazyRecord(text, h);
  }
  const parsed = JSON.parse(text) as QueuedRecord;
  if (!parsed || typeof parsed !== 'object') throw new Error('record is not an object');
  rememberJson(parsed, text);
  return parsed;
}
