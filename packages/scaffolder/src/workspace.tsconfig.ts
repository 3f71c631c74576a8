import { readFile, writeFile } from 'node:fs/promises';
import { ConnectorError } from '@connectors/framework/engine';

interface SolutionConfig {
  references?: Array<{ path: string }>;
  [key: string]: unknown;
}

/**
 * Adds a project to the root solution `tsconfig.json` so `tsc -b` (and so `npm test`) builds it.
 * Plugins go after the last plugin reference; the file keeps its two-space JSON layout.
 */
export async function addProjectReference(tsconfigFile: string, projectPath: string): Promise<boolean> {
  let config: SolutionConfig;
  try {
    config = JSON.parse(await readFile(tsconfigFile, 'utf8')) as SolutionConfig;
  } catch (err) {
    throw new ConnectorError(
      'SCAFFOLD_WORKSPACE_INVALID',
      `cannot read ${tsconfigFile}: ${(err as Error).message}`,
      {
        hint: 'The root tsconfig.json must be plain JSON (no comments) with a "references" list.',
      },
    );
  }
  const references = config.references ?? [];
  const normalized = (p: string): string => p.replace(/^\.\//, '').replace(/\/$/, '');
  if (references.some((r) => normalized(r.path) === projectPath)) return false;
  const folder = projectPath.split('/')[0] + '/';
  let at = references.length;
  for (let i = references.length - 1; i >= 0; i--) {
    if (normalized(references[i].path).startsWith(folder)) {
      at = i + 1;
      break;
    }
  }
  references.splice(at, 0, { path: projectPath });
  config.references = references;
  await writeFile(tsconfigFile, `${JSON.stringify(config, null, 2)}\n`);
  return true;
}
