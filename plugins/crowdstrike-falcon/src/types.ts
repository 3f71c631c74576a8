import type { ResolvedConfig, Secret } from '@connectors/framework';

/** The Falcon clouds and their API base URLs (docs/vendors/crowdstrike-falcon-api.md). */
export const FALCON_CLOUDS = {
  'us-1': 'https://api.crowdstrike.com',
  'us-2': 'https://api.us-2.crowdstrike.com',
  'eu-1': 'https://api.eu-1.crowdstrike.com',
  'us-gov-1': 'https://api.laggar.gcw.crowdstrike.com',
  'us-gov-2': 'https://api.us-gov-2.crowdstrike.mil',
} as const;

export type FalconCloud = keyof typeof FALCON_CLOUDS;

/** The resolved config (see `configSchema` in connector.json). */
export interface FalconConfig extends ResolvedConfig {
  cloud: FalconCloud;
  /** The API base URL: `baseUrl` when set, else the cloud's; https, no trailing slash. */
  baseUrl: string;
  clientId: string;
  clientSecret: Secret;
  interval: number;
  contentTypes: string[];
  pageSize: number;
}
