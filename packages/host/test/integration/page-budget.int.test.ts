import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generateCloudOneKey, startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import { MemoryQueue } from '@connectors/queue-memory';
import { ConnectorHost } from '../../src/host';
import type { IngestHandle } from '../../src/types';
import { ArrayIngest, ArraySink } from '../helpers/array.ingest';

const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');
const RUNS = 6;
const COMPUTERS = 230;
const PAGE_SIZE = 40; // 6 pages of data, then the empty page that ends each run

describe('ConnectorHost', () => {
  describe('pages in flight across runs (Cloud One simulator)', () => {
    let sim: SimulatorHandle;
    let host: ConnectorHost;
    let dataDir: string;
    let ingest: IngestHandle;
    const sink = new ArraySink();
    const keys = Array.from({ length: RUNS }, () => generateCloudOneKey());
    const previousDev = process.env.CONNECTORS_DEV;

    before(async () => {
      process.env.CONNECTORS_DEV = '1'; // plain http to the loopback simulator
      // A little latency so the runs overlap and contend for the permits.
      sim = await startSimulator({ computers: COMPUTERS, apiKeys: keys, port: 0, latencyMs: 5 });
      dataDir = mkdtempSync(path.join(tmpdir(), 'host-page-budget-'));
      const queue = new MemoryQueue({ maxEntries: 10_000 });
      host = await ConnectorHost.open({
        dataDir,
        workspaceRoot: WORKSPACE_ROOT,
        secretKey: randomBytes(32).toString('base64'),
        pagesInFlight: 2,
        backends: {
          openQueue: async () => queue,
          createIngest: async (q, consumer) => new ArrayIngest(q, consumer, sink),
        },
      });
      await host.inventory.createTenant('acme');
      for (let i = 0; i < RUNS; i++) {
        await host.connectors.create({
          plugin: 'trendmicro-cloudone',
          name: `cloudone-${i}`,
          tenant: 'acme',
          runOn: 'dp',
          profile: 'default',
          config: { apiUrl: sim.baseUrl, apiKey: keys[i], pageSize: PAGE_SIZE },
        });
      }
      ingest = await host.createIngest('page-budget-test');
      ingest.start();
    });

    after(async () => {
      await ingest?.stop();
      await host?.close();
      await sim?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (previousDev === undefined) delete process.env.CONNECTORS_DEV;
      else process.env.CONNECTORS_DEV = previousDev;
    });

    it('should complete every run sharing 2 permits, deliver every record and return every permit', async () => {
      const budget = host.pageBudget;
      let peak = 0;
      let waitedMost = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, budget.inUse);
          waitedMost = Math.max(waitedMost, budget.waiting);
          await new Promise((r) => setImmediate(r));
        }
      })();
      const summaries = await Promise.all(
        Array.from({ length: RUNS }, (_, i) =>
          host.run('acme', `cloudone-${i}`, { waitForIngestion: false }),
        ),
      );
      sampling = false;
      await sampler;
      await ingest.drained();

      expect(summaries.map((s) => [s.ok, s.records, s.pages])).to.deep.equal(
        Array.from({ length: RUNS }, () => [true, COMPUTERS, Math.ceil(COMPUTERS / PAGE_SIZE)]),
      );
      expect(sink.records).to.have.length(RUNS * COMPUTERS);
      for (const m of sink.markers)
        if (m.phase === 'end') expect(m).to.include({ complete: true, count: COMPUTERS });
      // Record ids hash the connector instance in, so every connector's computers count apart.
      expect(new Set(sink.records.map((r) => r.id)).size).to.equal(RUNS * COMPUTERS);
      expect(peak, 'permits in use at most').to.be.at.most(2);
      expect(waitedMost, 'runs waited for a permit').to.be.greaterThan(0);
      expect(budget.inUse).to.equal(0);
      expect(budget.waiting).to.equal(0);

      const metrics = await host.metrics.text();
      expect(metrics).to.match(/^connectors_page_budget_permits 2$/m);
      expect(metrics).to.match(/^connectors_page_budget_in_use 0$/m);
      expect(metrics).to.match(/^connectors_page_budget_waiting_runs 0$/m);
    });
  });
});
