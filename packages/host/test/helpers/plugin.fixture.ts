import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAKE_MANIFEST } from './fake.connector';

/** A plugin directory holding the fake connector's manifest (its entry is the compiled fixture). */
export function writeFakePlugin(): { pluginDirs: string[]; cleanup(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'host-plugins-'));
  const dir = path.join(root, 'fake-inventory');
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, 'connector.json'),
    JSON.stringify({ ...FAKE_MANIFEST, entry: require.resolve('./fake.connector') }, null, 2),
  );
  return { pluginDirs: [root], cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
