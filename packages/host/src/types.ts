// Public types of the connector host: what the registry stores, what status shows, what a run reports.
import type { Clock, DeviceKind, HttpClientFactory, Logger, Queue, Sink } from '@connectors/framework/engine';

/** Where a connector runs: the data processor, or a sensor that was registered first. */
export interface RunOn {
  kind: DeviceKind;
  /** Sensor id (only for `sensor`). */
  id?: string;
}

export interface Tenant {
  id: string;
  createdAt: number;
}

export interface Sensor {
  id: string;
  name?: string;
  createdAt: number;
}

/** A data analyzer profile: the connectors on a data processor that may pull data. */
export interface AnalyzerProfile {
  name: string;
  /** Connector instance ids. */
  connectors: string[];
  createdAt: number;
}

export const FILTER_OPERATORS = ['equals', 'not-equals', 'contains', 'matches', 'in', 'exists'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface FilterCondition {
  /** Dot path into the record, e.g. `host.os.full` or `trendmicro_cloudone.platform`. */
  field: string;
  operator: FilterOperator;
  /** One value for equals/not-equals/contains/matches, several for `in`, none for `exists`. */
  values: string[];
}

/** A named, tenant-scoped log filter; attached to a connector it excludes records matching every condition. */
export interface LogFilter {
  tenant: string;
  name: string;
  conditions: FilterCondition[];
  createdAt: number;
}

/** A connector instance as the registry holds it (secret values encrypted at rest, never returned plain). */
export interface ConnectorDefinition {
  id: string;
  tenant: string;
  name: string;
  /** Plugin id. */
  plugin: string;
  category: string;
  runOn: RunOn;
  /** Functions enabled at creation (fixed): `collect` and/or `respond`. */
  functions: Array<'collect' | 'respond'>;
  /** Names of the tenant's log filters attached as exclude filters (fixed at creation). */
  filters: string[];
  /** The plugin config as stored: secret fields hold encrypted envelopes. */
  config: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** What `show` and `list` print: general settings, redacted config, interval and content types. */
export interface ConnectorView {
  id: string;
  tenant: string;
  name: string;
  plugin: string;
  pluginName: string;
  category: string;
  runOn: string;
  functions: string[];
  filters: string[];
  profiles: string[];
  /** Config with secrets as `[REDACTED]`. */
  config: Record<string, unknown>;
  intervalMinutes: number;
  contentTypes: string[];
  createdAt: string;
  updatedAt: string;
}

export type ConnectorState = 'pending' | 'running' | 'ok' | 'failed' | 'inactive';

export interface StatusError {
  code: string;
  summary: string;
  detail?: string;
  hint?: string;
  at: number;
  /** Where the fault was seen: a scheduled or manual run, or a test. */
  source: 'run' | 'test';
}

/** Figures of one collection run. */
export interface RunFigures {
  pages: number;
  /** Records published to the queue. */
  records: number;
  /** Records excluded by log filters. */
  filtered: number;
  /** Records that had to be truncated to the size limit (published, counted). */
  truncated: number;
  /** Raw objects the plugin could not normalize (counted, logged; the snapshot is then incomplete). */
  invalid: number;
  /** Records that carried an asset. */
  assets: number;
  byContentType: Record<string, { pages: number; records: number; filtered: number }>;
}

export interface RunSummary extends RunFigures {
  runId: string;
  connectorId: string;
  tenant: string;
  name: string;
  trigger: 'schedule' | 'manual';
  ok: boolean;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  error?: StatusError;
  /** Set when the run was scheduled: the due time that triggered it (one run per due time, cluster-wide). */
  scheduledFor?: number;
  /** Fencing token of the lease the run held. */
  fence: number;
  hostId: string;
  /** Records the ingest side had when the run returned (only when it waited for ingestion). */
  ingested?: number;
  /**
   * A manual run in Redis mode without a shared lake: the hosts whose ingest workers it waited for
   * (it ingests nothing itself). Absent when this process ingested.
   */
  ingestedBy?: string[];
  /** The run never recorded an outcome (its process died): found by the next run, or when read. */
  interrupted?: boolean;
}

export interface ConnectorStatus {
  connectorId: string;
  tenant: string;
  name: string;
  state: ConnectorState;
  /** Why the state is what it is, in words (e.g. "not in a data analyzer profile"). */
  reason?: string;
  lastSuccessAt?: number;
  lastActivityAt?: number;
  lastError?: StatusError;
  nextRunAt?: number;
  /** Records published by the last finished run. */
  lastRunRecords?: number;
  lastRun?: Omit<RunSummary, 'error'>;
  /** Entries waiting in the queue (whole queue: it is shared by connectors). */
  backlog?: number;
  /**
   * Set when no live host takes this connector's placement, so nothing will run it: what is missing and
   * the fix ("no host is running as sensor s1: start one with `connectors start --role sensor:s1`").
   */
  noHost?: string;
  /** Set when a successful test cleared a failed status; a verification run follows within a minute. */
  clearedByTestAt?: number;
  /** When this status was last refreshed. */
  refreshedAt: number;
}

export interface ScheduleState {
  connectorId: string;
  /** When the next run is due (epoch ms); undefined while the connector is inactive. */
  nextRunAt?: number;
  lastStartedAt?: number;
  lastFinishedAt?: number;
  /** Highest fencing token that committed a run. */
  lastFence: number;
}

/** Progress of a run, reported after each published page and while waiting for ingestion. */
export interface RunProgress {
  phase: 'collecting' | 'ingesting' | 'done';
  pages: number;
  records: number;
  filtered: number;
  truncated: number;
  /** Records per second since the run started. */
  rate: number;
  /** Queue backlog (entries not yet ingested), when known. */
  backlog?: number;
}

/** What a host writes into the shared store at each heartbeat (collection `hosts`, key = host id). */
export interface HostRecord {
  hostId: string;
  roles: string[];
  version: string;
  startedAt: number;
  /** When the host last wrote its heartbeat (its own clock). */
  lastSeenAt: number;
  /** Collection runs this host executes right now. */
  runsInProgress: number;
  /** Ingest workers this host runs (0: it collects only). */
  ingestWorkers: number;
  /** Its ingest workers write into a lake every host shares (see `HostOptions.sharedLake`). */
  sharedLake: boolean;
  /** The TTL this host promises to beat within; readers judge liveness by it. */
  ttlMs: number;
}

/** A host as `connectors hosts` lists it: its last heartbeat, and whether that is recent enough. */
export interface HostView extends HostRecord {
  /** The last heartbeat is younger than `ttlMs`. */
  alive: boolean;
}

export interface RateBudgetOptions {
  /** Requests per minute a credential may spend, shared by every connector using it (default 450). */
  requestsPerMinute?: number;
  /** Largest burst (default 50). */
  burst?: number;
}

/** The data side of a host: how to open the queue and the sinks, and how ingestion runs. */
export interface HostBackends {
  openQueue(): Promise<Queue>;
  /** Ingestion: reads the queue into the sinks until stopped. */
  createIngest(queue: Queue, consumer: string): Promise<IngestHandle>;
  /** Releases what the backends opened (lake handles…). */
  close?(): Promise<void>;
}

export interface IngestHandle {
  start(): void;
  /** Resolves once every entry published so far is committed by the sinks and acknowledged. */
  drained(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  readonly sinks?: readonly Sink[];
}

export interface HostOptions {
  /** Data directory: embedded store, key file, lake (default `./data`). */
  dataDir: string;
  /** Use Redis for the registry, leases, rate budget and queue. */
  redisUrl?: string;
  /** Prefix of every Redis key this host writes (default `connectors`). */
  redisPrefix?: string;
  /**
   * The lake on PostgreSQL (`postgres://user:password@host:5432/database`), shared by every host that
   * names it; without it, the SQLite lake in the data directory (docs/adr/0014-postgresql-lake.md).
   */
  lakeUrl?: string;
  /**
   * With `lakeUrl`: days of records the PostgreSQL lake keeps; older day partitions are dropped whole
   * (default: keep everything).
   */
  lakeRetentionDays?: number;
  /** Root of the workspace searched for plugins (`plugins/*`, `examples/*`, `node_modules`). */
  workspaceRoot?: string;
  /** Extra directories whose children are plugin directories. */
  pluginDirs?: string[];
  /** AES-256 key (base64 or hex of 32 bytes); default `CONNECTORS_SECRET_KEY`. */
  secretKey?: string;
  /** This process's id in leases and run history (default `hostname:pid`). */
  hostId?: string;
  /**
   * The placements this host takes (`dp`, `sensor:ID`; default `['dp']`): its scheduler starts, and a
   * manual `run` here executes, only connectors whose "run on" is one of them.
   */
  roles?: string[];
  /**
   * This process's ingestion writes into a lake every host shares (PostgreSQL). With Redis and without
   * it, a manual run does not ingest here (that would split the run across two lakes): it waits for the
   * cluster's ingest workers. Set it when the lake is shared; unset, the lake is the data directory's.
   */
  sharedLake?: boolean;
  logger?: Logger;
  clock?: Clock;
  httpClientFactory?: HttpClientFactory;
  /** Overrides the data side (tests use fakes). Default: memory or Redis queue, lake sink, ingest worker. */
  backends?: HostBackends;
  rateBudget?: RateBudgetOptions;
  /** Length of one interval "minute" in ms (default 60 000; tests shorten it). */
  minuteMs?: number;
  /** When the first pull of a newly active connector is due (see FirstRunPacingOptions). */
  firstRunPacing?: FirstRunPacingOptions;
  /**
   * Write the lake on a worker thread (`LakeThreadSink`) instead of the host's thread (default false).
   * Faster without a heap cap, for more resident memory; under the daemon's heap cap it is slower, hence
   * off by default (docs/PERFORMANCE.md).
   */
  lakeThread?: boolean;
  /**
   * Pages in flight across every collection run of this host (default 8, `DEFAULT_PAGES_IN_FLIGHT`):
   * a permit is taken before a page is fetched and returned once the page is published. A run's first
   * page waits for a permit; the page it fetches ahead (each run holds at most two pages,
   * `CollectionInput.pagesInFlight`) only when one is free. So memory held by pages is bounded by this
   * number whatever `maxConcurrentRuns` is, and more runs can be started to hide vendor latency. The
   * default is what the scheduler's default of 4 concurrent runs can hold (4 × 2). A whole number ≥ 1.
   */
  pagesInFlight?: number;
  /**
   * How long a run keeps going while Redis (the store) does not answer before it fails with
   * `STORE_UNREACHABLE` (default `DEFAULT_STORE_DEADLINE_MS`, at most four fifths of the lease TTL); also bounds the end
   * of a cancelled run and the recording of its outcome.
   */
  redisDeadlineMs?: number;
}

/**
 * Spreads the first pulls of connectors activated together (created in bulk, or added to a profile
 * together) over a window, so that a burst is not due all at one instant. A connector activated alone
 * is due at once.
 */
export interface FirstRunPacingOptions {
  /**
   * The first pulls of a burst are spread over this long (default 60 000 ms, and never more than the
   * connector's interval; 0 makes every first pull due at once).
   */
  windowMs?: number;
  /** Activations less than this apart belong to one burst (default 1 000 ms). */
  burstGapMs?: number;
}

export interface SchedulerOptions {
  /** How often due connectors are checked (default 1 000 ms). */
  tickMs?: number;
  /** Lease time-to-live; a crashed run is picked up again after this (default 10 000 ms). */
  leaseTtlMs?: number;
  /** Most runs this process executes at once (default 4). */
  maxConcurrentRuns?: number;
  /** How long `stop()` lets runs finish before it cancels and releases them (default 10 000 ms). */
  shutdownGraceMs?: number;
}

export interface DaemonOptions extends SchedulerOptions {
  /** Port of the metrics and health endpoints; 0 picks a free one; undefined disables them. */
  metricsPort?: number;
  metricsHost?: string;
  /** Ingest workers in this process (default 1). */
  ingestWorkers?: number;
  /** Status refresh period (default 5 minutes). */
  statusRefreshMs?: number;
  /** A heartbeat older than this means the host is gone (default 15 000 ms); it beats every third of it. */
  heartbeatTtlMs?: number;
}
