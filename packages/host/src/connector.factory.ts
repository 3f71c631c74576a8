import {
  configSchemaOf,
  createConnectorContainer,
  instantiateConnector,
  TOKENS,
  type Clock,
  type Connector,
  type ConnectorInstanceInfo,
  type ConnectorManifest,
  type DependencyContainer,
  type HttpClientFactory,
  type Logger,
  type ResolvedConfig,
} from '@connectors/framework/engine';
import { BudgetedHttpClientFactory, budgetKey, type KeyedHash, type RateBudget } from './budget/rate-budget';
import type { PluginCatalog } from './catalog/plugin.catalog';
import { HostInputError } from './errors';
import { refuseUnsafeKeys, refuseUnsafePath } from './safe-input';

export interface ConnectorSettings {
  intervalMinutes: number;
  contentTypes: string[];
}

export interface PreparedConnector {
  connector: Connector;
  manifest: ConnectorManifest;
  instance: ConnectorInstanceInfo;
  container: DependencyContainer;
  logger: Logger;
}

export interface ConfiguredConnector extends PreparedConnector, ConnectorSettings {
  config: ResolvedConfig;
  /**
   * What the registry stores: the input as the schema resolves it (defaults applied, secrets wrapped).
   * What the plugin derives from it (a key header chosen by `auto`, a normalized URL) is derived again
   * at every run, so changing one setting never keeps a value derived from the old one.
   */
  stored: ResolvedConfig;
}

/**
 * Builds connector objects: one child container per instance (its logger, manifest, and an HTTP
 * client factory that spends the credential's shared rate budget), the plugin class resolved from
 * it, and the config validated by the plugin itself plus the host's interval and content-type checks.
 */
export class ConnectorFactory {
  constructor(
    private readonly catalog: PluginCatalog,
    private readonly hostContainer: DependencyContainer,
    private readonly httpClientFactory: HttpClientFactory,
    private readonly budget: RateBudget,
    private readonly clock: Clock,
    /** Names rate budgets without revealing the credential (an HMAC under the secret key). */
    private readonly keyedHash: KeyedHash,
  ) {}

  async prepare(
    plugin: string,
    instance: ConnectorInstanceInfo,
    budgetConfig?: () => ResolvedConfig | undefined,
  ): Promise<PreparedConnector> {
    const descriptor = this.catalog.get(plugin);
    const cls = await descriptor.load();
    const manifest = descriptor.manifest;
    const key = (): string => budgetKey(manifest.id, budgetConfig?.() ?? {}, instance.id, this.keyedHash);
    const container = createConnectorContainer(this.hostContainer, {
      manifest,
      instance,
      services: {
        httpClientFactory: new BudgetedHttpClientFactory(this.httpClientFactory, this.budget, key),
        clock: this.clock,
      },
    });
    const connector = instantiateConnector(cls, container, manifest);
    return { connector, manifest, instance, container, logger: container.resolve<Logger>(TOKENS.Logger) };
  }

  /** Validates input through the plugin (schema + normalization) and the host's bounds; throws on bad input. */
  async configure(
    plugin: string,
    instance: ConnectorInstanceInfo,
    input: Record<string, unknown>,
  ): Promise<ConfiguredConnector> {
    // The budget key needs the credential, which is known only once the config is resolved.
    const resolved: { config?: ResolvedConfig } = {};
    const prepared = await this.prepare(plugin, instance, () => resolved.config);
    const config = prepared.connector.configure(input);
    resolved.config = config;
    const settings = checkSettings(prepared.manifest, config);
    return { ...prepared, ...settings, config, stored: configSchemaOf(prepared.manifest).resolve(input) };
  }
}

/** Reads interval and content types from a resolved config and checks them against the manifest. */
export function checkSettings(
  manifest: ConnectorManifest,
  config: Record<string, unknown>,
): ConnectorSettings {
  const spec = manifest.interval;
  const raw = config.interval ?? spec.defaultMinutes;
  const interval = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof interval !== 'number' || !Number.isInteger(interval)) {
    throw new HostInputError(
      'INTERVAL_INVALID',
      'interval',
      `"${String(raw)}" is not a whole number of minutes`,
      `Use a value from ${spec.minMinutes} to ${spec.maxMinutes}.`,
    );
  }
  if (!spec.configurable && interval !== spec.defaultMinutes) {
    throw new HostInputError(
      'INTERVAL_FIXED',
      'interval',
      `${manifest.name} runs every ${spec.defaultMinutes} minutes; the interval is not configurable`,
      'Remove the interval setting.',
    );
  }
  if (interval < spec.minMinutes || interval > spec.maxMinutes) {
    throw new HostInputError(
      'INTERVAL_OUT_OF_BOUNDS',
      'interval',
      `${interval} minutes is out of bounds`,
      `Use a value from ${spec.minMinutes} to ${spec.maxMinutes} minutes.`,
    );
  }
  const declared = manifest.contentTypes.map((c) => c.id);
  const rawTypes = config.contentTypes ?? declared;
  const contentTypes = (Array.isArray(rawTypes) ? rawTypes : [rawTypes]).map(String);
  if (!contentTypes.length) {
    throw new HostInputError(
      'CONTENT_TYPES_EMPTY',
      'contentTypes',
      'at least one content type is needed',
      `Use one of: ${declared.join(', ')}.`,
    );
  }
  const unknown = contentTypes.filter((c) => !declared.includes(c));
  if (unknown.length) {
    throw new HostInputError(
      'CONTENT_TYPE_UNKNOWN',
      'contentTypes',
      `${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not collected by ${manifest.name}`,
      `Use one of: ${declared.join(', ')}.`,
    );
  }
  return { intervalMinutes: interval, contentTypes: [...new Set(contentTypes)] };
}

/**
 * Parses `--set key=value` pairs. Dotted keys build nested objects; a value is read as JSON when it
 * looks like JSON (`[…]`, `{…}`, `true`, numbers); for array settings a comma list is split. Objects
 * have no prototype and prototype key names are refused, so no key reaches `Object.prototype`.
 */
export function parseSettings(
  manifest: ConnectorManifest,
  pairs: readonly string[],
  field = 'set',
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const props = (manifest.configSchema.properties ?? {}) as Record<string, { type?: unknown }>;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new HostInputError(
        'SETTING_INVALID',
        field,
        `"${pair}" is not key=value`,
        'Write settings as --set key=value, e.g. --set interval=10.',
      );
    }
    const key = pair.slice(0, eq).trim();
    const text = pair.slice(eq + 1);
    refuseUnsafePath(key, field);
    const top = key.split('.')[0];
    let value: unknown = text;
    const type = props[top]?.type;
    if (type === 'array' && !key.includes('.') && !text.trim().startsWith('[')) {
      value = text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (/^\s*[[{]/.test(text)) {
      try {
        value = JSON.parse(text);
      } catch {
        throw new HostInputError(
          'SETTING_INVALID',
          key,
          `"${text}" is not valid JSON`,
          'Quote the value or fix the JSON.',
        );
      }
      refuseUnsafeKeys(value, key);
    }
    let node = out;
    const parts = key.split('.');
    for (const p of parts.slice(0, -1)) {
      if (!node[p] || typeof node[p] !== 'object') node[p] = Object.create(null);
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return out;
}
