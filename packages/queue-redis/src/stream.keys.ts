import type { StreamKeys } from './types';

/**
 * The keys of one queue. The name is wrapped in a hash tag (`{name}`) unless it already holds one,
 * so the stream, its dead letters and its byte counter land in the same Redis Cluster slot (the
 * scripts touch them together).
 */
export function streamKeys(name: string): StreamKeys {
  const tagged = /\{[^}]+\}/.test(name) ? name : `{${name}}`;
  return { stream: `${tagged}:records`, dead: `${tagged}:dead`, bytes: `${tagged}:bytes` };
}

/**
 * The default naming: one stream per tenant, so one tenant's slow ingestion holds back only that
 * tenant's collection. Pass a connector id too to isolate connectors of the same tenant.
 */
export function tenantStreamName(tenant: string, connectorId?: string): string {
  return connectorId ? `connectors:${tenant}:${connectorId}` : `connectors:${tenant}`;
}
