import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConnectorError } from '@connectors/framework/engine';
import { findPackageRoot } from './package-root';
import type { FixtureReader } from './types';

/**
 * Reads fixtures named by endpoint and scenario (`computers.page1.json`, `events.empty.json`) from
 * the `test/fixtures` folder of the package that contains `from` — pass `__dirname`: compiled tests
 * run from `dist/test/…`, while fixtures stay in the source tree.
 */
export function createFixtureReader(from: string): FixtureReader {
  const dir = path.join(findPackageRoot(from), 'test', 'fixtures');
  const list = (): string[] =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.slice(0, -'.json'.length))
          .sort()
      : [];
  const fixturePath = (endpoint: string, scenario: string): string =>
    path.join(dir, `${endpoint}.${scenario}.json`);
  return {
    dir,
    path: fixturePath,
    list,
    read<T>(endpoint: string, scenario: string): T {
      const file = fixturePath(endpoint, scenario);
      if (!existsSync(file)) {
        const known = list();
        throw new ConnectorError('FIXTURE_MISSING', `no fixture ${endpoint}.${scenario}.json in ${dir}`, {
          hint: known.length
            ? `Fixtures present: ${known.join(', ')}.`
            : 'Add the file under test/fixtures/.',
        });
      }
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as T;
      } catch (err) {
        throw new ConnectorError('FIXTURE_INVALID', `${file} is not valid JSON: ${(err as Error).message}`);
      }
    },
  };
}

/** One-shot form of `createFixtureReader(from).read(endpoint, scenario)`. */
export function readFixture<T = unknown>(from: string, endpoint: string, scenario: string): T {
  return createFixtureReader(from).read<T>(endpoint, scenario);
}
