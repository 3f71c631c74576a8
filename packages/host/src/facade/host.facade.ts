import path from 'node:path';
import { isUnsafeKey } from '@connectors/framework/engine';
import {
  LAKE_FILE,
  type AssetChange,
  type LakeAsset,
  type LakeReader,
  type OpenSnapshot,
} from '@connectors/lake';
import { redactUrl } from '@connectors/lake-pg';
import { openLakeReader } from '../backends/lake.reader';
import { summarize } from '../catalog/plugin.catalog';
import { HostInputError } from '../errors';
import type { ConnectorHost } from '../host';
import type { AnalyzerProfile, HostView, LogFilter, Sensor, Tenant } from '../types';
import { checkInput } from './input';
import { ScopeGuard } from './scope';
import type { UseCase } from './schemas';
import type {
  AssetChangeQuery,
  AssetQuery,
  ConnectorDetail,
  ConnectorRef,
  ConnectorRow,
  ConnectorView,
  CreateConnectorRequest,
  DeletedConnector,
  EditConnectorRequest,
  FilterInput,
  HostInfo,
  PluginDetail,
  PluginListing,
  ProfileView,
  RecordQuery,
  RespondRequestInput,
  RespondResult,
  RunOptions,
  RunRequest,
  RunSummary,
  Scope,
  SearchRequest,
  SearchResult,
  StatusView,
  TestOptions,
  TestReport,
} from './types';

type Empty = Record<string, never>;

function waitingFor(o: OpenSnapshot): string {
  if (!o.endMarker) return 'waiting for the end marker';
  const expected = o.expected ?? 0;
  if (o.seen < expected) return `waiting for ${expected - o.seen} of ${expected} records`;
  return 'waiting for the start marker';
}

/** A connector's open snapshots (the lake lists them oldest first) with what each waits for. */
function openSnapshotsOf(open: OpenSnapshot[]): StatusView['openSnapshots'] {
  return {
    count: open.length,
    oldestOpenedAt: Math.min(...open.map((o) => o.openedAt)),
    snapshots: open.map((o) => ({
      snapshotId: o.snapshotId,
      contentType: o.contentType,
      openedAt: o.openedAt,
      lastActivityAt: o.lastActivityAt,
      reason: waitingFor(o),
    })),
  };
}

/**
 * The host's use cases, one method each: the one way in for the CLI and the HTTP API, which only
 * translate (docs/adr/0010-host-facade.md). Every method checks its input against `INPUT_SCHEMAS`
 * first (an `InputError` listing every bad field, nothing changed), applies the caller's scope
 * (another tenant's objects are absent), and returns plain objects without secret values.
 */
export class HostFacade {
  constructor(private readonly host: ConnectorHost) {}

  info(): HostInfo {
    return {
      hostId: this.host.hostId,
      registry: this.host.store.kind,
      dataDir: path.resolve(this.host.options.dataDir),
      lake: this.host.options.lakeUrl
        ? redactUrl(this.host.options.lakeUrl)
        : path.join(path.resolve(this.host.options.dataDir), LAKE_FILE),
      pagesInFlight: this.host.pageBudget.size,
      roles: [...this.host.roles],
    };
  }

  // -- plugins -----------------------------------------------------------------------------------

  async listPlugins(input: Empty = {}): Promise<PluginListing> {
    this.begin('listPlugins', input);
    const { catalog } = this.host;
    return {
      plugins: catalog.list().map((p) => summarize(p)),
      refused: catalog.errors.map((e) => ({
        code: e.code,
        message: e.message,
        ...(e.hint ? { hint: e.hint } : {}),
      })),
    };
  }

  async showPlugin(input: { plugin: string }): Promise<PluginDetail> {
    this.begin('showPlugin', input);
    const descriptor = this.host.catalog.get(input.plugin);
    return {
      ...summarize(descriptor),
      configSchema: descriptor.manifest.configSchema,
      manifest: descriptor.manifest,
    };
  }

  // -- tenants, sensors ----------------------------------------------------------------------------

  async createTenant(input: { id: string }, scope?: Scope): Promise<Tenant & { created: boolean }> {
    this.begin('createTenant', input, scope).requireHostWide('createTenant');
    const { tenant, created } = await this.host.inventory.createTenant(input.id);
    return { ...tenant, created };
  }

  async listTenants(input: Empty = {}, scope?: Scope): Promise<Tenant[]> {
    const guard = this.begin('listTenants', input, scope);
    return (await this.host.inventory.listTenants()).filter((t) => guard.sees(t.id));
  }

  async deleteTenant(input: { id: string }, scope?: Scope): Promise<{ deleted: string }> {
    this.begin('deleteTenant', input, scope).requireHostWide('deleteTenant');
    await this.host.inventory.deleteTenant(input.id);
    return { deleted: input.id };
  }

  async createSensor(input: { id: string; name?: string }, scope?: Scope): Promise<Sensor> {
    this.begin('createSensor', input, scope).requireHostWide('createSensor');
    return this.host.inventory.createSensor(input.id, input.name);
  }

  async listSensors(input: Empty = {}, scope?: Scope): Promise<Sensor[]> {
    this.begin('listSensors', input, scope);
    return this.host.inventory.listSensors();
  }

  async deleteSensor(input: { id: string }, scope?: Scope): Promise<{ deleted: string }> {
    this.begin('deleteSensor', input, scope).requireHostWide('deleteSensor');
    await this.host.inventory.deleteSensor(input.id);
    return { deleted: input.id };
  }

  // -- data analyzer profiles ---------------------------------------------------------------------

  async listProfiles(input: Empty = {}, scope?: Scope): Promise<ProfileView[]> {
    const guard = this.begin('listProfiles', input, scope);
    const { connectors } = this.host;
    const visible = new Map(
      (await connectors.list(guard.tenant)).map((c) => [c.id, `${c.tenant}/${c.name}`] as const),
    );
    return (await connectors.listProfiles()).map((p) => {
      // A scoped caller sees the profile, not the other tenants' members.
      const members =
        guard.tenant === undefined ? p.connectors : p.connectors.filter((id) => visible.has(id));
      return { ...p, connectors: members, connectorNames: members.map((id) => visible.get(id) ?? id) };
    });
  }

  async createProfile(input: { name: string }, scope?: Scope): Promise<AnalyzerProfile> {
    this.begin('createProfile', input, scope).requireHostWide('createProfile');
    return this.host.connectors.createProfile(input.name);
  }

  async addToProfile(
    input: { profile: string; tenant: string; connector: string },
    scope?: Scope,
  ): Promise<AnalyzerProfile> {
    const tenant = this.begin('addToProfile', input, scope).tenantFor(input.tenant)!;
    await this.host.connectors.addToProfile(input.profile, tenant, input.connector);
    return this.profile(input.profile, scope);
  }

  async removeFromProfile(
    input: { profile: string; tenant: string; connector: string },
    scope?: Scope,
  ): Promise<AnalyzerProfile> {
    const tenant = this.begin('removeFromProfile', input, scope).tenantFor(input.tenant)!;
    await this.host.connectors.removeFromProfile(input.profile, tenant, input.connector);
    return this.profile(input.profile, scope);
  }

  async deleteProfile(input: { name: string }, scope?: Scope): Promise<{ deleted: string }> {
    this.begin('deleteProfile', input, scope).requireHostWide('deleteProfile');
    await this.host.connectors.deleteProfile(input.name);
    return { deleted: input.name };
  }

  // -- log filters ---------------------------------------------------------------------------------

  async createFilter(input: FilterInput, scope?: Scope): Promise<LogFilter> {
    const tenant = this.begin('createFilter', input, scope).tenantFor(input.tenant)!;
    return this.host.inventory.createFilter(tenant, input.name, input.when);
  }

  async listFilters(input: { tenant?: string } = {}, scope?: Scope): Promise<LogFilter[]> {
    const tenant = this.begin('listFilters', input, scope).tenantFor(input.tenant);
    if (tenant) await this.host.inventory.requireTenant(tenant);
    return this.host.inventory.listFilters(tenant);
  }

  async deleteFilter(input: { tenant: string; name: string }, scope?: Scope): Promise<{ deleted: string }> {
    const tenant = this.begin('deleteFilter', input, scope).tenantFor(input.tenant)!;
    await this.host.inventory.deleteFilter(tenant, input.name);
    return { deleted: input.name };
  }

  // -- connectors ------------------------------------------------------------------------------------

  async createConnector(input: CreateConnectorRequest, scope?: Scope): Promise<ConnectorView> {
    const tenant = this.begin('createConnector', input, scope).tenantFor(input.tenant)!;
    const def = await this.host.connectors.create({ ...input, tenant });
    return this.host.connectors.view(def);
  }

  /** The connector with its status; configuration secrets are `[REDACTED]`. */
  async getConnector(input: ConnectorRef, scope?: Scope): Promise<ConnectorDetail> {
    const tenant = this.begin('getConnector', input, scope).tenantFor(input.tenant)!;
    const def = await this.host.connectors.get(tenant, input.name);
    const [view, [status]] = await Promise.all([
      this.host.connectors.view(def),
      this.host.statusOf(def.tenant, def.name),
    ]);
    return { ...view, status };
  }

  /** The connector, or undefined when the tenant has none of that name. */
  async findConnector(input: ConnectorRef, scope?: Scope): Promise<ConnectorView | undefined> {
    const tenant = this.begin('findConnector', input, scope).tenantFor(input.tenant)!;
    await this.host.inventory.requireTenant(tenant);
    const def = await this.host.connectors.find(tenant, input.name);
    return def && this.host.connectors.view(def);
  }

  async listConnectors(input: { tenant?: string } = {}, scope?: Scope): Promise<ConnectorRow[]> {
    const tenant = this.begin('listConnectors', input, scope).tenantFor(input.tenant);
    const statuses = new Map((await this.host.statusOf(tenant)).map((s) => [s.connectorId, s]));
    const views = await Promise.all(
      (await this.host.connectors.list(tenant)).map((d) => this.host.connectors.view(d)),
    );
    return views.map((v) => ({ ...v, status: statuses.get(v.id) }));
  }

  async editConnector(input: EditConnectorRequest, scope?: Scope): Promise<ConnectorView> {
    const tenant = this.begin('editConnector', input, scope).tenantFor(input.tenant)!;
    // No prototype: an unset `__proto__` stays a key the registry refuses, instead of vanishing.
    const changes = Object.assign(Object.create(null) as Record<string, unknown>, input.set);
    if (input.unset?.length) {
      const def = await this.host.connectors.get(tenant, input.name);
      const settings = [
        ...Object.keys(this.host.catalog.manifest(def.plugin).configSchema.properties ?? {}),
        'interval',
        'contentTypes',
      ];
      for (const key of input.unset) {
        // Only a known setting can go back to its default; a typo must not pass as a change.
        if (!isUnsafeKey(key) && !settings.includes(key.split('.')[0])) {
          throw new HostInputError(
            'SETTING_UNKNOWN',
            'unset',
            `"${key}" is not a setting of ${def.plugin}`,
            `Its settings: ${settings.join(', ')}.`,
          );
        }
        changes[key] = undefined;
      }
    }
    const updated = await this.host.connectors.edit(tenant, input.name, changes);
    return this.host.connectors.view(updated);
  }

  async deleteConnector(input: ConnectorRef, scope?: Scope): Promise<DeletedConnector> {
    const tenant = this.begin('deleteConnector', input, scope).tenantFor(input.tenant)!;
    const def = await this.host.connectors.delete(tenant, input.name);
    return { deleted: def.name, tenant: def.tenant, id: def.id };
  }

  // -- test, run, respond ----------------------------------------------------------------------------

  /** The live test (nothing is ingested); `onStep` gets each step's result in order. */
  async testConnector(input: ConnectorRef, scope?: Scope, options: TestOptions = {}): Promise<TestReport> {
    const tenant = this.begin('testConnector', input, scope).tenantFor(input.tenant)!;
    const { connector: def, result, status } = await this.host.test(tenant, input.name, options);
    const { catalog } = this.host;
    return {
      connector: { id: def.id, name: def.name, tenant: def.tenant, plugin: def.plugin },
      pluginName: catalog.has(def.plugin) ? catalog.manifest(def.plugin).name : undefined,
      result,
      status,
    };
  }

  /** Collects now; by default returns once ingestion has every record. */
  async runConnector(input: RunRequest, scope?: Scope, options: RunOptions = {}): Promise<RunSummary> {
    const tenant = this.begin('runConnector', input, scope).tenantFor(input.tenant)!;
    return this.host.run(tenant, input.name, { ...options, waitForIngestion: input.waitForIngestion });
  }

  async respond(input: RespondRequestInput, scope?: Scope, signal?: AbortSignal): Promise<RespondResult> {
    const tenant = this.begin('respond', input, scope).tenantFor(input.tenant)!;
    return this.host.respond(
      tenant,
      input.name,
      { action: input.action, target: { ...input.target } },
      signal,
    );
  }

  // -- status and runs -------------------------------------------------------------------------------

  /**
   * Status of one connector (with a name), or of every connector the caller sees (of a tenant), with
   * the snapshots of each the lake has not closed. An unreadable lake leaves those out: the status
   * still answers.
   */
  async status(input: { tenant?: string; name?: string } = {}, scope?: Scope): Promise<StatusView[]> {
    const tenant = this.begin('status', input, scope).tenantFor(input.tenant);
    const statuses = await this.host.statusOf(tenant, input.name);
    const connectorId = statuses.length === 1 ? statuses[0].connectorId : undefined;
    const open = await this.withLake([], (lake) => lake.openSnapshots({ tenant, connectorId })).catch(
      (): OpenSnapshot[] => [],
    );
    return statuses.map((s) => {
      const mine = open.filter((o) => o.connectorId === s.connectorId);
      return mine.length ? { ...s, openSnapshots: openSnapshotsOf(mine) } : s;
    });
  }

  /**
   * The hosts sharing this store, by their heartbeats: id, roles, version, started, last seen, runs in
   * progress, ingest workers, and whether the last heartbeat is recent enough (`alive`).
   */
  async listHosts(input: Empty = {}, scope?: Scope): Promise<HostView[]> {
    this.begin('listHosts', input, scope);
    return this.host.directory.list();
  }

  /** The connector's last runs, newest first. */
  async listRuns(input: ConnectorRef & { limit?: number }, scope?: Scope): Promise<RunSummary[]> {
    const tenant = this.begin('listRuns', input, scope).tenantFor(input.tenant)!;
    return (await this.host.runHistory(tenant, input.name)).slice(0, input.limit ?? 20);
  }

  // -- the lake ---------------------------------------------------------------------------------------

  /**
   * A page of Syslog records, newest first, with the total of matches and, when more match, the
   * cursor of the next page (pass it back as `cursor`).
   */
  async search(input: SearchRequest = {}, scope?: Scope): Promise<SearchResult> {
    const tenant = await this.lakeTenant('search', input, scope);
    const page = await this.withLake({ records: [], total: 0 }, (lake) =>
      lake.searchPage({ ...input, tenant, limit: input.limit ?? 20 }),
    );
    return {
      records: page.records,
      total: page.total ?? 0,
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  /**
   * Every matching record, newest first, as NDJSON lines (one record and a newline each), read from
   * the lake a page at a time: no cap, and memory bounded by one page whatever the number of matches.
   */
  async exportRecords(input: RecordQuery = {}, scope?: Scope): Promise<AsyncIterable<string>> {
    const tenant = await this.lakeTenant('exportRecords', input, scope);
    const { lake, shared } = await this.openLake();
    return (async function* () {
      if (!lake) return;
      try {
        for await (const record of lake.exportRecords({ ...input, tenant }))
          yield `${JSON.stringify(record)}\n`;
      } finally {
        if (!shared) await lake.close();
      }
    })();
  }

  async countRecords(input: RecordQuery = {}, scope?: Scope): Promise<{ count: number }> {
    const tenant = await this.lakeTenant('countRecords', input, scope);
    return { count: await this.withLake(0, (lake) => lake.count({ ...input, tenant })) };
  }

  async listAssets(input: AssetQuery = {}, scope?: Scope): Promise<LakeAsset[]> {
    const tenant = await this.lakeTenant('listAssets', input, scope);
    const connectorId =
      input.connector === undefined
        ? undefined
        : (await this.host.connectors.get(tenant, input.connector)).id;
    return this.withLake([], (lake) =>
      lake.listAssets({
        tenant,
        connectorId,
        includeRemoved: input.includeRemoved,
        limit: input.limit ?? 50,
        offset: input.offset,
      }),
    );
  }

  /** The asset change history (added, changed, removed, restored), oldest first. */
  async assetChanges(input: AssetChangeQuery = {}, scope?: Scope): Promise<AssetChange[]> {
    const tenant = await this.lakeTenant('assetChanges', input, scope);
    return this.withLake([], (lake) => lake.assetChanges({ ...input, tenant }));
  }

  // -- helpers ---------------------------------------------------------------------------------------

  private begin(useCase: UseCase, input: unknown, scope?: Scope): ScopeGuard {
    checkInput(useCase, input);
    return new ScopeGuard(scope);
  }

  /** The profile as the caller sees it (another tenant's members left out). */
  private async profile(name: string, scope?: Scope): Promise<AnalyzerProfile> {
    const { connectorNames: _names, ...profile } = (await this.listProfiles({}, scope)).find(
      (p) => p.name === name,
    )!;
    return profile;
  }

  /** The tenant of a lake query; an unknown tenant is a mistake worth saying, not an empty result. */
  private async lakeTenant(
    useCase: UseCase,
    input: { tenant?: string },
    scope?: Scope,
  ): Promise<string | undefined> {
    const tenant = this.begin(useCase, input, scope).tenantFor(input.tenant);
    if (tenant !== undefined) await this.host.inventory.requireTenant(tenant);
    return tenant;
  }

  /** The PostgreSQL lake's reader, opened once (one pool for every query of this host). */
  private sharedLake: Promise<LakeReader | undefined> | undefined;

  /**
   * The lake to read and whether the caller closes it after use: the SQLite file is opened per query
   * (read-only, cheap); the PostgreSQL lake once, closed with the host (`closeLake`).
   */
  private async openLake(): Promise<{ lake: LakeReader | undefined; shared: boolean }> {
    const where = { dataDir: this.host.options.dataDir, lakeUrl: this.host.options.lakeUrl };
    if (!where.lakeUrl) return { lake: await openLakeReader(where), shared: false };
    this.sharedLake ??= openLakeReader(where).catch((err: unknown) => {
      this.sharedLake = undefined; // unreachable now: the next query tries again
      throw err;
    });
    return { lake: await this.sharedLake, shared: true };
  }

  /** @internal Closes the shared PostgreSQL reader; the host calls it on close. */
  async closeLake(): Promise<void> {
    const lake = await this.sharedLake?.catch(() => undefined);
    this.sharedLake = undefined;
    await lake?.close();
  }

  /** Runs one read on the lake (SQLite file or PostgreSQL); `empty` while there is no lake yet. */
  private async withLake<T>(empty: T, read: (lake: LakeReader) => Promise<T>): Promise<T> {
    const { lake, shared } = await this.openLake();
    if (!lake) return empty;
    try {
      return await read(lake);
    } finally {
      if (!shared) await lake.close();
    }
  }
}
