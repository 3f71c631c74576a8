import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConnectorManifest } from '@connectors/framework/engine';
import type { CliIO } from '../context';
import { UsageError } from '../exit-codes';

const SOURCES = 'Use KEY=- (standard input), KEY=file:PATH or KEY=env:NAME.';

/**
 * `--set-secret KEY=SOURCE`: a secret setting read from standard input, a file or an environment
 * variable, so that it never appears in the process list or the shell history. The value is taken as
 * it is (one trailing newline dropped), never parsed, and never echoed in an error.
 */
export async function readSecretSettings(
  io: CliIO,
  manifest: ConnectorManifest,
  specs: readonly string[],
): Promise<Record<string, string>> {
  const props = (manifest.configSchema.properties ?? {}) as Record<string, { secret?: boolean }>;
  const secretKeys = Object.keys(props).filter((k) => props[k]?.secret === true);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let stdinTaken = false;
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = eq > 0 ? spec.slice(0, eq).trim() : '';
    if (!key) throw new UsageError('set-secret', `"${spec.slice(0, 40)}" is not KEY=SOURCE`, SOURCES);
    if (!Object.hasOwn(props, key) || props[key]?.secret !== true) {
      throw new UsageError(
        'set-secret',
        `"${key}" is not a secret setting of ${manifest.id}`,
        secretKeys.length
          ? `Its secret settings: ${secretKeys.join(', ')}. Pass other settings with --set.`
          : `${manifest.id} has no secret settings; pass settings with --set.`,
      );
    }
    const source = spec.slice(eq + 1);
    let value: string;
    if (source === '-') {
      if (stdinTaken) {
        throw new UsageError('set-secret', 'only one secret can come from standard input', SOURCES);
      }
      stdinTaken = true;
      value = await readAll(io.stdin);
    } else if (source.startsWith('file:')) {
      const file = path.resolve(io.cwd, source.slice('file:'.length));
      try {
        value = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(
          'set-secret',
          `${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          'Check the path and that this user may read it.',
        );
      }
    } else if (source.startsWith('env:')) {
      const name = source.slice('env:'.length);
      const found = io.env[name];
      if (found === undefined) {
        throw new UsageError('set-secret', `${key}: the environment variable ${name} is not set`, SOURCES);
      }
      value = found;
    } else {
      throw new UsageError(
        'set-secret',
        `${key}: the source must be -, file:PATH or env:NAME`,
        'A value on the command line shows in the process list; put it in a file or a variable.',
      );
    }
    value = value.replace(/\r?\n$/, '');
    if (!value) throw new UsageError('set-secret', `${key}: the value read is empty`, SOURCES);
    out[key] = value;
  }
  return out;
}

function readAll(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}
