import { lastValueFrom, take, toArray } from 'rxjs';
import {
  AxiosHttpClientFactory,
  buildEnvelope,
  ConnectorError,
  createConnectorContainer,
  createHostContainer,
  instantiateConnector,
  readPlugin,
  runRespond,
  TOKENS,
  type CollectContext,
  type CollectedPage,
  type Connector,
  type ConnectorInstanceInfo,
  type Logger,
  type NormalizedRecord,
  type ResolvedConfig,
  type RunContext,
} from '@connectors/framework/engine';
import { createCapturingLogger } from './capturing.logger';
import { IMMEDIATE_DEMAND } from './demand';
import { FakeClock } from './fake-clock';
import { findPluginRoot } from './package-root';
import { RecordingHttpClientFactory } from './recording-http.factory';
import type {
  CollectedRecord,
  CollectOptions,
  InstantiateOptions,
  LoadedPlugin,
  TestConnector,
  TestHost,
  TestHostOptions,
} from './types';

/**
 * Reads a plugin from disk the way the host does (manifest validated, entry imported and checked).
 * `from` may be the plugin directory or any directory inside it, such as a test's `__dirname`.
 */
export async function loadPlugin(from: string): Promise<LoadedPlugin> {
  const dir = findPluginRoot(from);
  const descriptor = readPlugin(dir);
  if (!descriptor) throw new ConnectorError('TESTKIT_NOT_A_PLUGIN', `${dir} carries no plugin manifest`);
  return { manifest: descriptor.manifest, connectorClass: await descriptor.load(), descriptor };
}

/**
 * A host for plugin tests: the real framework wiring (host container, one child container per
 * instance, manifest binding) with a fake clock, a capturing logger and an HTTP factory that records
 * every request. Swap any of them through options.
 */
export function createTestHost(options: TestHostOptions = {}): TestHost {
  const clock = options.clock ?? new FakeClock({ autoAdvance: true });
  const captured = createCapturingLogger();
  const logger = options.logger ?? captured.logger;
  const http = new RecordingHttpClientFactory(
    options.httpClientFactory ?? new AxiosHttpClientFactory({ development: options.development ?? true }),
  );
  const container = createHostContainer({ clock, logger, httpClientFactory: http });
  const tenant = options.tenant ?? 'tenant-test';
  let counter = 0;

  const instanceFor = (
    plugin: LoadedPlugin,
    given: Partial<ConnectorInstanceInfo> = {},
  ): ConnectorInstanceInfo => ({
    id: given.id ?? `${plugin.manifest.id}-test`,
    name: given.name ?? `${plugin.manifest.id}-${++counter}`,
    tenant: given.tenant ?? tenant,
    type: plugin.manifest.id,
  });

  const createWith = <TConfig extends ResolvedConfig>(
    plugin: LoadedPlugin,
    instance: ConnectorInstanceInfo,
  ): { connector: Connector<TConfig>; logger: Logger } => {
    const scope = createConnectorContainer(container, { manifest: plugin.manifest, instance });
    const connector = instantiateConnector(
      plugin.connectorClass,
      scope,
      plugin.manifest,
    ) as unknown as Connector<TConfig>;
    return { connector, logger: scope.resolve<Logger>(TOKENS.Logger) };
  };

  return {
    container,
    clock,
    http,
    logs: captured.logs,
    create<TConfig extends ResolvedConfig>(
      plugin: LoadedPlugin,
      opts: InstantiateOptions = {},
    ): Connector<TConfig> {
      return createWith<TConfig>(plugin, instanceFor(plugin, opts.instance)).connector;
    },
    instantiate<TConfig extends ResolvedConfig>(
      plugin: LoadedPlugin,
      input: Record<string, unknown>,
      opts: InstantiateOptions = {},
    ): TestConnector<TConfig> {
      const instance = instanceFor(plugin, opts.instance);
      const { connector, logger: scoped } = createWith<TConfig>(plugin, instance);
      const config = connector.configure(input);
      return wrapConnector(connector, config, instance, scoped, () => clock.now());
    },
  };
}

function wrapConnector<TConfig extends ResolvedConfig>(
  connector: Connector<TConfig>,
  config: TConfig,
  instance: ConnectorInstanceInfo,
  logger: Logger,
  now: () => number,
): TestConnector<TConfig> {
  const manifest = connector.manifest;
  const runContext = (signal?: AbortSignal): RunContext<TConfig> => ({
    config,
    instance,
    logger,
    signal: signal ?? new AbortController().signal,
  });
  const collectContext = (o: CollectOptions = {}): CollectContext<TConfig> => ({
    ...runContext(o.signal),
    contentTypes: o.contentTypes ?? manifest.contentTypes.map((c) => c.id),
    demand: o.demand ?? IMMEDIATE_DEMAND,
  });
  const enveloped = (contentType: string, normalized: NormalizedRecord): CollectedRecord['entry'] =>
    buildEnvelope({ manifest, instance, contentType, normalized, now: now() }).entry;
  const collectPages = (o: CollectOptions & { maxPages?: number } = {}): Promise<CollectedPage[]> =>
    lastValueFrom(connector.collect(collectContext(o)).pipe(take(o.maxPages ?? 1000), toArray()));
  return {
    connector,
    manifest,
    config,
    instance,
    logger,
    runContext,
    collectContext,
    collectPages,
    async collectRecords(o = {}): Promise<CollectedRecord[]> {
      const out: CollectedRecord[] = [];
      for (const page of await collectPages(o)) {
        for (const raw of page.items) {
          const normalized = connector.normalize(page.contentType, raw);
          const entry = enveloped(page.contentType, normalized);
          out.push({ contentType: page.contentType, page: page.page, raw, normalized, entry });
        }
      }
      return out;
    },
    envelope: (contentType, raw) => enveloped(contentType, connector.normalize(contentType, raw)),
    test: (signal) => connector.test(runContext(signal)),
    respond: (action, target) => runRespond(connector, { action, target }, runContext()),
  };
}
