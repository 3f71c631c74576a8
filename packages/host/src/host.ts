import { hostname } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import {
  AxiosHttpClientFactory,
  CancelledError,
  ConnectorError,
  createHostContainer,
  createSilentLogger,
  runRespond,
  SystemClock,
  toConnectorError,
  type Clock,
  type DependencyContainer,
  type Logger,
  type Queue,
  type RespondRequest,
  type RespondResult,
  type TestResult,
  type TestStepResult,
} from '@connectors/framework/engine';
import { PageBudget } from './pipeline/page-demand';
import { MemoryRateBudget, RedisRateBudget, DEFAULT_BUCKET, type RateBudget } from './budget/rate-budget';
import { PluginCatalog } from './catalog/plugin.catalog';
import { ConnectorFactory } from './connector.factory';
import { HostDirectory } from './cluster/host.directory';
import { describePlacement, parseRoles, placementOf } from './cluster/placement';
import { openSecretBox } from './crypto/key-check';
import { BusyError, HostInputError } from './errors';
import { HostFacade } from './facade/host.facade';
import { ExcludeFilters } from './filters/log-filter';
import { HostMetrics } from './metrics/host.metrics';
import { emptyFigures, runCollection } from './pipeline/collection.pipeline';
import { COLLECTIONS, testLeaseName } from './registry/collections';
import { ConnectorRegistry, instanceOf } from './registry/connector.registry';
import { InventoryRegistry } from './registry/inventory.registry';
import { FirstRunPacer } from './scheduler/first-run.pacer';
import {
  findInterruptedRun,
  RunCoordinator,
  type RunIngestion,
  type RunRequest,
} from './scheduler/run.coordinator';
import { acquireLease, LeaseKeeper } from './store/lease.keeper';
import { StatusTracker, toStatusError } from './status/status.tracker';
import type { HostStore } from './store/host-store';
import { createRedisClient, RedisHostStore } from './store/redis.host-store';
import { SqliteHostStore } from './store/sqlite.host-store';
import type {
  ConnectorDefinition,
  ConnectorStatus,
  HostBackends,
  HostOptions,
  HostView,
  IngestHandle,
  RunFigures,
  RunProgress,
  RunSummary,
} from './types';

export interface RunNowOptions {
  /** Wait until ingestion has the data (runs an ingest worker in this process meanwhile). Default true. */
  waitForIngestion?: boolean;
  onProgress?(progress: RunProgress): void;
  signal?: AbortSignal;
}

export interface TestRunOptions {
  /** Each step's result, in order. */
  onStep?(step: TestStepResult): void;
  signal?: AbortSignal;
}

export interface TestOutcome {
  connector: ConnectorDefinition;
  result: TestResult;
  status: ConnectorStatus;
}

const TEST_TIMEOUT_MS = 120_000;

/** Pages in flight across the runs of a host unless `HostOptions.pagesInFlight` says otherwise. */
export const DEFAULT_PAGES_IN_FLIGHT = 8;

interface HostParts {
  options: HostOptions;
  hostId: string;
  store: HostStore;
  catalog: PluginCatalog;
  inventory: InventoryRegistry;
  connectors: ConnectorRegistry;
  factory: ConnectorFactory;
  metrics: HostMetrics;
  clock: Clock;
  logger: Logger;
  container: DependencyContainer;
  backends: HostBackends;
  budgetRedis?: Redis;
  pageBudget: PageBudget;
}

/**
 * The connector host, the composition root: catalog, registry, status, run coordination and the data
 * side, opened on one data directory (embedded) or on a Redis shared by several hosts. Callers come
 * in through `facade` (the use cases; docs/adr/0010-host-facade.md); the daemon runs on the host.
 * Members marked internal are the parts the daemon, the façade and the host's tests wire together.
 */
export class ConnectorHost {
  /** The use cases: the one way in for the CLI and the HTTP API. */
  readonly facade: HostFacade;
  /** @internal */
  readonly options: HostOptions;
  /** @internal */
  readonly hostId: string;
  /** @internal */
  readonly minuteMs: number;
  /** @internal */
  readonly store: HostStore;
  /** @internal */
  readonly catalog: PluginCatalog;
  /** Tenants, sensors, log filters (the façade's use cases are the way in; benchmarks seed through it). */
  readonly inventory: InventoryRegistry;
  /** Connector instances and profiles (the façade's use cases are the way in; benchmarks seed through it). */
  readonly connectors: ConnectorRegistry;
  /** @internal */
  readonly status: StatusTracker;
  /** @internal */
  readonly coordinator: RunCoordinator;
  /** @internal */
  readonly metrics: HostMetrics;
  /** @internal */
  readonly clock: Clock;
  /** @internal */
  readonly logger: Logger;
  /** @internal */
  readonly container: DependencyContainer;
  /** Pages in flight across every run of this host (`HostOptions.pagesInFlight`). */
  readonly pageBudget: PageBudget;
  /** @internal The hosts sharing this store, by their heartbeats. */
  readonly directory: HostDirectory;
  /** The placements this host takes (`HostOptions.roles`, default `dp`). */
  readonly roles: readonly string[];
  private readonly factory: ConnectorFactory;
  private readonly backends: HostBackends;
  private readonly budgetRedis?: Redis;
  private queuePromise?: Promise<Queue>;
  private closed = false;

  private constructor(parts: HostParts) {
    this.options = parts.options;
    this.hostId = parts.hostId;
    this.minuteMs = parts.options.minuteMs ?? 60_000;
    this.store = parts.store;
    this.catalog = parts.catalog;
    this.inventory = parts.inventory;
    this.connectors = parts.connectors;
    this.factory = parts.factory;
    this.metrics = parts.metrics;
    this.clock = parts.clock;
    this.logger = parts.logger;
    this.container = parts.container;
    this.backends = parts.backends;
    this.budgetRedis = parts.budgetRedis;
    this.pageBudget = parts.pageBudget;
    this.roles = parseRoles(parts.options.roles);
    this.directory = new HostDirectory(this.store, this.clock);
    this.status = new StatusTracker({
      store: this.store,
      clock: this.clock,
      registry: this.connectors,
      logger: this.logger,
      // The shared Redis queue's backlog is every host's, so any host (the CLI too) reads it; an
      // in-process queue is this process's alone and counts only once it is open.
      backlog: async () =>
        this.queuePromise || this.options.redisUrl ? (await (await this.queue()).stats()).length : undefined,
      directory: this.directory,
    });
    this.coordinator = new RunCoordinator({
      store: this.store,
      clock: this.clock,
      registry: this.connectors,
      status: this.status,
      logger: this.logger,
      hostId: this.hostId,
      roles: this.roles,
      minuteMs: this.minuteMs,
      deadlineMs: parts.options.redisDeadlineMs,
      execute: (def, request) => this.executeRun(def, request),
    });
    this.facade = new HostFacade(this);
  }

  static async open(options: HostOptions): Promise<ConnectorHost> {
    parseRoles(options.roles); // a bad role fails before anything opens
    const pageBudget = new PageBudget(checkPagesInFlight(options.pagesInFlight));
    const clock = options.clock ?? new SystemClock();
    const logger = options.logger ?? createSilentLogger();
    const dataDir = path.resolve(options.dataDir);
    const minuteMs = options.minuteMs ?? 60_000;
    const hostId = options.hostId ?? `${hostname()}:${process.pid}`;
    const prefix = options.redisPrefix ?? 'connectors';
    const store: HostStore = options.redisUrl
      ? await RedisHostStore.connect({
          url: options.redisUrl,
          prefix,
          onError: (err) =>
            logger.warn({ err: toConnectorError(err) }, 'Redis connection error; reconnecting'),
        })
      : SqliteHostStore.open(dataDir, clock);
    let budgetRedis: Redis | undefined;
    try {
      const box = await openSecretBox(store, {
        key: options.secretKey ?? process.env.CONNECTORS_SECRET_KEY,
        dataDir,
        allowKeyFile: !options.redisUrl,
      });
      const catalog = new PluginCatalog({
        workspaceRoot: options.workspaceRoot,
        pluginDirs: options.pluginDirs,
      });
      for (const err of catalog.errors) logger.warn({ err }, 'plugin refused');
      const bucket = { ...DEFAULT_BUCKET, ...stripUndefined(options.rateBudget ?? {}) };
      let budget: RateBudget;
      if (options.redisUrl) {
        budgetRedis = createRedisClient(options.redisUrl, (err) =>
          logger.warn({ err: toConnectorError(err) }, 'Redis connection error; reconnecting'),
        );
        await budgetRedis.connect();
        budget = new RedisRateBudget(budgetRedis, `{${prefix}}`, clock, bucket);
      } else {
        budget = new MemoryRateBudget(clock, bucket);
      }
      const httpClientFactory =
        options.httpClientFactory ??
        new AxiosHttpClientFactory({ development: process.env.CONNECTORS_DEV === '1' });
      const container = createHostContainer({ logger, clock, httpClientFactory });
      const factory = new ConnectorFactory(catalog, container, httpClientFactory, budget, clock, (text) =>
        box.keyedHash('rate-budget', text),
      );
      const inventory = new InventoryRegistry(store, clock);
      const connectors = new ConnectorRegistry(
        store,
        clock,
        catalog,
        inventory,
        factory,
        box,
        minuteMs,
        new FirstRunPacer(store, clock, options.firstRunPacing),
      );
      await connectors.ensureDefaultProfile();
      const backends = options.backends ?? (await loadDefaultBackends(options, dataDir, prefix, logger));
      return new ConnectorHost({
        options,
        hostId,
        store,
        catalog,
        inventory,
        connectors,
        factory,
        metrics: new HostMetrics({ defaultMetrics: false, pageBudget }),
        clock,
        logger,
        container,
        backends,
        budgetRedis,
        pageBudget,
      });
    } catch (err) {
      await budgetRedis?.quit().catch(() => undefined);
      await store.close();
      throw err;
    }
  }

  /** The queue this host publishes to (opened on first use). */
  queue(): Promise<Queue> {
    this.queuePromise ??= this.backends.openQueue();
    return this.queuePromise;
  }

  /** @internal */
  createIngest(consumer: string): Promise<IngestHandle> {
    return this.queue().then((q) => this.backends.createIngest(q, consumer));
  }

  /**
   * @internal Runs the connector's live test; one test at a time per connector, across hosts. Each
   * step reaches `onStep` as soon as it finishes.
   */
  async test(tenant: string | undefined, name: string, options: TestRunOptions = {}): Promise<TestOutcome> {
    const { signal } = options;
    const def = await this.connectors.get(tenant, name);
    this.connectors.assertSecretKey();
    const lease = await acquireLease(
      this.store,
      testLeaseName(def.id),
      this.hostId,
      this.coordinator.leaseTtlMs,
    );
    if (!lease) {
      const holder = await this.store.getLease(testLeaseName(def.id));
      throw new BusyError(
        'TEST_IN_PROGRESS',
        `a test is already running for ${def.name}${holder ? ` (started by ${holder.owner})` : ''}`,
        'Wait for it to finish, then test again.',
      );
    }
    // Renewed while the test runs, so a killed test frees the connector a few seconds later.
    const lost = new AbortController();
    const keeper = new LeaseKeeper(lease, {
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      ttlMs: this.coordinator.leaseTtlMs,
      onLost: (reason) => lost.abort(reason),
    });
    try {
      const started = this.clock.now();
      const testSignal = AbortSignal.any([
        lost.signal,
        AbortSignal.timeout(TEST_TIMEOUT_MS),
        ...(signal ? [signal] : []),
      ]);
      let result: TestResult;
      try {
        const configured = await this.factory.configure(
          def.plugin,
          instanceOf(def),
          this.connectors.plainConfig(def),
        );
        result = await configured.connector.test(
          {
            config: configured.config,
            instance: configured.instance,
            logger: configured.logger,
            signal: testSignal,
          },
          options.onStep,
        );
      } catch (err) {
        const e = toConnectorError(err);
        const durationMs = this.clock.now() - started;
        const step: TestStepResult = {
          id: 'configuration',
          title: 'configuration',
          status: 'failed',
          durationMs,
          detail: e.message,
          ...(e.hint ? { hint: e.hint } : {}),
        };
        options.onStep?.(step);
        result = {
          ok: false,
          summary: `failed at "configuration": ${e.message}`,
          detail: e.message,
          ...(e.hint ? { hint: e.hint } : {}),
          durationMs,
          steps: [step],
        };
      }
      const status = await this.status.afterTest(def, result);
      return { connector: def, result, status };
    } finally {
      keeper.stop();
      await this.store.releaseLease(lease).catch(() => undefined);
    }
  }

  /**
   * @internal Collects now (the user asked), under the same lease as scheduled runs, and by default waits
   * until ingestion has every published record.
   */
  async run(tenant: string | undefined, name: string, options: RunNowOptions = {}): Promise<RunSummary> {
    const def = await this.connectors.get(tenant, name);
    this.connectors.assertSecretKey();
    if (!def.functions.includes('collect')) {
      throw new HostInputError(
        'COLLECT_NOT_ENABLED',
        'name',
        `${def.name} does not have the Collect function`,
        'Only collectors can run.',
      );
    }
    if (!(await this.connectors.isActive(def))) {
      throw new HostInputError(
        'CONNECTOR_INACTIVE',
        'profile',
        `${def.name} runs on a data processor and is not in a data analyzer profile, so it does not pull data`,
        `Add it to a profile: \`connectors profiles add default --connector "${def.name}" --tenant ${def.tenant}\`.`,
      );
    }
    this.checkPlacement(def);
    let ingest: IngestHandle | undefined;
    let ingestion: RunIngestion | undefined;
    let ingestedBy: string[] | undefined;
    if (options.waitForIngestion === false) {
      ingestion = undefined;
    } else if (this.ingestsInCluster) {
      // Redis without a shared lake: an ingest worker here would write a lake of its own and split the
      // run across two lakes, so the run waits for the cluster's ingest workers (docs/durability.md).
      ingestedBy = (await this.liveIngestHosts()).map((h) => h.hostId);
      if (!ingestedBy.length) throw noIngestHost();
      ingestion = { start: async () => undefined, drained: (signal) => this.clusterDrained(signal) };
    } else {
      // Ingestion runs inside the run, so a sink that cannot write (a corrupt lake) fails the run.
      ingestion = {
        start: async (): Promise<void> => {
          ingest = await this.createIngest(`run-${this.hostId}-${Date.now().toString(36)}`);
          ingest.start();
        },
        drained: (signal: AbortSignal): Promise<void> => ingest!.drained(signal),
      };
    }
    const tracker = options.onProgress
      ? new ProgressTracker(await this.queue(), options.onProgress)
      : undefined;
    try {
      const summary = await this.coordinator.runNow(def, {
        onProgress: tracker ? (p) => tracker.update(p) : undefined,
        signal: options.signal,
        ingestion,
      });
      await tracker?.stop();
      options.onProgress?.({
        ...progressOf(summary, 'done', this.clock.now() - summary.startedAt),
        backlog: tracker?.backlog,
      });
      return ingestedBy && summary.ok ? { ...summary, ingestedBy } : summary;
    } finally {
      await tracker?.stop();
      await ingest?.stop();
    }
  }

  /**
   * With Redis and no shared lake, ingestion belongs to the daemons (their ingest workers), never to a
   * manual run in this process (`HostOptions.sharedLake`).
   */
  private get ingestsInCluster(): boolean {
    return Boolean(this.options.redisUrl) && !this.options.sharedLake;
  }

  /** @internal Live hosts that run ingest workers. */
  async liveIngestHosts(): Promise<HostView[]> {
    return (await this.directory.live()).filter((h) => h.ingestWorkers > 0);
  }

  /**
   * A manual run executes here only when this process takes the connector's placement: a sensor's
   * connector reaches what only the sensor reaches (docs/durability.md, "Placement").
   */
  private checkPlacement(def: ConnectorDefinition): void {
    if (this.coordinator.takes(def)) return;
    const role = placementOf(def.runOn);
    throw new HostInputError(
      'RUN_PLACED_ELSEWHERE',
      'role',
      `${def.name} runs on ${describePlacement(role)}, and this process takes ${this.roles.join(', ')}`,
      `Run it where it belongs: \`connectors run "${def.name}" --tenant ${def.tenant} --role ${role}\` on that machine; its scheduled pulls run on hosts started with \`connectors start --role ${role}\`.`,
    );
  }

  /** Waits until the shared queue is empty; fails when no live host ingests it any more. */
  private async clusterDrained(signal: AbortSignal): Promise<void> {
    const queue = await this.queue();
    for (let polls = 0; ; polls++) {
      const stats = await queue.stats();
      if (stats.length === 0) return;
      if (polls % 10 === 9 && !(await this.liveIngestHosts()).length) {
        throw noIngestHost(
          ` (${stats.length} entries wait in the queue; they are ingested once one is back)`,
        );
      }
      await this.clock.sleep(100, signal);
    }
  }

  /** @internal The framework's respond entry point, through this host's instance of the connector. */
  async respond(
    tenant: string | undefined,
    name: string,
    request: RespondRequest,
    signal?: AbortSignal,
  ): Promise<RespondResult> {
    const def = await this.connectors.get(tenant, name);
    const configured = await this.factory.configure(
      def.plugin,
      instanceOf(def),
      this.connectors.plainConfig(def),
    );
    return runRespond(configured.connector, request, {
      config: configured.config,
      instance: configured.instance,
      logger: configured.logger,
      signal: signal ?? AbortSignal.timeout(TEST_TIMEOUT_MS),
    });
  }

  /** @internal Status of one connector, or of every connector (of a tenant). */
  async statusOf(tenant?: string, name?: string): Promise<ConnectorStatus[]> {
    const [backlog, hosts] = await Promise.all([this.status.backlog(), this.directory.live()]);
    if (name) return [await this.status.get(await this.connectors.get(tenant, name), backlog, hosts)];
    if (tenant) await this.inventory.requireTenant(tenant);
    const defs = await this.connectors.list(tenant);
    return Promise.all(defs.map((d) => this.status.get(d, backlog, hosts)));
  }

  /** @internal The connector's last runs, newest first (bounded history). */
  async runHistory(tenant: string | undefined, name: string): Promise<RunSummary[]> {
    const def = await this.connectors.get(tenant, name);
    const [history, interrupted] = await Promise.all([
      this.store.get<RunSummary[]>(COLLECTIONS.runs, def.id),
      findInterruptedRun(this.store, def.id, this.clock.now()),
    ]);
    return [...(interrupted ? [interrupted] : []), ...(history ?? [])];
  }

  /** @internal One collection run; never throws (the coordinator records failures in status). */
  async executeRun(def: ConnectorDefinition, request: RunRequest): Promise<RunSummary> {
    const startedAt = this.clock.now();
    let figures: RunFigures = emptyFigures();
    const base = {
      runId: request.runId,
      connectorId: def.id,
      tenant: def.tenant,
      name: def.name,
      trigger: request.trigger,
      fence: request.fence,
      hostId: this.hostId,
      ...(request.scheduledFor !== undefined ? { scheduledFor: request.scheduledFor } : {}),
      startedAt,
    };
    let logger = this.logger.child({ connector: def.name, tenant: def.tenant, runId: request.runId });
    let summary: RunSummary;
    try {
      const configured = await this.factory.configure(
        def.plugin,
        instanceOf(def),
        this.connectors.plainConfig(def),
      );
      logger = configured.logger.child({ runId: request.runId });
      const filters = new ExcludeFilters(
        await Promise.all(def.filters.map((f) => this.inventory.requireFilter(def.tenant, f))),
      );
      const queue = await this.queue();
      await request.ingestion?.start();
      logger.info({ trigger: request.trigger, fence: request.fence }, 'run started');
      const result = await runCollection({
        connector: configured.connector,
        manifest: configured.manifest,
        instance: configured.instance,
        config: configured.config,
        contentTypes: configured.contentTypes,
        queue,
        filters,
        clock: this.clock,
        logger,
        signal: request.signal,
        runId: request.runId,
        pageBudget: this.pageBudget,
        beforePublish: request.checkLease,
        settleMs: request.settleMs,
        onPage: (f) => {
          figures = f;
          request.onProgress?.(progressOf({ ...f }, 'collecting', this.clock.now() - startedAt));
        },
      });
      const { complete: _complete, ...rest } = result;
      figures = rest;
      if (request.ingestion) {
        request.onProgress?.(progressOf(rest, 'ingesting', this.clock.now() - startedAt));
        await request.ingestion.drained(request.signal);
      }
      const finishedAt = this.clock.now();
      summary = { ...base, ...rest, ok: true, finishedAt, durationMs: finishedAt - startedAt };
      if (request.ingestion) summary.ingested = summary.records;
      logger.info(
        {
          records: summary.records,
          pages: summary.pages,
          filtered: summary.filtered,
          durationMs: summary.durationMs,
        },
        'run finished',
      );
    } catch (err) {
      const finishedAt = this.clock.now();
      const cancelled = err instanceof CancelledError || request.signal.aborted;
      const reason =
        request.signal.aborted && request.signal.reason instanceof ConnectorError
          ? request.signal.reason
          : err;
      summary = {
        ...base,
        ...figures,
        ok: false,
        finishedAt,
        durationMs: finishedAt - startedAt,
        error: toStatusError(reason, 'run', finishedAt),
      };
      logger[cancelled ? 'warn' : 'error'](
        { err: toConnectorError(reason) },
        cancelled ? 'run cancelled' : 'run failed',
      );
    }
    this.metrics.observeRun(def.plugin, summary);
    return summary;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The backends own the queue they opened (tests share one queue between hosts).
    await this.backends.close?.().catch(() => undefined);
    await this.facade.closeLake().catch(() => undefined);
    await this.budgetRedis?.quit().catch(() => undefined);
    await this.store.close();
  }
}

/** Re-emits the latest progress with the queue backlog, polled a few times a second. */
class ProgressTracker {
  private latest?: RunProgress;
  backlog?: number;
  private done = false;
  private readonly loop: Promise<void>;

  constructor(
    queue: Queue,
    private readonly emit: (p: RunProgress) => void,
  ) {
    this.loop = (async () => {
      while (!this.done) {
        const stats = await queue.stats().catch(() => undefined);
        if (stats) this.backlog = stats.length;
        if (this.latest && !this.done) this.emit({ ...this.latest, backlog: this.backlog });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
  }

  update(p: RunProgress): void {
    this.latest = p;
    this.emit({ ...p, backlog: this.backlog });
  }

  async stop(): Promise<void> {
    this.done = true;
    await this.loop;
  }
}

function progressOf(f: RunFigures, phase: RunProgress['phase'], elapsedMs: number): RunProgress {
  return {
    phase,
    pages: f.pages,
    records: f.records,
    filtered: f.filtered,
    truncated: f.truncated,
    rate: elapsedMs > 0 ? Math.round((f.records * 1000) / elapsedMs) : 0,
  };
}

/** No live host ingests the shared queue: a manual run would wait forever (or split the lake). */
function noIngestHost(before = ''): BusyError {
  return new BusyError(
    'NO_INGEST_HOST',
    `no live host runs ingest workers on this Redis, and a manual run in Redis mode never ingests into a lake of its own${before}`,
    'Start a host that ingests (`connectors start`, with --ingest-workers 1 or more) on the machine that holds the lake, then run again.',
  );
}

function checkPagesInFlight(value: number | undefined): number {
  if (value === undefined) return DEFAULT_PAGES_IN_FLIGHT;
  if (Number.isInteger(value) && value >= 1) return value;
  throw new HostInputError(
    'PAGES_IN_FLIGHT_INVALID',
    'pagesInFlight',
    `${String(value)} is not a whole number of pages ≥ 1`,
    `Pass the pages every run of this host may hold together, e.g. ${DEFAULT_PAGES_IN_FLIGHT} (the default when unset).`,
  );
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function loadDefaultBackends(
  options: HostOptions,
  dataDir: string,
  prefix: string,
  logger: Logger,
): Promise<HostBackends> {
  const { defaultBackends } = await import('./backends/default.backends.js');
  return defaultBackends({
    dataDir,
    redisUrl: options.redisUrl,
    lakeUrl: options.lakeUrl,
    lakeRetentionDays: options.lakeRetentionDays,
    prefix,
    logger,
    lakeThread: options.lakeThread,
  });
}
