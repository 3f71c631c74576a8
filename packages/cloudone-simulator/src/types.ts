import type { Computer } from './generator/computer.generator';

export type { Computer };

/** How a 429 carries `Retry-After`: not at all (the documented default), the time until the window frees a call, or fixed seconds. */
export type RetryAfterMode = 'none' | 'window' | number;

export interface SimulatorOptions {
  /** Computers in the fleet (0 to 1,000,000); default 100. They are generated on demand, never held. */
  computers?: number;
  /** Seed of the generated data; the same seed gives the same fleet. Default 1. */
  seed?: number | string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted under `Authorization: ApiKey …` when Cloud One-shaped. Default: a fresh Cloud One-shaped key. */
  apiKey?: string;
  /**
   * More keys with full access, e.g. one per tenant when many connectors share one simulator (each key
   * gets its own rate window, as separate accounts do). Optional.
   */
  apiKeys?: readonly string[];
  /** A legacy key (accepted under `api-secret-key`); optional. */
  legacyApiKey?: string;
  /** A key that authenticates but may not view computers (403 `Not authorized to …`); optional. */
  readLimitedApiKey?: string;
  /** Calls per key in the sliding window before 429; default 500, 0 turns the limit off. */
  rateLimitPerMinute?: number;
  /** Length of the sliding window in ms; default 60 000 (tests shrink it). */
  rateLimitWindowMs?: number;
  /** `Retry-After` on rate-limit answers; default `none`. */
  retryAfter?: RetryAfterMode;
  /** Largest `maxItems` served; default 5000. */
  maxItemsCap?: number;
  /** What a larger `maxItems` gets: clamped to the cap (default) or a 400. */
  maxItemsOverCap?: 'clamp' | 'error';
  /** Most computers `GET /computers` returns; default unlimited (the endpoint has no paging). */
  listLimit?: number;
  /** Status when `api-version` is missing or unknown; default 400. */
  apiVersionErrorStatus?: number;
  /** Status for a key without permission; default 403. */
  permissionDeniedStatus?: number;
  /** Latency added to every request, ms; default 0. */
  latencyMs?: number;
  /** "Now" for generated timestamps (epoch ms); default the start of the current UTC day. */
  baseTimeMs?: number;
  /**
   * Accept a key only under the header its shape belongs to (Cloud One `tmc…` → `Authorization: ApiKey`,
   * legacy GUID or DSM `2:` keys → `api-secret-key`), as the service does. Keys of no known shape are
   * accepted under either. Default true.
   */
  strictKeySchemes?: boolean;
  /** Serve HTTPS with this key and certificate (see `localhostTls()`); default plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export type RouteName = 'list' | 'describe' | 'search' | 'other';

export interface FaultScope {
  /** Only requests to this route consume the fault; default any request. */
  route?: RouteName;
}

/** How the next page(s) are broken. */
export type CorruptionKind =
  /** Complete response, invalid JSON (a trailing comma in the array). */
  | 'invalid-json'
  /** Body cut at 60% with a Content-Length that matches the cut body. */
  | 'truncated'
  /** Content-Length of the whole body, 60% written, then the connection is dropped. */
  | 'cut-connection'
  /** Valid JSON without a `computers` array. */
  | 'wrong-shape'
  /** A computer without its `ID`. */
  | 'missing-id';

/** Faults switchable while the simulator runs. "Next N" faults are consumed one per request, in order. */
export interface FaultController {
  /** Changes the per-key rate limit; 0 turns it off. */
  setRateLimit(perMinute: number, options?: { windowMs?: number; retryAfter?: RetryAfterMode }): void;
  /** The next `count` requests get 429 whatever the rate (a storm); optional fixed Retry-After seconds. */
  rateLimitNext(count: number, options?: FaultScope & { retryAfterSeconds?: number }): void;
  /** The next `count` requests fail with these statuses in turn (default 500, 502, 503). */
  failNext(count: number, options?: FaultScope & { statuses?: number[]; retryAfterSeconds?: number }): void;
  /** Latency added to every request from now on, ms. */
  setLatency(ms: number): void;
  /** The next `count` requests are never answered (until the client gives up or the simulator stops). */
  hangNext(count: number, options?: FaultScope): void;
  /** The next `count` pages (search or list responses) are corrupted this way. */
  corruptNext(count: number, kind: CorruptionKind): void;
  /** The next `count` search pages repeat IDs: the previous page's last computer again, and their first one twice. */
  repeatIdsNext(count: number): void;
  /** Adds computers after the largest ID (as new registrations do); returns their IDs. */
  addComputers(count: number): number[];
  /** Deletes computers; returns how many existed. */
  deleteComputers(ids: readonly number[]): number;
  /** Pending faults that have not fired yet. */
  pending(): number;
  /** Clears pending faults and latency and restores the rate limit the simulator started with. */
  reset(): void;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  route: RouteName;
  /** Final status; undefined while in flight, for hung requests and when the client went away first. */
  status?: number;
  /** Header scheme the request used. */
  auth: 'apiKey' | 'legacy' | 'none';
  /** Search only: the exclusive ID lower bound and the page size asked for. */
  afterId?: number;
  maxItems?: number;
  sortByObjectID?: boolean;
  expand?: string[];
  /** Computers in the answer. */
  items?: number;
  /** The client closed the connection before the answer was complete. */
  aborted?: boolean;
  /** A fault that shaped this answer (`429`, `5xx`, `hang`, `latency`, a corruption kind, `repeat-ids`). */
  fault?: string;
}

export interface RequestStats {
  readonly total: number;
  readonly inFlight: number;
  /** Requests whose client went away before the answer was complete. */
  readonly aborted: number;
  count(route?: RouteName): number;
  countStatus(status: number, route?: RouteName): number;
  byRoute(): Record<RouteName, number>;
  byStatus(): Record<string, number>;
  /** The most recent requests (up to 10 000), oldest first. */
  readonly log: readonly RequestLogEntry[];
  reset(): void;
}

export interface FleetView {
  /** Live computers now. */
  readonly size: number;
  readonly maxId: number;
  has(id: number): boolean;
  /** Live IDs above `afterId`, ascending, lazily. */
  ids(afterId?: number): IterableIterator<number>;
  /** A computer as the API would return it, with these expand values (default all). */
  computer(id: number, expand?: readonly string[]): Computer | undefined;
}

export interface SimulatorHandle {
  /** e.g. `http://127.0.0.1:PORT/api`. */
  readonly baseUrl: string;
  readonly host: string;
  readonly port: number;
  readonly apiKey: string;
  readonly legacyApiKey?: string;
  readonly readLimitedApiKey?: string;
  readonly faults: FaultController;
  readonly requests: RequestStats;
  readonly fleet: FleetView;
  stop(): Promise<void>;
}
