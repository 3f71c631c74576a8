import { createHash } from 'node:crypto';
import { ConnectorError } from '../errors';
import type {
  AssetRecord,
  ConnectorInstanceInfo,
  ConnectorManifest,
  NormalizedRecord,
  QueueEntry,
  SyslogRecord,
} from '../types';
import { canonicalize, pruneShared } from './blank';
import { rememberJson } from './raw-json';

/** Records above this size are truncated by the rule in `truncateRecord` (and counted). */
export const MAX_RECORD_BYTES = 256 * 1024;
/** Longest string kept whole inside a record. */
export const MAX_STRING_CHARS = 8 * 1024;
/** Keys the envelope owns; a plugin field of the same name would replace the text's key order. */
const ENVELOPE_KEYS = ['id', 'timestamp', 'tenant_id', 'connector', 'msg_class', 'msg_origin'];

export interface EnvelopeInput {
  manifest: ConnectorManifest;
  instance: ConnectorInstanceInfo;
  contentType: string;
  normalized: NormalizedRecord;
  /** Collection time, epoch ms. */
  now: number;
  snapshotId?: string;
  maxRecordBytes?: number;
}

export interface EnvelopeOutput {
  entry: Extract<QueueEntry, { kind: 'record' }>;
  /** Whether the record had to be truncated to fit the size limit. */
  truncated: boolean;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * The record id: a hash of tenant, connector instance, content type, the vendor key and the content
 * (blanks pruned, keys in the order received: see `canonicalize`).
 * The same data always gets the same id (redelivery and replays are idempotent); a changed object
 * gets a new id, so the Syslog index keeps a history of changes rather than duplicates.
 */
export function recordId(
  instance: ConnectorInstanceInfo,
  contentType: string,
  key: string,
  fields: unknown,
): string {
  return idFromCanonical(instance, contentType, key, canonicalize(fields)?.json ?? '{}');
}

function idFromCanonical(
  instance: ConnectorInstanceInfo,
  contentType: string,
  key: string,
  canonicalJson: string,
): string {
  return sha(`${instance.tenant}\u0000${instance.id}\u0000${contentType}\u0000${key}\u0000${canonicalJson}`);
}

export function assetId(tenant: string, source: string, key: string, value: string): string {
  return sha([tenant, source, key, value].join('\u0000'));
}

/** Wraps a plugin's normalized record in the framework envelope, plus its asset record. */
export function buildEnvelope(input: EnvelopeInput): EnvelopeOutput {
  const { manifest, instance, contentType, normalized, now } = input;
  const spec = manifest.contentTypes.find((c) => c.id === contentType);
  if (!spec) {
    throw new ConnectorError(
      'UNKNOWN_CONTENT_TYPE',
      `content type "${contentType}" is not declared by ${manifest.id}`,
      {
        hint: `Declared content types: ${manifest.contentTypes.map((c) => c.id).join(', ')}.`,
      },
    );
  }
  if (!normalized.key) {
    throw new ConnectorError(
      'RECORD_KEY_MISSING',
      `${manifest.id} normalized a ${contentType} object without a key`,
    );
  }
  const canonical = canonicalize(normalized.fields);
  const fields = (canonical?.value ?? {}) as Record<string, unknown>;
  const connector = { id: instance.id, name: instance.name, type: manifest.id };
  const envelope = {
    id: idFromCanonical(instance, contentType, normalized.key, canonical?.json ?? '{}'),
    timestamp: now,
    tenant_id: instance.tenant,
    connector,
    msg_class: spec.msgClass,
    msg_origin: {
      ...manifest.origin,
      processor: { name: manifest.origin.source, type: 'log_collector' as const },
    },
  };
  let record: SyslogRecord = { ...fields, ...envelope };
  // The record's JSON is the canonical fields' JSON joined with the envelope's: remembered here, so
  // queues and sinks need not serialize a 2–4 KB record again. Its length also proves most records
  // are under the size limit (a UTF-16 unit is at most 3 UTF-8 bytes).
  const envelopeJson = JSON.stringify(envelope);
  const fieldsJson = canonical?.json ?? '{}';
  const collides = ENVELOPE_KEYS.some((k) => k in fields);
  const recordJson = collides
    ? undefined
    : fieldsJson === '{}'
      ? envelopeJson
      : `${fieldsJson.slice(0, -1)},${envelopeJson.slice(1)}`;
  const maxBytes = input.maxRecordBytes ?? MAX_RECORD_BYTES;
  const provablySmall = recordJson !== undefined && recordJson.length * 3 <= maxBytes;
  const truncatedResult = provablySmall
    ? { record, truncated: false }
    : truncateRecord(record, manifest.origin.source, maxBytes);
  record = truncatedResult.record;
  if (recordJson !== undefined && !truncatedResult.truncated) rememberJson(record, recordJson);

  let asset: AssetRecord | undefined;
  if (spec.yieldsAssets && normalized.asset) {
    const a = (pruneShared(normalized.asset) ?? { identity: {} }) as NonNullable<NormalizedRecord['asset']>;
    const identity = (a.identity ?? {}) as Record<string, string>;
    const primaryKeyName = (spec.assetIdentityKeys ?? []).find((k) => identity[k]);
    if (!primaryKeyName) {
      throw new ConnectorError(
        'ASSET_IDENTITY_MISSING',
        `${manifest.id} produced an asset without any identity key`,
        {
          hint: `Fill one of: ${(spec.assetIdentityKeys ?? []).join(', ')}.`,
        },
      );
    }
    const value = identity[primaryKeyName];
    asset = {
      id: assetId(instance.tenant, manifest.origin.source, primaryKeyName, value),
      tenant_id: instance.tenant,
      connector,
      source: manifest.origin.source,
      contentType,
      primaryKey: { key: primaryKeyName, value },
      identity,
      ...(a.hostname ? { hostname: a.hostname } : {}),
      ...(a.ip ? { ip: a.ip } : {}),
      ...(a.mac ? { mac: a.mac } : {}),
      ...(a.os ? { os: a.os } : {}),
      ...(a.lastSeen ? { lastSeen: a.lastSeen } : {}),
      observedAt: now,
      ...(a.attributes ? { attributes: a.attributes } : {}),
    };
  }
  return {
    entry: {
      kind: 'record',
      record,
      ...(asset ? { asset } : {}),
      ...(input.snapshotId ? { snapshotId: input.snapshotId } : {}),
    },
    truncated: truncatedResult.truncated,
  };
}

/**
 * The truncation rule: (1) strings longer than MAX_STRING_CHARS are cut and end in "…[truncated]";
 * (2) if the record is still too big, the largest fields under the vendor key are removed one by one
 * until it fits. Removed field names and the original size are kept in `truncated`, so nothing
 * disappears silently. The envelope itself is never truncated.
 */
export function truncateRecord(
  record: SyslogRecord,
  vendorKey: string,
  maxBytes: number,
): { record: SyslogRecord; truncated: boolean } {
  const originalBytes = Buffer.byteLength(JSON.stringify(record));
  if (originalBytes <= maxBytes) return { record, truncated: false };
  const cut = cutStrings(record) as SyslogRecord;
  const removed: string[] = [];
  const vendor = cut[vendorKey] as Record<string, unknown> | undefined;
  if (vendor && typeof vendor === 'object') {
    const sizes = Object.entries(vendor)
      .map(([k, v]) => [k, Buffer.byteLength(JSON.stringify(v) ?? '')] as const)
      .sort((a, b) => b[1] - a[1]);
    for (const [k] of sizes) {
      if (Buffer.byteLength(JSON.stringify(cut)) <= maxBytes) break;
      delete vendor[k];
      removed.push(`${vendorKey}.${k}`);
    }
  }
  cut.truncated = {
    original_bytes: originalBytes,
    removed_fields: removed,
    max_string_chars: MAX_STRING_CHARS,
  };
  return { record: cut, truncated: true };
}

function cutStrings(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > MAX_STRING_CHARS ? `${value.slice(0, MAX_STRING_CHARS)}…[truncated]` : value;
  if (Array.isArray(value)) return value.map(cutStrings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutStrings(v)]));
  }
  return value;
}
