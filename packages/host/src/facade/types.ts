// Inputs and outputs of the façade's use cases: plain JSON-like objects (docs/adr/0010-host-facade.md).
// Each input matches its schema in INPUT_SCHEMAS; outputs never hold a secret value.
import type {
  ConnectorManifest,
  RespondResult,
  SyslogRecord,
  TestResult,
  TestStepResult,
} from '@connectors/framework/engine';
import type { PluginSummary } from '../catalog/plugin.catalog';
import type {
  AnalyzerProfile,
  ConnectorStatus,
  HostView,
  ConnectorView,
  FilterCondition,
  RunProgress,
  RunSummary,
} from '../types';

/** Who calls: unscoped (every tenant) or limited to one tenant. Tokens and roles map onto this later. */
export interface Scope {
  tenant?: string;
}

export interface ConnectorRef {
  tenant: string;
  name: string;
}

export interface HostInfo {
  hostId: string;
  /** Where the registry lives. */
  registry: 'sqlite' | 'redis';
  dataDir: string;
  /** Where the lake is: the SQLite file, or the PostgreSQL URL without its password. */
  lake: string;
  /** Pages every run of this host may hold together. */
  pagesInFlight: number;
  /** The placements this host takes (`dp`, `sensor:ID`). */
  roles: string[];
}

export interface PluginRefusal {
  code: string;
  message: string;
  hint?: string;
}

export interface PluginListing {
  plugins: PluginSummary[];
  /** Plugins found but refused (a bad manifest, a missing module). */
  refused: PluginRefusal[];
}

export interface PluginDetail extends PluginSummary {
  /** JSON Schema of the connector configuration; `secret: true` marks write-only fields. */
  configSchema: ConnectorManifest['configSchema'];
  manifest: ConnectorManifest;
}

export interface ProfileView extends AnalyzerProfile {
  /** `tenant/name` of each connector of the profile the caller sees. */
  connectorNames: string[];
}

export interface FilterInput {
  tenant: string;
  name: string;
  /** `FIELD OPERATOR [VALUE]` texts or conditions; a record is excluded when all hold. */
  when: Array<string | FilterCondition>;
}

export interface CreateConnectorRequest {
  plugin: string;
  name: string;
  tenant: string;
  /** `dp` or `sensor:ID`. */
  runOn: string;
  profile?: string;
  filters?: string[];
  /** The plugin configuration; secret values plain here, encrypted before they are stored. */
  config: Record<string, unknown>;
}

export interface EditConnectorRequest extends ConnectorRef {
  /** Settings to change, merged into the configuration. */
  set?: Record<string, unknown>;
  /** Settings to remove (back to their defaults). */
  unset?: string[];
}

/** A snapshot of the connector the lake has not closed, and what it waits for. */
export interface OpenSnapshotView {
  snapshotId: string;
  contentType: string;
  /** When the lake first heard of it, on the lake's clock. */
  openedAt: number;
  /** The lake's clock at its last marker or record; it expires `snapshotExpiryMs` after. */
  lastActivityAt: number;
  /** "waiting for the end marker" or "waiting for N of M records". */
  reason: string;
}

/** The connector's open snapshots, oldest first. */
export interface OpenSnapshots {
  count: number;
  /** When the oldest was opened, on the lake's clock. */
  oldestOpenedAt: number;
  snapshots: OpenSnapshotView[];
}

/** A connector's status with its open snapshots (absent when it has none, or the lake could not be read). */
export type StatusView = ConnectorStatus & { openSnapshots?: OpenSnapshots };

export type ConnectorDetail = ConnectorView & { status: ConnectorStatus };
export type ConnectorRow = ConnectorView & { status?: ConnectorStatus };

export interface DeletedConnector {
  deleted: string;
  tenant: string;
  id: string;
}

export interface TestOptions {
  /** Each step's result, in order. */
  onStep?(step: TestStepResult): void;
  signal?: AbortSignal;
}

export interface TestReport {
  connector: ConnectorRef & { id: string; plugin: string };
  /** The plugin's display name; undefined when the plugin is no longer installed. */
  pluginName?: string;
  result: TestResult;
  status: ConnectorStatus;
}

export interface RunRequest extends ConnectorRef {
  /** Return once ingestion has every record (default true). */
  waitForIngestion?: boolean;
}

export interface RunOptions {
  onProgress?(progress: RunProgress): void;
  signal?: AbortSignal;
}

export interface RecordCondition {
  path: string;
  op?: 'eq' | 'neq' | 'contains' | 'exists';
  value?: string;
}

export interface RecordQuery {
  tenant?: string;
  where?: RecordCondition[];
  since?: number;
  until?: number;
}

export interface SearchRequest extends RecordQuery {
  limit?: number;
  /** The `nextCursor` of the previous page; absent for the first page. */
  cursor?: string;
}

export interface SearchResult {
  /** Newest first. */
  records: SyslogRecord[];
  /** Every record the query matches, on all pages. */
  total: number;
  /** Present when more records match: the `cursor` of the next page. */
  nextCursor?: string;
}

export interface AssetQuery {
  tenant?: string;
  /** Connector name (needs the tenant). */
  connector?: string;
  includeRemoved?: boolean;
  limit?: number;
  offset?: number;
}

export interface AssetChangeQuery {
  tenant?: string;
  assetId?: string;
  afterSeq?: number;
  limit?: number;
}

export interface RespondRequestInput extends ConnectorRef {
  action: string;
  target?: Record<string, string>;
}

export type { RunSummary, ConnectorStatus, ConnectorView, HostView, RespondResult };
