import { expect } from 'chai';
import { Client } from 'pg';
import type { QueueEntry, Sink } from '@connectors/framework/engine';
import { LakeSink } from '@connectors/lake';
import { PgLakeSink } from '@connectors/lake-pg';
import { createTestDatabase, type TestDatabase } from '@connectors/lake-pg/dist/test/support/pg.database';
import type { HostFacade } from '../../src/facade/host.facade';
import { fakeControls } from '../helpers/fake.connector';
import { openTestHost, type TestHostContext } from '../helpers/test-host';

const ACME_INV = { tenant: 'acme', name: 'inv' };

async function lines(stream: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of stream) all.push(line);
  return all;
}

/** The façade's lake use cases on a real host, once with each lake. */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`HostFacade with the ${kind} lake`, function () {
    this.timeout(30_000);
    let t: TestHostContext;
    let facade: HostFacade;
    let db: TestDatabase | undefined;
    let lakeUrl: string | undefined;

    before(async () => {
      fakeControls.reset();
      if (kind === 'postgres') {
        db = await createTestDatabase();
        const url = new URL(db.url);
        url.password = 'pw-never-shown'; // the local server trusts; the password must still never show
        lakeUrl = url.toString();
      }
      t = await openTestHost({ backends: undefined, ...(lakeUrl ? { lakeUrl } : {}) });
      facade = t.host.facade;
      await facade.createTenant({ id: 'acme' });
      await facade.createConnector({
        ...ACME_INV,
        plugin: 'fake-inventory',
        runOn: 'dp',
        profile: 'default',
        config: { apiKey: 'k', count: 23, pageSize: 5 },
      });
      expect(await facade.runConnector(ACME_INV)).to.include({ ok: true, ingested: 23 });
    });

    after(async () => {
      await t?.cleanup();
      if (db) {
        // The host closed its pools (the sink's and the façade's shared reader): no session is left.
        const probe = new Client({ connectionString: db.url.replace(db.name, 'postgres') });
        await probe.connect();
        let left = -1;
        for (let i = 0; i < 50 && left !== 0; i++) {
          const { rows } = await probe.query<{ n: string }>(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
            [db.name],
          );
          left = Number(rows[0].n);
          if (left) await new Promise((r) => setTimeout(r, 20));
        }
        await probe.end();
        await db.drop();
        expect(left, 'sessions left open on the lake after host.close()').to.equal(0);
      }
    });

    describe('#search()', () => {
      it('should page newest first with the total and a cursor, each record once', async () => {
        const ids: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await facade.search({ tenant: 'acme', limit: 10, ...(cursor ? { cursor } : {}) });
          expect(page.total).to.equal(23);
          ids.push(...page.records.map((r) => r.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        expect(pages).to.equal(3);
        expect(new Set(ids).size).to.equal(23);
      });

      it('should refuse a cursor it did not give out, naming the field', async () => {
        const err = await facade.search({ cursor: 'bogus' }).catch((e: Error & { hint?: string }) => e);
        expect((err as Error).message).to.match(/cursor "bogus" is not one this lake gave out/);
      });
    });

    describe('#exportRecords()', () => {
      it('should stream every match as NDJSON lines', async () => {
        const out = await lines(await facade.exportRecords({ tenant: 'acme' }));
        expect(out).to.have.length(23);
        expect(out.every((l) => l.endsWith('\n'))).to.equal(true);
        expect(new Set(out.map((l) => (JSON.parse(l) as { id: string }).id)).size).to.equal(23);
      });
    });

    describe('reads', () => {
      if (kind === 'postgres') {
        // Only the PostgreSQL lake has a connection pool.
        it('should share one connection pool across queries', async () => {
          const sessions = async (): Promise<number> => {
            const c = new Client({ connectionString: db!.url.replace(db!.name, 'postgres') });
            await c.connect();
            const { rows } = await c.query<{ n: string }>(
              'SELECT sessions AS n FROM pg_stat_database WHERE datname = $1',
              [db!.name],
            );
            await c.end();
            return Number(rows[0].n);
          };
          await facade.countRecords({ tenant: 'acme' });
          const before = await sessions();
          for (let i = 0; i < 10; i++) await facade.countRecords({ tenant: 'acme' });
          expect((await sessions()) - before, 'new connections for 10 queries').to.be.at.most(2);
        });
      }
    });

    describe('#status()', () => {
      it("should report each connector's open snapshots with what each waits for", async () => {
        const [status] = await facade.status(ACME_INV);
        expect(status.openSnapshots, 'the run closed its snapshot').to.equal(undefined);
        const marker = (snapshotId: string, phase: 'start' | 'end', count?: number): QueueEntry => ({
          kind: 'snapshot',
          marker: {
            snapshotId,
            phase,
            tenant_id: 'acme',
            connectorId: status.connectorId,
            contentType: 'computers',
            at: Date.now(),
            ...(count !== undefined ? { complete: true, count } : {}),
          },
        });
        // Two runs that died: one before its end marker, one whose records never arrived.
        const sink: Sink =
          kind === 'sqlite'
            ? new LakeSink(t.dataDir, { checkpoints: 'inline' })
            : await PgLakeSink.open({ url: db!.url });
        const before = Date.now();
        await sink.write([marker('died-1', 'start'), marker('died-2', 'start'), marker('died-2', 'end', 4)]);
        await sink.close?.();

        const [after] = await facade.status(ACME_INV);
        expect(after.openSnapshots).to.include({ count: 2 });
        expect(after.openSnapshots!.oldestOpenedAt).to.be.within(before, Date.now());
        expect(after.openSnapshots!.snapshots.map((s) => [s.snapshotId, s.reason])).to.deep.equal([
          ['died-1', 'waiting for the end marker'],
          ['died-2', 'waiting for 4 of 4 records'],
        ]);
        const [listed] = await facade.status({ tenant: 'acme' });
        expect(listed.openSnapshots?.count).to.equal(2);
      });
    });

    describe('#info()', () => {
      it('should name the lake without a password', () => {
        const { lake } = facade.info();
        if (kind === 'sqlite') expect(lake).to.match(/lake\.sqlite$/);
        else expect(lake).to.contain(db!.name).and.contain('***').and.not.contain('pw-never-shown');
      });
    });
  });
}
