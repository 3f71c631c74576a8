import { expect } from 'chai';
import { startFalconSimulator, type FalconDevice, type FalconSimulatorHandle } from '../../src';

interface Envelope<T = unknown> {
  meta: { pagination?: { offset: string; expires_at: number; total: number } };
  resources: T[];
  errors: Array<{ code: number; message: string }>;
}

async function tokenOf(
  sim: FalconSimulatorHandle,
  id = sim.clientId,
  secret = sim.clientSecret,
): Promise<Response> {
  return fetch(`${sim.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: id, client_secret: secret }),
  });
}

async function bearer(sim: FalconSimulatorHandle, id?: string, secret?: string): Promise<string> {
  return ((await (await tokenOf(sim, id, secret)).json()) as { access_token: string }).access_token;
}

describe('startFalconSimulator', function () {
  this.timeout(30_000);
  let sim: FalconSimulatorHandle;
  let token: string;
  const get = (path: string, t = token): Promise<Response> =>
    fetch(`${sim.baseUrl}${path}`, { headers: { authorization: `Bearer ${t}` } });
  const post = (path: string, body: unknown, t = token): Promise<Response> =>
    fetch(`${sim.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    sim = await startFalconSimulator({
      hosts: 250,
      containmentDelayMs: 100,
      clients: [{ clientId: 'reader', clientSecret: 'reader-secret', scopes: ['hosts:read'] }],
    });
    token = await bearer(sim);
  });
  afterEach(() => sim.stop());

  describe('POST /oauth2/token', () => {
    it('should issue a bearer token with its expiry for the right credentials', async () => {
      const res = await tokenOf(sim);
      expect(res.status).to.equal(201);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).to.include({ token_type: 'bearer', expires_in: 1799 });
      expect(body.access_token).to.be.a('string');
    });

    it('should refuse wrong credentials with the vendor envelope', async () => {
      const res = await tokenOf(sim, sim.clientId, 'wrong');
      expect(res.status).to.equal(403);
      const body = (await res.json()) as Envelope;
      expect(body.resources).to.deep.equal([]);
      expect(body.errors[0].message).to.contain('Not Authorized');
    });

    it('should refuse an expired or revoked token with 401', async () => {
      sim.faults.revokeTokens();
      const res = await get('/devices/queries/devices-scroll/v1');
      expect(res.status).to.equal(401);
      expect(((await res.json()) as Envelope).errors[0].message).to.equal(
        'access denied, invalid bearer token',
      );
      const short = await startFalconSimulator({ hosts: 1, tokenTtlSeconds: 0 });
      try {
        const t = await bearer(short);
        const r = await fetch(`${short.baseUrl}/devices/queries/devices-scroll/v1`, {
          headers: { authorization: `Bearer ${t}` },
        });
        expect(r.status).to.equal(401);
      } finally {
        await short.stop();
      }
    });
  });

  describe('GET /devices/queries/devices-scroll/v1', () => {
    it('should page through every host once with the offset pointer and report the total', async () => {
      const seen = new Set<string>();
      let offset = '';
      for (;;) {
        const res = await get(
          `/devices/queries/devices-scroll/v1?limit=100${offset ? `&offset=${offset}` : ''}`,
        );
        expect(res.status).to.equal(200);
        expect(res.headers.get('x-ratelimit-limit')).to.equal('6000');
        const body = (await res.json()) as Envelope<string>;
        expect(body.meta.pagination!.total).to.equal(250);
        if (body.resources.length === 0) break;
        for (const id of body.resources) seen.add(id);
        offset = body.meta.pagination!.offset;
      }
      expect(seen.size).to.equal(250);
    });

    it('should filter with FQL and sort', async () => {
      const res = await get(
        `/devices/queries/devices-scroll/v1?limit=5000&sort=hostname.desc&filter=${encodeURIComponent("platform_name:'Windows'")}`,
      );
      const ids = ((await res.json()) as Envelope<string>).resources;
      expect(ids.length).to.be.greaterThan(50).and.lessThan(250);
      const names = ids.map((id) => sim.device(id)!);
      expect(names.every((d) => d.platform_name === 'Windows')).to.equal(true);
      const hostnames = names.map((d) => d.hostname);
      expect(hostnames).to.deep.equal([...hostnames].sort().reverse());
      const bad = await get(
        `/devices/queries/devices-scroll/v1?filter=${encodeURIComponent('platform_name=Windows')}`,
      );
      expect(bad.status).to.equal(400);
    });

    it('should refuse an expired scroll pointer', async () => {
      const first = (await (
        await get('/devices/queries/devices-scroll/v1?limit=10')
      ).json()) as Envelope<string>;
      sim.faults.expireScrolls();
      const res = await get(
        `/devices/queries/devices-scroll/v1?limit=10&offset=${first.meta.pagination!.offset}`,
      );
      expect(res.status).to.equal(400);
      expect(((await res.json()) as Envelope).errors[0].message).to.contain('expired');
    });

    it('should answer a missing scope with 403', async () => {
      const reader = await bearer(sim, 'reader', 'reader-secret');
      expect((await get('/devices/queries/devices-scroll/v1', reader)).status).to.equal(200);
      const res = await post(
        '/devices/entities/devices-actions/v2?action_name=contain',
        { ids: [sim.deviceIds()[0]] },
        reader,
      );
      expect(res.status).to.equal(403);
      expect(((await res.json()) as Envelope).errors[0].message).to.equal(
        'access denied, authorization failed',
      );
    });
  });

  describe('/devices/entities/devices/v2', () => {
    it('should return details by GET (≤100 ids) and POST (≤5000 ids)', async () => {
      const ids = sim.deviceIds();
      const q = ids
        .slice(0, 3)
        .map((id) => `ids=${id}`)
        .join('&');
      const got = (await (await get(`/devices/entities/devices/v2?${q}`)).json()) as Envelope<FalconDevice>;
      expect(got.resources.map((d) => d.device_id)).to.deep.equal(ids.slice(0, 3));
      const d = got.resources[0];
      expect(d.mac_address).to.match(/^([0-9a-f]{2}-){5}[0-9a-f]{2}$/);
      expect(d.device_policies.prevention.policy_type).to.equal('prevention');
      expect(
        (
          await get(
            `/devices/entities/devices/v2?${ids
              .slice(0, 101)
              .map((id) => `ids=${id}`)
              .join('&')}`,
          )
        ).status,
      ).to.equal(400);
      const posted = (await (
        await post('/devices/entities/devices/v2', { ids })
      ).json()) as Envelope<FalconDevice>;
      expect(posted.resources).to.have.length(250);
    });

    it('should return a truncated body when a malformed page is switched on', async () => {
      sim.faults.malformNext(1, { route: 'details' });
      const text = await (
        await post('/devices/entities/devices/v2', { ids: sim.deviceIds().slice(0, 5) })
      ).text();
      expect(() => JSON.parse(text) as unknown).to.throw();
    });
  });

  describe('POST /devices/entities/devices-actions/v2', () => {
    it('should move a host through containment_pending to contained and back through lift_containment_pending', async () => {
      const id = sim.deviceIds()[7];
      expect(
        (await post('/devices/entities/devices-actions/v2?action_name=contain', { ids: [id] })).status,
      ).to.equal(202);
      expect(sim.device(id)!.status).to.equal('containment_pending');
      await new Promise((r) => setTimeout(r, 150));
      expect(sim.device(id)!.status).to.equal('contained');
      await post('/devices/entities/devices-actions/v2?action_name=lift_containment', { ids: [id] });
      expect(sim.device(id)!.status).to.equal('lift_containment_pending');
      await new Promise((r) => setTimeout(r, 150));
      expect(sim.device(id)!.status).to.equal('normal');
    });
  });

  describe('faults', () => {
    it('should answer a 429 with X-RateLimit-RetryAfter in epoch seconds, then 5xx, then serve again', async () => {
      sim.faults.rateLimitNext(1, { retryAfterSeconds: 5 });
      sim.faults.failNext(1, { statuses: [503] });
      const limited = await get('/devices/queries/devices-scroll/v1');
      expect(limited.status).to.equal(429);
      const at = Number(limited.headers.get('x-ratelimit-retryafter'));
      expect(at).to.be.within(Math.floor(Date.now() / 1000) + 4, Math.ceil(Date.now() / 1000) + 6);
      expect((await get('/devices/queries/devices-scroll/v1')).status).to.equal(503);
      expect((await get('/devices/queries/devices-scroll/v1')).status).to.equal(200);
    });

    it('should rate limit past the per-minute budget', async () => {
      const tight = await startFalconSimulator({ hosts: 1, rateLimitPerMinute: 2 });
      try {
        const t = await bearer(tight);
        const call = (): Promise<Response> =>
          fetch(`${tight.baseUrl}/devices/queries/devices-scroll/v1`, {
            headers: { authorization: `Bearer ${t}` },
          });
        expect((await call()).status).to.equal(200);
        const res = await call();
        expect(res.status).to.equal(429);
        expect(res.headers.get('x-ratelimit-remaining')).to.equal('0');
      } finally {
        await tight.stop();
      }
    });

    it('should add and remove hosts mid-crawl', async () => {
      const [added] = sim.faults.addHosts(1, { hostname: 'win-ws-000001' });
      expect(sim.device(added)!.hostname).to.equal('win-ws-000001');
      expect(sim.faults.removeHosts([sim.deviceIds()[0]])).to.equal(1);
      expect(sim.deviceIds()).to.have.length(250);
    });

    it('should hold a hanging request until the client gives up', async () => {
      sim.faults.hangNext(1);
      const err = await fetch(`${sim.baseUrl}/devices/queries/devices-scroll/v1`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(300),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as Error)?.name).to.equal('TimeoutError');
      expect((await get('/devices/queries/devices-scroll/v1')).status).to.equal(200);
    });
  });

  it('should generate up to 1,000,000 hosts on demand', async () => {
    const big = await startFalconSimulator({ hosts: 1_000_000 });
    try {
      const t = await bearer(big);
      const res = await fetch(`${big.baseUrl}/devices/queries/devices-scroll/v1?limit=5000`, {
        headers: { authorization: `Bearer ${t}` },
      });
      const page = (await res.json()) as Envelope<string>;
      expect(page.meta.pagination!.total).to.equal(1_000_000);
      expect(page.resources).to.have.length(5000);
      expect(big.device(page.resources[4999])!.hostname).to.match(/-004999$/);
    } finally {
      await big.stop();
    }
  });
});
