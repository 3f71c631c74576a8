import type { IncomingHttpHeaders } from 'node:http';
import type {
  Clock,
  CollectContext,
  CollectedPage,
  Connector,
  ConnectorClass,
  ConnectorInstanceInfo,
  ConnectorManifest,
  DependencyContainer,
  HttpClientFactory,
  Logger,
  NormalizedRecord,
  PageDemand,
  PluginDescriptor,
  QueueEntry,
  ResolvedConfig,
  RespondResult,
  RunContext,
  TestResult,
} from '@connectors/framework/engine';

// ---------------------------------------------------------------------------------------------------
// Conformance suite

/** What `setup` starts for the suite: usually a local fake API and the configs that point at it. */
export interface ConformanceEnvironment {
  /** A config that works against the environment (`configure()` accepts it, `test()` passes, data flows). */
  config: Record<string, unknown>;
  /** Configs that `configure()` accepts but that `test()` must report as failed, with a hint (a wrong key…). */
  failingConfigs?: Array<{ title: string; config: Record<string, unknown> }>;
  /** Requests the fake API has received: cross-checks the injected HTTP factory's count. */
  requestCount?(): number;
  /** Stops whatever setup started; called once after the suite. */
  teardown?(): Promise<void> | void;
}

export interface InvalidConfigCase {
  title: string;
  /** The bad config, or a function deriving it from the environment's valid config. */
  config: Record<string, unknown> | ((valid: Record<string, unknown>) => Record<string, unknown>);
  /** The config field the error must name (dot path for nested fields). */
  field: string;
}

export interface ConformanceOptions {
  /** Starts the environment (before the suite). */
  setup(): Promise<ConformanceEnvironment> | ConformanceEnvironment;
  /** Config fields that must be marked `"secret": true` (dot paths); exactly these. */
  secretFields: string[];
  /**
   * Invalid configs beyond the generated ones (each required field missing, an unknown setting):
   * URL forms, ranges, plugin-level checks in `normalizeConfig`.
   */
  invalidConfigs?: InvalidConfigCase[];
  /** For a connector with Respond: a working target for every declared action, by action id. */
  respondTargets?: Record<string, Record<string, string>>;
  /** Per-test timeout in ms (default 20 000). */
  timeoutMs?: number;
  /** How long "nothing more happens" is watched for, in ms (default 50). */
  settleMs?: number;
  /** Most pages one collection run may yield before the suite calls it unbounded (default 200). */
  maxPages?: number;
}

// ---------------------------------------------------------------------------------------------------
// Test host

/** A plugin ready to instantiate: its manifest and connector class. */
export interface LoadedPlugin {
  manifest: ConnectorManifest;
  connectorClass: ConnectorClass;
  /** The discovery descriptor, when the plugin was read from disk. */
  descriptor?: PluginDescriptor;
}

export interface TestHostOptions {
  /** Default: a FakeClock in auto-advance mode (sleeps and backoff take no real time). */
  clock?: Clock;
  /** The factory requests go through (default: real axios); the host always wraps it in a recorder. */
  httpClientFactory?: HttpClientFactory;
  /**
   * Development mode of the default factory (default true: test APIs listen on plain http at a
   * loopback address). False tests the production policy: https only, loopback refused.
   */
  development?: boolean;
  /** Default: a capturing logger at `trace` level (see `logs`). */
  logger?: Logger;
  /** Tenant of the instances this host creates (default `tenant-test`). */
  tenant?: string;
}

export interface InstantiateOptions {
  instance?: Partial<ConnectorInstanceInfo>;
}

export interface TestHost {
  /** The host-wide container (one child container per instance is created from it). */
  readonly container: DependencyContainer;
  readonly clock: Clock;
  /** Records every request the host's connectors make. */
  readonly http: import('./recording-http.factory').RecordingHttpClientFactory;
  /** What the host's connectors logged (empty when a custom logger was given). */
  readonly logs: CapturedLogs;
  /** A connector resolved from its own child container, manifest bound, not configured. */
  create<TConfig extends ResolvedConfig = ResolvedConfig>(
    plugin: LoadedPlugin,
    options?: InstantiateOptions,
  ): Connector<TConfig>;
  /** `create` + `configure(config)`; throws the configuration error for a bad config. */
  instantiate<TConfig extends ResolvedConfig = ResolvedConfig>(
    plugin: LoadedPlugin,
    config: Record<string, unknown>,
    options?: InstantiateOptions,
  ): TestConnector<TConfig>;
}

export interface CollectOptions {
  /** Default: every content type of the manifest. */
  contentTypes?: string[];
  /** Default: demand that is always ready. */
  demand?: PageDemand;
  signal?: AbortSignal;
}

/** One collected raw object, its normalization and the framework envelope built from it. */
export interface CollectedRecord<TRaw = unknown> {
  contentType: string;
  page: number;
  raw: TRaw;
  normalized: NormalizedRecord;
  entry: Extract<QueueEntry, { kind: 'record' }>;
}

/** A configured connector plus the contexts the host would give it. */
export interface TestConnector<TConfig extends ResolvedConfig = ResolvedConfig> {
  readonly connector: Connector<TConfig>;
  readonly manifest: ConnectorManifest;
  readonly config: TConfig;
  readonly instance: ConnectorInstanceInfo;
  readonly logger: Logger;
  runContext(signal?: AbortSignal): RunContext<TConfig>;
  collectContext(options?: CollectOptions): CollectContext<TConfig>;
  /** Every page of a run (at most `maxPages`, default 1000). */
  collectPages(options?: CollectOptions & { maxPages?: number }): Promise<CollectedPage[]>;
  /** Every record of a run, normalized and enveloped with the framework's `buildEnvelope`. */
  collectRecords(options?: CollectOptions & { maxPages?: number }): Promise<CollectedRecord[]>;
  /** One vendor object normalized and enveloped as the host does: the record and its asset. */
  envelope(contentType: string, raw: unknown): CollectedRecord['entry'];
  test(signal?: AbortSignal): Promise<TestResult>;
  /** Through the framework's `runRespond` (capability, action and target checks first). */
  respond(action: string, target: Record<string, string>): Promise<RespondResult>;
}

// ---------------------------------------------------------------------------------------------------
// HTTP recording

export type RecordedOutcome = 'pending' | 'response' | 'error' | 'cancelled';

/** One request a plugin made through the injected factory. Headers are never kept (they hold keys). */
export interface RecordedHttpRequest {
  /** 1-based order in which requests started. */
  seq: number;
  method: string;
  /** Origin and path, without query string or credentials. */
  url: string;
  outcome: RecordedOutcome;
  status?: number;
}

// ---------------------------------------------------------------------------------------------------
// Fake clock, logs, fixtures

export interface FakeClockOptions {
  /** Start time, epoch ms (default 2024-01-01T00:00:00Z). */
  now?: number;
  /**
   * When true, every `sleep` advances the clock by its duration and resolves on the next macrotask,
   * so retries and backoff run instantly. When false (default), sleeps wait for `advance()`.
   */
  autoAdvance?: boolean;
}

export interface CapturedLogs {
  /** Raw JSON lines, as pino wrote them (after redaction). */
  readonly lines: string[];
  /** Parsed entries. */
  entries(): Array<Record<string, unknown>>;
  /** All lines joined: for "this secret appears nowhere in the logs". */
  text(): string;
  clear(): void;
}

export interface FixtureReader {
  /** Absolute `test/fixtures` directory of the package. */
  readonly dir: string;
  /** Parses `test/fixtures/<endpoint>.<scenario>.json`. Every call returns a fresh copy. */
  read<T = unknown>(endpoint: string, scenario: string): T;
  /** The path of a fixture (whether or not it exists). */
  path(endpoint: string, scenario: string): string;
  /** Fixture names present, `<endpoint>.<scenario>`. */
  list(): string[];
}

// ---------------------------------------------------------------------------------------------------
// Fake API harness

export interface FakeApiRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/events`. */
  path: string;
  /** Values of `:name` segments in the route path. */
  params: Record<string, string>;
  /** Query parameters; a repeated parameter becomes an array. */
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (or the raw text when it is not JSON; undefined when empty). */
  body: unknown;
}

export interface FakeApiResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  /** Waits this long (real time) before answering: for timeouts and in-flight cancellation. */
  delayMs?: number;
}

export type FakeApiHandler = (request: FakeApiRequest) => FakeApiResponse | Promise<FakeApiResponse>;

export interface FakeApiRoute {
  method: string;
  /** Path with optional `:name` segments, e.g. `/v1/hosts/:id/isolate`. */
  path: string;
  handler: FakeApiHandler;
}

export interface StartFakeApiOptions {
  routes?: FakeApiRoute[];
}

export interface FakeApi {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: FakeApiRequest[];
  /** Adds a route; a later route for the same method and path wins (override behaviour per test). */
  route(method: string, path: string, handler: FakeApiHandler): this;
  /** Forgets the recorded requests. */
  reset(): void;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// CLI session

export interface CliSessionOptions {
  /** Working directory: the plugin or workspace directory (the CLI finds plugins from here). */
  cwd: string;
  /**
   * Extra environment. Sessions run with `CONNECTORS_DEV=1` (plain http to loopback allowed) and
   * without Redis; pass `CONNECTORS_DEV: ''` for the production policy or `REDIS_URL` for Redis.
   */
  env?: Record<string, string>;
  /** Longest a command may run (default 60 000 ms). */
  timeoutMs?: number;
}

export interface CliResult {
  /** Exit code (0 ok, 1 failed, 2 bad input). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliSession {
  /** The session's data directory (registry, lake, state); removed by `close()`. */
  readonly dataDir: string;
  /** Runs `connectors --data-dir <dataDir> ...args`. */
  run(...args: string[]): Promise<CliResult>;
  close(): Promise<void>;
}
