import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Client } from 'pg';
import { createSilentLogger } from '@connectors/framework/engine';
import { createTestDatabase, type TestDatabase } from '@connectors/lake-pg/dist/test/support/pg.database';
import { defaultBackends } from '../../src/backends/default.backends';

describe('defaultBackends (PostgreSQL lake)', () => {
  describe('#createIngest', () => {
    let dataDir: string;
    let db: TestDatabase;

    beforeEach(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'host-pg-backends-'));
      db = await createTestDatabase();
    });

    afterEach(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await db.drop();
    });

    it('should fail while the lake is unreachable and open it on the next start once it is there', async () => {
      const missing = `${db.name}_later`;
      const url = db.url.replace(db.name, missing);
      const backends = await defaultBackends({
        dataDir,
        lakeUrl: url,
        prefix: 'p',
        logger: createSilentLogger(),
      });
      const admin = new Client({ connectionString: db.url });
      await admin.connect();
      try {
        const queue = await backends.openQueue();
        const first = await backends.createIngest(queue, 'w1').catch((err: Error & { code?: string }) => err);
        expect((first as { code?: string }).code).to.equal('LAKE_UNREACHABLE');
        await admin.query(`CREATE DATABASE ${missing}`);
        const ingest = await backends.createIngest(queue, 'w1');
        expect(ingest).to.have.property('start');
        await backends.close?.();
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${missing} WITH (FORCE)`);
        await admin.end();
      }
    });
  });
});
