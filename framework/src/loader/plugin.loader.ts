import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { Connector, implementsRespond } from '../connector.base';
import { PluginLoadError } from '../errors';
import { validateManifest } from '../manifest/manifest.validator';
import type { ConnectorClass, ConnectorManifest, DiscoveryResult, PluginDescriptor } from '../types';

export interface DiscoverOptions {
  /** Workspace root: `plugins/*` and `examples/*` under it are searched, and its `node_modules`. */
  workspaceRoot?: string;
  /** Extra directories whose children are plugin directories. */
  pluginDirs?: string[];
  /** Also search `node_modules` for packages that carry a manifest (default true). */
  nodeModules?: boolean;
}

const WORKSPACE_FOLDERS = ['plugins', 'examples'];

/**
 * Finds plugins by manifest without importing any plugin code. Every candidate is validated on its
 * own: a bad plugin becomes an entry in `errors` and never stops the others from loading.
 */
export function discoverPlugins(options: DiscoverOptions = {}): DiscoveryResult {
  const root = options.workspaceRoot ? path.resolve(options.workspaceRoot) : undefined;
  const parents = [
    ...(root ? WORKSPACE_FOLDERS.map((f) => path.join(root, f)) : []),
    ...(options.pluginDirs ?? []).map((d) => path.resolve(d)),
  ];
  const candidates: string[] = [];
  for (const parent of parents) candidates.push(...childDirs(parent));
  if (root && options.nodeModules !== false)
    candidates.push(...nodeModulePackages(path.join(root, 'node_modules')));

  const seen = new Set<string>();
  const byId = new Map<string, PluginDescriptor>();
  const plugins: PluginDescriptor[] = [];
  const errors: PluginLoadError[] = [];
  for (const dir of candidates) {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      continue;
    }
    if (seen.has(real)) continue; // workspace packages are also symlinked in node_modules
    seen.add(real);
    try {
      const descriptor = readPlugin(real);
      if (!descriptor) continue;
      const existing = byId.get(descriptor.manifest.id);
      if (existing) {
        throw new PluginLoadError(
          'PLUGIN_DUPLICATE_ID',
          descriptor.manifestFile,
          'id',
          `plugin id "${descriptor.manifest.id}" is already used by ${existing.manifestFile}`,
          'Give each plugin a unique id.',
          descriptor.manifest.id,
        );
      }
      byId.set(descriptor.manifest.id, descriptor);
      plugins.push(descriptor);
    } catch (err) {
      errors.push(
        err instanceof PluginLoadError
          ? err
          : new PluginLoadError('PLUGIN_UNREADABLE', dir, undefined, (err as Error).message),
      );
    }
  }
  plugins.sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
  return { plugins, errors };
}

/** Reads one plugin directory; undefined when it carries no manifest at all (not a plugin). */
export function readPlugin(dir: string): PluginDescriptor | undefined {
  const connectorJson = path.join(dir, 'connector.json');
  const packageJson = path.join(dir, 'package.json');
  let file: string;
  let data: unknown;
  if (existsSync(connectorJson)) {
    file = connectorJson;
    data = readJson(connectorJson);
  } else if (existsSync(packageJson)) {
    const pkg = readJson(packageJson) as { connector?: unknown };
    if (pkg === null || typeof pkg !== 'object' || pkg.connector === undefined) return undefined;
    file = packageJson;
    data = pkg.connector;
  } else {
    return undefined;
  }
  const fieldPrefix = file === packageJson ? 'connector.' : '';
  let manifest: ConnectorManifest;
  try {
    manifest = validateManifest(data, file);
  } catch (err) {
    if (err instanceof PluginLoadError && fieldPrefix && err.field) {
      throw new PluginLoadError(
        err.code,
        file,
        fieldPrefix + err.field,
        err.message.replace(/^.*?: /, ''),
        err.hint,
        err.pluginId,
      );
    }
    throw err;
  }
  const entryFile = path.resolve(dir, manifest.entry);
  if (!existsSync(entryFile)) {
    throw new PluginLoadError(
      'PLUGIN_ENTRY_MISSING',
      file,
      `${fieldPrefix}entry`,
      `entry file ${manifest.entry} does not exist`,
      'Build the plugin (npm run build) or fix the entry path.',
      manifest.id,
    );
  }
  const realEntry = insidePlugin(dir, entryFile);
  if (realEntry === undefined) {
    throw new PluginLoadError(
      'PLUGIN_ENTRY_OUTSIDE',
      file,
      `${fieldPrefix}entry`,
      `entry ${manifest.entry} resolves outside the plugin folder ${dir}`,
      "Point entry at the plugin's own built file, e.g. dist/src/index.js; a plugin never runs another folder's code.",
      manifest.id,
    );
  }
  return {
    manifest,
    dir,
    manifestFile: file,
    entryFile: realEntry,
    load: () => loadConnectorClass(manifest, file, entryFile, fieldPrefix),
  };
}

/** The entry's real path when it lies inside the plugin's real folder (symlinks followed); else undefined. */
function insidePlugin(dir: string, entryFile: string): string | undefined {
  const real = realpathSync(entryFile);
  const rel = path.relative(realpathSync(dir), real);
  const outside = rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return outside ? undefined : real;
}

function readJson(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PluginLoadError(
      'MANIFEST_NOT_JSON',
      file,
      undefined,
      `is not valid JSON: ${(err as Error).message}`,
    );
  }
}

const loaded = new Map<string, Promise<ConnectorClass>>();

async function loadConnectorClass(
  manifest: ConnectorManifest,
  file: string,
  entryFile: string,
  fieldPrefix: string,
): Promise<ConnectorClass> {
  // Keyed by entry and export: two manifests may share an entry file and name different classes.
  const cacheKey = `${entryFile}#${manifest.exportName ?? 'connector'}`;
  let pending = loaded.get(cacheKey);
  if (!pending) {
    pending = (async () => {
      const mod = await importEntry(manifest, file, entryFile);
      const exportName = manifest.exportName ?? 'connector';
      const cls = mod[exportName] as ConnectorClass | undefined;
      if (typeof cls !== 'function' || !isConnectorClass(cls)) {
        throw new PluginLoadError(
          'PLUGIN_EXPORT_INVALID',
          file,
          `${fieldPrefix}exportName`,
          `${manifest.entry} does not export a Connector class named "${exportName}"`,
          'Export the class that extends Connector under that name.',
          manifest.id,
        );
      }
      if (manifest.capabilities.respond && !implementsRespond(cls)) {
        throw new PluginLoadError(
          'PLUGIN_CAPABILITY_MISSING',
          file,
          `${fieldPrefix}capabilities.respond`,
          'respond is declared but the connector does not implement respond()',
          'Implement respond() or set capabilities.respond to false.',
          manifest.id,
        );
      }
      return cls;
    })();
    loaded.set(cacheKey, pending);
    pending.catch(() => loaded.delete(cacheKey));
  }
  return pending;
}

/**
 * Imports the plugin's code. A module it needs that is not installed (a plugin from `--plugins-dir`
 * whose dependencies were never installed) or code that throws while loading becomes a
 * PluginLoadError naming the plugin, the module and the fix, never a bare stack.
 */
async function importEntry(
  manifest: ConnectorManifest,
  file: string,
  entryFile: string,
): Promise<Record<string, unknown>> {
  const dir = path.dirname(file);
  try {
    return (await import(entryFile)) as Record<string, unknown>;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const missing = /Cannot find (?:module|package) '([^']+)'/.exec(e?.message ?? '')?.[1];
    if ((e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') && missing) {
      const own = missing.startsWith('.') || path.isAbsolute(missing);
      const name = own ? path.relative(dir, missing) || missing : missing;
      const error = new PluginLoadError(
        'PLUGIN_DEPENDENCY_MISSING',
        file,
        undefined,
        `plugin ${manifest.id} cannot load: its code needs module "${name}", which is not installed`,
        own
          ? `Rebuild the plugin (npm run build in ${dir}); its own file ${name} is missing.`
          : `Install the plugin's dependencies (npm install --omit=dev in ${dir}), or add "${name}" to its package.json dependencies.`,
        manifest.id,
      );
      (error.details as Record<string, unknown>).module = name;
      throw error;
    }
    throw new PluginLoadError(
      'PLUGIN_IMPORT_FAILED',
      file,
      undefined,
      `plugin ${manifest.id} failed while loading ${manifest.entry}: ${String(e?.message ?? err).split('\n')[0]}`,
      'Fix the error in the plugin code (run its tests), or remove the plugin folder.',
      manifest.id,
    );
  }
}

/** instanceof fails when a plugin bundles its own framework copy; fall back to the lifecycle shape. */
function isConnectorClass(cls: ConnectorClass): boolean {
  const proto = cls.prototype as Record<string, unknown>;
  return (
    proto instanceof Connector ||
    (typeof proto.collect === 'function' &&
      typeof proto.normalize === 'function' &&
      typeof proto.test === 'function')
  );
}

function childDirs(parent: string): string[] {
  if (!existsSync(parent)) return [];
  return readdirSync(parent)
    .filter((name) => !name.startsWith('.'))
    .map((name) => path.join(parent, name))
    .filter((p) => safeIsDir(p));
}

function nodeModulePackages(nodeModules: string): string[] {
  const out: string[] = [];
  for (const dir of childDirs(nodeModules)) {
    const name = path.basename(dir);
    if (name.startsWith('@')) out.push(...childDirs(dir));
    else out.push(dir);
  }
  // Only packages with a manifest matter; reading package.json is cheap, importing is not done.
  return out.filter(
    (d) => existsSync(path.join(d, 'connector.json')) || hasConnectorKey(path.join(d, 'package.json')),
  );
}

function hasConnectorKey(pkgFile: string): boolean {
  try {
    return (JSON.parse(readFileSync(pkgFile, 'utf8')) as { connector?: unknown }).connector !== undefined;
  } catch {
    return false;
  }
}

function safeIsDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
