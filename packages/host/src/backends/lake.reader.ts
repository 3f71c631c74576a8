import { existsSync } from 'node:fs';
import path from 'node:path';
import { LAKE_FILE, SqliteLakeReader, type LakeReader } from '@connectors/lake';
import { PgLake } from '@connectors/lake-pg';

/**
 * The lake the host's queries read: PostgreSQL when a lake URL is set, else the SQLite file of the
 * data directory (undefined while nothing was ingested there, so a query answers empty).
 */
export async function openLakeReader(where: {
  dataDir: string;
  lakeUrl?: string;
}): Promise<LakeReader | undefined> {
  if (where.lakeUrl) return PgLake.open({ url: where.lakeUrl, poolSize: 2 });
  const dataDir = path.resolve(where.dataDir);
  if (!existsSync(path.join(dataDir, LAKE_FILE))) return undefined;
  return SqliteLakeReader.open(dataDir);
}
