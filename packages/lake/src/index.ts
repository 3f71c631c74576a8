export { Lake, LAKE_FILE, SqliteLakeReader, openSnapshotOf, pagesOf } from './lake';
export { decodeCursor, encodeCursor, EXPORT_PAGE_SIZE } from './lake.cursor';
export type { CursorPosition } from './lake.cursor';
export { LakeSink } from './lake.sink';
export { LakeThreadSink } from './lake.thread-sink';
export {
  LakeWriter,
  PoisonEntryError,
  isTransientSqliteError,
  validateEntry,
  splitBatch,
  fingerprint,
  changeDetail,
} from './lake.writer';
export { jsonPath, clampLimit, MAX_LIMIT } from './lake.query';
export type {
  AssetChange,
  AssetChangeKind,
  AssetChangesQuery,
  ConditionOp,
  LakeAsset,
  LakeCondition,
  LakeCountQuery,
  LakeOptions,
  LakeReader,
  LakeSearchPage,
  LakeSearchPageQuery,
  LakeSearchQuery,
  LakeStats,
  LakeThreadSinkOptions,
  ListAssetsQuery,
  OpenSnapshot,
  OpenSnapshotsQuery,
  SnapshotState,
  SnapshotStateName,
} from './types';
export { dataFileError, dataDirReadOnly } from './data-file.error';
export type { DataFileKind } from './data-file.error';
