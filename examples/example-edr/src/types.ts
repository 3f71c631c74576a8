import type { ResolvedConfig, Secret } from '@connectors/framework';

/** The resolved config (see `configSchema` in connector.json). */
export interface ExampleEdrConfig extends ResolvedConfig {
  /** https base URL without trailing slash. */
  baseUrl: string;
  apiKey: Secret;
  /** Hosts per page (default 100). */
  pageSize: number;
}
