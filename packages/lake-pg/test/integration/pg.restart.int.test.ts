import { expect } from 'chai';
import { IngestWorker } from '@connectors/ingest';
import { MemoryQueue } from '@connectors/queue-memory';
import { testEntries } from '@connectors/queue-memory/dist/test/contract/entries';
import { PgLakeSink } from '../../src';
import { ownServerUnavailable, startOwnServer, type OwnServer } from '../support/pg.server';

describe(PgLakeSink.name, function () {
  this.timeout(60_000);

  describe('when PostgreSQL restarts during ingestion', () => {
    let server: OwnServer | undefined;

    before(async function () {
      const why = ownServerUnavailable();
      if (why) {
        console.warn(`      (skipped: ${why})`);
        this.skip();
      }
      server = await startOwnServer();
    });

    after(() => server?.destroy());

    it('should make the ingest worker wait and resume, losing and duplicating nothing', async () => {
      const sink = await PgLakeSink.open({ url: server!.url, connectTimeoutMs: 1_000 });
      const queue = new MemoryQueue({});
      const worker = new IngestWorker({
        queue,
        sinks: [sink],
        consumer: 'w1',
        batchSize: 200,
        retryBaseMs: 100,
        retryCapMs: 500,
        maxDeliveries: 1_000,
      });
      worker.start();
      try {
        await queue.publish(testEntries(0, 2_000, { withAsset: true }));
        await worker.drainUntilEmpty();
        server!.stop();
        await queue.publish(testEntries(2_000, 2_000, { withAsset: true }));
        await new Promise((r) => setTimeout(r, 1_500));
        expect(worker.figures.failures, 'writes failed while the server was down').to.be.greaterThan(0);
        server!.start();
        await worker.drainUntilEmpty();
        expect(await sink.lake.count()).to.equal(4_000);
        expect(await sink.lake.stats()).to.include({ records: 4_000, assets: 4_000, assetChanges: 4_000 });
        expect(worker.figures.deadLetters).to.equal(0);
      } finally {
        await worker.stop();
        await sink.close();
      }
    });
  });
});
