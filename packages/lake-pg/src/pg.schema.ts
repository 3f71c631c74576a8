// The lake's tables on PostgreSQL, as numbered migrations recorded in `schema_migrations`
// (docs/adr/0014-postgresql-lake.md). A migration runs once, in the transaction that records it.

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** One partition of the Syslog index per UTC day of record time. */
export const PARTITION_MS = 86_400_000;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'records partitioned by day, record ids, assets with changes, snapshots',
    sql: `
-- Which record ids the lake holds and at what time: the upsert key. The records table cannot enforce a
-- unique id across partitions (a unique key must contain the partition key), so this table does.
CREATE TABLE record_ids (
  id text PRIMARY KEY,
  ts bigint NOT NULL
);
CREATE INDEX record_ids_ts ON record_ids (ts);

-- The Syslog index: one partition per day of record time (created on demand, dropped by retention).
CREATE TABLE records (
  ts bigint NOT NULL,
  id text NOT NULL,
  tenant text NOT NULL,
  msg_class text NOT NULL,
  connector_id text,
  doc jsonb NOT NULL,
  ingested_at bigint NOT NULL,
  PRIMARY KEY (ts, id)
) PARTITION BY RANGE (ts);
CREATE INDEX records_tenant_ts ON records (tenant, ts, id);
CREATE INDEX records_class_ts ON records (msg_class, ts, id);
-- Serves path conditions (doc @@ '$.host.hostname == "web-1"').
CREATE INDEX records_doc ON records USING gin (doc jsonb_path_ops);

CREATE TABLE assets (
  seq bigserial PRIMARY KEY,
  tenant text NOT NULL,
  id text NOT NULL,
  connector_id text NOT NULL,
  source text NOT NULL,
  content_type text NOT NULL,
  primary_key text NOT NULL,
  primary_value text NOT NULL,
  hostname text,
  fingerprint text NOT NULL,
  doc jsonb NOT NULL,
  first_seen bigint NOT NULL,
  last_seen bigint NOT NULL,
  removed_at bigint,
  removed_by text,
  removed_cutoff bigint,
  updated_at bigint NOT NULL,
  UNIQUE (tenant, id)
);
CREATE INDEX assets_scope ON assets (tenant, connector_id, content_type, last_seen);
CREATE INDEX assets_list ON assets (tenant, hostname, id);

CREATE TABLE asset_changes (
  seq bigserial PRIMARY KEY,
  tenant text NOT NULL,
  asset_id text NOT NULL,
  asset_seq bigint NOT NULL,
  change text NOT NULL,
  at bigint NOT NULL,
  snapshot_id text,
  detail jsonb
);
CREATE INDEX asset_changes_asset ON asset_changes (asset_seq, seq);

CREATE TABLE snapshots (
  snapshot_id text PRIMARY KEY,
  tenant text NOT NULL,
  connector_id text,
  content_type text,
  started_at bigint,
  ended_at bigint,
  complete boolean,
  expected bigint,
  seen bigint NOT NULL DEFAULT 0,
  state text NOT NULL DEFAULT 'open',
  removed bigint,
  finalized_at bigint
);

-- Distinct record ids counted per open snapshot (emptied when it closes).
CREATE TABLE snapshot_records (
  snapshot_id text NOT NULL,
  record_id text NOT NULL,
  PRIMARY KEY (snapshot_id, record_id)
);
`,
  },
  {
    version: 2,
    description: "snapshots on the lake's clock: when first heard of and when last moved",
    sql: `
ALTER TABLE snapshots ADD COLUMN opened_at bigint, ADD COLUMN active_at bigint;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  description text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** Serializes migrations (and partition changes) of every process on one database. */
export const SCHEMA_LOCK = 7_436_001;
/** Serializes the asset and snapshot part of concurrent batches (records need no lock). */
export const STATE_LOCK = 7_436_002;

/** Partition name for a day: `records_p20261208`. Undefined outside years 0–9999. */
export function partitionName(dayStart: number): string | undefined {
  const d = new Date(dayStart);
  const iso = Number.isNaN(d.getTime()) ? '' : d.toISOString();
  if (!/^\d{4}-/.test(iso)) return undefined;
  return `records_p${iso.slice(0, 10).replace(/-/g, '')}`;
}

export function dayStart(ts: number): number {
  return Math.floor(ts / PARTITION_MS) * PARTITION_MS;
}
