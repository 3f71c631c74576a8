// Record entries for queue, ingest and lake tests: deterministic ids, a padded vendor object so the
// serialized size is close to `bytes`.
import type { AssetRecord, QueueEntry, SnapshotMarker, SyslogRecord } from '@connectors/framework/engine';

export interface TestEntryOptions {
  tenant?: string;
  /** Approximate serialized size of the record (default ~300 bytes). */
  bytes?: number;
  timestamp?: number;
  snapshotId?: string;
  withAsset?: boolean;
  /** Prefix of the record id (ids are `${prefix}-${i}`). */
  prefix?: string;
}

export function testRecord(i: number, options: TestEntryOptions = {}): SyslogRecord {
  const tenant = options.tenant ?? 'tenant-a';
  const record: SyslogRecord = {
    id: `${options.prefix ?? 'rec'}-${i}`,
    timestamp: options.timestamp ?? 1_700_000_000_000 + i,
    tenant_id: tenant,
    connector: { id: 'c1', name: 'Cloud One', type: 'trendmicro-cloudone' },
    msg_class: 'trendmicro_cloudone_computer',
    msg_origin: {
      source: 'trendmicro_cloudone',
      vendor: 'Trend Micro',
      category: 'Endpoint Security',
      processor: { name: 'trendmicro_cloudone', type: 'log_collector' },
    },
    host: { hostname: `host-${i}`, ip: [`10.0.${(i >> 8) & 255}.${i & 255}`] },
    trendmicro_cloudone: { ID: i, platform: i % 2 === 0 ? 'Linux' : 'Windows', pad: '' },
  };
  const target = options.bytes ?? 300;
  const size = Buffer.byteLength(JSON.stringify(record));
  if (target > size) (record.trendmicro_cloudone as { pad: string }).pad = 'x'.repeat(target - size);
  return record;
}

export function testAsset(i: number, record: SyslogRecord, observedAt?: number): AssetRecord {
  return {
    id: `asset-${i}`,
    tenant_id: record.tenant_id,
    connector: record.connector,
    source: 'trendmicro_cloudone',
    contentType: 'computers',
    primaryKey: { key: 'ID', value: String(i) },
    identity: { ID: String(i) },
    hostname: `host-${i}`,
    ip: [`10.0.0.${i & 255}`],
    observedAt: observedAt ?? record.timestamp,
  };
}

export function testEntry(i: number, options: TestEntryOptions = {}): QueueEntry {
  const record = testRecord(i, options);
  return {
    kind: 'record',
    record,
    ...(options.withAsset ? { asset: testAsset(i, record) } : {}),
    ...(options.snapshotId ? { snapshotId: options.snapshotId } : {}),
  };
}

export function testEntries(from: number, count: number, options: TestEntryOptions = {}): QueueEntry[] {
  return Array.from({ length: count }, (_, k) => testEntry(from + k, options));
}

export function snapshotMarker(
  snapshotId: string,
  phase: 'start' | 'end',
  at: number,
  extra: Partial<SnapshotMarker> = {},
): QueueEntry {
  return {
    kind: 'snapshot',
    marker: {
      snapshotId,
      phase,
      tenant_id: 'tenant-a',
      connectorId: 'c1',
      contentType: 'computers',
      at,
      ...extra,
    },
  };
}

/** The record id of an entry (or the snapshot id for markers), for invariants over deliveries. */
export function entryKey(entry: QueueEntry): string {
  return entry.kind === 'record' ? entry.record.id : `${entry.marker.snapshotId}:${entry.marker.phase}`;
}
