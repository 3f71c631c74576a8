import type { RecordHeader, SyslogRecord } from '../types';
import { JSON_TEXT } from './raw-json';

const HEADER_KEYS: ReadonlySet<PropertyKey> = new Set([
  'id',
  'timestamp',
  'tenant_id',
  'msg_class',
  'connector',
]);

/** What sinks index a record by: the part of it a `lazyRecord` serves without parsing. */
export function recordHeader(record: SyslogRecord): RecordHeader {
  return {
    id: record.id,
    timestamp: record.timestamp,
    tenant_id: record.tenant_id,
    msg_class: record.msg_class,
    connector: record.connector,
  };
}

/** The header's JSON, written beside the record text by the queue codec. */
export function headerJson(record: SyslogRecord): string {
  return JSON.stringify(recordHeader(record));
}

// A symbol key, so no field of a record (JSON keys are strings) can be mistaken for the state.
const HEADER = Symbol('lazy record header');
/** Answered `true` by every lazy record, and by nothing else. */
const IS_LAZY = Symbol('lazy record');

/** Whether `value` is a `lazyRecord` (already in the form a queue holds). */
export function isLazyRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { [IS_LAZY]?: unknown })[IS_LAZY] === true;
}

/**
 * The proxy's target: the remembered text (see jsonOf) always; the header until first use (its presence
 * means "not parsed yet"), then the parsed record's own properties.
 */
interface Lazy {
  [JSON_TEXT]: string;
  [HEADER]?: RecordHeader;
}

function load(target: Lazy): object {
  if (target[HEADER] !== undefined) {
    const parsed = JSON.parse(target[JSON_TEXT]) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new TypeError('the queued record text is not a JSON object');
    }
    delete target[HEADER];
    Object.assign(target, parsed);
  }
  return target;
}

// One handler for every lazy record (the state lives in the target), so a record allocates no closures.
const handler: ProxyHandler<Lazy> = {
  get(target, key) {
    // The remembered text (see jsonOf) is served without parsing, before and after.
    if (key === JSON_TEXT) return target[JSON_TEXT];
    if (key === IS_LAZY) return true;
    const header = target[HEADER];
    if (header !== undefined && HEADER_KEYS.has(key)) return header[key as keyof RecordHeader];
    return Reflect.get(load(target), key);
  },
  has: (target, key) => Reflect.has(load(target), key),
  ownKeys: (target) => Reflect.ownKeys(load(target)),
  getOwnPropertyDescriptor: (target, key) => Reflect.getOwnPropertyDescriptor(load(target), key),
  set: (target, key, value) => Reflect.set(load(target), key, value),
  defineProperty: (target, key, descriptor) => Reflect.defineProperty(load(target), key, descriptor),
  deleteProperty: (target, key) => Reflect.deleteProperty(load(target), key),
};

/**
 * A record read from a queue whose text is parsed only when something reads beyond its header. The
 * ingest side mostly needs the header (lake columns) and the text (lake document, NDJSON line), so it
 * should not parse a record only to hand its text back (docs/adr/0006-record-text-from-page-text.md).
 * Anything else — a field read, `Object.keys`, `JSON.stringify`, deep equality — parses once and from
 * then on behaves as the plain object.
 */
export function lazyRecord(json: string, header: RecordHeader): SyslogRecord {
  const target = { [HEADER]: header } as Lazy;
  Object.defineProperty(target, JSON_TEXT, { value: json, configurable: true, writable: true });
  return new Proxy<Lazy>(target, handler) as unknown as SyslogRecord;
}
