import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConnectorError } from '@connectors/framework/engine';

/** The nearest directory at or above `from` that holds a `package.json` (tests run from `dist/test/…`). */
export function findPackageRoot(from: string): string {
  return findUp(from, (dir) => existsSync(path.join(dir, 'package.json')), 'a package.json');
}

/** The nearest directory at or above `from` that carries a plugin manifest. */
export function findPluginRoot(from: string): string {
  return findUp(from, hasManifest, 'a plugin manifest (connector.json or package.json#connector)');
}

function hasManifest(dir: string): boolean {
  if (existsSync(path.join(dir, 'connector.json'))) return true;
  const pkg = path.join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { connector?: unknown }).connector !== undefined;
  } catch {
    return false;
  }
}

function findUp(from: string, found: (dir: string) => boolean, what: string): string {
  let dir = path.resolve(from);
  for (;;) {
    if (found(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new ConnectorError('TESTKIT_ROOT_NOT_FOUND', `no directory at or above ${from} holds ${what}`, {
        hint: 'Pass the plugin directory or a directory inside it (e.g. __dirname of the test file).',
      });
    }
    dir = parent;
  }
}
