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
  const descriptor = readPlugin(PLUGIN_DIR);
  if (!descriptor) throw new Error(`no plugin at ${PLUGIN_DIR}`);
  const cls = await descriptor.load();
  const manifest = descriptor.manifest;
  const tenant = options.tenant ?? 'bench';
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
  const config = connector.configure({
    apiUrl: options.baseUrl,
    apiKey: options.apiKey,
    pageSize: options.pageSize,
    ...(options.expand === 'all' ? { expand: ['all'] } : {}),
  });
  return { connector, manifest, instance, config };
}

export function expandChoice(value: string | undefined): ExpandChoice {
  const v = value ?? 'all';
  if (v !== 'all' && v !== 'default') throw new Error(`--expand must be all or default, got ${v}`);
  return v;
}
