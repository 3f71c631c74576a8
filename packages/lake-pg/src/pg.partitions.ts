import type { Pool } from 'pg';
import type { QueueEntry, SyslogRecord } from '@connectors/framework/engine';
import { inTransaction } from './pg.transaction';
import { dayStart, partitionName, PARTITION_MS } from './pg.schema';

/** "relation already exists" and its catalog twin: another process created the partition first. */
const ALREADY_THERE = new Set(['42P07', '23505']);

/**
 * The records table's day partitions: created before a batch that needs them (outside its
 * transaction, so concurrent writers never wait on each other's DDL), and dropped whole once older
 * than the retention.
 */
export class Partitions {
  private readonly known = new Set<string>();
  private lastDropAt = 0;

  constructor(
    private readonly pool: Pool,
    private readonly retentionMs: number | undefined,
  ) {}

  /** Loads the existing partitions' names. */
  async load(): Promise<void> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'records'::regclass`,
    );
    for (const r of rows) this.known.add(r.name);
  }

  /** Throws for a record whose time no partition can hold (before year 0 or after 9999). */
  check(entry: QueueEntry): void {
    if (entry.kind === 'record' && partitionName(dayStart(entry.record.timestamp)) === undefined) {
      throw new Error(
        `record ${entry.record.id} has timestamp ${entry.record.timestamp}, outside the years 0 to 9999`,
      );
    }
  }

  /** The records the retention keeps (newer than its cutoff); older ones are not stored. */
  retained(records: SyslogRecord[], now = Date.now()): SyslogRecord[] {
    if (this.retentionMs === undefined) return records;
    const cutoff = dayStart(now - this.retentionMs);
    return records.filter((r) => r.timestamp >= cutoff);
  }

  async ensure(timestamps: readonly number[], now = Date.now()): Promise<void> {
    if (this.retentionMs !== undefined && now - this.lastDropAt >= 3_600_000) await this.dropExpired(now);
    const days = new Set(timestamps.map(dayStart));
    for (const day of days) {
      const name = partitionName(day)!;
      if (this.known.has(name)) continue;
      try {
        await this.pool.query(
          `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF records FOR VALUES FROM (${day}) TO (${day + PARTITION_MS})`,
        );
      } catch (err) {
        if (!ALREADY_THERE.has(String((err as { code?: unknown }).code))) throw err;
      }
      this.known.add(name);
    }
  }

  /**
   * Drops every partition whose whole day is older than the retention, and forgets its record ids
   * (so a record of that day arriving again is not stored: `retained` refuses it). Returns their names.
   */
  async dropExpired(now = Date.now()): Promise<string[]> {
    if (this.retentionMs === undefined) return [];
    this.lastDropAt = now;
    const cutoff = dayStart(now - this.retentionMs);
    const { rows } = await this.pool.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'records'::regclass`,
    );
    const dropped: string[] = [];
    for (const { name, bound } of rows) {
      const m = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(bound);
      if (!m || Number(m[2]) > cutoff) continue;
      await inTransaction(this.pool, async (client) => {
        await client.query(`DROP TABLE IF EXISTS ${name}`);
        await client.query('DELETE FROM record_ids WHERE ts >= $1 AND ts < $2', [Number(m[1]), Number(m[2])]);
      });
      this.known.delete(name);
      dropped.push(name);
    }
    return dropped;
  }
}
