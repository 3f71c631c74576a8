import { randomUUID } from 'node:crypto';
import { type Clock, type ConnectorInstanceInfo, type DeviceKind } from '@connectors/framework/engine';
import type { PluginCatalog } from '../catalog/plugin.catalog';
import { checkSettings, type ConnectorFactory, type ConnectorSettings } from '../connector.factory';
import { openConfig, redactStoredConfig, sealConfig } from '../crypto/config-crypto';
import type { SecretBox } from '../crypto/secret-box';
import { claimSecretKey } from '../crypto/key-check';
import { BusyError, HostInputError } from '../errors';
import type { DocWrite, HostStore } from '../store/host-store';
import type { AnalyzerProfile, ConnectorDefinition, ConnectorView, RunOn, ScheduleState } from '../types';
import { COLLECTIONS, DEFAULT_PROFILE, runLeaseName } from './collections';
import { FirstRunPacer } from '../scheduler/first-run.pacer';
import type { InventoryRegistry } from './inventory.registry';
import { checkId, checkName, nameKey } from './names';
import { refuseUnsafeKeys } from '../safe-input';

export interface CreateConnectorInput {
  plugin: string;
  name: string;
  tenant: string;
  /** `dp`, `sensor:ID`, or a parsed RunOn. */
  runOn: string | RunOn;
  /** Add it to this data analyzer profile (data processor only). */
  profile?: string;
  /** Names of the tenant's log filters to attach as exclude filters. */
  filters?: string[];
  /** Plugin config input (secrets plain here; they are encrypted before they are stored). */
  config: Record<string, unknown>;
  /** Defaults to every function the plugin has. */
  functions?: Array<'collect' | 'respond'>;
}

/**
 * The registry of connector instances and data analyzer profiles. Every check runs before the first
 * write, so bad input changes nothing; creation claims the name atomically, so two hosts creating the
 * same name cannot both succeed.
 */
export class ConnectorRegistry {
  constructor(
    private readonly store: HostStore,
    private readonly clock: Clock,
    private readonly catalog: PluginCatalog,
    private readonly inventory: InventoryRegistry,
    private readonly factory: ConnectorFactory,
    private readonly box: SecretBox,
    /** Milliseconds per interval minute (60 000; tests shorten it). */
    private readonly minuteMs = 60_000,
    /** When first pulls are due (connectors activated together are spread). */
    private readonly pacer = new FirstRunPacer(store, clock),
  ) {}

  async ensureDefaultProfile(): Promise<void> {
    // Read first: opening a registry must not write (a read-only data directory still answers reads).
    if (await this.store.get(COLLECTIONS.profiles, DEFAULT_PROFILE)) return;
    await this.store.putIfAbsent(COLLECTIONS.profiles, DEFAULT_PROFILE, {
      name: DEFAULT_PROFILE,
      connectors: [],
      createdAt: this.clock.now(),
    } satisfies AnalyzerProfile);
  }

  async create(input: CreateConnectorInput): Promise<ConnectorDefinition> {
    const descriptor = this.catalog.get(input.plugin);
    const manifest = descriptor.manifest;
    refuseUnsafeKeys(input.config, 'config');
    const name = checkName(input.name);
    const tenant = await this.inventory.requireTenant(input.tenant);
    if (await this.store.get(COLLECTIONS.connectorNames, nameKey(tenant.id, name)))
      throw duplicate(name, tenant.id);
    const runOn = typeof input.runOn === 'string' ? parseRunOn(input.runOn) : input.runOn;
    if (!manifest.runsOn.devices.includes(runOn.kind)) {
      throw new HostInputError(
        'DEVICE_NOT_SUPPORTED',
        'run-on',
        `${manifest.name} cannot run on a ${deviceTitle(runOn.kind)}`,
        `Use --run-on ${manifest.runsOn.devices.map((d) => (d === 'sensor' ? 'sensor:ID' : d)).join(' or ')} (recommended: ${manifest.runsOn.recommended}).`,
      );
    }
    if (runOn.kind === 'sensor') await this.inventory.requireSensor(runOn.id!);
    let profile: AnalyzerProfile | undefined;
    if (input.profile !== undefined) {
      if (runOn.kind !== 'dp') {
        throw new HostInputError(
          'PROFILE_NOT_APPLICABLE',
          'profile',
          'data analyzer profiles apply to connectors on a data processor',
          'Remove --profile: a sensor has its one profile already.',
        );
      }
      profile = await this.requireProfile(input.profile);
    }
    const filters: string[] = [];
    for (const f of input.filters ?? [])
      filters.push((await this.inventory.requireFilter(tenant.id, f)).name);
    const functions = input.functions ?? defaultFunctions(manifest.capabilities);
    if (functions.includes('collect') && !manifest.capabilities.collect) {
      throw new HostInputError(
        'FUNCTION_NOT_SUPPORTED',
        'function',
        `${manifest.name} has no Collect function`,
      );
    }
    if (functions.includes('respond') && !manifest.capabilities.respond) {
      throw new HostInputError(
        'FUNCTION_NOT_SUPPORTED',
        'function',
        `${manifest.name} has no Respond function`,
      );
    }
    if (filters.length && !functions.includes('collect')) {
      throw new HostInputError('FILTER_NOT_APPLICABLE', 'filter', 'log filters need the Collect function');
    }

    const id = randomUUID();
    const instance: ConnectorInstanceInfo = { id, name, tenant: tenant.id, type: manifest.id };
    const configured = await this.factory.configure(manifest.id, instance, input.config);
    await claimSecretKey(this.store, this.box, this.clock.now());
    const now = this.clock.now();
    const def: ConnectorDefinition = {
      id,
      tenant: tenant.id,
      name,
      plugin: manifest.id,
      category: manifest.category,
      runOn,
      functions,
      filters,
      config: sealConfig(configured.stored, this.box, id),
      createdAt: now,
      updatedAt: now,
    };

    // Claim the name last: everything above may throw without leaving anything behind.
    if (!(await this.store.putIfAbsent(COLLECTIONS.connectorNames, nameKey(tenant.id, name), id)))
      throw duplicate(name, tenant.id);
    const active = functions.includes('collect') && (runOn.kind === 'sensor' || !!profile);
    // The first pull is due when the connector becomes active: at once, or spread in a burst.
    const firstRunAt = active
      ? await this.pacer.firstRunAt(configured.intervalMinutes * this.minuteMs)
      : undefined;
    const writes: DocWrite[] = [
      { collection: COLLECTIONS.connectors, key: id, value: def },
      {
        collection: COLLECTIONS.schedule,
        key: id,
        value: {
          connectorId: id,
          lastFence: 0,
          ...(firstRunAt !== undefined ? { nextRunAt: firstRunAt } : {}),
        } satisfies ScheduleState,
      },
    ];
    try {
      await this.store.writeAll(writes);
      if (profile) await this.addToProfile(profile.name, tenant.id, name);
    } catch (err) {
      await this.store.writeAll([
        ...writes.map((w) => ({ ...w, value: undefined })),
        { collection: COLLECTIONS.connectorNames, key: nameKey(tenant.id, name), value: undefined },
      ]);
      throw err;
    }
    return def;
  }

  /** Changes the editable configuration (plugin config, interval, content types); `undefined` values unset a key. */
  async edit(tenant: string, name: string, changes: Record<string, unknown>): Promise<ConnectorDefinition> {
    const def = await this.get(tenant, name);
    refuseUnsafeKeys(changes, 'config');
    const general = Object.keys(changes).filter((k) =>
      ['name', 'tenant', 'plugin', 'runOn', 'run-on', 'filters', 'filter'].includes(k),
    );
    if (general.length) {
      throw new HostInputError(
        'GENERAL_SETTING_FIXED',
        general[0],
        'is a general setting and cannot be changed after the connector was created',
        'Create a new connector with the settings you need and delete this one.',
      );
    }
    const current = this.plainConfig(def);
    const merged = mergeDeep(current, changes);
    const instance = instanceOf(def);
    const before = this.settings(def);
    const configured = await this.factory.configure(def.plugin, instance, merged);
    await claimSecretKey(this.store, this.box, this.clock.now());
    const updated: ConnectorDefinition = {
      ...def,
      config: sealConfig(configured.stored, this.box, def.id),
      updatedAt: this.clock.now(),
    };
    await this.store.put(COLLECTIONS.connectors, def.id, updated);
    if (configured.intervalMinutes !== before.intervalMinutes) {
      // A new interval applies from the last run; an inactive connector stays unscheduled.
      await this.store.update<ScheduleState>(COLLECTIONS.schedule, def.id, (s) => {
        if (!s || s.nextRunAt === undefined) return s;
        const base = s.lastStartedAt ?? this.clock.now();
        return { ...s, nextRunAt: base + configured.intervalMinutes * this.minuteMs };
      });
    }
    return updated;
  }

  async delete(tenant: string, name: string): Promise<ConnectorDefinition> {
    const def = await this.get(tenant, name);
    const lease = await this.store.getLease(runLeaseName(def.id));
    if (lease) {
      throw new BusyError(
        'CONNECTOR_BUSY',
        `${def.name} is running on ${lease.owner}`,
        'Wait for the run to finish, then delete it.',
      );
    }
    for (const p of await this.profilesOf(def.id)) {
      await this.store.update<AnalyzerProfile>(COLLECTIONS.profiles, p, (cur) =>
        cur ? { ...cur, connectors: cur.connectors.filter((c) => c !== def.id) } : cur,
      );
    }
    const removals: DocWrite[] = [
      COLLECTIONS.connectors,
      COLLECTIONS.schedule,
      COLLECTIONS.status,
      COLLECTIONS.runs,
    ].map((collection) => ({ collection, key: def.id, value: undefined }));
    removals.push({
      collection: COLLECTIONS.connectorNames,
      key: nameKey(def.tenant, def.name),
      value: undefined,
    });
    await this.store.writeAll(removals);
    return def;
  }

  async list(tenant?: string): Promise<ConnectorDefinition[]> {
    const all = (await this.store.list<ConnectorDefinition>(COLLECTIONS.connectors)).map((r) => r.value);
    return all
      .filter((c) => !tenant || c.tenant === tenant)
      .sort((a, b) => a.tenant.localeCompare(b.tenant) || a.name.localeCompare(b.name));
  }

  async find(tenant: string, name: string): Promise<ConnectorDefinition | undefined> {
    const id = await this.store.get<string>(COLLECTIONS.connectorNames, nameKey(tenant, name.trim()));
    return id ? this.store.get<ConnectorDefinition>(COLLECTIONS.connectors, id) : undefined;
  }

  async get(tenant: string | undefined, name: string): Promise<ConnectorDefinition> {
    const t = await this.inventory.requireTenant(tenant);
    const def = await this.find(t.id, name);
    if (!def) {
      const names = (await this.list(t.id)).map((c) => c.name);
      throw new HostInputError(
        'UNKNOWN_CONNECTOR',
        'name',
        `tenant "${t.id}" has no connector "${name}"`,
        names.length
          ? `Connectors of ${t.id}: ${names.join(', ')}.`
          : `Create one with \`connectors create --tenant ${t.id} …\`.`,
      );
    }
    return def;
  }

  getById(id: string): Promise<ConnectorDefinition | undefined> {
    return this.store.get<ConnectorDefinition>(COLLECTIONS.connectors, id);
  }

  /** The stored config with secrets decrypted: input for `connector.configure()`; never printed. */
  /** Throws the secret key's problem (wrong key, lost key file) before a command starts work that decrypts. */
  assertSecretKey(): void {
    this.box.assertUsable();
  }

  plainConfig(def: ConnectorDefinition): Record<string, unknown> {
    return openConfig(def.config, this.box, def.id);
  }

  settings(def: ConnectorDefinition): ConnectorSettings {
    return checkSettings(this.catalog.manifest(def.plugin), def.config);
  }

  async view(def: ConnectorDefinition): Promise<ConnectorView> {
    const manifest = this.catalog.has(def.plugin) ? this.catalog.manifest(def.plugin) : undefined;
    let settings: ConnectorSettings | undefined;
    try {
      settings = manifest ? checkSettings(manifest, def.config) : undefined;
    } catch {
      settings = undefined;
    }
    return {
      id: def.id,
      tenant: def.tenant,
      name: def.name,
      plugin: def.plugin,
      pluginName: manifest?.name ?? `${def.plugin} (not installed)`,
      category: def.category,
      runOn: formatRunOn(def.runOn),
      functions: def.functions,
      filters: def.filters,
      profiles: await this.profilesOf(def.id),
      config: redactStoredConfig(def.config),
      intervalMinutes: settings?.intervalMinutes ?? Number(def.config.interval ?? 0),
      contentTypes: settings?.contentTypes ?? [],
      createdAt: new Date(def.createdAt).toISOString(),
      updatedAt: new Date(def.updatedAt).toISOString(),
    };
  }

  /** Whether the connector pulls data: Collect enabled, and on a data processor only while in a profile. */
  async isActive(def: ConnectorDefinition): Promise<boolean> {
    if (!def.functions.includes('collect')) return false;
    if (def.runOn.kind === 'sensor') return true;
    return (await this.profilesOf(def.id)).length > 0;
  }

  /**
   * The definitions of those of these connectors that exist and are active, in the order given. One
   * read of the profiles and concurrent reads of the definitions (the scheduler asks this for every
   * due connector of a tick).
   */
  async activeAmong(ids: readonly string[]): Promise<ConnectorDefinition[]> {
    const [defs, profiles] = await Promise.all([
      Promise.all(ids.map((id) => this.getById(id))),
      this.listProfiles(),
    ]);
    const inProfile = new Set(profiles.flatMap((p) => p.connectors));
    return defs.filter(
      (def): def is ConnectorDefinition =>
        def !== undefined &&
        def.functions.includes('collect') &&
        (def.runOn.kind === 'sensor' || inProfile.has(def.id)),
    );
  }

  // -- data analyzer profiles ------------------------------------------------------------------

  async createProfile(name: string): Promise<AnalyzerProfile> {
    const id = checkId(name, 'profile');
    const profile: AnalyzerProfile = { name: id, connectors: [], createdAt: this.clock.now() };
    if (!(await this.store.putIfAbsent(COLLECTIONS.profiles, id, profile))) {
      throw new HostInputError(
        'PROFILE_EXISTS',
        'profile',
        `profile "${id}" already exists`,
        'Use another name.',
      );
    }
    return profile;
  }

  async listProfiles(): Promise<AnalyzerProfile[]> {
    return (await this.store.list<AnalyzerProfile>(COLLECTIONS.profiles)).map((r) => r.value);
  }

  async requireProfile(name: string, field = 'profile'): Promise<AnalyzerProfile> {
    const profile = await this.store.get<AnalyzerProfile>(COLLECTIONS.profiles, name);
    if (!profile) {
      const known = (await this.listProfiles()).map((p) => p.name);
      throw new HostInputError(
        'UNKNOWN_PROFILE',
        field,
        `no data analyzer profile "${name}"`,
        `Use one of: ${known.join(', ')}, or create it with \`connectors profiles create ${name}\`.`,
      );
    }
    return profile;
  }

  async profilesOf(connectorId: string): Promise<string[]> {
    return (await this.listProfiles()).filter((p) => p.connectors.includes(connectorId)).map((p) => p.name);
  }

  /** Adds a data-processor connector to a profile; its first pull is then due (at once, or spread in a burst). */
  async addToProfile(profileName: string, tenant: string, name: string): Promise<AnalyzerProfile> {
    const profile = await this.requireProfile(profileName);
    const def = await this.get(tenant, name);
    if (def.runOn.kind !== 'dp') {
      throw new HostInputError(
        'PROFILE_NOT_APPLICABLE',
        'connector',
        `${def.name} runs on a sensor; profiles apply to data processor connectors`,
      );
    }
    const wasActive = await this.isActive(def);
    const updated = await this.store.update<AnalyzerProfile>(COLLECTIONS.profiles, profile.name, (cur) => {
      const base = cur ?? profile;
      return base.connectors.includes(def.id) ? base : { ...base, connectors: [...base.connectors, def.id] };
    });
    if (!wasActive && def.functions.includes('collect')) await this.activate(def);
    return updated!;
  }

  async removeFromProfile(profileName: string, tenant: string, name: string): Promise<AnalyzerProfile> {
    await this.requireProfile(profileName);
    const def = await this.get(tenant, name);
    const updated = await this.store.update<AnalyzerProfile>(COLLECTIONS.profiles, profileName, (cur) =>
      cur ? { ...cur, connectors: cur.connectors.filter((c) => c !== def.id) } : cur,
    );
    if (!(await this.isActive(def))) {
      await this.store.update<ScheduleState>(COLLECTIONS.schedule, def.id, (s) =>
        s ? { ...s, nextRunAt: undefined } : s,
      );
    }
    return updated!;
  }

  async deleteProfile(name: string): Promise<void> {
    const profile = await this.requireProfile(name);
    if (profile.name === DEFAULT_PROFILE) {
      throw new HostInputError('PROFILE_DEFAULT', 'profile', 'the default profile cannot be deleted');
    }
    if (profile.connectors.length) {
      throw new HostInputError(
        'PROFILE_IN_USE',
        'profile',
        `"${name}" still holds ${profile.connectors.length} connector(s)`,
        'Remove them from the profile first.',
      );
    }
    await this.store.delete(COLLECTIONS.profiles, name);
  }

  private async activate(def: ConnectorDefinition): Promise<void> {
    const current = await this.store.get<ScheduleState>(COLLECTIONS.schedule, def.id);
    // create() already chose the first pull of a connector it adds to a profile.
    if (current?.nextRunAt !== undefined) return;
    const dueAt = await this.pacer.firstRunAt(this.settings(def).intervalMinutes * this.minuteMs);
    await this.store.update<ScheduleState>(COLLECTIONS.schedule, def.id, (s) => ({
      connectorId: def.id,
      lastFence: 0,
      ...s,
      nextRunAt: s?.nextRunAt ?? dueAt,
    }));
  }
}

export function instanceOf(def: ConnectorDefinition): ConnectorInstanceInfo {
  return { id: def.id, name: def.name, tenant: def.tenant, type: def.plugin };
}

export function parseRunOn(text: string, field = 'run-on'): RunOn {
  const value = (text ?? '').trim();
  if (value === 'dp') return { kind: 'dp' };
  const m = /^sensor:(.+)$/.exec(value);
  if (m) return { kind: 'sensor', id: checkId(m[1], field) };
  throw new HostInputError(
    'RUN_ON_INVALID',
    field,
    `"${value}" is not a device`,
    'Use --run-on dp (data processor) or --run-on sensor:ID.',
  );
}

export function formatRunOn(runOn: RunOn): string {
  return runOn.kind === 'sensor' ? `sensor:${runOn.id}` : 'dp';
}

function deviceTitle(kind: DeviceKind): string {
  return kind === 'dp' ? 'data processor' : 'sensor';
}

function defaultFunctions(c: { collect: boolean; respond: boolean }): Array<'collect' | 'respond'> {
  return [...(c.collect ? (['collect'] as const) : []), ...(c.respond ? (['respond'] as const) : [])];
}

function duplicate(name: string, tenant: string): HostInputError {
  return new HostInputError(
    'NAME_TAKEN',
    'name',
    `tenant "${tenant}" already has a connector named "${name}"`,
    'Names are unique within a tenant (ignoring case); choose another name.',
  );
}

function mergeDeep(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      out[k] &&
      typeof out[k] === 'object' &&
      !Array.isArray(out[k])
    ) {
      out[k] = mergeDeep(out[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else out[k] = v;
  }
  return out;
}
