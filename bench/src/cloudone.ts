// The Trend Micro Cloud One plugin wired the way the host wires it (manifest read from disk, class
// loaded through the plugin loader, resolved from a per-connector child container), for workers that
// measure the pipeline without the host's registry.
import {
  createConnectorContainer,
  AxiosHttpClientFactory,
  createHostContainer,
  createSilentLogger,
  instantiateConnector,
  readPlugin,
  type Connector,
  type ConnectorInstanceInfo,
  type ConnectorManifest,
  type ResolvedConfig,
} from '@connectors/framework/engine';
import { PLUGIN_DIR } from './children';

/** `all`: every expand value (~3.9 KB objects, the 2-4 KB real fleets show); `default`: the plugin's default set (~1.3 KB). */
export type ExpandChoice = 'all' | 'default';

export interface CloudOneSetup {
  connector: Connector;
  manifest: ConnectorManifest;
  instance: ConnectorInstanceInfo;
  config: ResolvedConfig;
  /** What the bench collects (default Cloud One's `computers`). */
  contentTypes?: string[];
}

export interface CloudOneSetupOptions {
  baseUrl: string;
  apiKey: string;
  pageSize: number;
  expand: ExpandChoice;
  tenant?: string;
}

export async function setUpCloudOne(options: CloudOneSetupOptions): Promise<CloudOneSetup> {
  return setUpPlugin(PLUGIN_DIR, options.tenant ?? 'bench', {
    apiUrl: options.baseUrl,
    apiKey: options.apiKey,
    pageSize: options.pageSize,
    ...(options.expand === 'all' ? { expand: ['all'] } : {}),
  });
}

/** The plugin in `dir` wired as the host wires it, configured with `input`. */
export async function setUpPlugin(
  dir: string,
  tenant: string,
  input: Record<string, unknown>,
  contentTypes?: string[],
): Promise<CloudOneSetup> {
  const descriptor = readPlugin(dir);
  if (!descriptor) throw new Error(`no plugin at ${dir}`);
  const cls = await descriptor.load();
  const manifest = descriptor.manifest;
  const instance: ConnectorInstanceInfo = { id: `bench-${tenant}`, name: 'bench', tenant, type: manifest.id };
  // As the host does: development (plain http to the loopback simulator) is the host's decision.
  const host = createHostContainer({
    logger: createSilentLogger(),
    httpClientFactory: new AxiosHttpClientFactory({ development: process.env.CONNECTORS_DEV === '1' }),
  });
  const connector = instantiateConnector(
    cls,
    createConnectorContainer(host, { manifest, instance }),
    manifest,
  );
  const config = connector.configure(input);
  return { connector, manifest, instance, config, ...(contentTypes ? { contentTypes } : {}) };
}

export function expandChoice(value: string | undefined): ExpandChoice {
  const v = value ?? 'all';
  if (v !== 'all' && v !== 'default') throw new Error(`--expand must be all or default, got ${v}`);
  return v;
}
