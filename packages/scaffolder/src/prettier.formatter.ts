import { createRequire } from 'node:module';
import path from 'node:path';

interface Prettier {
  format(text: string, options: Record<string, unknown>): Promise<string>;
  resolveConfig(file: string): Promise<Record<string, unknown> | null>;
  getFileInfo(file: string): Promise<{ ignored: boolean; inferredParser: string | null }>;
}

/**
 * Formats rendered files with the workspace's own Prettier and settings, so a scaffolded plugin passes
 * `npm run lint` as written (renaming changes line lengths). Without Prettier the text is kept as is.
 */
export async function formatWithWorkspacePrettier(
  workspaceRoot: string,
  files: Array<{ rel: string; content: string }>,
  dir: string,
): Promise<void> {
  let prettier: Prettier;
  try {
    // require, not import(): Prettier's CommonJS entry exposes the API as the module itself.
    prettier = createRequire(path.join(workspaceRoot, 'package.json'))('prettier') as Prettier;
  } catch {
    return;
  }
  for (const file of files) {
    const filepath = path.join(dir, file.rel);
    const info = await prettier.getFileInfo(filepath).catch(() => undefined);
    if (!info?.inferredParser) continue;
    const config =
      (await prettier.resolveConfig(path.join(workspaceRoot, 'package.json')).catch(() => null)) ?? {};
    file.content = await prettier.format(file.content, { ...config, filepath });
  }
}
