import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { MemoryQueue } from '@connectors/queue-memory';
import { ConnectorHost } from '../../src/host';
import type { HostOptions } from '../../src/types';
import { ArrayIngest, ArraySink } from './array.ingest';
import { FakeClock } from './fake-clock';
import { writeFakePlugin } from './plugin.fixture';

export interface TestHostContext {
  host: ConnectorHost;
  clock: FakeClock;
  queue: MemoryQueue;
  sink: ArraySink;
  dataDir: string;
  pluginDirs: string[];
  cleanup(): Promise<void>;
}

const TEST_SECRET_KEY = randomBytes(32).toString('base64');

/** A host on a temp data dir, a fake clock, the fake plugin, an in-memory queue and an array "lake". */
export async function openTestHost(
  overrides: Partial<HostOptions> = {},
  shared?: { dataDir: string; pluginDirs: string[]; clock: FakeClock; queue?: MemoryQueue; sink?: ArraySink },
): Promise<TestHostContext> {
  const plugin = shared ? undefined : writeFakePlugin();
  const dataDir = shared?.dataDir ?? mkdtempSync(path.join(tmpdir(), 'host-data-'));
  const clock = shared?.clock ?? new FakeClock();
  const queue = shared?.queue ?? new MemoryQueue({ maxEntries: 1_000 });
  const sink = shared?.sink ?? new ArraySink();
  const pluginDirs = shared?.pluginDirs ?? plugin!.pluginDirs;
  const host = await ConnectorHost.open({
    dataDir,
    pluginDirs,
    clock,
    secretKey: TEST_SECRET_KEY,
    // The array "lake" is shared by every test host of a context: a shared lake (HostOptions.sharedLake).
    sharedLake: true,
    backends: {
      openQueue: async () => queue,
      createIngest: async (q, consumer) => new ArrayIngest(q, consumer, sink),
    },
    ...overrides,
  });
  return {
    host,
    clock,
    queue,
    sink,
    dataDir,
    pluginDirs,
    cleanup: async () => {
      await host.close();
      if (!shared) {
        plugin?.cleanup();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** A tenant and a fake connector on the data processor in the default profile. */
export async function createFakeConnector(
  host: ConnectorHost,
  options: {
    name?: string;
    tenant?: string;
    config?: Record<string, unknown>;
    profile?: string | null;
    filters?: string[];
    runOn?: string;
  } = {},
) {
  const tenant = options.tenant ?? 'acme';
  await host.inventory.createTenant(tenant);
  return host.connectors.create({
    plugin: 'fake-inventory',
    name: options.name ?? 'fake one',
    tenant,
    runOn: options.runOn ?? 'dp',
    ...(options.profile === null ? {} : { profile: options.profile ?? 'default' }),
    filters: options.filters,
    config: { apiKey: 'k-123456', count: 12, pageSize: 5, ...options.config },
  });
}
