import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateCloudOneKey, generateLegacyKey, startSimulator, type SimulatorHandle } from '../../src';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

function client(sim: SimulatorHandle, key = sim.apiKey) {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    Authorization: `ApiKey ${key}`,
    'api-version': 'v1',
    'Content-Type': 'application/json',
    ...extra,
  });
  const answer = async (res: Response): Promise<Answer> => {
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
  };
  return {
    search: async (
      body: unknown,
      query = '',
      extra: Record<string, string> = {},
      signal?: AbortSignal,
    ): Promise<Answer> =>
      answer(
        await fetch(`${sim.baseUrl}/computers/search${query}`, {
          method: 'POST',
          headers: headers(extra),
          body: JSON.stringify(body),
          signal,
        }),
      ),
    get: async (p: string, extra: Record<string, string> = {}): Promise<Answer> =>
      answer(await fetch(`${sim.baseUrl}${p}`, { headers: headers(extra) })),
  };
}

const ids = (a: Answer): number[] => a.json<{ computers: { ID: number }[] }>().computers.map((c) => c.ID);

describe('startSimulator (over HTTP)', () => {
  let sim: SimulatorHandle;
  const legacyKey = generateLegacyKey();

  before(async () => {
    sim = await startSimulator({
      computers: 250,
      seed: 5,
      legacyApiKey: legacyKey,
      readLimitedApiKey: 'read-only-key',
    });
  });
  afterEach(() => sim.faults.reset());
  after(() => sim.stop());

  describe('authentication and headers', () => {
    it('should print a Cloud One-shaped key by default and a base URL ending in /api', () => {
      expect(sim.apiKey).to.match(/^tmc[A-Za-z0-9]{28}:[A-Za-z0-9]{66}$/);
      expect(sim.baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    });

    it('should accept a Cloud One key only as Authorization: ApiKey and a legacy key only as api-secret-key', async () => {
      const c = client(sim);
      expect((await c.search({ maxItems: 1 })).status).to.equal(200);
      const legacy = await fetch(`${sim.baseUrl}/computers/search`, {
        method: 'POST',
        headers: { 'api-secret-key': legacyKey, 'api-version': 'v1', 'Content-Type': 'application/json' },
        body: '{"maxItems":1}',
      });
      expect(legacy.status).to.equal(200);
      const cloudOneAsLegacy = await fetch(`${sim.baseUrl}/computers/search`, {
        method: 'POST',
        headers: { 'api-secret-key': sim.apiKey, 'api-version': 'v1' },
      });
      expect(cloudOneAsLegacy.status).to.equal(401);
      const legacyAsApiKey = await client(sim, legacyKey).search({ maxItems: 1 });
      expect(legacyAsApiKey.status).to.equal(401);
    });

    it('should accept every extra key given in apiKeys, each with its own rate window', async () => {
      const tenants = [generateCloudOneKey(), generateCloudOneKey()];
      const multi = await startSimulator({ computers: 3, apiKeys: tenants, rateLimitPerMinute: 1 });
      try {
        const page = { maxItems: 10, searchCriteria: [] };
        for (const key of [multi.apiKey, ...tenants]) {
          expect((await client(multi, key).search(page)).status).to.equal(200);
        }
        expect((await client(multi, tenants[0]).search(page)).status).to.equal(429);
        expect((await client(multi, generateCloudOneKey()).search(page)).status).to.equal(401);
      } finally {
        await multi.stop();
      }
    });

    it('should answer 401 Invalid API Key for a wrong or missing key', async () => {
      const bad = await client(sim, 'wrong').search({});
      expect(bad.status).to.equal(401);
      expect(bad.json()).to.deep.equal({ message: 'Invalid API Key' });
      const none = await fetch(`${sim.baseUrl}/computers`);
      expect(none.status).to.equal(401);
    });

    it('should answer 403 Not authorized to … for a read-limited key', async () => {
      const c = client(sim, 'read-only-key');
      const search = await c.search({});
      expect(search.status).to.equal(403);
      expect(search.json()).to.deep.equal({ message: 'Not authorized to search computers' });
      expect((await c.get('/computers')).json()).to.deep.equal({
        message: 'Not authorized to view computers',
      });
    });

    it('should answer 400 without the api-version header or with an unknown version', async () => {
      const c = client(sim);
      const res = await fetch(`${sim.baseUrl}/computers/search`, {
        method: 'POST',
        headers: { Authorization: `ApiKey ${sim.apiKey}` },
      });
      expect(res.status).to.equal(400);
      expect(await res.json()).to.deep.equal({ message: 'Missing required header: api-version' });
      expect((await c.search({}, '', { 'api-version': 'v2' })).status).to.equal(400);
    });
  });

  describe('POST /computers/search', () => {
    it('should page through every computer exactly once by ID greater-than with sortByObjectID', async () => {
      const c = client(sim);
      const seen: number[] = [];
      for (let last = 0; ;) {
        const page = ids(
          await c.search({
            maxItems: 40,
            sortByObjectID: 'true',
            searchCriteria: [{ idTest: 'greater-than', idValue: last }],
          }),
        );
        if (page.length === 0) break;
        seen.push(...page);
        last = page[page.length - 1];
      }
      expect(seen).to.have.length(250);
      expect(seen).to.deep.equal([...sim.fleet.ids()]);
    });

    it('should not return ID order when sortByObjectID is false', async () => {
      const page = ids(await client(sim).search({ maxItems: 50 }));
      expect(page).to.have.length(50);
      expect(page).to.not.deep.equal([...page].sort((a, b) => a - b));
    });

    it('should cap maxItems at 5000 by default and omit the body gracefully', async () => {
      const res = await client(sim).search(undefined);
      expect(ids(res)).to.have.length(250);
    });

    it('should project by repeated expand parameters, default to all, and refuse unknown values', async () => {
      const c = client(sim);
      const body = { maxItems: 1, sortByObjectID: true };
      const all = (await c.search(body)).json<{ computers: Record<string, unknown>[] }>().computers[0];
      expect(all).to.have.property('computerStatus');
      expect(all).to.have.property('antiMalware');
      const two = (await c.search(body, '?expand=computerStatus&expand=interfaces')).json<{
        computers: Record<string, unknown>[];
      }>().computers[0];
      expect(Object.keys(two).filter((k) => typeof two[k] === 'object')).to.have.members(
        ['computerStatus', 'interfaces'].filter((k) => k in all),
      );
      const bad = await c.search(body, '?expand=computerStatus,interfaces');
      expect(bad.status).to.equal(400);
      expect(bad.json()).to.deep.equal({ message: 'Invalid expand value: computerStatus,interfaces' });
    });

    it('should return only override values with overrides=true', async () => {
      const [c] = (await client(sim).search({ maxItems: 1, sortByObjectID: true }, '?overrides=True')).json<{
        computers: Record<string, unknown>[];
      }>().computers;
      expect(c).to.not.have.property('hostName');
      expect(c.ID).to.be.a('number');
    });

    it('should filter with string wildcards and nested field names, and refuse bad criteria with 400', async () => {
      const c = client(sim);
      const res = await c.search(
        {
          sortByObjectID: true,
          searchCriteria: [{ fieldName: 'ec2VirtualMachineSummary/accountID', stringValue: '1%' }],
        },
        '?expand=ec2VirtualMachineSummary',
      );
      const found = res.json<{ computers: { ec2VirtualMachineSummary?: unknown }[] }>().computers;
      expect(found.length).to.be.greaterThan(0);
      expect(found.every((x) => x.ec2VirtualMachineSummary)).to.equal(true);
      const bad = await c.search({ searchCriteria: [{ fieldName: 'computerStatus', stringValue: 'x' }] });
      expect(bad.status).to.equal(400);
      expect(bad.json<{ message: string }>().message).to.match(/not searchable/);
    });
  });

  describe('GET /computers and /computers/{id}', () => {
    it('should list every computer in one answer and describe one as a bare object, 404 when unknown', async () => {
      const c = client(sim);
      expect(ids(await c.get('/computers?expand=none'))).to.have.length(250);
      const first = [...sim.fleet.ids()][0];
      const one = await c.get(`/computers/${first}?expand=none`);
      expect(one.json()).to.deep.equal(sim.fleet.computer(first, ['none']));
      expect((await c.get('/computers/99999999')).status).to.equal(404);
    });
  });

  describe('faults', () => {
    it('should answer 5xx bursts in order, 502/503 as a load balancer HTML page, then recover', async () => {
      sim.faults.failNext(3, { retryAfterSeconds: 2 });
      const c = client(sim);
      const answers = [
        await c.search({}),
        await c.search({}),
        await c.search({}),
        await c.search({ maxItems: 1 }),
      ];
      expect(answers.map((a) => a.status)).to.deep.equal([500, 502, 503, 200]);
      expect(answers[0].json()).to.deep.equal({ message: 'Internal Server Error' });
      expect(answers[1].text).to.match(/^<html>/);
      expect(answers[2].headers.get('retry-after')).to.equal('2');
    });

    it('should rate limit per key over a sliding window, with Retry-After when asked, not counting refused calls', async () => {
      sim.faults.setRateLimit(3, { windowMs: 400, retryAfter: 'window' });
      const c = client(sim);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await c.search({ maxItems: 1 })).status);
      expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
      const limited = await c.search({ maxItems: 1 });
      expect(limited.json()).to.deep.equal({ message: 'Too many API requests' });
      expect(Number(limited.headers.get('retry-after'))).to.be.within(0, 0.4);
      expect(
        (
          await client(sim, legacyKey).search({ maxItems: 1 }, '', {
            Authorization: '',
            'api-secret-key': legacyKey,
          })
        ).status,
      ).to.equal(200);
      await new Promise((r) => setTimeout(r, 450));
      expect((await c.search({ maxItems: 1 })).status).to.equal(200);
    });

    it('should force a 429 storm whatever the rate', async () => {
      sim.faults.rateLimitNext(2, { retryAfterSeconds: 0.05 });
      const c = client(sim);
      const a = await c.search({});
      expect([a.status, a.headers.get('retry-after')]).to.deep.equal([429, '0.05']);
      expect((await c.search({})).status).to.equal(429);
      expect((await c.search({ maxItems: 1 })).status).to.equal(200);
    });

    it('should hang a request until the client gives up, and count it as aborted', async () => {
      sim.requests.reset();
      sim.faults.hangNext(1);
      const err = await client(sim)
        .search({}, '', {}, AbortSignal.timeout(150))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(err?.name).to.equal('TimeoutError');
      await new Promise((r) => setTimeout(r, 50));
      expect(sim.requests.aborted).to.equal(1);
      expect(sim.requests.log[0]).to.include({ fault: 'hang', aborted: true });
      expect((await client(sim).search({ maxItems: 1 })).status).to.equal(200);
    });

    it('should add latency to every request', async () => {
      sim.faults.setLatency(120);
      const t0 = Date.now();
      await client(sim).search({ maxItems: 1 });
      // A lower bound only: the answer cannot come before the injected delay.
      expect(Date.now() - t0).to.be.at.least(110);
      expect(sim.requests.log[sim.requests.log.length - 1].fault).to.equal('latency');
    });

    it('should corrupt pages: invalid JSON, truncated body, wrong shape, missing ID, dropped connection', async () => {
      const c = client(sim);
      sim.faults.corruptNext(1, 'invalid-json');
      const invalid = await c.search({ maxItems: 3 });
      expect(invalid.status).to.equal(200);
      expect(() => JSON.parse(invalid.text)).to.throw(SyntaxError);
      sim.faults.corruptNext(1, 'truncated');
      const truncated = await c.search({ maxItems: 3 });
      expect(() => JSON.parse(truncated.text)).to.throw(SyntaxError);
      sim.faults.corruptNext(1, 'wrong-shape');
      expect((await c.search({ maxItems: 3 })).json()).to.not.have.property('computers');
      sim.faults.corruptNext(1, 'missing-id');
      expect(
        (await c.search({ maxItems: 3 })).json<{ computers: object[] }>().computers[0],
      ).to.not.have.property('ID');
      sim.faults.corruptNext(1, 'cut-connection');
      const cut = await c.search({ maxItems: 3 }).then(
        () => 'completed',
        () => 'failed',
      );
      expect(cut).to.equal('failed');
      expect(sim.faults.pending()).to.equal(0);
    });

    it('should repeat IDs in a page: the previous page end again and the first computer twice', async () => {
      const all = [...sim.fleet.ids()];
      sim.faults.repeatIdsNext(1);
      const page = ids(
        await client(sim).search({
          maxItems: 3,
          sortByObjectID: true,
          searchCriteria: [{ idTest: 'greater-than', idValue: all[2] }],
        }),
      );
      expect(page).to.deep.equal([all[2], all[3], all[3], all[4], all[5]]);
    });

    it('should add and delete computers while running', async () => {
      const before = sim.fleet.size;
      const added = sim.faults.addComputers(2);
      const victim = [...sim.fleet.ids()][10];
      expect(sim.faults.deleteComputers([victim])).to.equal(1);
      const all = ids(await client(sim).search({ sortByObjectID: true }));
      expect(all).to.have.length(before + 1);
      expect(all.slice(-2)).to.deep.equal(added);
      expect(all).to.not.include(victim);
    });
  });

  describe('request statistics', () => {
    it('should count requests per route and status', async () => {
      sim.requests.reset();
      const c = client(sim);
      await c.search({ maxItems: 1 });
      await c.get('/computers/1');
      await client(sim, 'nope').search({});
      expect(sim.requests.byRoute()).to.deep.equal({ list: 0, describe: 1, search: 2, other: 0 });
      expect(sim.requests.countStatus(401)).to.equal(1);
      expect(sim.requests.count('search')).to.equal(2);
      expect(sim.requests.log.map((e) => e.auth)).to.deep.equal(['apiKey', 'apiKey', 'apiKey']);
    });
  });
});

describe('cloudone-simulator (bin)', () => {
  it('should accept the keys of --api-keys-file, one per line', async () => {
    const bin = path.resolve(__dirname, '../../../bin/cloudone-simulator.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'simulator-keys-'));
    const keys = [generateCloudOneKey(), generateCloudOneKey()];
    writeFileSync(path.join(dir, 'keys'), `${keys.join('\n')}\n`);
    const child = spawn(
      process.execPath,
      [bin, '--computers', '2', '--api-keys-file', path.join(dir, 'keys'), '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const info = await new Promise<{ baseUrl: string }>((resolve, reject) => {
        child.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as { baseUrl: string }));
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const status = async (key: string): Promise<number> =>
        (
          await fetch(`${info.baseUrl}/computers/search`, {
            method: 'POST',
            headers: { Authorization: `ApiKey ${key}`, 'api-version': 'v1' },
            body: '{}',
          })
        ).status;
      expect(await status(keys[0])).to.equal(200);
      expect(await status(keys[1])).to.equal(200);
      expect(await status(generateCloudOneKey())).to.equal(401);
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should print its base URL and key and serve the API until stopped', async function () {
    const bin = path.resolve(__dirname, '../../../bin/cloudone-simulator.js');
    const child = spawn(process.execPath, [bin, '--computers', '5000', '--port', '0', '--api-key', 'KEY'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          if (/API key:.*\n/.test(text)) resolve(text);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${text}`)));
      });
      const url = /API URL:\s+(\S+)/.exec(out)?.[1];
      expect(out).to.match(/API key:\s+KEY\n/);
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
      const res = await fetch(`${url}/computers/search`, {
        method: 'POST',
        headers: { Authorization: 'ApiKey KEY', 'api-version': 'v1' },
        body: JSON.stringify({
          maxItems: 5000,
          sortByObjectID: true,
          searchCriteria: [{ idTest: 'greater-than', idValue: 0 }],
        }),
      });
      expect(((await res.json()) as { computers: unknown[] }).computers).to.have.length(5000);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
