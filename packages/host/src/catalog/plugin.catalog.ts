import {
  discoverPlugins,
  type ConnectorClass,
  type ConnectorManifest,
  type PluginDescriptor,
  type PluginLoadError,
} from '@connectors/framework/engine';
import { HostInputError } from '../errors';

export interface CatalogOptions {
  workspaceRoot?: string;
  pluginDirs?: string[];
}

/** One catalog row, as `connectors plugins` prints it. */
export interface PluginSummary {
  id: string;
  name: string;
  vendor: string;
  version: string;
  category: string;
  capabilities: string[];
  runsOn: string[];
  recommendedRunOn: string;
  interval: string;
  contentTypes: string[];
  dir: string;
}

/**
 * The plugins this host can run, found by manifest only. Code is imported on first use through the
 * descriptor, so a catalog listing never executes plugin code.
 */
export class PluginCatalog {
  private readonly byId = new Map<string, PluginDescriptor>();
  readonly errors: PluginLoadError[];

  constructor(options: CatalogOptions) {
    const found = discoverPlugins({ workspaceRoot: options.workspaceRoot, pluginDirs: options.pluginDirs });
    for (const p of found.plugins) this.byId.set(p.manifest.id, p);
    this.errors = found.errors;
  }

  list(): PluginDescriptor[] {
    return [...this.byId.values()];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string, field = 'plugin'): PluginDescriptor {
    const p = this.byId.get(id);
    if (!p) {
      const ids = [...this.byId.keys()];
      throw new HostInputError(
        'UNKNOWN_PLUGIN',
        field,
        `no plugin "${id}"`,
        ids.length
          ? `Known plugins: ${ids.join(', ')} (see \`connectors plugins\`).`
          : 'No plugin was found; build the workspace first (npm run build).',
      );
    }
    return p;
  }

  manifest(id: string): ConnectorManifest {
    return this.get(id).manifest;
  }

  load(id: string): Promise<ConnectorClass> {
    return this.get(id).load();
  }

  summaries(): PluginSummary[] {
    return this.list().map((p) => summarize(p));
  }
}

export function summarize(p: PluginDescriptor): PluginSummary {
  const m = p.manifest;
  const caps = (Object.keys(m.capabilities) as Array<keyof typeof m.capabilities>).filter(
    (k) => m.capabilities[k],
  );
  const iv = m.interval;
  return {
    id: m.id,
    name: m.name,
    vendor: m.vendor,
    version: m.version,
    category: m.category,
    capabilities: caps,
    runsOn: m.runsOn.devices,
    recommendedRunOn: m.runsOn.recommended,
    interval: iv.configurable
      ? `${iv.defaultMinutes} min (${iv.minMinutes}-${iv.maxMinutes})`
      : `${iv.defaultMinutes} min (fixed)`,
    contentTypes: m.contentTypes.map((c) => c.id),
    dir: p.dir,
  };
}
