import * as crypto from 'node:crypto';
import { ConnectorError } from '../errors';
import type {
  AssetRecord,
  ConnectorInstanceInfo,
  ConnectorManifest,
  NormalizedRecord,
  QueueEntry,
  SyslogRecord,
} from '../types';
import { canonicalize, pruneShared, splicedMembers } from './blank';
import { lazyRecord } from './lazy-record';
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

// Node's one-shot hash (20.12 and later) skips the Hash object and its stream machinery. Same digest, so
// ids do not change with the Node version.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** The 32-hex sha256 of the parts' concatenation. */
function sha(...parts: string[]): string {
  if (oneShot) return oneShot('sha256', parts.join(''), 'hex').slice(0, 32);
  const hash = crypto.createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 32);
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

/** The id of the canonical JSON, given whole or in parts (hashed as their concatenation). */
function idFromCanonical(
  instance: ConnectorInstanceInfo,
  contentType: string,
  key: string,
  ...canonicalJson: string[]
): string {
  return sha(
    `${instance.tenant}\u0000${instance.id}\u0000${contentType}\u0000${key}\u0000`,
    ...canonicalJson,
  );
}

/**
 * The asset id: tenant, source and identity key, plus `connectorId` when the key is vendor-local (a
 * vendor's small per-account ids must not merge two accounts' machines; docs/adr/0012).
 */
export function assetId(
  tenant: string,
  source: string,
  key: string,
  value: string,
  connectorId?: string,
): string {
  const parts = [tenant, source, key, value];
  if (connectorId !== undefined) parts.push(connectorId);
  return sha(parts.join('\u0000'));
}

interface EnvelopeConstants {
  connector: SyslogRecord['connector'];
  msgOrigin: SyslogRecord['msg_origin'];
  /** The envelope's JSON after `"timestamp":…,`: tenant, connector, class and origin. */
  tailJson: string;
}

// Per plugin (manifest), connector instance and content type, the parts of the envelope every record
// shares: built (and serialized) once instead of per record. Shared by every such record, so frozen.
const constantsCache = new WeakMap<ConnectorManifest, Map<string, EnvelopeConstants>>();

function envelopeConstants(
  manifest: ConnectorManifest,
  instance: ConnectorInstanceInfo,
  contentType: string,
  msgClass: string,
): EnvelopeConstants {
  let byInstance = constantsCache.get(manifest);
  const key = `${instance.id}\u0000${instance.name}\u0000${instance.tenant}\u0000${contentType}`;
  const cached = byInstance?.get(key);
  if (cached) return cached;
  const connector = Object.freeze({ id: instance.id, name: instance.name, type: manifest.id });
  const msgOrigin = Object.freeze({
    ...manifest.origin,
    processor: Object.freeze({ name: manifest.origin.source, type: 'log_collector' as const }),
  });
  const tailJson = JSON.stringify({
    tenant_id: instance.tenant,
    connector,
    msg_class: msgClass,
    msg_origin: msgOrigin,
  }).slice(1);
  const constants = { connector, msgOrigin, tailJson };
  if (!byInstance) constantsCache.set(manifest, (byInstance = new Map()));
  byInstance.set(key, constants);
  return constants;
}

function collidesWithEnvelope(fields: object): boolean {
  for (const k of ENVELOPE_KEYS) if (k in fields) return true;
  return false;
}

/** The envelope's JSON: id, timestamp, then the constant tail (tenant, connector, class, origin). */
function envelopeJson(id: string, now: number, constants: EnvelopeConstants): string {
  // The id is hex: no escaping.
  return `{"id":"${id}","timestamp":${JSON.stringify(now)},${constants.tailJson}`;
}

/** The record's JSON: the fields' members, then the envelope's. */
function joinJson(fieldsJson: string, envelope: string): string {
  return fieldsJson === '{}' ? envelope : `${fieldsJson.slice(0, -1)},${envelope.slice(1)}`;
}

interface BuiltRecord {
  record: SyslogRecord;
  truncated: boolean;
}

/**
 * The record from its text alone, when the fields carry their vendor object's JSON (`adoptPageTexts`):
 * nothing is pruned or serialized again, and the record is a `lazyRecord` over the text, parsed only if
 * something reads past its header (queues and sinks read the header and the text). Undefined when the
 * fields carry no such text, or a field takes an envelope key: the caller builds the record object.
 */
function recordFromText(
  input: EnvelopeInput,
  msgClass: string,
  constants: EnvelopeConstants,
  maxBytes: number,
): BuiltRecord | undefined {
  const { instance, normalized, now } = input;
  const members = splicedMembers(normalized.fields);
  // Asked only when the fields carry a text, so the parsed path pays nothing for it.
  if (members === undefined || collidesWithEnvelope(normalized.fields)) return undefined;
  const id = idFromCanonical(instance, input.contentType, normalized.key, '{', members, '}');
  const json = `{${members},${envelopeJson(id, now, constants).slice(1)}`;
  // A UTF-16 unit is at most 3 UTF-8 bytes: most records are provably under the size limit.
  if (json.length * 3 <= maxBytes) {
    const header = {
      id,
      timestamp: now,
      tenant_id: instance.tenant,
      msg_class: msgClass,
      connector: constants.connector,
    };
    return { record: lazyRecord(json, header), truncated: false };
  }
  const result = truncateRecord(JSON.parse(json) as SyslogRecord, input.manifest.origin.source, maxBytes);
  if (!result.truncated) rememberJson(result.record, json);
  return result;
}

/** The record built as an object: pruned, serialized once, its JSON remembered. */
function recordFromObject(
  input: EnvelopeInput,
  msgClass: string,
  constants: EnvelopeConstants,
  maxBytes: number,
): BuiltRecord {
  const { instance, normalized, now } = input;
  const canonical = canonicalize(normalized.fields);
  const fields = (canonical?.value ?? {}) as Record<string, unknown>;
  const id = idFromCanonical(instance, input.contentType, normalized.key, canonical?.json ?? '{}');
  // Copied key by key, then the envelope assigned: the same object as `{ ...fields, ...envelope }`,
  // without the runtime's slow path for a second spread (the profile's top line in this function).
  const fieldKeys = Object.keys(fields);
  const record = {} as SyslogRecord;
  for (let i = 0; i < fieldKeys.length; i++) record[fieldKeys[i]] = fields[fieldKeys[i]];
  record.id = id;
  record.timestamp = now;
  record.tenant_id = instance.tenant;
  record.connector = constants.connector;
  record.msg_class = msgClass;
  record.msg_origin = constants.msgOrigin;
  // The record's JSON is the canonical fields' JSON joined with the envelope's: remembered here, so
  // queues and sinks need not serialize the record again (docs/adr/0006-record-text-from-page-text.md).
  // Its length also proves most records are under the size limit.
  const recordJson = collidesWithEnvelope(fields)
    ? undefined
    : joinJson(canonical?.json ?? '{}', envelopeJson(id, now, constants));
  const provablySmall = recordJson !== undefined && recordJson.length * 3 <= maxBytes;
  const result = provablySmall
    ? { record, truncated: false }
    : truncateRecord(record, input.manifest.origin.source, maxBytes);
  if (recordJson !== undefined && !result.truncated) rememberJson(result.record, recordJson);
  return result;
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
  const constants = envelopeConstants(manifest, instance, contentType, spec.msgClass);
  const maxBytes = input.maxRecordBytes ?? MAX_RECORD_BYTES;
  const { record, truncated } =
    recordFromText(input, spec.msgClass, constants, maxBytes) ??
    recordFromObject(input, spec.msgClass, constants, maxBytes);
  const { connector } = constants;

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
    const scope = spec.globalIdentityKeys?.includes(primaryKeyName) ? undefined : instance.id;
    // Assigned one by one rather than with conditional spreads: each `...(x ? { x } : {})` allocated
    // two objects per record.
    asset = {
      id: assetId(instance.tenant, manifest.origin.source, primaryKeyName, value, scope),
      tenant_id: instance.tenant,
      connector,
      source: manifest.origin.source,
      contentType,
      primaryKey: { key: primaryKeyName, value },
      identity,
    } as AssetRecord;
    if (a.hostname) asset.hostname = a.hostname;
    if (a.ip) asset.ip = a.ip;
    if (a.mac) asset.mac = a.mac;
    if (a.os) asset.os = a.os;
    if (a.lastSeen) asset.lastSeen = a.lastSeen;
    asset.observedAt = now;
    if (a.attributes) asset.attributes = a.attributes;
  }
  return {
    entry: {
      kind: 'record',
      record,
      ...(asset ? { asset } : {}),
      ...(input.snapshotId ? { snapshotId: input.snapshotId } : {}),
    },
    truncated,
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
