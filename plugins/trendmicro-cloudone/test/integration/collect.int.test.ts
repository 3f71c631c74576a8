import { expect } from 'chai';
import { types } from 'node:util';
import {
  buildEnvelope,
  ConnectorError,
  jsonOf,
  SystemClock,
  VendorApiError,
} from '@connectors/framework/engine';
import { startSimulator, type CorruptionKind, type SimulatorHandle } from '@connectors/cloudone-simulator';
import { FakeClock } from '@connectors/testkit';
import { cloudOnePlugin, collect, connectTo, sleep } from './simulated-connector';

describe('CloudOneConnector#collect() against the simulator', () => {
  const started: SimulatorHandle[] = [];
  const simulator = async (options: Parameters<typeof startSimulator>[0]): Promise<SimulatorHandle> => {
    const sim = await startSimulator({ seed: 11, ...options });
    started.push(sim);
    return sim;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  describe('when the fleet has N computers', () => {
    for (const [count, pageSize] of [
      [0, 5000],
      [1, 5000],
      [4999, 5000],
      [5000, 5000],
      [5001, 5000],
      [12_345, 1000],
    ] as const) {
      it(`should collect ${count} computers exactly once, in ID order, with maxItems ${pageSize}`, async () => {
        const sim = await simulator({ computers: count });
        const { connector } = await connectTo(sim, { pageSize });
        const run = await collect(connector);
        expect(run.error).to.equal(undefined);
        expect(run.ids).to.have.length(count);
        expect(run.ids).to.deep.equal([...sim.fleet.ids()]);
        // One request per page plus the empty page that ends the crawl.
        expect(sim.requests.count('search')).to.equal(Math.ceil(count / pageSize) + 1);
        expect(run.pages.map((p) => p.page)).to.deep.equal(run.pages.map((_, i) => i + 1));
        expect(sim.requests.log.every((e) => e.sortByObjectID === true && e.maxItems === pageSize)).to.equal(
          true,
        );
      });
    }

    it('should request only the minimal expand set by default, as repeated parameters', async () => {
      const sim = await simulator({ computers: 3 });
      const { connector } = await connectTo(sim);
      await collect(connector);
      expect(sim.requests.log[0].expand).to.deep.equal([
        'computerStatus',
        'interfaces',
        'allVirtualMachineSummaries',
      ]);
    });
  });

  describe('when records are built from the pages', () => {
    it('should cut each record text from the page, with the ids and text of serializing the computer', async () => {
      const sim = await simulator({ computers: 600 });
      const { connector } = await connectTo(sim, { pageSize: 250, expand: 'all' });
      const run = await collect(connector);
      expect(run.error).to.equal(undefined);
      const { manifest } = await cloudOnePlugin();
      const instance = { id: 'c1', name: 'tm', tenant: 'acme', type: manifest.id };
      const build = (raw: object) =>
        buildEnvelope({
          manifest,
          instance,
          contentType: 'computers',
          normalized: connector.connector.normalize('computers', raw),
          now: 1,
        }).entry;
      let compared = 0;
      for (const { items } of run.pages) {
        for (const raw of items) {
          // The same computer without the engine's mark: the envelope prunes and serializes it.
          const whole = JSON.parse(JSON.stringify(raw)) as object;
          const fromPage = build(raw);
          const fromObject = build(whole);
          expect(jsonOf(fromPage.record)).to.equal(jsonOf(fromObject.record));
          expect(fromPage.record.id).to.equal(fromObject.record.id);
          expect(fromPage.asset).to.deep.equal(fromObject.asset);
          compared++;
        }
      }
      expect(compared).to.equal(600);
      // The page path is the one taken: its records are served from their text (a lazy record).
      const [first] = run.pages[0].items;
      expect(types.isProxy(build(first).record)).to.equal(true);
      expect(types.isProxy(build({ ...first }).record)).to.equal(false);
    });
  });

  describe('when the API rate limits', () => {
    it('should ride out a 429 storm, honoring Retry-After', async () => {
      const sim = await simulator({ computers: 2500 });
      const clock = new FakeClock({ autoAdvance: true });
      const { connector } = await connectTo(sim, { pageSize: 500, retryMaxDelayMs: 60_000 }, { clock });
      const run = await collect(connector, (page) => {
        if (page.page === 2) sim.faults.rateLimitNext(6, { retryAfterSeconds: 3 });
      });
      expect(run.error).to.equal(undefined);
      expect(run.ids).to.deep.equal([...sim.fleet.ids()]);
      expect(sim.requests.countStatus(429)).to.equal(6);
      expect(clock.sleeps).to.deep.equal([3000, 3000, 3000, 3000, 3000, 3000]);
    });

    it('should back off under the sliding-window limit until calls are allowed again, losing nothing', async () => {
      const sim = await simulator({
        computers: 3000,
        rateLimitPerMinute: 3,
        rateLimitWindowMs: 1000,
        retryAfter: 'window',
      });
      const { connector } = await connectTo(
        sim,
        { pageSize: 500, maxRetries: 20 },
        { clock: new SystemClock() },
      );
      const run = await collect(connector);
      expect(run.error).to.equal(undefined);
      expect(run.ids).to.deep.equal([...sim.fleet.ids()]);
      expect(sim.requests.countStatus(429)).to.be.greaterThan(0);
      expect(sim.requests.countStatus(200, 'search')).to.equal(7);
    });

    it('should back off without Retry-After too (jittered exponential backoff)', async () => {
      const sim = await simulator({ computers: 1500 });
      const clock = new FakeClock({ autoAdvance: true });
      const base = 100;
      const { connector } = await connectTo(sim, { pageSize: 500, retryBaseDelayMs: base }, { clock });
      const run = await collect(connector, (page) => {
        if (page.page === 1) sim.faults.rateLimitNext(4);
      });
      expect(run.error).to.equal(undefined);
      expect(run.ids).to.deep.equal([...sim.fleet.ids()]);
      expect(sim.requests.countStatus(429)).to.equal(4);
      // Full jitter (the framework's backoffDelay): each wait is drawn below a ceiling that doubles per attempt.
      expect(clock.sleeps).to.have.length(4);
      clock.sleeps.forEach((ms, i) => expect(ms).to.be.within(50, base * 2 ** (i + 1)));
    });
  });

  describe('when the API fails transiently', () => {
    it('should retry a 5xx burst (500, 502 HTML, 503) and continue where it was', async () => {
      const sim = await simulator({ computers: 2000 });
      const clock = new FakeClock({ autoAdvance: true });
      const { connector } = await connectTo(sim, { pageSize: 500 }, { clock });
      const run = await collect(connector, (page) => {
        if (page.page === 1) sim.faults.failNext(5);
      });
      expect(run.error).to.equal(undefined);
      expect(run.ids).to.deep.equal([...sim.fleet.ids()]);
      expect(
        sim.requests.countStatus(502) + sim.requests.countStatus(503) + sim.requests.countStatus(500),
      ).to.equal(5);
      expect(clock.sleeps).to.have.length(5);
    });

    it('should fail the run with the last status after maxRetries, having emitted only whole pages', async () => {
      const sim = await simulator({ computers: 2000 });
      const { connector } = await connectTo(
        sim,
        { pageSize: 500, maxRetries: 2 },
        { clock: new FakeClock({ autoAdvance: true }) },
      );
      const run = await collect(connector, (page) => {
        if (page.page === 2) sim.faults.failNext(3, { statuses: [503] });
      });
      expect(run.error).to.be.instanceOf(VendorApiError);
      expect((run.error as VendorApiError).status).to.equal(503);
      expect(run.error!.message).to.match(/after ID \d+ failed with HTTP 503.*gave up after 3 attempts/);
      expect(run.ids).to.deep.equal([...sim.fleet.ids()].slice(0, 1000));
    });

    it('should time out a hung request, retry it and go on', async () => {
      const sim = await simulator({ computers: 1200 });
      const { connector } = await connectTo(
        sim,
        { pageSize: 500, requestTimeoutSeconds: 0.3 },
        { clock: new FakeClock({ autoAdvance: true }) },
      );
      const run = await collect(connector, (page) => {
        if (page.page === 1) sim.faults.hangNext(1, { route: 'search' });
      });
      expect(run.error).to.equal(undefined);
      expect(run.ids).to.deep.equal([...sim.fleet.ids()]);
      await sleep(20);
      expect(sim.requests.aborted).to.equal(1);
      expect(sim.requests.log.find((e) => e.fault === 'hang')).to.include({ aborted: true });
    });
  });

  describe('when pages are malformed', () => {
    for (const kind of [
      'invalid-json',
      'truncated',
      'cut-connection',
      'wrong-shape',
      'missing-id',
    ] as CorruptionKind[]) {
      it(`should retry a ${kind} page and collect everything exactly once`, async () => {
        const sim = await simulator({ computers: 1500 });
        const { connector } = await connectTo(
          sim,
          { pageSize: 500 },
          { clock: new FakeClock({ autoAdvance: true }) },
        );
        const run = await collect(connector, (page) => {
          if (page.page === 1) sim.faults.corruptNext(1, kind);
        });
        expect(run.error).to.equal(undefined);
        expect(run.ids).to.deep.equal([...sim.fleet.ids()]);
        expect(sim.requests.log.filter((e) => e.fault === kind)).to.have.length(1);
      });
    }

    it('should fail the run with a clear error when the page stays malformed, never skip it', async () => {
      const sim = await simulator({ computers: 1500 });
      const { connector } = await connectTo(
        sim,
        { pageSize: 500, maxRetries: 3 },
        { clock: new FakeClock({ autoAdvance: true }) },
      );
      const run = await collect(connector, (page) => {
        if (page.page === 1) sim.faults.corruptNext(4, 'truncated');
      });
      expect(run.error).to.be.instanceOf(ConnectorError);
      expect((run.error as ConnectorError).code).to.equal('VENDOR_MALFORMED_RESPONSE');
      expect(run.error!.message).to.match(/malformed JSON .*gave up after 4 attempts/);
      expect(run.ids).to.have.length(500);
    });
  });

  describe('when pages repeat IDs', () => {
    it('should emit every computer once', async () => {
      const sim = await simulator({ computers: 2000 });
      const { connector } = await connectTo(sim, { pageSize: 300 });
      const run = await collect(connector, (page) => {
        if (page.page === 1) sim.faults.repeatIdsNext(4);
      });
      expect(run.error).to.equal(undefined);
      expect(sim.requests.log.filter((e) => e.fault === 'repeat-ids')).to.have.length(4);
      expect(run.ids).to.deep.equal([...sim.fleet.ids()]);
    });
  });

  describe('when computers are added and deleted during the crawl', () => {
    it('should collect survivors and newcomers once each and not resurrect deleted ones', async () => {
      const sim = await simulator({ computers: 3000 });
      const original = [...sim.fleet.ids()];
      const { connector } = await connectTo(sim, { pageSize: 500 });
      let deletedAhead: number[] = [];
      let added: number[] = [];
      const run = await collect(connector, (page) => {
        if (page.page !== 2) return;
        const cursor = [...page.items].pop()!.ID;
        const behind = original.filter((id) => id <= cursor).slice(0, 10);
        deletedAhead = original.filter((id) => id > cursor).filter((_, i) => i % 97 === 0);
        sim.faults.deleteComputers([...behind, ...deletedAhead]);
        added = sim.faults.addComputers(25);
      });
      expect(run.error).to.equal(undefined);
      const expected = [...original.filter((id) => !deletedAhead.includes(id)), ...added];
      expect(run.ids).to.deep.equal(expected);
      expect(new Set(run.ids).size).to.equal(run.ids.length);
      expect(deletedAhead.length).to.be.greaterThan(10);
    });
  });

  describe('when the subscriber unsubscribes', () => {
    it('should cancel the request in flight and make no further request', async () => {
      const sim = await simulator({ computers: 5000, latencyMs: 150 });
      const { connector, host } = await connectTo(sim, { pageSize: 500 });
      const run = collect(connector, (page, sub) => {
        if (page.page === 1) setTimeout(() => sub()?.unsubscribe(), 50);
      });
      void run;
      await sleep(600);
      expect(sim.requests.count('search')).to.equal(2);
      expect(sim.requests.aborted).to.equal(1);
      expect(host.http.requests.map((r) => r.outcome)).to.deep.equal(['response', 'cancelled']);
      await sleep(300);
      expect(sim.requests.count('search')).to.equal(2);
    });

    it('should stop when the run signal aborts', async () => {
      const sim = await simulator({ computers: 5000, latencyMs: 100 });
      const { connector } = await connectTo(sim, { pageSize: 500 });
      const controller = new AbortController();
      const pages: number[] = [];
      const done = new Promise<unknown>((resolve) => {
        connector.connector.collect(connector.collectContext({ signal: controller.signal })).subscribe({
          next: (p) => {
            pages.push(p.page);
            if (p.page === 2) controller.abort();
          },
          error: resolve,
          complete: () => resolve('completed'),
        });
      });
      const outcome = await done;
      expect(outcome).to.be.instanceOf(ConnectorError);
      expect((outcome as ConnectorError).code).to.equal('CANCELLED');
      expect(pages).to.deep.equal([1, 2]);
      // Aborted while page 2 was delivered: the next page is never requested.
      await sleep(250);
      expect(sim.requests.count('search')).to.equal(2);
    });
  });

  describe('when the key is a legacy key', () => {
    it('should send it as api-secret-key and collect', async () => {
      const legacy =
        'A1B2C3D4-1111-2222-3333-444455556666:7F8E9D0C-AAAA-BBBB-CCCC-DDDDEEEEFFFF:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
      const sim = await simulator({ computers: 10, legacyApiKey: legacy });
      const { connector } = await connectTo(sim, { apiKey: legacy });
      expect(connector.config.authScheme).to.equal('legacy');
      const run = await collect(connector);
      expect(run.ids).to.have.length(10);
      expect(sim.requests.log.map((e) => e.auth)).to.deep.equal(['legacy', 'legacy']);
    });

    it('should send a Cloud One key as Authorization: ApiKey', async () => {
      const sim = await simulator({ computers: 10 });
      const { connector } = await connectTo(sim);
      expect(connector.config.authScheme).to.equal('apiKey');
      await collect(connector);
      expect(sim.requests.log.map((e) => e.auth)).to.deep.equal(['apiKey', 'apiKey']);
    });
  });
});
