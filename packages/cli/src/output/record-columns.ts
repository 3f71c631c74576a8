import type { SyslogRecord } from '@connectors/framework/engine';
import { formatTime } from './table';

/**
 * Columns a search table may show after Time, Tenant and msg_class, in order of preference; a page shows
 * the first few that its records carry, so inventory records show Host/IP/OS and event records their
 * user, addresses and action, never a column of empty cells.
 */
const CANDIDATES: ReadonlyArray<{ header: string; path: string }> = [
  { header: 'Host', path: 'host.hostname' },
  { header: 'IP', path: 'host.ip' },
  { header: 'OS', path: 'host.os.full' },
  { header: 'User', path: 'user.name' },
  { header: 'Source', path: 'source.ip' },
  { header: 'Destination', path: 'destination.ip' },
  { header: 'Action', path: 'event.action' },
  { header: 'Severity', path: 'event.severity' },
  { header: 'Process', path: 'process.name' },
  { header: 'File', path: 'file.name' },
  { header: 'URL', path: 'url.full' },
  { header: 'Message', path: 'message' },
];
const MAX_CHOSEN = 4;

/** The value at a dotted path, as a cell: arrays show their first two elements, objects as JSON. */
export function cellAt(record: unknown, path: string): string | undefined {
  let value: unknown = record;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value))
    return value
      .slice(0, 2)
      .map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)))
      .join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Headers and rows of a search table: `fields` when given, else columns chosen by the records' content. */
export function recordTable(
  records: readonly SyslogRecord[],
  fields?: readonly string[],
): { headers: string[]; rows: Array<Array<string | undefined>> } {
  const columns = fields?.length
    ? fields.map((path) => ({ header: path, path }))
    : [
        { header: 'Tenant', path: 'tenant_id' },
        { header: 'msg_class', path: 'msg_class' },
        ...CANDIDATES.filter((c) => records.some((r) => cellAt(r, c.path) !== undefined)).slice(
          0,
          MAX_CHOSEN,
        ),
      ];
  return {
    headers: ['Time', ...columns.map((c) => c.header)],
    rows: records.map((r) => [formatTime(r.timestamp), ...columns.map((c) => cellAt(r, c.path))]),
  };
}
