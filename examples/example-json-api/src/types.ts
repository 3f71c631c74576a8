import type { ResolvedConfig, Secret } from '@connectors/framework';

/** The resolved config (see `configSchema` in connector.json). */
export interface ExampleJsonApiConfig extends ResolvedConfig {
  /** https base URL without trailing slash. */
  baseUrl: string;
  apiKey: Secret;
  /** Events per page (default 100). */
  pageSize: number;
}

/** One event as the API returns it: an id, and text fields that may be missing. */
export type ExampleJsonApiEvent = { id: string } & Partial<Record<EventField, string>>;
type EventField = 'time' | 'type' | 'severity' | 'host' | 'ip' | 'user' | 'message';

/** A page of `GET /v1/events`. */
export type EventsPage = { events: ExampleJsonApiEvent[]; nextPage: number | null };
