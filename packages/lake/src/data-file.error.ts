import path from 'node:path';
import { ConnectorError } from '@connectors/framework/engine';

/** What a SQLite file of the data directory holds, for messages. */
export type DataFileKind = 'registry' | 'lake';

/**
 * Turns a SQLite failure on a data directory file into an error that names the file, says what is
 * wrong and what to do; undefined when the failure is not about the file itself.
 */
export function dataFileError(err: unknown, file: string, kind: DataFileKind): ConnectorError | undefined {
  const e = err as { code?: string; message?: string };
  const code = String(e?.code ?? '');
  const message = String(e?.message ?? '');
  const aside = `Restore ${file} from a backup, or move it aside (mv "${file}" "${file}.broken") to start an empty ${kind}.`;
  if (code === 'SQLITE_NOTADB')
    return new ConnectorError(
      'DATA_FILE_CORRUPT',
      `${file} is not a SQLite database (overwritten or truncated)`,
      {
        hint: aside,
        cause: err,
      },
    );
  if (code.startsWith('SQLITE_CORRUPT') || /malformed/.test(message))
    return new ConnectorError('DATA_FILE_CORRUPT', `${file} is damaged (${message})`, {
      hint: aside,
      cause: err,
    });
  if (/no such table/.test(message))
    return new ConnectorError('DATA_FILE_CORRUPT', `${file} lacks the ${kind}'s tables (${message})`, {
      hint: aside,
      cause: err,
    });
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code === 'EACCES' ||
    code === 'EROFS'
  )
    return dataDirReadOnly(file, err);
  return undefined;
}

/** A write to a data directory this user cannot write. */
export function dataDirReadOnly(file: string, cause?: unknown): ConnectorError {
  return new ConnectorError(
    'DATA_DIR_READONLY',
    `${file} cannot be written: the file or ${path.dirname(file)} is read-only`,
    {
      hint: `Give this user write permission on ${path.dirname(file)} and its files, or copy the data directory somewhere writable and pass --data-dir.`,
      ...(cause !== undefined ? { cause } : {}),
    },
  );
}
