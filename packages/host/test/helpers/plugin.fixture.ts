import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAKE_MANIFEST } from './fake.connector';

/** A plugin directory holding the fake connector's manifest; its entry, inside the folder, re-exports the compiled fixture. */
export function writeFakePlugin(): { pluginDirs: string[]; cleanup(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'host-plugins-'));
  const dir = path.join(root, 'fake-inventory');
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, 'connector.json'),
    JSON.stringify({ ...FAKE_MANIFEST, entry: 'index.js' }, null, 2),
  );
  writeFileSync(
    path.join(dir, 'index.js'),
    `module.exports = require(${JSON.stringify(require.resolve('./fake.connector'))});\n`,
  );
  return { pluginDirs: [root], cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
