import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { generateComputer, type GeneratorContext } from './generator/computer.generator';
import { expandKeys, isExpandValue } from './generator/expand';
import { FleetStore } from './generator/fleet.store';
import { seedOf } from './generator/prng';
import { Faults } from './faults/fault.controller';
import { SlidingWindowRateLimiter } from './faults/rate-limiter';
import { generateCloudOneKey, KeyRing } from './server/api-key.auth';
import { RequestCounter } from './server/request.stats';
import { SimulatorRequestHandler } from './server/simulator.server';
import type { FleetView, SimulatorHandle, SimulatorOptions } from './types';

export const MAX_COMPUTERS = 1_000_000;

/**
 * A self-signed certificate for localhost/127.0.0.1 shipped with the simulator (its key is public:
 * tests only). `ca` is the certificate itself, for the client side to trust.
 */
export function localhostTls(): { key: Buffer; cert: Buffer; ca: Buffer } {
  const dir = path.resolve(__dirname, '..', '..', 'tls');
  const cert = readFileSync(path.join(dir, 'localhost.cert.pem'));
  return { key: readFileSync(path.join(dir, 'localhost.key.pem')), cert, ca: cert };
}

function startOfUtcDay(now = Date.now()): number {
  return now - (now % 86_400_000);
}

/** Starts the Cloud One Workload Security API simulator on `host:port` (an ephemeral port by default). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const computers = options.computers ?? 100;
  if (!Number.isInteger(computers) || computers < 0 || computers > MAX_COMPUTERS) {
    throw new RangeError(`computers must be an integer from 0 to ${MAX_COMPUTERS} (got ${computers})`);
  }
  const seed = seedOf(options.seed);
  const generator: GeneratorContext = { seed, baseTimeMs: options.baseTimeMs ?? startOfUtcDay() };
  const fleet = new FleetStore(computers, seed);
  const apiKey = options.apiKey ?? generateCloudOneKey();
  const keys = new KeyRing(options.strictKeySchemes ?? true);
  keys.add(apiKey, 'full');
  for (const key of options.apiKeys ?? []) keys.add(key, 'full');
  if (options.legacyApiKey) keys.add(options.legacyApiKey, 'full');
  if (options.readLimitedApiKey) keys.add(options.readLimitedApiKey, 'read-limited');
  const rate = {
    perMinute: options.rateLimitPerMinute ?? 500,
    windowMs: options.rateLimitWindowMs ?? 60_000,
    retryAfter: options.retryAfter ?? 'none',
  };
  const limiter = new SlidingWindowRateLimiter({ ...rate });
  const faults = new Faults(limiter, fleet, { rate, latencyMs: options.latencyMs ?? 0 });
  const stats = new RequestCounter();
  const handler = new SimulatorRequestHandler({
    fleet,
    generator,
    keys,
    limiter,
    faults,
    stats,
    settings: {
      limits: { maxItemsCap: options.maxItemsCap ?? 5000, overCap: options.maxItemsOverCap ?? 'clamp' },
      listLimit: options.listLimit ?? Number.POSITIVE_INFINITY,
      apiVersionErrorStatus: options.apiVersionErrorStatus ?? 400,
      permissionDeniedStatus: options.permissionDeniedStatus ?? 403,
    },
  });

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    // handle() answers every failure itself (an error status or a destroyed socket); it never rejects.
    void handler.handle(req, res);
  };
  const server: Server = options.tls
    ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createServer(listener);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const view: FleetView = {
    get size() {
      return fleet.size;
    },
    get maxId() {
      return fleet.maxId;
    },
    has: (id) => fleet.has(id),
    ids: (afterId) => fleet.idsAfter(afterId ?? 0),
    computer: (id, expand) => {
      if (!fleet.has(id)) return undefined;
      const values = (expand ?? []).filter(isExpandValue);
      return generateComputer(id, generator, expandKeys(values));
    },
  };

  let stopping: Promise<void> | undefined;
  return {
    baseUrl: `${options.tls ? 'https' : 'http'}://${urlHost}:${port}/api`,
    host,
    port,
    apiKey,
    legacyApiKey: options.legacyApiKey,
    readLimitedApiKey: options.readLimitedApiKey,
    faults,
    requests: stats,
    fleet: view,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        for (const res of handler.hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
