import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConnectorError, type Clock } from '@connectors/framework/engine';
import { dataDirReadOnly, dataFileError } from '@connectors/lake';
import type { DocWrite, HostStore, Lease, LeaseInfo } from './host-store';

export const REGISTRY_FILE_NAME = 'registry.db';

interface LeaseRow {
  name: string;
  owner: string;
  token: number;
  expires_at: number;
}

/**
 * The embedded store: one SQLite file in the data directory (WAL, so a CLI and a daemon on the same
 * machine can share it). Lease expiry uses the injected clock, so scheduler tests run on a fake clock.
 */
export class SqliteHostStore implements HostStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  /** Set when the data directory cannot be written: reads work on a copy, every write throws this. */
  private readonly readOnly?: Error;
  /** The private directory of that copy, removed on close. */
  private copyDir?: string;

  constructor(
    file: string,
    private readonly clock: Clock,
    options: { readOnlyCopyOf?: string } = {},
  ) {
    if (options.readOnlyCopyOf) {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
      this.readOnly = dataDirReadOnly(options.readOnlyCopyOf);
      return;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS docs (
        collection TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (collection, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS leases (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, token INTEGER NOT NULL, expires_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS fences (name TEXT PRIMARY KEY, token INTEGER NOT NULL);
    `);
  }

  /**
   * Opens `<dataDir>/registry.db`. A damaged, foreign or empty file is an error naming it and the fix
   * (never a new empty registry); in a directory this user cannot write, the registry is read from a
   * private copy, so read commands work and every write says why it cannot.
   */
  static open(dataDir: string, clock: Clock): SqliteHostStore {
    const file = path.join(dataDir, REGISTRY_FILE_NAME);
    if (existsSync(file) && statSync(file).size === 0) {
      throw new ConnectorError('DATA_FILE_CORRUPT', `${file} is empty (0 bytes): it holds no registry`, {
        hint: `Restore ${file} from a backup, or move it aside (mv "${file}" "${file}.broken") to start an empty registry.`,
      });
    }
    let store: SqliteHostStore | undefined;
    try {
      store = new SqliteHostStore(file, clock);
      const check = store.db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok')
        throw Object.assign(new Error(`database disk image is malformed: ${check}`), {
          code: 'SQLITE_CORRUPT',
        });
      return store;
    } catch (err) {
      if (store?.db.open) store.db.close();
      const named = dataFileError(err, file, 'registry');
      if (named?.code === 'DATA_DIR_READONLY' && existsSync(file))
        return SqliteHostStore.readOnlyCopy(file, clock);
      throw named ?? err;
    }
  }

  /** Reads a copy in a private temporary directory: WAL needs a writable directory even to read. */
  private static readOnlyCopy(file: string, clock: Clock): SqliteHostStore {
    const dir = mkdtempSync(path.join(tmpdir(), 'connectors-registry-'));
    const copy = path.join(dir, REGISTRY_FILE_NAME);
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const store = new SqliteHostStore(copy, clock, { readOnlyCopyOf: file });
    store.copyDir = dir;
    return store;
  }

  private writable(): void {
    if (this.readOnly) throw this.readOnly;
  }

  async get<T>(collection: string, key: string): Promise<T | undefined> {
    const row = this.db
      .prepare('SELECT value FROM docs WHERE collection = ? AND key = ?')
      .get(collection, key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async list<T>(collection: string): Promise<Array<{ key: string; value: T }>> {
    const rows = this.db
      .prepare('SELECT key, value FROM docs WHERE collection = ? ORDER BY key')
      .all(collection) as Array<{
      key: string;
      value: string;
    }>;
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as T }));
  }

  async put(collection: string, key: string, value: unknown): Promise<void> {
    this.writable();
    this.putSync(collection, key, value);
  }

  async putIfAbsent(collection: string, key: string, value: unknown): Promise<boolean> {
    this.writable();
    const info = this.db
      .prepare('INSERT OR IGNORE INTO docs (collection, key, value) VALUES (?, ?, ?)')
      .run(collection, key, JSON.stringify(value));
    return info.changes === 1;
  }

  async delete(collection: string, key: string): Promise<boolean> {
    this.writable();
    return (
      this.db.prepare('DELETE FROM docs WHERE collection = ? AND key = ?').run(collection, key).changes === 1
    );
  }

  async writeAll(writes: readonly DocWrite[]): Promise<void> {
    this.writable();
    this.db.transaction(() => this.applySync(writes)).immediate();
  }

  async update<T>(
    collection: string,
    key: string,
    fn: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined> {
    this.writable();
    return this.db
      .transaction(() => {
        const row = this.db
          .prepare('SELECT value FROM docs WHERE collection = ? AND key = ?')
          .get(collection, key) as { value: string } | undefined;
        const next = fn(row ? (JSON.parse(row.value) as T) : undefined);
        this.applySync([{ collection, key, value: next }]);
        return next;
      })
      .immediate();
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    this.writable();
    return this.db
      .transaction((): Lease | undefined => {
        const now = this.clock.now();
        const row = this.leaseRow(name);
        if (row && row.expires_at > now) return undefined;
        const fence = this.db.prepare('SELECT token FROM fences WHERE name = ?').get(name) as
          { token: number } | undefined;
        const token = (fence?.token ?? 0) + 1;
        this.db
          .prepare(
            'INSERT INTO fences (name, token) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET token = excluded.token',
          )
          .run(name, token);
        this.db
          .prepare(
            'INSERT INTO leases (name, owner, token, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, token = excluded.token, expires_at = excluded.expires_at',
          )
          .run(name, owner, token, now + ttlMs);
        return { name, owner, token };
      })
      .immediate();
  }

  async extendLease(lease: Lease, ttlMs: number): Promise<boolean> {
    this.writable();
    return this.db
      .transaction(() => {
        if (!this.holds(lease)) return false;
        this.db
          .prepare('UPDATE leases SET expires_at = ? WHERE name = ?')
          .run(this.clock.now() + ttlMs, lease.name);
        return true;
      })
      .immediate();
  }

  async releaseLease(lease: Lease): Promise<boolean> {
    this.writable();
    return (
      this.db
        .prepare('DELETE FROM leases WHERE name = ? AND owner = ? AND token = ?')
        .run(lease.name, lease.owner, lease.token).changes === 1
    );
  }

  async getLease(name: string): Promise<LeaseInfo | undefined> {
    const row = this.leaseRow(name);
    const now = this.clock.now();
    if (!row || row.expires_at <= now) return undefined;
    return { name, owner: row.owner, token: row.token, ttlMs: row.expires_at - now };
  }

  async writeIfLeaseHeld(lease: Lease, writes: readonly DocWrite[], releaseAfter = false): Promise<boolean> {
    this.writable();
    return this.db
      .transaction(() => {
        if (!this.holds(lease)) return false;
        this.applySync(writes);
        if (releaseAfter) this.db.prepare('DELETE FROM leases WHERE name = ?').run(lease.name);
        return true;
      })
      .immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    if (this.copyDir) rmSync(this.copyDir, { recursive: true, force: true });
  }

  private holds(lease: Lease): boolean {
    const row = this.leaseRow(lease.name);
    return (
      !!row && row.owner === lease.owner && row.token === lease.token && row.expires_at > this.clock.now()
    );
  }

  private leaseRow(name: string): LeaseRow | undefined {
    return this.db.prepare('SELECT name, owner, token, expires_at FROM leases WHERE name = ?').get(name) as
      LeaseRow | undefined;
  }

  private putSync(collection: string, key: string, value: unknown): void {
    this.db
      .prepare(
        'INSERT INTO docs (collection, key, value) VALUES (?, ?, ?) ON CONFLICT(collection, key) DO UPDATE SET value = excluded.value',
      )
      .run(collection, key, JSON.stringify(value));
  }

  private applySync(writes: readonly DocWrite[]): void {
    for (const w of writes) {
      if (w.value === undefined)
        this.db.prepare('DELETE FROM docs WHERE collection = ? AND key = ?').run(w.collection, w.key);
      else this.putSync(w.collection, w.key, w.value);
    }
  }
}
