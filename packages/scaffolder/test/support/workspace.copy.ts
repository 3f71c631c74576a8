import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, symlink, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The monorepo root this test runs in (tests run from packages/scaffolder/dist/test/…). */
export const WORKSPACE_ROOT = path.resolve(__dirname, '../../../../..');

export interface WorkspaceCopy {
  root: string;
  remove(): Promise<void>;
}

/** What a scaffolded plugin needs: the packages it builds against, and the examples it renders from. */
const PACKAGES = ['framework', 'packages/testkit'];
const TEMPLATES = ['examples/example-json-api', 'examples/example-edr'];

/**
 * A minimal copy of the workspace in a temp dir: the root config files, the framework and testkit
 * with their build output (timestamps kept, so `tsc -b` finds them up to date and builds only the new
 * plugin), the example sources, and a node_modules of symlinks in which `@connectors/*` point into
 * the copy. Fast: nothing is installed or rebuilt.
 */
export async function copyWorkspace(source = WORKSPACE_ROOT): Promise<WorkspaceCopy> {
  const root = await mkdtemp(path.join(tmpdir(), 'scaffold-ws-'));
  for (const file of ['package.json', 'tsconfig.base.json', '.prettierrc.json']) {
    await cp(path.join(source, file), path.join(root, file), { preserveTimestamps: true });
  }
  const references = PACKAGES.map((p) => ({ path: p }));
  await writeFile(
    path.join(root, 'tsconfig.json'),
    `${JSON.stringify({ files: [], references }, null, 2)}\n`,
  );
  const skip = (src: string): boolean => !/[\\/]node_modules([\\/]|$)/.test(src);
  for (const dir of PACKAGES) {
    await cp(path.join(source, dir), path.join(root, dir), {
      recursive: true,
      preserveTimestamps: true,
      filter: skip,
    });
    // A package's own node_modules holds versions that differ from the root's (the framework's ajv 8).
    const own = path.join(source, dir, 'node_modules');
    if (existsSync(own)) await symlink(own, path.join(root, dir, 'node_modules'));
  }
  for (const dir of TEMPLATES) {
    await cp(path.join(source, dir), path.join(root, dir), {
      recursive: true,
      filter: (src) => skip(src) && !/[\\/]dist([\\/]|$)/.test(src),
    });
  }
  await mkdir(path.join(root, 'plugins'));
  await linkNodeModules(path.join(source, 'node_modules'), path.join(root, 'node_modules'));
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

async function linkNodeModules(from: string, to: string): Promise<void> {
  await mkdir(path.join(to, '@connectors'), { recursive: true });
  for (const name of await readdir(from)) {
    if (name === '@connectors' || name === '.package-lock.json') continue;
    await symlink(path.join(from, name), path.join(to, name));
  }
  const root = path.dirname(to);
  await symlink(path.join(root, 'framework'), path.join(to, '@connectors', 'framework'));
  await symlink(path.join(root, 'packages', 'testkit'), path.join(to, '@connectors', 'testkit'));
}
