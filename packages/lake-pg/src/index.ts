export { PgLake, PgLakeSink } from './pg.lake';
export { isTransientPgError, redactUrl, describeTarget } from './pg.errors';
export { SCHEMA_VERSION } from './pg.schema';
export type { PgLakeOptions } from './types';
