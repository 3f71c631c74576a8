import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeviceGenerator } from './device.generator';
import { Fleet } from './fleet';
import { compileFilter, compileSort, QueryError } from './fql';
import type {
  FalconFaults,
  FalconSimulatorHandle,
  FalconSimulatorOptions,
  FaultScope,
  RequestLogEntry,
  RouteName,
  SimulatorClient,
} from './types';

export const MAX_HOSTS = 1_000_000;
const SCROLL_MAX_LIMIT = 5000;
const GET_MAX_IDS = 100;
const POST_MAX_IDS = 5000;

type Fault =
  { kind: 'status'; status: number; retryAfterSeconds?: number } | { kind: 'hang' } | { kind: 'malform' };

interface Token {
  client: SimulatorClient;
  expiresAt: number;
}

interface Scroll {
  filter?: string;
  sort?: string;
  /** Matching indices, materialized when a filter or sort is given; otherwise fleet order. */
  indices?: number[];
  position: number;
  lastUsed: number;
}

class HttpAnswer extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the CrowdStrike Falcon OAuth2 + hosts API simulator on an ephemeral port by default. */
export async function startFalconSimulator(
  options: FalconSimulatorOptions = {},
): Promise<FalconSimulatorHandle> {
  const size = options.hosts ?? 100;
  if (!Number.isInteger(size) || size < 0 || size > MAX_HOSTS)
    throw new RangeError(`hosts must be an integer from 0 to ${MAX_HOSTS} (got ${size})`);
  const now = (): number => Date.now();
  const baseTimeMs = options.baseTimeMs ?? now() - (now() % 86_400_000);
  const fleet = new Fleet(
    new DeviceGenerator(String(options.seed ?? 1), baseTimeMs),
    size,
    options.containmentDelayMs ?? 1000,
  );
  const main: SimulatorClient = {
    clientId: options.clientId ?? randomBytes(16).toString('hex'),
    clientSecret: options.clientSecret ?? randomBytes(30).toString('base64url'),
  };
  const clients = [main, ...(options.clients ?? [])];
  const tokenTtl = options.tokenTtlSeconds ?? 1799;
  const scrollTtl = options.scrollTtlMs ?? 120_000;
  const perMinute = options.rateLimitPerMinute ?? 6000;
  const tokens = new Map<string, Token>();
  const scrolls = new Map<string, Scroll>();
  const windows = new Map<string, { start: number; used: number }>();
  const requests: RequestLogEntry[] = [];
  const hanging = new Set<ServerResponse>();
  let queue: Array<{ remaining: number; route?: RouteName; fault: Fault }> = [];
  let tokensIssued = 0;

  const enqueue = (count: number, scope: FaultScope | undefined, fault: Fault): void => {
    if (count > 0) queue.push({ remaining: count, route: scope?.route, fault });
  };
  const takeFault = (route: RouteName, kinds: Fault['kind'][]): Fault | undefined => {
    const i = queue.findIndex((q) => kinds.includes(q.fault.kind) && (!q.route || q.route === route));
    if (i < 0) return undefined;
    const q = queue[i];
    if (--q.remaining === 0) queue.splice(i, 1);
    return q.fault;
  };

  const faults: FalconFaults = {
    rateLimitNext: (count, o) =>
      enqueue(count, o, { kind: 'status', status: 429, retryAfterSeconds: o?.retryAfterSeconds ?? 1 }),
    failNext: (count, o) => {
      const statuses = o?.statuses?.length ? o.statuses : [500, 502, 503];
      for (let i = 0; i < count; i++)
        enqueue(1, o, { kind: 'status', status: statuses[i % statuses.length] });
    },
    hangNext: (count, o) => enqueue(count, o, { kind: 'hang' }),
    malformNext: (count, o) => enqueue(count, o, { kind: 'malform' }),
    revokeTokens: () => tokens.clear(),
    expireScrolls: () => scrolls.clear(),
    addHosts: (count, o) => fleet.add(count, o?.hostname).map((i) => fleet.generator.deviceId(i)),
    removeHosts: (ids) =>
      ids.filter((id) => {
        const index = fleet.indexOf(id);
        return index !== undefined && fleet.remove(index);
      }).length,
    reset: () => {
      queue = [];
      windows.clear();
    },
  };

  const envelope = (
    resources: unknown[],
    errors: Array<{ code: number; message: string }> = [],
    extra = {},
  ) => ({
    meta: {
      query_time: 0.001,
      powered_by: 'falcon-simulator',
      trace_id: randomBytes(16).toString('hex'),
      ...extra,
    },
    resources,
    errors,
  });

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const authenticate = (req: IncomingMessage, scope: 'hosts:read' | 'hosts:write'): SimulatorClient => {
    const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    const token = m ? tokens.get(m[1]) : undefined;
    if (!token || token.expiresAt <= now()) throw new HttpAnswer(401, 'access denied, invalid bearer token');
    const scopes = token.client.scopes ?? ['hosts:read', 'hosts:write'];
    if (!scopes.includes(scope)) throw new HttpAnswer(403, 'access denied, authorization failed');
    return token.client;
  };

  /** Fixed one-minute window per client; the vendor's headers on every answer, 429 past the limit. */
  const rate = (clientId: string): Record<string, string> => {
    if (perMinute <= 0) return {};
    const t = now();
    let w = windows.get(clientId);
    if (!w || t - w.start >= 60_000) windows.set(clientId, (w = { start: t, used: 0 }));
    const headers = { 'X-RateLimit-Limit': String(perMinute), 'X-RateLimit-Remaining': '0' };
    if (w.used >= perMinute) {
      const retryAt = Math.ceil((w.start + 60_000) / 1000);
      throw Object.assign(new HttpAnswer(429, 'API rate limit exceeded.'), {
        headers: { ...headers, 'X-RateLimit-RetryAfter': String(retryAt) },
      });
    }
    w.used++;
    headers['X-RateLimit-Remaining'] = String(perMinute - w.used);
    return headers;
  };

  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const idsFromBody = (text: string): string[] => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpAnswer(400, 'Invalid JSON body');
    }
    const ids = (body as { ids?: unknown })?.ids;
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string'))
      throw new HttpAnswer(400, 'body must be {"ids": ["<device id>", …]}');
    return ids;
  };

  const token = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const form = new URLSearchParams(await readBody(req));
    const client = clients.find(
      (c) => c.clientId === form.get('client_id') && c.clientSecret === form.get('client_secret'),
    );
    // The vendor refuses unknown client credentials with 403 (see docs/vendors/crowdstrike-falcon-api.md).
    if (!client) throw new HttpAnswer(403, 'Failed to issue access token - Not Authorized');
    const headers = rate(client.clientId);
    const access = randomBytes(32).toString('base64url');
    tokens.set(access, { client, expiresAt: now() + tokenTtl * 1000 });
    tokensIssued++;
    send(res, 201, { access_token: access, token_type: 'bearer', expires_in: tokenTtl }, headers);
    return 201;
  };

  const scroll = (
    url: URL,
    headers: Record<string, string>,
    res: ServerResponse,
    malform: boolean,
  ): number => {
    const q = url.searchParams;
    const limit = Number(q.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > SCROLL_MAX_LIMIT)
      throw new HttpAnswer(400, `limit must be an integer from 1 to ${SCROLL_MAX_LIMIT}`);
    const t = now();
    for (const [k, s] of scrolls) if (t - s.lastUsed > scrollTtl) scrolls.delete(k);
    let pointer = q.get('offset') ?? '';
    let s: Scroll | undefined;
    if (pointer) {
      s = scrolls.get(pointer);
      if (!s) throw new HttpAnswer(400, 'offset is invalid or has expired');
    } else {
      const filter = q.get('filter') ?? undefined;
      const sort = q.get('sort') ?? undefined;
      let test, cmp;
      try {
        test = compileFilter(filter);
        cmp = compileSort(sort);
      } catch (err) {
        throw new HttpAnswer(400, (err as QueryError).message);
      }
      s = { position: 0, lastUsed: t };
      if (filter || cmp) {
        const matched: number[] = [];
        const devices = new Map<number, ReturnType<Fleet['device']>>();
        for (let i = 0; i < fleet.size; i++) {
          if (!fleet.has(i)) continue;
          const d = fleet.device(i, t);
          if (test(d)) {
            matched.push(i);
            if (cmp) devices.set(i, d);
          }
        }
        if (cmp) matched.sort((a, b) => cmp(devices.get(a)!, devices.get(b)!));
        s.indices = matched;
      }
      pointer = randomBytes(24).toString('base64url');
      scrolls.set(pointer, s);
    }
    s.lastUsed = t;
    const ids: string[] = [];
    if (s.indices) {
      while (ids.length < limit && s.position < s.indices.length) {
        const i = s.indices[s.position++];
        if (fleet.has(i)) ids.push(fleet.generator.deviceId(i));
      }
    } else {
      while (ids.length < limit && s.position < fleet.size) {
        const i = s.position++;
        if (fleet.has(i)) ids.push(fleet.generator.deviceId(i));
      }
    }
    const total = s.indices ? s.indices.filter((i) => fleet.has(i)).length : fleet.count;
    const body = envelope(ids, [], { pagination: { offset: pointer, expires_at: t + scrollTtl, total } });
    if (malform) return sendMalformed(res, headers, body);
    send(res, 200, body, headers);
    return 200;
  };

  const details = (
    ids: string[],
    max: number,
    headers: Record<string, string>,
    res: ServerResponse,
    malform: boolean,
  ): number => {
    if (ids.length === 0) throw new HttpAnswer(400, 'ids is required');
    if (ids.length > max) throw new HttpAnswer(400, `at most ${max} ids per request`);
    const t = now();
    const found = [];
    const errors = [];
    for (const id of ids) {
      const i = fleet.indexOf(id);
      if (i === undefined) errors.push({ code: 404, message: `Device not found: ${id}` });
      else found.push(fleet.device(i, t));
    }
    const status = found.length ? 200 : 404;
    const body = envelope(found, errors);
    if (malform) return sendMalformed(res, headers, body);
    send(res, status, body, headers);
    return status;
  };

  const sendMalformed = (res: ServerResponse, headers: Record<string, string>, body: unknown): number => {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
    return 200;
  };

  const actions = async (
    url: URL,
    req: IncomingMessage,
    headers: Record<string, string>,
    res: ServerResponse,
  ): Promise<number> => {
    const action = url.searchParams.get('action_name');
    if (action !== 'contain' && action !== 'lift_containment')
      throw new HttpAnswer(
        400,
        `action_name must be one of: contain, lift_containment (got ${action ?? 'none'})`,
      );
    const ids = idsFromBody(await readBody(req));
    if (ids.length === 0 || ids.length > 100) throw new HttpAnswer(400, 'ids: from 1 to 100 device ids');
    const t = now();
    const resources = [];
    const errors = [];
    for (const id of ids) {
      const i = fleet.indexOf(id);
      if (i === undefined) errors.push({ code: 404, message: `Device not found: ${id}` });
      else {
        fleet.act(i, action, t);
        resources.push({ id, path: '' });
      }
    }
    const status = resources.length ? 202 : 404;
    send(res, status, envelope(resources, errors), headers);
    return status;
  };

  const route = (method: string, path: string): RouteName | undefined => {
    if (method === 'POST' && path === '/oauth2/token') return 'token';
    if (method === 'GET' && path === '/devices/queries/devices-scroll/v1') return 'scroll';
    if ((method === 'GET' || method === 'POST') && path === '/devices/entities/devices/v2') return 'details';
    if (method === 'POST' && path === '/devices/entities/devices-actions/v2') return 'actions';
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const name = route(method, url.pathname);
    if (!name) throw new HttpAnswer(404, `no route for ${method} ${url.pathname}`);
    const fault = takeFault(name, ['status', 'hang']);
    if (fault?.kind === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return 0;
    }
    if (fault?.kind === 'status') {
      const extra: Record<string, string> =
        fault.status === 429
          ? { 'X-RateLimit-RetryAfter': String(Math.ceil(now() / 1000) + (fault.retryAfterSeconds ?? 1)) }
          : {};
      send(res, fault.status, envelope([], [{ code: fault.status, message: 'simulated fault' }]), extra);
      return fault.status;
    }
    if (name === 'token') return token(req, res);
    const client = authenticate(req, name === 'actions' ? 'hosts:write' : 'hosts:read');
    const headers = rate(client.clientId);
    if (name === 'actions') return actions(url, req, headers, res);
    const malform = takeFault(name, ['malform']) !== undefined;
    if (name === 'scroll') return scroll(url, headers, res, malform);
    if (method === 'GET') return details(url.searchParams.getAll('ids'), GET_MAX_IDS, headers, res, malform);
    return details(idsFromBody(await readBody(req)), POST_MAX_IDS, headers, res, malform);
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    const log = (status: number): void => {
      requests.push({ method, path, route: route(method, path), status });
    };
    handle(req, res).then(
      (status) => log(status),
      (err: unknown) => {
        const status = err instanceof HttpAnswer ? err.status : 500;
        const message = err instanceof Error ? err.message : String(err);
        const headers = (err as { headers?: Record<string, string> }).headers ?? {};
        if (!res.headersSent) send(res, status, envelope([], [{ code: status, message }]), headers);
        log(status);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    baseUrl: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    clientId: main.clientId,
    clientSecret: main.clientSecret,
    faults,
    requests,
    device: (id) => {
      const i = fleet.indexOf(id);
      return i === undefined ? undefined : fleet.device(i, now());
    },
    deviceIds: () => {
      const ids: string[] = [];
      for (let i = 0; i < fleet.size; i++) if (fleet.has(i)) ids.push(fleet.generator.deviceId(i));
      return ids;
    },
    get tokensIssued() {
      return tokensIssued;
    },
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
