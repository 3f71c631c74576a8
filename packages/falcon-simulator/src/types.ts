/** A host as the Falcon hosts API returns it (the fields this simulator generates). */
export interface FalconDevice {
  device_id: string;
  cid: string;
  hostname: string;
  local_ip: string;
  external_ip: string;
  mac_address: string;
  platform_name: 'Windows' | 'Mac' | 'Linux';
  os_version: string;
  os_build?: string;
  kernel_version?: string;
  agent_version: string;
  first_seen: string;
  last_seen: string;
  modified_timestamp: string;
  status: ContainmentStatus;
  product_type_desc: string;
  system_manufacturer: string;
  system_product_name: string;
  serial_number: string;
  service_provider?: string;
  instance_id?: string;
  tags: string[];
  groups: string[];
  device_policies: Record<string, { policy_type: string; policy_id: string; applied: boolean }>;
  reduced_functionality_mode: 'yes' | 'no';
  host_hidden_status: 'visible';
}

export type ContainmentStatus = 'normal' | 'containment_pending' | 'contained' | 'lift_containment_pending';

/** An API client: its credentials and the scopes it was granted. */
export interface SimulatorClient {
  clientId: string;
  clientSecret: string;
  /** Default both: `hosts:read` (query and details) and `hosts:write` (actions). */
  scopes?: Array<'hosts:read' | 'hosts:write'>;
}

export type RouteName = 'token' | 'scroll' | 'details' | 'actions';

export interface FalconSimulatorOptions {
  /** Hosts in the generated fleet (0 to 1,000,000; default 100). */
  hosts?: number;
  seed?: number | string;
  port?: number;
  host?: string;
  /** The main client (default: a fresh id and secret). */
  clientId?: string;
  clientSecret?: string;
  /** More clients, e.g. one with `scopes: ['hosts:read']`. */
  clients?: SimulatorClient[];
  /** Lifetime of an access token (default 1799 s, as the vendor). */
  tokenTtlSeconds?: number;
  /** Idle time after which a scroll pointer expires (default 120,000 ms, as the vendor). */
  scrollTtlMs?: number;
  /** Time a host spends in a pending containment state (default 1000 ms). */
  containmentDelayMs?: number;
  /** Requests per client per minute before 429 (0 = off; default 6000). */
  rateLimitPerMinute?: number;
  /** Reference time of `last_seen` values (default: start of the current UTC day). */
  baseTimeMs?: number;
}

export interface FaultScope {
  /** Only requests to this route take the fault (default: any route). */
  route?: RouteName;
}

/** Faults switched on at run time; each `…Next(n)` applies to the next n matching requests. */
export interface FalconFaults {
  rateLimitNext(count: number, options?: FaultScope & { retryAfterSeconds?: number }): void;
  failNext(count: number, options?: FaultScope & { statuses?: number[] }): void;
  hangNext(count: number, options?: FaultScope): void;
  /** The next n scroll or details answers are cut JSON. */
  malformNext(count: number, options?: FaultScope): void;
  /** Every issued token stops working (401) until a new one is requested. */
  revokeTokens(): void;
  /** Every open scroll pointer expires now. */
  expireScrolls(): void;
  /** Adds hosts at the end of the fleet; returns their device ids. */
  addHosts(count: number, overrides?: { hostname?: string }): string[];
  /** Removes hosts; returns how many existed. */
  removeHosts(deviceIds: readonly string[]): number;
  reset(): void;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  route?: RouteName;
  status: number;
}

export interface FalconSimulatorHandle {
  baseUrl: string;
  port: number;
  clientId: string;
  clientSecret: string;
  faults: FalconFaults;
  requests: RequestLogEntry[];
  /** Current devices by id (with their containment status now). */
  device(deviceId: string): FalconDevice | undefined;
  /** Device ids of the current fleet, in fleet order. */
  deviceIds(): string[];
  /** How many tokens were issued so far. */
  readonly tokensIssued: number;
  stop(): Promise<void>;
}
