import { expect } from 'chai';
import { Client } from 'pg';
import { testEntries } from '@connectors/queue-memory/dist/test/contract/entries';
import { isTransientPgError, PgLake, PgLakeSink, SCHEMA_VERSION } from '../../src';
import { createTestDatabase, terminateSessions, type TestDatabase } from '../support/pg.database';

const DAY = 86_400_000;
const partitionsSql =
  "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'records'::regclass";

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

async function sql<T = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

describe(PgLake.name, () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    await db.drop();
  });

  describe('.open()', () => {
    it('should create the schema once and record it in schema_migrations', async () => {
      const lake = await PgLake.open({ url: db.url });
      await lake.close();
      const again = await PgLake.open({ url: db.url });
      expect(await again.schemaVersion()).to.equal(SCHEMA_VERSION);
      await again.close();
      const rows = await sql<{ version: number }>(db.url, 'SELECT version FROM schema_migrations');
      expect(rows.map((r) => r.version)).to.deep.equal([1, 2]);
    });

    it('should migrate once when several hosts open a new database at the same time', async () => {
      const lakes = await Promise.all([1, 2, 3].map(() => PgLake.open({ url: db.url })));
      await Promise.all(lakes.map((l) => l.close()));
      expect(await sql(db.url, 'SELECT version FROM schema_migrations')).to.have.length(SCHEMA_VERSION);
    });

    it('should refuse a schema newer than the code, naming the host and database', async () => {
      await (await PgLake.open({ url: db.url })).close();
      await sql(
        db.url,
        "INSERT INTO schema_migrations (version, description) VALUES (99, 'from the future')",
      );
      const err = await rejection(PgLake.open({ url: db.url }));
      expect(err.code).to.equal('LAKE_SCHEMA_NEWER');
      expect(err.message).to.contain(`127.0.0.1:5432, database "${db.name}"`).and.contain('schema 99');
      expect(err.hint).to.match(/Upgrade/);
    });

    it('should say which server is unreachable and what to check, without the password', async () => {
      const err = await rejection(
        PgLake.open({ url: 'postgres://lake:s3cret@127.0.0.1:1/lakedb', connectTimeoutMs: 1_000 }),
      );
      expect(err.code).to.equal('LAKE_UNREACHABLE');
      expect(err.message).to.contain('127.0.0.1:1, database "lakedb"');
      expect(err.hint).to.match(/pg_isready/);
      expect(`${err.message} ${err.hint}`).to.not.contain('s3cret');
    });

    it('should say how to create a database that does not exist', async () => {
      const url = db.url.replace(db.name, `${db.name}_missing`);
      const err = await rejection(PgLake.open({ url }));
      expect(err.code).to.equal('LAKE_UNREACHABLE');
      expect(err.message).to.match(/does not exist/);
      expect(err.hint).to.match(/createdb/);
    });

    it('should refuse a URL that is not postgres://', async () => {
      const err = await rejection(PgLake.open({ url: 'mysql://root:pw@host/db' }));
      expect(err.code).to.equal('LAKE_URL_INVALID');
      expect(err.message).to.not.contain('pw@');
    });
  });

  describe('partitions', () => {
    it('should store each day of records in a partition of its own, created on demand', async () => {
      const sink = await PgLakeSink.open({ url: db.url });
      try {
        const day = Date.UTC(2026, 11, 1);
        await sink.write([
          ...testEntries(0, 3, { timestamp: day + 5 }),
          ...testEntries(10, 2, { timestamp: day + DAY + 5 }),
        ]);
        await sink.write(testEntries(20, 1, { timestamp: day + 3 * DAY }));
        const parts = await sql<{ name: string; n: string }>(
          db.url,
          `SELECT tableoid::regclass::text AS name, count(*) AS n FROM records GROUP BY 1 ORDER BY 1`,
        );
        expect(parts).to.deep.equal([
          { name: 'records_p20261201', n: '3' },
          { name: 'records_p20261202', n: '2' },
          { name: 'records_p20261204', n: '1' },
        ]);
      } finally {
        await sink.close();
      }
    });

    it('should drop whole partitions past the retention and not store records older than it', async () => {
      const now = Date.now();
      const sink = await PgLakeSink.open({ url: db.url });
      await sink.write([
        ...testEntries(0, 4, { timestamp: now - 10 * DAY }),
        ...testEntries(10, 3, { timestamp: now - 5 * DAY }),
        ...testEntries(20, 2, { timestamp: now }),
      ]);
      await sink.close();

      const kept = await PgLakeSink.open({ url: db.url, retentionDays: 7 });
      try {
        expect(await kept.lake.count()).to.equal(5);
        const names = await sql<{ name: string }>(db.url, partitionsSql);
        expect(names).to.have.length(2);
        expect((await sql(db.url, 'SELECT 1 FROM record_ids')).length).to.equal(5);
        // A redelivery of a dropped day is not stored again.
        expect(await kept.write(testEntries(0, 4, { timestamp: now - 10 * DAY }))).to.include({ written: 4 });
        expect(await kept.lake.count()).to.equal(5);
        expect(await sql(db.url, partitionsSql), 'no partition recreated').to.have.length(2);
      } finally {
        await kept.close();
      }
    });
  });

  describe('#search()', () => {
    it('should answer path conditions from the GIN index (jsonb_path_ops)', async () => {
      const sink = await PgLakeSink.open({ url: db.url });
      try {
        await sink.write(testEntries(0, 200));
        await sql(db.url, 'ANALYZE records');
        const c = new Client({ connectionString: db.url });
        await c.connect();
        try {
          await c.query('SET enable_seqscan = off');
          const plan = await c.query(
            `EXPLAIN SELECT doc FROM records r WHERE r.doc @@ '$."host"."hostname" == "host-7"'::jsonpath`,
          );
          const text = plan.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
          expect(text).to.match(/Bitmap Index Scan on records_p\w+_doc_idx/);
        } finally {
          await c.end();
        }
        expect(
          (await sink.lake.search({ where: [{ path: 'host.hostname', value: 'host-7' }] })).map((r) => r.id),
        ).to.deep.equal(['rec-7']);
      } finally {
        await sink.close();
      }
    });
  });

  describe('PgLakeSink#write()', () => {
    it('should report a record PostgreSQL refuses as a failure of its own and write the rest', async () => {
      const sink = await PgLakeSink.open({ url: db.url });
      try {
        const batch = testEntries(0, 3);
        (batch[1] as unknown as { record: { host: unknown } }).record.host = { hostname: 'bad\u0000name' };
        const result = await sink.write(batch);
        expect(result.written).to.equal(2);
        expect(result.failures).to.have.length(1);
        expect(result.failures[0]).to.include({ index: 1, retryable: false });
        expect(await sink.lake.count()).to.equal(2);
      } finally {
        await sink.close();
      }
    });

    it('should fail a write cut off by the server as transient, and write again on a new connection', async () => {
      const sink = await PgLakeSink.open({ url: db.url });
      const holder = new Client({ connectionString: db.url });
      await holder.connect();
      holder.on('error', () => undefined);
      try {
        await sink.write(testEntries(0, 10));
        // Hold the lake's state lock so the next write waits inside its transaction, then end its session.
        await holder.query('SELECT pg_advisory_lock(7436002)');
        const cut = sink.write(testEntries(10, 10, { withAsset: true }));
        for (let i = 0; i < 100; i++) {
          const waiting = await holder.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
            [db.name],
          );
          if (waiting.rows.length) {
            await holder.query('SELECT pg_terminate_backend($1)', [waiting.rows[0].pid]);
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        const err = await rejection(cut);
        expect(isTransientPgError(err), err.message).to.equal(true);
        await holder.query('SELECT pg_advisory_unlock(7436002)');
        expect(await sink.lake.count(), 'the cut batch was rolled back').to.equal(10);

        await holder.end();
        await terminateSessions(db.name); // the idle pooled connections too, as a restart would
        let written = false;
        for (let attempt = 0; attempt < 3 && !written; attempt++) {
          try {
            await sink.write(testEntries(10, 10, { withAsset: true }));
            written = true;
          } catch (e) {
            expect(isTransientPgError(e), (e as Error).message).to.equal(true);
          }
        }
        expect(written).to.equal(true);
        expect(await sink.lake.count()).to.equal(20);
        expect((await sink.lake.stats()).assets).to.equal(10);
      } finally {
        await holder.end().catch(() => undefined);
        await sink.close();
      }
    });
  });
});
