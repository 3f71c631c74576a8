// Public contracts of the connector framework. Everything a plugin, the host, a queue or a sink needs
// to agree on lives here; implementations live in their own files and packages.
import type { AxiosInstance } from 'axios';
import type { Logger } from './logger';
import type { Secret } from './secret';

/** The framework API version plugins declare in `frameworkApi`; bumped on breaking contract changes. */
export type FrameworkApiVersion = '1';

export const CATEGORIES = [
  'Endpoint Security',
  'Firewall',
  'Cloud Security',
  'Identity',
  'Email',
  'Network',
  'Vulnerability',
  'Asset',
  'Other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Devices a connector can run on: a sensor (on premises) or a data processor (`dp`). */
export const DEVICE_KINDS = ['sensor', 'dp'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const TARGET_INDEXES = ['syslog', 'events', 'assets'] as const;
export type TargetIndex = (typeof TARGET_INDEXES)[number];

export interface Capabilities {
  collect: boolean;
  respond: boolean;
  nativeAlertsMapped: boolean;
}

export interface RunsOn {
  devices: DeviceKind[];
  recommended: DeviceKind;
}

/** Collection interval in minutes. */
export interface IntervalSpec {
  configurable: boolean;
  defaultMinutes: number;
  minMinutes: number;
  maxMinutes: number;
}

export interface ContentTypeSpec {
  id: string;
  title: string;
  index: TargetIndex;
  msgClass: string;
  yieldsAssets: boolean;
  /** Asset identity keys, most trusted first (e.g. vendor id, host GUID, BIOS UUID, cloud instance id, MAC). */
  assetIdentityKeys?: string[];
  /**
   * The identity keys that name a machine beyond the vendor account (host GUID, BIOS UUID, cloud
   * instance id): an asset keyed by one joins the same machine seen by other connectors. Every other
   * key is vendor-local and scoped to the connector (docs/adr/0012-asset-identity-per-connector.md).
   */
  globalIdentityKeys?: string[];
}

export interface RecordOrigin {
  source: string;
  vendor: string;
  category: string;
}

export interface ResponseActionSpec {
  id: string;
  title: string;
  /** The action that undoes this one, if any (isolate ↔ unisolate). */
  revert?: string;
  /** Target fields the action needs, e.g. `["hostname"]` or `["ip"]`. */
  targetFields: string[];
}

/** A JSON Schema document (draft 2020-12 or draft-07 subset understood by ajv). */
export type JsonSchema = Record<string, unknown>;

export interface ConnectorManifest {
  /** Stable plugin id, lower-case kebab-case, e.g. `trendmicro-cloudone`. */
  id: string;
  name: string;
  vendor: string;
  product?: string;
  description?: string;
  version: string;
  category: Category;
  /** Module path relative to the plugin directory, e.g. `dist/src/index.js`. */
  entry: string;
  /** Named export of the entry that holds the connector class; defaults to `connector`. */
  exportName?: string;
  frameworkApi: FrameworkApiVersion;
  capabilities: Capabilities;
  runsOn: RunsOn;
  interval: IntervalSpec;
  contentTypes: ContentTypeSpec[];
  origin: RecordOrigin;
  /** Config JSON Schema; properties marked `"secret": true` are write-only and redacted everywhere. */
  configSchema: JsonSchema;
  responseActions?: ResponseActionSpec[];
  /** Host names the plugin talks to, for the connector page's "Domain" line. */
  domain?: string;
}

/** A plugin found by discovery: its manifest is read, its code is not imported until `load()`. */
export interface PluginDescriptor {
  manifest: ConnectorManifest;
  /** Absolute plugin directory. */
  dir: string;
  /** The file the manifest was read from (`connector.json` or `package.json`). */
  manifestFile: string;
  /** Absolute path of the entry module. */
  entryFile: string;
  /** Imports the entry and checks that it implements what the manifest declares. */
  load(): Promise<ConnectorClass>;
}

export interface DiscoveryResult {
  plugins: PluginDescriptor[];
  /** One entry per refused plugin; a bad plugin never stops the others loading. */
  errors: import('./errors').PluginLoadError[];
}

// ---------------------------------------------------------------------------------------------------
// Dependencies injected into connectors

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the abort reason when the signal fires first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface HttpClientOptions {
  /** Checked against the https-or-loopback policy and the address guard (`checkBaseUrl`). */
  baseURL: string;
  /** The config field the base URL came from, named when the policy refuses it (default `baseURL`). */
  field?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** Built by the host; plugins get it injected (`TOKENS.HttpClientFactory`) and never read the environment. */
export interface HttpClientFactory {
  /** Development (the host's `CONNECTORS_DEV=1`): plain http to a loopback address is allowed. */
  readonly development: boolean;
  /** A client whose base URL passed the policy and whose connections pass the address guard. */
  create(options: HttpClientOptions): AxiosInstance;
}

// ---------------------------------------------------------------------------------------------------
// Lifecycle contexts and results

/** Config after schema validation: secret fields are `Secret` values, never plain strings. */
export type ResolvedConfig = Record<string, unknown>;

export interface ConnectorInstanceInfo {
  /** Connector instance id (stable, assigned by the host). */
  id: string;
  name: string;
  tenant: string;
  /** Plugin id. */
  type: string;
}

export interface RunContext<TConfig = ResolvedConfig> {
  config: TConfig;
  instance: ConnectorInstanceInfo;
  logger: Logger;
  /** Fires when the run must stop (unsubscribe, shutdown, timeout). */
  signal: AbortSignal;
}

/**
 * Demand from downstream. A pull-style collector awaits `ready()` before it requests the next page,
 * so the next page is fetched only after the previous one was taken (published to the queue).
 */
export interface PageDemand {
  ready(signal?: AbortSignal): Promise<void>;
}

export interface CollectContext<TConfig = ResolvedConfig> extends RunContext<TConfig> {
  contentTypes: string[];
  demand: PageDemand;
}

/** One page of raw vendor objects for one content type. */
export interface CollectedPage<TRaw = unknown> {
  contentType: string;
  items: readonly TRaw[];
  /** 1-based page number within this content type in this run. */
  page: number;
}

export interface NormalizedAsset {
  /** Identity values by key name, in the manifest's precedence order; blanks omitted. */
  identity: Record<string, string>;
  hostname?: string;
  ip?: string[];
  mac?: string[];
  os?: string;
  /** Vendor last-seen time, epoch ms. */
  lastSeen?: number;
  attributes?: Record<string, unknown>;
}

export interface NormalizedRecord {
  /** Stable vendor key of the object (e.g. the computer ID) used to derive the record id. */
  key: string;
  /** Normalized fields (ECS names) plus the vendor object under the origin source key. */
  fields: Record<string, unknown>;
  asset?: NormalizedAsset;
}

export type TestStepStatus = 'passed' | 'failed' | 'skipped';

export interface TestStepResult {
  id: string;
  title: string;
  status: TestStepStatus;
  durationMs: number;
  detail?: string;
  hint?: string;
  httpStatus?: number;
  vendorMessage?: string;
}

export interface TestResult {
  ok: boolean;
  summary: string;
  detail?: string;
  hint?: string;
  durationMs: number;
  steps: TestStepResult[];
}

export interface TestStep<TConfig = ResolvedConfig> {
  id: string;
  title: string;
  /** Returns a short detail on success; throws (ideally a ConnectorError) on failure. */
  run(ctx: RunContext<TConfig>): Promise<string | void>;
}

export interface RespondRequest {
  action: string;
  target: Record<string, string>;
}

export interface RespondResult {
  ok: boolean;
  action: string;
  summary: string;
  detail?: Record<string, unknown>;
}

/** What a plugin entry exports: a class the host resolves from the instance's child container. */
export interface ConnectorClass {
  new (...args: never[]): import('./connector.base').Connector;
}

// ---------------------------------------------------------------------------------------------------
// Records

export interface MsgOrigin extends RecordOrigin {
  processor: { name: string; type: 'log_collector' };
}

/** A Syslog-index record: the envelope plus normalized and vendor fields. */
export interface SyslogRecord {
  id: string;
  timestamp: number;
  tenant_id: string;
  connector: { id: string; name: string; type: string };
  msg_class: string;
  msg_origin: MsgOrigin;
  [field: string]: unknown;
}

/** The envelope fields a consumer reads without the rest of the record (the lake's columns). */
export interface RecordHeader {
  id: string;
  timestamp: number;
  tenant_id: string;
  msg_class: string;
  connector?: SyslogRecord['connector'];
}

export interface AssetRecord {
  /** Stable id: hash of tenant, source and the best identity key present, plus the connector id when that key is vendor-local. */
  id: string;
  tenant_id: string;
  connector: { id: string; name: string; type: string };
  source: string;
  contentType: string;
  /** The identity key that `id` was derived from, e.g. `ID`. */
  primaryKey: { key: string; value: string };
  identity: Record<string, string>;
  hostname?: string;
  ip?: string[];
  mac?: string[];
  os?: string;
  lastSeen?: number;
  observedAt: number;
  attributes?: Record<string, unknown>;
}

/** A snapshot brackets one run of an inventory content type so ingestion can mark removed assets. */
export interface SnapshotMarker {
  snapshotId: string;
  phase: 'start' | 'end';
  tenant_id: string;
  connectorId: string;
  contentType: string;
  at: number;
  /** On `end`: whether every page was collected (only a complete snapshot may mark assets removed). */
  complete?: boolean;
  /** On `end`: number of records published in the snapshot. */
  count?: number;
}

export type QueueEntry =
  | { kind: 'record'; record: SyslogRecord; asset?: AssetRecord; snapshotId?: string }
  | { kind: 'snapshot'; marker: SnapshotMarker };

// ---------------------------------------------------------------------------------------------------
// Queue contract (implemented by @connectors/queue-memory and @connectors/queue-redis)

export interface PublishOptions {
  signal?: AbortSignal;
}

export interface ReadOptions {
  /**
   * Consumer name, unique among live workers; one read at a time per consumer. Entries it was given
   * and neither acknowledged nor released stay pending for it and are redelivered to it on its first
   * read after a restart (or reclaimed by another consumer once idle).
   */
  consumer: string;
  /** Most entries returned at once. */
  count: number;
  /** How long to wait for entries when none are ready. */
  blockMs: number;
  signal?: AbortSignal;
}

export interface Delivery {
  /** Queue-assigned id (a stream entry id for Redis). */
  deliveryId: string;
  entry: QueueEntry;
  /** How many times this entry has been delivered, this one included. */
  deliveries: number;
}

export interface QueueStats {
  /** Entries in the queue (read or not, not yet acknowledged-and-deleted). */
  length: number;
  /** Entries not yet delivered to any consumer. */
  lag: number;
  /** Entries delivered and not acknowledged. */
  pending: number;
  oldestPendingIdleMs: number;
  deadLetters: number;
  /** Bytes held (approximate), for the byte bound. */
  bytes?: number;
}

export interface Queue {
  readonly kind: string;
  /** Durably accepts entries; waits (never drops) while the backlog is at its bound. */
  publish(entries: readonly QueueEntry[], options?: PublishOptions): Promise<void>;
  /** Reads new entries for `consumer` (its own unacknowledged entries first after a restart). */
  read(options: ReadOptions): Promise<Delivery[]>;
  /** Acknowledges entries the sink has committed; they are then deleted. */
  ack(deliveryIds: readonly string[]): Promise<void>;
  /** Moves an entry to the dead-letter store with the reason, and acknowledges it. */
  deadLetter(delivery: Delivery, reason: string): Promise<void>;
  /**
   * Hands delivered, unacknowledged entries back for redelivery at once (a worker stopping mid-batch),
   * instead of waiting for the idle-claim timeout. Optional: without it they are reclaimed when idle.
   */
  release?(deliveryIds: readonly string[]): Promise<void>;
  /**
   * Tells the queue that `consumer` is still working on these entries (a batch waiting for a sink to
   * come back), so they are not reclaimed as idle and their delivery count does not climb. Optional.
   */
  touch?(consumer: string, deliveryIds: readonly string[]): Promise<void>;
  /** How long an unacknowledged entry stays with its consumer before another may reclaim it (ms). */
  readonly claimIdleMs?: number;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Sink contract (implemented by @connectors/lake and @connectors/ingest)

export interface SinkFailure {
  /** Index in the batch passed to `write`. */
  index: number;
  reason: string;
  /** Whether retrying could help (false for a poison record). */
  retryable: boolean;
}

export interface SinkWriteResult {
  written: number;
  failures: SinkFailure[];
}

export interface Sink {
  readonly name: string;
  /**
   * Commits a batch; idempotent on record id. Throws only when the whole batch could not be written.
   * Entries are read-only: the same objects go to every sink (see `jsonOf`).
   */
  write(batch: readonly QueueEntry[]): Promise<SinkWriteResult>;
  close(): Promise<void>;
}

export type { Secret };
