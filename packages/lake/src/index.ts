export { Lake, LAKE_FILE } from './lake';
export { LakeSink } from './lake.sink';
export { LakeThreadSink } from './lake.thread-sink';
export { LakeWriter, PoisonEntryError, isTransientSqliteError, validateEntry } from './lake.writer';
export { jsonPath } from './lake.query';
export type {
  AssetChange,
  AssetChangeKind,
  AssetChangesQuery,
  ConditionOp,
  LakeAsset,
  LakeCondition,
  LakeCountQuery,
  LakeOptions,
  LakeSearchQuery,
  LakeStats,
  LakeThreadSinkOptions,
  ListAssetsQuery,
  SnapshotState,
  SnapshotStateName,
} from './types';
export { dataFileError, dataDirReadOnly } from './data-file.error';
export type { DataFileKind } from './data-file.error';
