import { readFileSync } from 'node:fs';
import path from 'node:path';
import { toConnectorError, type Clock, type Logger } from '@connectors/framework/engine';
import { COLLECTIONS } from '../registry/collections';
import type { HostStore } from '../store/host-store';
import type { HostRecord, HostView } from '../types';

/** A heartbeat older than this means the host is gone (a third of it is the heartbeat period). */
const DEFAULT_HOST_TTL_MS = 15_000;
/** Records of hosts not seen for this long are removed by the live hosts' heartbeats. */
export const HOST_RECORD_RETENTION_MS = 24 * 3_600_000;

/** The version of this package, shown by `connectors hosts`. */
export const HOST_VERSION: string = (() => {
  try {
    // dist/src/cluster → the package root.
    const file = path.join(__dirname, '..', '..', '..', 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();

/**
 * The hosts of a store (one Redis, or one embedded data directory) as their heartbeats describe them.
 * Liveness is judged on the reader's clock against the writer's `lastSeenAt`, so hosts sharing a Redis
 * need clocks within a few seconds of each other (NTP); the TTL is several heartbeat periods.
 */
export class HostDirectory {
  constructor(
    private readonly store: HostStore,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<HostView[]> {
    const now = this.clock.now();
    return (await this.store.list<HostRecord>(COLLECTIONS.hosts))
      .map(({ value }) => ({ ...value, alive: isAlive(value, now) }))
      .sort((a, b) => a.hostId.localeCompare(b.hostId));
  }

  async live(): Promise<HostView[]> {
    return (await this.list()).filter((h) => h.alive);
  }

  async beat(record: HostRecord): Promise<void> {
    await this.store.put(COLLECTIONS.hosts, record.hostId, record);
  }

  async remove(hostId: string): Promise<void> {
    await this.store.delete(COLLECTIONS.hosts, hostId);
  }

  /** Drops the records of hosts not seen for `HOST_RECORD_RETENTION_MS`. */
  async prune(): Promise<void> {
    const now = this.clock.now();
    for (const { key, value } of await this.store.list<HostRecord>(COLLECTIONS.hosts))
      if (now - value.lastSeenAt > HOST_RECORD_RETENTION_MS) await this.store.delete(COLLECTIONS.hosts, key);
  }
}

function isAlive(record: Pick<HostRecord, 'lastSeenAt' | 'ttlMs'>, now: number): boolean {
  return now - record.lastSeenAt <= record.ttlMs;
}

export interface HeartbeatOptions {
  directory: HostDirectory;
  clock: Clock;
  logger: Logger;
  ttlMs?: number;
  /** The record's current content (runs in progress change between beats). */
  describe(): Omit<HostRecord, 'lastSeenAt' | 'ttlMs'>;
}

/**
 * Writes this host's record every third of the TTL until stopped; a failed write (store unreachable)
 * is logged and retried at the next period. `stop()` removes the record: a stopped host is not listed.
 */
export class Heartbeat {
  readonly ttlMs: number;
  private readonly stopped = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly options: HeartbeatOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_HOST_TTL_MS;
  }

  /** Writes the first beat (so the host is listed when start returns), then beats in the background. */
  async start(): Promise<void> {
    await this.beat();
    await this.options.directory.prune().catch(() => undefined);
    this.loop = (async () => {
      for (;;) {
        try {
          await this.options.clock.sleep(Math.max(1, Math.floor(this.ttlMs / 3)), this.stopped.signal);
        } catch {
          return;
        }
        await this.beat().catch((err) =>
          this.options.logger.warn({ err: toConnectorError(err) }, 'heartbeat failed; retrying'),
        );
      }
    })();
  }

  async beat(): Promise<void> {
    await this.options.directory.beat({
      ...this.options.describe(),
      lastSeenAt: this.options.clock.now(),
      ttlMs: this.ttlMs,
    });
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await this.loop;
    await this.options.directory.remove(this.options.describe().hostId).catch(() => undefined);
  }
}
