import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The monorepo root this test runs in (tests run from packages/scaffolder/dist/test/…). */
const WORKSPACE_ROOT = path.resolve(__dirname, '../../../../..');

export interface WorkspaceCopy {
  root: string;
  remove(): Promise<void>;
}

/** Built against by a new plugin: referenced from the copy's root tsconfig (found up to date there). */
const BUILT_AGAINST = ['@connectors/framework', '@connectors/testkit'];
/** Run by a new plugin's tests (the CLI end to end): copied with their build output, not rebuilt. */
const RUN_BY_TESTS = ['@connectors/cli'];
const TEMPLATES = ['examples/example-json-api', 'examples/example-edr'];

/** Workspace packages by name, with every `@connectors/*` package they depend on, transitively. */
function packageDirs(source: string, roots: string[]): Map<string, string> {
  const dirs = new Map<string, string>();
  const visit = (name: string): void => {
    if (dirs.has(name)) return;
    const dir = realpathSync(path.join(source, 'node_modules', ...name.split('/')));
    dirs.set(name, path.relative(source, dir));
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }))
      if (dep.startsWith('@connectors/')) visit(dep);
  };
  roots.forEach(visit);
  return dirs;
}

/**
 * A minimal copy of the workspace in a temp dir: the root config files; the framework, the testkit,
 * the CLI and what they depend on, with their build output (timestamps kept, so `tsc -b` finds them
 * up to date and builds only new plugins); the example sources; and a node_modules of symlinks in
 * which `@connectors/*` point into the copy. Nothing is installed or rebuilt. With `packages: false`
 * only the root files, the examples and third-party node_modules are there: enough to scaffold into.
 */
export async function copyWorkspace(
  options: { packages?: boolean } = {},
  source = WORKSPACE_ROOT,
): Promise<WorkspaceCopy> {
  const root = await mkdtemp(path.join(tmpdir(), 'scaffold-ws-'));
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.base.json', '.prettierrc.json']) {
    await cp(path.join(source, file), path.join(root, file), { preserveTimestamps: true });
  }
  // Without packages the copy is enough to scaffold into (templates, Prettier), not to build.
  const packages =
    options.packages === false
      ? new Map<string, string>()
      : packageDirs(source, [...BUILT_AGAINST, ...RUN_BY_TESTS]);
  const references = BUILT_AGAINST.filter((name) => packages.has(name)).map((name) => ({
    path: packages.get(name)!,
  }));
  await writeFile(
    path.join(root, 'tsconfig.json'),
    `${JSON.stringify({ files: [], references }, null, 2)}\n`,
  );
  const noNodeModules = (src: string): boolean => !/[\\/]node_modules([\\/]|$)/.test(src);
  for (const dir of packages.values()) {
    await cp(path.join(source, dir), path.join(root, dir), {
      recursive: true,
      preserveTimestamps: true,
      filter: noNodeModules,
    });
    // A package's own node_modules holds versions that differ from the root's (the framework's ajv 8).
    const own = path.join(source, dir, 'node_modules');
    if (existsSync(own)) await symlink(own, path.join(root, dir, 'node_modules'));
  }
  for (const dir of TEMPLATES) {
    await cp(path.join(source, dir), path.join(root, dir), {
      recursive: true,
      filter: (src) => noNodeModules(src) && !/[\\/]dist([\\/]|$)/.test(src),
    });
  }
  await mkdir(path.join(root, 'plugins'));
  await linkNodeModules(source, root, packages);
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

async function linkNodeModules(source: string, root: string, packages: Map<string, string>): Promise<void> {
  const from = path.join(source, 'node_modules');
  const to = path.join(root, 'node_modules');
  await mkdir(path.join(to, '@connectors'), { recursive: true });
  for (const name of await readdir(from)) {
    if (name === '@connectors' || name === '.package-lock.json') continue;
    await symlink(path.join(from, name), path.join(to, name));
  }
  for (const [name, dir] of packages) await symlink(path.join(root, dir), path.join(to, ...name.split('/')));
}
