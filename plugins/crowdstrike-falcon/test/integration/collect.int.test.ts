import { expect } from 'chai';
import { PermissionError } from '@connectors/framework';
import {
  startFalconSimulator,
  type FalconSimulatorHandle,
  type FalconSimulatorOptions,
} from '@connectors/falcon-simulator';
import { createTestHost, FakeClock, loadPlugin, type TestConnector } from '@connectors/testkit';
import type { FalconHost } from '../../src/internal-types';
import type { FalconConfig } from '../../src/types';

describe('FalconConnector against the simulator', function () {
  this.timeout(30_000);
  const started: FalconSimulatorHandle[] = [];
  let clock: FakeClock;

  const connect = async (
    options: FalconSimulatorOptions,
    config: Record<string, unknown> = {},
  ): Promise<{ sim: FalconSimulatorHandle; connector: TestConnector<FalconConfig> }> => {
    const sim = await startFalconSimulator({ seed: 21, ...options });
    started.push(sim);
    clock = new FakeClock({ autoAdvance: true, now: Date.now() });
    const host = createTestHost({ clock });
    const connector = host.instantiate<FalconConfig>(await loadPlugin(__dirname), {
      baseUrl: sim.baseUrl,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      ...config,
    });
    return { sim, connector };
  };

  const ids = async (
    connector: TestConnector<FalconConfig>,
    onPage: (page: number) => void = () => undefined,
  ): Promise<string[]> => {
    let page = 0;
    const pages = await connector.collectPages({ demand: { ready: async () => onPage(++page) } });
    return pages.flatMap((p) => (p.items as FalconHost[]).map((h) => h.device_id));
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  describe('#collect()', () => {
    for (const [count, pageSize] of [
      [0, 100],
      [1, 100],
      [250, 100],
      [300, 100],
    ] as const) {
      it(`should collect ${count} hosts exactly once with ${pageSize} ids per page, one details request per page`, async () => {
        const { sim, connector } = await connect({ hosts: count }, { pageSize });
        const got = await ids(connector);
        expect(got).to.deep.equal(sim.deviceIds());
        const routes = sim.requests.map((r) => r.route);
        expect(routes.filter((r) => r === 'token')).to.have.length(1);
        expect(routes.filter((r) => r === 'details')).to.have.length(Math.ceil(count / pageSize));
        expect(sim.requests.filter((r) => r.route === 'details').every((r) => r.method === 'POST')).to.equal(
          true,
        );
      });
    }

    it('should reuse the token, and renew it a minute before it expires', async () => {
      const { sim, connector } = await connect({ hosts: 5 });
      await ids(connector);
      await ids(connector);
      expect(sim.tokensIssued).to.equal(1);
      await clock.advance(1799_000 - 59_000);
      await ids(connector);
      expect(sim.tokensIssued).to.equal(2);
    });

    it('should renew a revoked token once on 401 and finish the run', async () => {
      const { sim, connector } = await connect({ hosts: 30 }, { pageSize: 10 });
      const got = await ids(connector, (page) => {
        if (page === 1) sim.faults.revokeTokens();
      });
      expect(got).to.have.length(30);
      expect(sim.tokensIssued).to.equal(2);
      expect(sim.requests.filter((r) => r.status === 401)).to.have.length(1);
    });

    it('should restart the crawl when the scroll pointer expired, without duplicates', async () => {
      const { sim, connector } = await connect({ hosts: 35 }, { pageSize: 10 });
      const got = await ids(connector, (page) => {
        if (page === 2) sim.faults.expireScrolls();
      });
      expect(got).to.have.length(35);
      expect(new Set(got).size).to.equal(35);
      expect(sim.requests.filter((r) => r.route === 'scroll' && r.status === 400)).to.have.length(1);
    });

    it('should collect hosts added mid-crawl and skip hosts removed before they were reached', async () => {
      const { sim, connector } = await connect({ hosts: 30 }, { pageSize: 10 });
      const late = sim.deviceIds()[25];
      let added: string[] = [];
      const got = await ids(connector, (page) => {
        if (page === 1) {
          added = sim.faults.addHosts(2);
          sim.faults.removeHosts([late]);
        }
      });
      expect(got).to.include.members(added);
      expect(got).to.not.include(late);
      expect(got).to.have.length(31);
      expect(new Set(got).size).to.equal(31);
    });

    it('should retry 429 (waiting for X-RateLimit-RetryAfter), 5xx and a malformed page', async () => {
      const { sim, connector } = await connect({ hosts: 20 }, { pageSize: 10 });
      sim.faults.rateLimitNext(1, { route: 'scroll', retryAfterSeconds: 7 });
      sim.faults.failNext(2, { route: 'details', statuses: [502, 503] });
      sim.faults.malformNext(1, { route: 'details' });
      const got = await ids(connector);
      expect(got).to.deep.equal(sim.deviceIds());
      expect(sim.requests.map((r) => r.status)).to.include.members([429, 502, 503]);
      // The 429 asked for an epoch second about 7 s ahead: the wait is that long, not a default backoff.
      expect(clock.sleeps.some((ms) => ms >= 5000 && ms <= 8000)).to.equal(true);
    });

    it('should fail with the scope hint when the client may not read hosts', async () => {
      const { sim, connector } = await connect(
        { hosts: 3, clients: [{ clientId: 'blind', clientSecret: 'blind-secret', scopes: [] }] },
        { clientId: 'blind', clientSecret: 'blind-secret' },
      );
      const err = await connector.collectPages().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(PermissionError);
      expect((err as PermissionError).hint).to.contain('Hosts: Read');
      expect(sim.requests.filter((r) => r.status === 403)).to.have.length(1);
    });
  });

  describe('#respond()', () => {
    it('should contain a host by hostname, confirm it by reading the state, and report a repeat as already done', async () => {
      const { sim, connector } = await connect({ hosts: 5, containmentDelayMs: 0 });
      const [id] = sim.faults.addHosts(1, { hostname: 'web-7' });
      const first = await connector.respond('contain_host', { host: 'web-7' });
      expect(first).to.deep.include({ ok: true, action: 'contain_host', summary: 'web-7 is now contained' });
      expect(first.detail).to.deep.include({ deviceId: id, status: 'contained', changed: true });
      expect(sim.device(id)!.status).to.equal('contained');
      const again = await connector.respond('contain_host', { host: 'web-7' });
      expect(again).to.deep.include({ ok: true, summary: 'web-7 was already contained' });
      expect(sim.requests.filter((r) => r.route === 'actions')).to.have.length(1);
      const lifted = await connector.respond('lift_containment', { host: id });
      expect(lifted.summary).to.equal(`${id} is now released from containment`);
      expect(sim.device(id)!.status).to.equal('normal');
    });

    it('should report a containment still pending after its confirmation reads', async () => {
      const { sim, connector } = await connect({ hosts: 1, containmentDelayMs: 60_000 });
      const [id] = sim.deviceIds();
      const result = await connector.respond('contain_host', { host: id });
      expect(result.ok).to.equal(true);
      expect(result.summary).to.contain('containment_pending');
      expect(sim.requests.filter((r) => r.route === 'details').length).to.be.greaterThan(2);
    });

    it('should refuse an ambiguous hostname and an unknown one with a hint', async () => {
      const { sim, connector } = await connect({ hosts: 1 });
      sim.faults.addHosts(2, { hostname: 'twin' });
      const ambiguous = await connector
        .respond('contain_host', { host: 'twin' })
        .catch((e: Error & { code?: string; hint?: string }) => e);
      expect(ambiguous).to.include({ code: 'RESPOND_TARGET_AMBIGUOUS' });
      expect((ambiguous as { hint: string }).hint).to.contain('device ID');
      const unknown = await connector
        .respond('contain_host', { host: 'nobody' })
        .catch((e: Error & { code?: string }) => e);
      expect(unknown).to.include({ code: 'RESPOND_TARGET_NOT_FOUND' });
      expect(sim.requests.filter((r) => r.route === 'actions')).to.have.length(0);
    });

    it('should answer a missing Hosts: Write scope with a PermissionError naming the fix', async () => {
      const { sim, connector } = await connect(
        {
          hosts: 1,
          clients: [{ clientId: 'reader', clientSecret: 'reader-secret', scopes: ['hosts:read'] }],
        },
        { clientId: 'reader', clientSecret: 'reader-secret' },
      );
      const err = await connector
        .respond('contain_host', { host: sim.deviceIds()[0] })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(PermissionError);
      expect((err as PermissionError).hint).to.contain('Hosts: Write');
      expect(sim.device(sim.deviceIds()[0])!.status).to.equal('normal');
    });
  });
});
