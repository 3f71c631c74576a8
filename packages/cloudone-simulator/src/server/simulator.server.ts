import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type Computer, generateComputer, type GeneratorContext } from '../generator/computer.generator';
import { ALL_KEYS, expandKeys, isExpandValue, type ObjectKey } from '../generator/expand';
import type { FleetStore } from '../generator/fleet.store';
import type { Faults } from '../faults/fault.controller';
import type { SlidingWindowRateLimiter } from '../faults/rate-limiter';
import {
  matches,
  matchesId,
  parseSearchFilter,
  SearchError,
  type FilterLimits,
} from '../search/search-filter';
import type { CorruptionKind, RequestLogEntry, RouteName } from '../types';
import type { KeyRing } from './api-key.auth';
import type { RequestCounter } from './request.stats';

export interface ServerSettings {
  limits: FilterLimits;
  listLimit: number;
  apiVersionErrorStatus: number;
  permissionDeniedStatus: number;
}

export interface ServerParts {
  fleet: FleetStore;
  generator: GeneratorContext;
  keys: KeyRing;
  limiter: SlidingWindowRateLimiter;
  faults: Faults;
  stats: RequestCounter;
  settings: ServerSettings;
}

const MAX_BODY_BYTES = 1024 * 1024;
const YIELD_EVERY = 2000;

interface Route {
  name: RouteName;
  id?: string;
}

function routeOf(method: string, pathname: string): Route | 'method-not-allowed' | undefined {
  const path = pathname.replace(/\/+$/, '');
  if (path === '/api/computers') return method === 'GET' ? { name: 'list' } : 'method-not-allowed';
  if (path === '/api/computers/search') return method === 'POST' ? { name: 'search' } : 'method-not-allowed';
  const m = /^\/api\/computers\/([^/]+)$/.exec(path);
  if (m) return method === 'GET' ? { name: 'describe', id: decodeURIComponent(m[1]) } : 'method-not-allowed';
  return undefined;
}

function parseBool(value: string | null): boolean {
  return value !== null && value.trim().toLowerCase() === 'true';
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The request pipeline, in the order a fronted service applies it: faults injected at the edge
 * (hangs, latency, 5xx, forced 429), then authentication, the per-key rate limit, the api-version
 * header, the key's role, and finally the route.
 */
export class SimulatorRequestHandler {
  private readonly hung = new Set<ServerResponse>();

  constructor(private readonly parts: ServerParts) {}

  /** Responses held open by the hang fault; the server destroys them on stop. */
  get hanging(): ReadonlySet<ServerResponse> {
    return this.hung;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { stats, faults, keys, limiter, settings } = this.parts;
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const route = routeOf(method, url.pathname);
    const auth = keys.authenticate(req);
    const entry = stats.begin({
      at: Date.now(),
      method,
      route: route && route !== 'method-not-allowed' ? route.name : 'other',
      auth: auth.scheme,
    });
    const clientGone = new AbortController();
    let serverCut = false;
    res.on('close', () => {
      const complete = res.writableFinished;
      if (!complete) clientGone.abort();
      this.hung.delete(res);
      stats.finish(entry, complete ? res.statusCode : undefined, !complete && !serverCut);
    });

    try {
      const fault = faults.takeRequestFault(entry.route);
      if (fault?.type === 'hang') {
        entry.fault = 'hang';
        this.hung.add(res);
        req.resume();
        return;
      }
      if (faults.latencyMs > 0) {
        entry.fault = entry.fault ?? 'latency';
        await delay(faults.latencyMs, clientGone.signal);
      }
      if (fault?.type === 'status') {
        entry.fault = fault.label;
        const headers: Record<string, string> = fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {};
        if (fault.status === 429) throw new HttpError(429, 'Too many API requests', headers);
        return this.sendEdgeError(res, fault.status, headers);
      }
      if (route === undefined) throw new HttpError(404, 'Not Found');
      if (route === 'method-not-allowed') throw new HttpError(405, 'Method Not Allowed');
      if (!auth.ok) throw new HttpError(401, 'Invalid API Key');
      const rate = limiter.check(auth.key, Date.now());
      if (!rate.allowed) {
        entry.fault = 'rate-limit';
        throw new HttpError(
          429,
          'Too many API requests',
          rate.retryAfter ? { 'Retry-After': rate.retryAfter } : {},
        );
      }
      const version = req.headers['api-version'];
      if (version === undefined)
        throw new HttpError(settings.apiVersionErrorStatus, 'Missing required header: api-version');
      if (String(version).trim().toLowerCase() !== 'v1') {
        throw new HttpError(settings.apiVersionErrorStatus, `Unsupported api-version: ${String(version)}`);
      }
      if (auth.role === 'read-limited') {
        const verb = route.name === 'search' ? 'search' : 'view';
        throw new HttpError(settings.permissionDeniedStatus, `Not authorized to ${verb} computers`);
      }
      const expand = url.searchParams.getAll('expand');
      for (const value of expand) {
        if (!isExpandValue(value)) throw new HttpError(400, `Invalid expand value: ${value}`);
      }
      entry.expand = expand;
      const view: ViewOptions = {
        keys: expandKeys(expand),
        overrides: parseBool(url.searchParams.get('overrides')),
      };
      if (route.name === 'describe') return this.describe(res, route.id ?? '', view);
      if (route.name === 'list')
        return await this.list(res, view, entry, clientGone.signal, () => (serverCut = true));
      const body = await readJsonBody(req);
      return await this.search(res, body, view, entry, clientGone.signal, () => (serverCut = true));
    } catch (err) {
      if (clientGone.signal.aborted || res.headersSent) {
        if (!res.writableEnded) res.destroy();
        return;
      }
      if (err instanceof HttpError) return sendJson(res, err.status, { message: err.message }, err.headers);
      if (err instanceof SearchError) return sendJson(res, 400, { message: err.message });
      return sendJson(res, 500, { message: 'Internal Server Error' });
    }
  }

  private sendEdgeError(res: ServerResponse, status: number, headers: Record<string, string>): void {
    // A load balancer in front of the service answers 502/503 with HTML, not the API's JSON.
    if (status === 502 || status === 503 || status === 504) {
      const text =
        status === 502
          ? 'Bad Gateway'
          : status === 503
            ? 'Service Temporarily Unavailable'
            : 'Gateway Time-out';
      const body = `<html><head><title>${status} ${text}</title></head><body><center><h1>${status} ${text}</h1></center></body></html>\n`;
      res.writeHead(status, {
        'Content-Type': 'text/html',
        'Content-Length': Buffer.byteLength(body),
        ...headers,
      });
      res.end(body);
      return;
    }
    sendJson(res, status, { message: 'Internal Server Error' }, headers);
  }

  private render(id: number, view: ViewOptions, full?: Computer): Computer {
    const { generator } = this.parts;
    if (view.overrides) {
      // With overrides=true the service shows only values set on this computer itself.
      const c: Computer = { ID: id };
      if (view.keys.has('computerSettings')) {
        c.computerSettings = { platformSettingHeartbeatInterval: { value: '5' } };
      }
      return c;
    }
    return full ? project(full, view.keys) : generateComputer(id, generator, view.keys);
  }

  private describe(res: ServerResponse, rawId: string, view: ViewOptions): void {
    const id = /^\d+$/.test(rawId) ? Number(rawId) : NaN;
    if (!Number.isSafeInteger(id)) throw new HttpError(400, `Invalid computer ID: ${rawId}`);
    if (!this.parts.fleet.has(id)) throw new HttpError(404, `Computer ID ${id} not found.`);
    sendJson(res, 200, this.render(id, view));
  }

  private async list(
    res: ServerResponse,
    view: ViewOptions,
    entry: RequestLogEntry,
    signal: AbortSignal,
    onCut: () => void,
  ): Promise<void> {
    const { fleet, faults, settings } = this.parts;
    const corruption = faults.takeCorruption();
    const limit = settings.listLimit;
    if (corruption) {
      const items: string[] = [];
      for (const id of fleet.idsUnordered()) {
        if (items.length >= limit) break;
        items.push(JSON.stringify(this.render(id, view)));
      }
      entry.items = items.length;
      entry.fault = corruption;
      return sendPage(res, items, corruption, onCut);
    }
    // No paging on this endpoint: the whole fleet is streamed, with back-pressure, never built in memory.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let chunk = '{"computers":[';
    let n = 0;
    for (const id of fleet.idsUnordered()) {
      if (n >= limit) break;
      chunk += (n ? ',' : '') + JSON.stringify(this.render(id, view));
      n++;
      if (chunk.length > 64 * 1024) {
        if (!res.write(chunk)) await once(res, 'drain', { signal });
        chunk = '';
      }
      if (n % YIELD_EVERY === 0) await yieldToLoop();
      if (signal.aborted) return;
    }
    entry.items = n;
    res.end(`${chunk}]}`);
  }

  private async search(
    res: ServerResponse,
    body: unknown,
    view: ViewOptions,
    entry: RequestLogEntry,
    signal: AbortSignal,
    onCut: () => void,
  ): Promise<void> {
    const { fleet, faults, generator, settings } = this.parts;
    const filter = parseSearchFilter(body, settings.limits);
    Object.assign(entry, {
      afterId: filter.idAfter,
      maxItems: filter.maxItems,
      sortByObjectID: filter.sortByObjectID,
    });
    const items: string[] = [];
    const ids = filter.sortByObjectID ? fleet.idsAfter(filter.idAfter) : fleet.idsUnordered();
    let scanned = 0;
    for (const id of ids) {
      if (items.length >= filter.maxItems) break;
      if (++scanned % YIELD_EVERY === 0) {
        await yieldToLoop();
        if (signal.aborted) return;
      }
      if (id <= filter.idAfter) continue;
      if (id >= filter.idBefore) {
        if (filter.sortByObjectID) break;
        continue;
      }
      if (!matchesId(id, filter.criteria)) continue;
      let full: Computer | undefined;
      if (filter.needsObject) {
        full = generateComputer(id, generator, ALL_KEYS);
        if (!matches(full, filter.criteria)) continue;
      }
      items.push(JSON.stringify(this.render(id, view, full)));
    }
    if (items.length > 0 && filter.sortByObjectID && faults.takeRepeat()) {
      entry.fault = 'repeat-ids';
      items.splice(1, 0, items[0]);
      const boundary = previousLiveId(fleet, filter.idAfter);
      if (boundary !== undefined) items.unshift(JSON.stringify(this.render(boundary, view)));
    }
    entry.items = items.length;
    const corruption = faults.takeCorruption();
    if (corruption) entry.fault = corruption;
    sendPage(res, items, corruption, onCut);
  }
}

interface ViewOptions {
  keys: ReadonlySet<ObjectKey>;
  overrides: boolean;
}

function project(full: Computer, keys: ReadonlySet<ObjectKey>): Computer {
  const out: Computer = {};
  for (const [k, v] of Object.entries(full)) {
    if (v !== null && typeof v === 'object' && !keys.has(k as ObjectKey)) continue;
    out[k] = v;
  }
  return out;
}

function previousLiveId(fleet: FleetStore, atOrBelow: number): number | undefined {
  for (let id = atOrBelow, steps = 0; id >= 1 && steps < 64; id--, steps++) if (fleet.has(id)) return id;
  return undefined;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendPage(
  res: ServerResponse,
  items: string[],
  corruption: CorruptionKind | undefined,
  onCut: () => void,
): void {
  let text: string;
  switch (corruption) {
    case 'invalid-json':
      text = `{"computers":[${items.join(',')},]}`;
      break;
    case 'wrong-shape':
      text = JSON.stringify({ items: items.length, status: 'ok' });
      break;
    case 'missing-id': {
      const first = items.length ? (JSON.parse(items[0]) as Computer) : { hostName: 'orphan' };
      delete first.ID;
      text = `{"computers":[${[JSON.stringify(first), ...items.slice(1)].join(',')}]}`;
      break;
    }
    default:
      text = `{"computers":[${items.join(',')}]}`;
  }
  const bytes = Buffer.from(text);
  if (corruption === 'truncated' || corruption === 'cut-connection') {
    const cut = bytes.subarray(0, Math.max(1, Math.floor(bytes.length * 0.6)));
    const length = corruption === 'truncated' ? cut.length : bytes.length;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': length });
    if (corruption === 'truncated') {
      res.end(cut);
      return;
    }
    onCut();
    res.write(cut, () => res.destroy());
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  res.end(bytes);
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('client gone'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('client gone'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
