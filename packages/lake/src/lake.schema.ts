// The lake's tables. `user_version` tracks the schema so later versions can migrate in place.
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS records (
  id TEXT NOT NULL UNIQUE,
  ts INTEGER NOT NULL,
  tenant TEXT NOT NULL,
  msg_class TEXT NOT NULL,
  connector_id TEXT,
  doc TEXT NOT NULL,
  ingested_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS records_ts ON records (ts);
CREATE INDEX IF NOT EXISTS records_tenant_ts ON records (tenant, ts);
CREATE INDEX IF NOT EXISTS records_class_ts ON records (msg_class, ts);

CREATE TABLE IF NOT EXISTS assets (
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
  PRIMARY KEY (tenant, id)
);
CREATE INDEX IF NOT EXISTS assets_scope ON assets (tenant, connector_id, content_type, last_seen);

CREATE TABLE IF NOT EXISTS asset_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  asset_id TEXT NOT NULL,
  change TEXT NOT NULL,
  at INTEGER NOT NULL,
  snapshot_id TEXT,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS asset_changes_asset ON asset_changes (tenant, asset_id, seq);

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
  finalized_at INTEGER
);

CREATE TABLE IF NOT EXISTS snapshot_records (
  snapshot_id TEXT NOT NULL,
  record_id TEXT NOT NULL,
  PRIMARY KEY (snapshot_id, record_id)
) WITHOUT ROWID;
`;

// Row shapes of the tables above, as better-sqlite3 returns them; one per table, shared by the reader
// (Lake) and the writer (LakeWriter).

export interface AssetRow {
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
}
