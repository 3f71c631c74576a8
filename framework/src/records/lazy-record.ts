import type { RecordHeader, SyslogRecord } from '../types';
import { rememberJson } from './raw-json';

const HEADER_KEYS: ReadonlySet<PropertyKey> = new Set([
  'id',
  'timestamp',
  'tenant_id',
  'msg_class',
  'connector',
]);

/** The header's JSON, written beside the record text by the queue codec. */
export function headerJson(record: SyslogRecord): string {
  return JSON.stringify({
    id: record.id,
    timestamp: record.timestamp,
    tenant_id: record.tenant_id,
    msg_class: record.msg_class,
    connector: record.connector,
  });
}

/**
 * A record read from a queue whose text is parsed only when something reads beyond its header. The
 * ingest side mostly needs the header (lake columns) and the text (lake document, NDJSON line): the
 * profile showed `JSON.parse` of each 4–6 KB record as a quarter of the ingest process, only to hand
 * the text back. Anything else — a field read, `Object.keys`, `JSON.stringify`, deep equality — parses
 * once and from then on behaves as the plain object.
 */
export function lazyRecord(json: string, header: RecordHeader): SyslogRecord {
  const target: Record<string, unknown> = {};
  let loaded = false;
  const load = (): Record<string, unknown> => {
    if (!loaded) {
      const parsed = JSON.parse(json) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new TypeError('the queued record text is not a JSON object');
      }
      Object.assign(target, parsed);
      loaded = true;
    }
    return target;
  };
  const proxy = new Proxy(target, {
    get(_, key) {
      if (!loaded && HEADER_KEYS.has(key)) return header[key as keyof RecordHeader];
      return Reflect.get(load(), key);
    },
    has: (_, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(load(), key),
    set: (_, key, value) => Reflect.set(load(), key, value),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(load(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
  }) as SyslogRecord;
  rememberJson(proxy, json);
  return proxy;
}
