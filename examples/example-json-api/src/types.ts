import type { ResolvedConfig, Secret } from '@connectors/framework';

/** The resolved config (see `configSchema` in connector.json). */
export interface ExampleJsonApiConfig extends ResolvedConfig {
  /** https base URL without trailing slash. */
  baseUrl: string;
  apiKey: Secret;
  /** Events per page (default 100). */
  pageSize: number;
}

/** One event as the API returns it. */
export interface ExampleEvent {
  id: string;
  time?: string;
  type?: string;
  severity?: string;
  host?: string;
  ip?: string;
  user?: string;
  message?: string;
}
