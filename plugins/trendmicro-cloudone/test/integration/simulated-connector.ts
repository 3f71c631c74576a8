// Helpers shared by the integration suites: a connector configured against a running simulator,
// wired through the real framework container (testkit host), with pages collected over real HTTP.
import type { Clock, CollectedPage, HttpClientFactory } from '@connectors/framework';
import type { SimulatorHandle } from '@connectors/cloudone-simulator';
import {
  createTestHost,
  IMMEDIATE_DEMAND,
  loadPlugin,
  type LoadedPlugin,
  type TestConnector,
  type TestHost,
} from '@connectors/testkit';
import type { Subscription } from 'rxjs';
import type { CloudOneConfig } from '../../src';
import type { ComputerDto } from '../../src/internal-types';

let plugin: Promise<LoadedPlugin> | undefined;

export function cloudOnePlugin(): Promise<LoadedPlugin> {
  plugin ??= loadPlugin(__dirname);
  return plugin;
}

/** Fast retries for tests: real backoff shape, milliseconds instead of seconds. */
const FAST_RETRIES = { retryBaseDelayMs: 5, retryMaxDelayMs: 200, requestTimeoutSeconds: 2 };

export interface Simulated {
  host: TestHost;
  connector: TestConnector<CloudOneConfig>;
}

export async function connectTo(
  sim: SimulatorHandle,
  config: Record<string, unknown> = {},
  options: { clock?: Clock; httpClientFactory?: HttpClientFactory } = {},
): Promise<Simulated> {
  const host = createTestHost({ clock: options.clock, httpClientFactory: options.httpClientFactory });
  const connector = host.instantiate<CloudOneConfig>(await cloudOnePlugin(), {
    apiUrl: sim.baseUrl,
    apiKey: sim.apiKey,
    ...FAST_RETRIES,
    ...config,
  });
  return { host, connector };
}

export interface Collected {
  pages: CollectedPage<ComputerDto>[];
  ids: number[];
  error?: Error;
}

/**
 * Collects every page (or until the stream fails), calling `onPage` synchronously for each, before
 * the next page is requested: the place to change the simulator mid-crawl.
 */
export function collect(
  connector: TestConnector<CloudOneConfig>,
  onPage?: (page: CollectedPage<ComputerDto>, sub: () => Subscription | undefined) => void,
): Promise<Collected> {
  return new Promise((resolve) => {
    const out: Collected = { pages: [], ids: [] };
    let sub: Subscription | undefined = undefined;
    sub = connector.connector.collect(connector.collectContext({ demand: IMMEDIATE_DEMAND })).subscribe({
      next: (p) => {
        const page = p as CollectedPage<ComputerDto>;
        out.pages.push(page);
        for (const c of page.items) out.ids.push(c.ID);
        onPage?.(page, () => sub);
      },
      error: (error: Error) => resolve({ ...out, error }),
      complete: () => resolve(out),
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
