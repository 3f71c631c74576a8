import { lakeContract } from '@connectors/lake/dist/test/support/lake.contract';
import { PgLake, PgLakeSink } from '../../src';
import { createTestDatabase } from '../support/pg.database';

describe(PgLake.name, () => {
  describe('the lake contract', () => {
    lakeContract(async () => {
      const db = await createTestDatabase();
      const sink = await PgLakeSink.open({ url: db.url });
      return {
        sink,
        reader: sink.lake,
        writeAt: (batch, now) => sink.lake.writer.write(batch, now),
        close: async () => {
          await sink.close();
          await db.drop();
        },
      };
    });
  });
});
