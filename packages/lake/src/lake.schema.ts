// The lake's tables. `user_version` tracks the schema; `migrateLake` upgrades older files in place.
//
// Version 2 gives records and assets an explicit integer key (`seq`, the rowid, stable across VACUUM)
// so that the two per-record bookkeeping indexes are keyed by it instead of by a random 32-hex id:
// `snapshot_records` by record seq and `asset_changes_asset` by asset seq. New rows get increasing
// seqs, so those indexes grow at their end instead of dirtying a random page per record, a cost that
// would grow with the lake.
//
// Version 3 scopes asset ids of vendor-local identity keys to their connector (docs/adr/0012): the
// upgrade re-keys the assets whose id is the tenant-wide hash of their primary key (`rekeyAssets`).
//
// Version 4 gives snapshots the lake's clock: when the lake first heard of one and when it last moved
// (`opened_at`, `active_at`), for the open-snapshot report (`MIGRATE_3_TO_4`).
export const SCHEMA_VERSION = 4;

const RECORDS_TABLE = `
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ts INTEGER NOT NULL,
  tenant TEXT NOT NULL,
  msg_class TEXT NOT NULL,
  connector_id TEXT,
  doc TEXT NOT NULL,
  ingested_at INTEGER NOT NULL
);`;

const RECORDS_INDEXES = `
CREATE INDEX IF NOT EXISTS records_ts ON records (ts);
CREATE INDEX IF NOT EXISTS records_tenant_ts ON records (tenant, ts);
CREATE INDEX IF NOT EXISTS records_class_ts ON records (msg_class, ts);`;

const ASSETS_TABLE = `
CREATE TABLE IF NOT EXISTS assets (
  seq INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  connector_id TEXT NOT NULL,
  source TEXT NOT NULL,
  content_type TEXT NOT NULL,
  primary_key TEXT NOT NULL,
  primary_value TEXT NOT NULL,
  hostname TEXT,
  fingerprint TEXT NOT NULL,
  doc TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  removed_at INTEGER,
  removed_by TEXT,
  removed_cutoff INTEGER,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant, id)
);`;

const ASSETS_INDEXES = `
CREATE INDEX IF NOT EXISTS assets_scope ON assets (tenant, connector_id, content_type, last_seen);`;

const ASSET_CHANGES_INDEX = `
CREATE INDEX IF NOT EXISTS asset_changes_asset ON asset_changes (asset_seq, seq);`;

const SNAPSHOT_RECORDS_TABLE = `
CREATE TABLE IF NOT EXISTS snapshot_records (
  snapshot_id TEXT NOT NULL,
  record_seq INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, record_seq)
) WITHOUT ROWID;`;

export const SCHEMA = `
${RECORDS_TABLE}
${RECORDS_INDEXES}
${ASSETS_TABLE}
${ASSETS_INDEXES}

CREATE TABLE IF NOT EXISTS asset_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  asset_id TEXT NOT NULL,
  change TEXT NOT NULL,
  at INTEGER NOT NULL,
  snapshot_id TEXT,
  detail TEXT,
  asset_seq INTEGER
);
${ASSET_CHANGES_INDEX}

CREATE TABLE IF NOT EXISTS snapshots (
  snapshot_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  connector_id TEXT,
  content_type TEXT,
  started_at INTEGER,
  ended_at INTEGER,
  complete INTEGER,
  expected INTEGER,
  seen INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'open',
  removed INTEGER,
  finalized_at INTEGER,
  opened_at INTEGER,
  active_at INTEGER
);
${SNAPSHOT_RECORDS_TABLE}
`;

/** Version 3 to 4: a snapshot's lake-clock times (null for snapshots the lake had before). */
export const MIGRATE_3_TO_4 = `
ALTER TABLE snapshots ADD COLUMN opened_at INTEGER;
ALTER TABLE snapshots ADD COLUMN active_at INTEGER;
`;

/**
 * Version 1 to 2, in one transaction (the caller's): records and assets are copied into tables with
 * an explicit integer key equal to their old rowid, the change history gets each change's asset seq,
 * and the open snapshots' record lists are re-keyed by record seq. Takes time in proportion to the
 * lake (every record is copied once) and needs as much free disk again while it runs.
 */
export const MIGRATE_1_TO_2 = `
ALTER TABLE records RENAME TO records_v1;
DROP INDEX IF EXISTS records_ts;
DROP INDEX IF EXISTS records_tenant_ts;
DROP INDEX IF EXISTS records_class_ts;
${RECORDS_TABLE}
INSERT INTO records (seq, id, ts, tenant, msg_class, connector_id, doc, ingested_at)
  SELECT rowid, id, ts, tenant, msg_class, connector_id, doc, ingested_at FROM records_v1 ORDER BY rowid;
${RECORDS_INDEXES}

ALTER TABLE assets RENAME TO assets_v1;
DROP INDEX IF EXISTS assets_scope;
${ASSETS_TABLE}
INSERT INTO assets (seq, tenant, id, connector_id, source, content_type, primary_key, primary_value, hostname,
    fingerprint, doc, first_seen, last_seen, removed_at, removed_by, removed_cutoff, updated_at)
  SELECT rowid, tenant, id, connector_id, source, content_type, primary_key, primary_value, hostname,
    fingerprint, doc, first_seen, last_seen, removed_at, removed_by, removed_cutoff, updated_at
  FROM assets_v1 ORDER BY rowid;
${ASSETS_INDEXES}

DROP INDEX IF EXISTS asset_changes_asset;
ALTER TABLE asset_changes ADD COLUMN asset_seq INTEGER;
UPDATE asset_changes SET asset_seq =
  (SELECT a.seq FROM assets a WHERE a.tenant = asset_changes.tenant AND a.id = asset_changes.asset_id);
${ASSET_CHANGES_INDEX}

ALTER TABLE snapshot_records RENAME TO snapshot_records_v1;
${SNAPSHOT_RECORDS_TABLE}
INSERT OR IGNORE INTO snapshot_records (snapshot_id, record_seq)
  SELECT s.snapshot_id, r.seq FROM snapshot_records_v1 s JOIN records r ON r.id = s.record_id;

DROP TABLE snapshot_records_v1;
DROP TABLE assets_v1;
DROP TABLE records_v1;
`;

// Row shapes of the tables above, as better-sqlite3 returns them; one per table, shared by the reader
// (Lake) and the writer (LakeWriter).

export interface AssetRow {
  seq: number;
  tenant: string;
  id: string;
  connector_id: string;
  source: string;
  content_type: string;
  primary_key: string;
  primary_value: string;
  hostname: string | null;
  fingerprint: string;
  doc: string;
  first_seen: number;
  last_seen: number;
  removed_at: number | null;
  removed_by: string | null;
  removed_cutoff: number | null;
  updated_at: number;
}

export interface SnapshotRow {
  snapshot_id: string;
  tenant: string;
  connector_id: string | null;
  content_type: string | null;
  started_at: number | null;
  ended_at: number | null;
  complete: number | null;
  expected: number | null;
  seen: number;
  state: string;
  removed: number | null;
  opened_at: number | null;
  active_at: number | null;
}
