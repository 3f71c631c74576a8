import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ConnectorError,
  discoverPlugins,
  validateManifest,
  type ConnectorManifest,
} from '@connectors/framework/engine';
import { renderConnectorPage } from './connector-page.renderer';
import { derivePluginNames, ORIGIN_CATEGORY, resolveCategory } from './plugin-names';
import { formatWithWorkspacePrettier } from './prettier.formatter';
import { createRenamer } from './template.renderer';
import type { PluginNames, ScaffoldOptions, ScaffoldResult, TemplateSpec } from './types';
import { addWorkspaceToLock } from './package-lock';
import { addProjectReference } from './workspace.tsconfig';

/** The examples plugins are rendered from; their names are replaced spelling by spelling. */
export const TEMPLATES = {
  collector: {
    dir: 'examples/example-json-api',
    names: derivePluginNames('Example', 'JSON API'),
    category: 'Other',
  },
  respond: {
    dir: 'examples/example-edr',
    names: derivePluginNames('Example', 'EDR'),
    category: 'Endpoint Security',
  },
} as const satisfies Record<string, TemplateSpec>;

/** Build output and local state never travel into a new plugin; the README is written fresh. */
const SKIPPED = new Set(['dist', 'node_modules', 'README.md', '.DS_Store']);
const skipped = (name: string): boolean =>
  SKIPPED.has(name) || name.endsWith('.tsbuildinfo') || name.endsWith('.log');

interface RenderedFile {
  /** Path relative to the plugin directory. */
  rel: string;
  content: string;
}

/**
 * Writes a new plugin into `plugins/<id>` from an example and adds it to the root `tsconfig.json`,
 * so `npm test` builds and runs it. Everything is checked and rendered before anything is written;
 * bad input (an existing id, names that make no id, an unknown category) throws a ConnectorError and
 * leaves the workspace untouched.
 */
export async function scaffoldPlugin(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const root = path.resolve(options.workspaceRoot);
  checkWorkspace(root);
  const names = derivePluginNames(options.vendor, options.product);
  const category = resolveCategory(options.category);
  const template: TemplateSpec = options.respond ? TEMPLATES.respond : TEMPLATES.collector;
  const templateDir = path.join(root, template.dir);
  if (!existsSync(path.join(templateDir, 'connector.json'))) {
    throw new ConnectorError(
      'SCAFFOLD_TEMPLATE_MISSING',
      `the example ${template.dir} is missing from ${root}`,
      {
        hint: 'Run the scaffolder from a checkout of the connectors monorepo (it renders plugins from examples/).',
      },
    );
  }
  const dir = path.join(root, 'plugins', names.id);
  checkIdFree(root, names, dir);

  const templatePackage = JSON.parse(await readFile(path.join(templateDir, 'package.json'), 'utf8')) as {
    name: string;
  };
  const from: PluginNames = { ...template.names, packageName: templatePackage.name };
  const renameAll = createRenamer(from, names);
  const rendered: RenderedFile[] = [];
  for (const rel of await listFiles(templateDir)) {
    const content = await readFile(path.join(templateDir, rel), 'utf8');
    rendered.push({ rel: renameAll(rel), content: renameAll(content) });
  }
  refuseLeftovers(rendered, from);
  const manifest = renderManifest(rendered, names, category);
  const pkg = renderPackageJson(rendered, manifest);
  rendered.push({ rel: 'README.md', content: renderConnectorPage(manifest) });
  await formatWithWorkspacePrettier(root, rendered, dir);

  // Stage next to the target and rename into place, so a failure never leaves half a plugin behind.
  const staging = path.join(root, 'plugins', `.scaffold-${names.id}-${process.pid}-${Date.now()}`);
  try {
    for (const file of rendered) {
      const target = path.join(staging, file.rel);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw new ConnectorError(
      'SCAFFOLD_WRITE_FAILED',
      `could not write ${path.relative(root, dir)}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const lockFile = path.join(root, 'package-lock.json');
  const lockBefore = existsSync(lockFile) ? await readFile(lockFile, 'utf8') : undefined;
  try {
    // The lock file must list the new workspace, or `npm ci` (what CI runs) refuses it.
    await addWorkspaceToLock(lockFile, `plugins/${names.id}`, pkg);
    await addProjectReference(path.join(root, 'tsconfig.json'), `plugins/${names.id}`);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if (lockBefore !== undefined) await writeFile(lockFile, lockBefore);
    throw err;
  }
  const files = rendered
    .map((f) => path.posix.join('plugins', names.id, f.rel.split(path.sep).join('/')))
    .sort();
  const touched = lockBefore !== undefined ? ['package-lock.json', 'tsconfig.json'] : ['tsconfig.json'];
  return { id: names.id, dir, files: [...files, ...touched] };
}

function checkWorkspace(root: string): void {
  for (const file of ['package.json', 'tsconfig.json']) {
    if (!existsSync(path.join(root, file))) {
      throw new ConnectorError(
        'SCAFFOLD_WORKSPACE_INVALID',
        `${root} is not the connectors workspace: ${file} is missing`,
        {
          hint: 'Run the command from the monorepo root, or pass its path as the workspace root.',
        },
      );
    }
  }
}

/** The id must be new everywhere the host looks: plugins/, examples/ and installed packages. */
function checkIdFree(root: string, names: PluginNames, dir: string): void {
  const taken = (where: string): never => {
    throw new ConnectorError(
      'SCAFFOLD_ID_EXISTS',
      `a plugin with id "${names.id}" already exists (${where})`,
      {
        hint: 'Choose another product name, or edit the existing plugin.',
      },
    );
  };
  if (existsSync(dir)) taken(path.relative(root, dir));
  if (existsSync(path.join(root, 'examples', names.id))) taken(`examples/${names.id}`);
  if (existsSync(path.join(root, 'node_modules', ...names.packageName.split('/'))))
    taken(`node_modules/${names.packageName}`);
  const { plugins, errors } = discoverPlugins({ workspaceRoot: root });
  const same = plugins.find((p) => p.manifest.id === names.id);
  if (same) taken(path.relative(root, same.manifestFile));
  const refused = errors.find((e) => e.pluginId === names.id);
  if (refused) taken(path.relative(root, refused.file));
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    if (skipped(entry.name)) continue;
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

function findFile(files: RenderedFile[], rel: string): RenderedFile {
  const file = files.find((f) => f.rel === rel);
  if (!file) throw new ConnectorError('SCAFFOLD_TEMPLATE_MISSING', `the example has no ${rel}`);
  return file;
}

/** The manifest is rewritten as data (names, category, origin) and validated before anything is written. */
function renderManifest(
  files: RenderedFile[],
  names: PluginNames,
  category: ConnectorManifest['category'],
): ConnectorManifest {
  const file = findFile(files, 'connector.json');
  const data = JSON.parse(file.content) as ConnectorManifest;
  const verbs = [
    data.capabilities.collect ? 'collects' : '',
    data.capabilities.respond ? 'runs response actions' : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const manifest: ConnectorManifest = {
    ...data,
    name: names.name,
    vendor: names.vendor,
    product: names.product,
    description: `${names.name} connector: ${verbs} through the ${names.vendor} API.`,
    version: '0.1.0',
    category,
    origin: { source: names.snake, vendor: names.vendorSlug, category: ORIGIN_CATEGORY[category] },
  };
  validateManifest(manifest, path.join('plugins', names.id, 'connector.json'));
  file.content = `${JSON.stringify(manifest, null, 2)}\n`;
  return manifest;
}

/**
 * The template's own type names (`ExamplePage`) must all carry its full name, which the renamer
 * replaces; one that only starts with the vendor word would survive into the new plugin.
 */
function refuseLeftovers(files: RenderedFile[], from: PluginNames): void {
  const pattern = new RegExp(`\\b${from.vendor}[A-Z][A-Za-z0-9]*`, 'g');
  for (const file of files) {
    const left = [...new Set(file.content.match(pattern) ?? [])];
    if (left.length) {
      throw new ConnectorError(
        'SCAFFOLD_TEMPLATE_LEFTOVER',
        `the template's ${file.rel} names ${left.join(', ')}, which would survive renaming`,
        { hint: `Rename it in the template to start with ${from.pascal} so the scaffolder renames it.` },
      );
    }
  }
}

function renderPackageJson(files: RenderedFile[], manifest: ConnectorManifest): Record<string, unknown> {
  const file = findFile(files, 'package.json');
  const pkg = JSON.parse(file.content) as Record<string, unknown>;
  pkg.version = manifest.version;
  pkg.description = manifest.description;
  delete pkg.private;
  file.content = `${JSON.stringify(pkg, null, 2)}\n`;
  return pkg;
}
