import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { ConnectorError } from '@connectors/framework';

interface LockFile {
  lockfileVersion?: number;
  packages?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** The package.json fields npm copies into a workspace's lock entry. */
const LOCKED_FIELDS = ['name', 'version', 'license', 'dependencies', 'devDependencies', 'peerDependencies'];

/**
 * Adds a new workspace to `package-lock.json` the way `npm install` would (its folder entry and the
 * `node_modules` link to it), without the network, so `npm ci` accepts the lock file. Its
 * dependencies must already be locked (the template's are). Returns false when there is no lock file.
 */
export async function addWorkspaceToLock(
  lockFile: string,
  workspacePath: string,
  pkg: Record<string, unknown>,
): Promise<boolean> {
  if (!existsSync(lockFile)) return false;
  let lock: LockFile;
  try {
    lock = JSON.parse(await readFile(lockFile, 'utf8')) as LockFile;
  } catch (err) {
    throw new ConnectorError(
      'SCAFFOLD_WORKSPACE_INVALID',
      `cannot read ${lockFile}: ${(err as Error).message}`,
      {
        hint: 'Restore package-lock.json (git checkout package-lock.json) and scaffold again.',
      },
    );
  }
  if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) {
    throw new ConnectorError(
      'SCAFFOLD_WORKSPACE_INVALID',
      `${lockFile} has no "packages" map (lockfileVersion 2 or 3)`,
      {
        hint: 'Regenerate the lock file with npm 7 or later (npm install), then scaffold again.',
      },
    );
  }
  const entry: Record<string, unknown> = {};
  for (const field of LOCKED_FIELDS) if (pkg[field] !== undefined) entry[field] = pkg[field];
  const name = String(pkg.name);
  const added: Record<string, Record<string, unknown>> = {
    [workspacePath]: entry,
    [`node_modules/${name}`]: { resolved: workspacePath, link: true },
  };
  lock.packages = insertSorted(lock.packages, added);
  await writeFile(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  return true;
}

/** npm keeps the root entry first and the rest in key order; new keys go where npm would put them. */
function insertSorted<T>(map: Record<string, T>, added: Record<string, T>): Record<string, T> {
  const keys = [...Object.keys(map).filter((k) => !(k in added)), ...Object.keys(added)];
  const [root, rest] = [keys.filter((k) => k === ''), keys.filter((k) => k !== '')];
  const out: Record<string, T> = {};
  for (const k of [...root, ...rest.sort((a, b) => a.localeCompare(b, 'en'))]) out[k] = added[k] ?? map[k];
  return out;
}
