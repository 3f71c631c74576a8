import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeApi, FakeApiRequest, FakeApiResponse, FakeApiRoute, StartFakeApiOptions } from './types';

interface CompiledRoute extends FakeApiRoute {
  pattern: RegExp;
  keys: string[];
}

function compile(route: FakeApiRoute): CompiledRoute {
  const keys: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        keys.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, method: route.method.toUpperCase(), pattern: new RegExp(`^${source}/?$`), keys };
}

/**
 * A small HTTP server on 127.0.0.1 with an ephemeral port and route handlers: the vendor API a
 * plugin's tests talk to over real HTTP. Unknown routes answer 404 and a throwing handler 500, both
 * with a `{ message }` body like most vendor APIs.
 */
export async function startFakeApi(options: StartFakeApiOptions = {}): Promise<FakeApi> {
  const routes: CompiledRoute[] = (options.routes ?? []).map(compile);
  const requests: FakeApiRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key] = values.length > 1 ? values : values[0];
    }
    const request: FakeApiRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: decodeURIComponent(url.pathname),
      params: {},
      query,
      headers: req.headers,
      body: parseBody(text),
    };
    requests.push(request);
    let response: FakeApiResponse;
    const route = [...routes]
      .reverse()
      .find((r) => r.method === request.method && r.pattern.test(url.pathname));
    if (!route) {
      response = { status: 404, body: { message: `no route for ${request.method} ${request.path}` } };
    } else {
      const match = route.pattern.exec(url.pathname)!;
      route.keys.forEach((key, i) => (request.params[key] = decodeURIComponent(match[i + 1])));
      try {
        response = await route.handler(request);
      } catch (err) {
        response = { status: 500, body: { message: (err as Error).message } };
      }
    }
    if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
    if (res.destroyed) return;
    const isText = typeof response.body === 'string';
    const payload =
      response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body);
    res.writeHead(response.status ?? 200, {
      ...(payload ? { 'content-type': isText ? 'text/plain' : 'application/json' } : {}),
      ...response.headers,
    });
    res.end(payload);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: err.message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const api: FakeApi = {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    requests,
    route(method, path, handler) {
      routes.push(compile({ method, path, handler }));
      return api;
    },
    reset() {
      requests.length = 0;
    },
    stop() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return api;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
